import type { FileSegment } from './playlist';
import type { Decibels } from './units';

export const defaultTargetLufs = -18;
/** ReplayGain 2.0 / EBU practice: keep inter-sample peaks a decibel under full scale. */
export const truePeakCeilingDbtp = -1;
/**
 * A file not yet analysed is assumed to be as loud as modern masters usually are, so an
 * unknown track comes out no louder than its analysed neighbours.
 */
export const assumedUnknownLufs = -11;

export interface TrackGain {
  readonly gainDb: Decibels;
  /** The gain the loudness target asked for was reduced to keep the true peak under the ceiling. */
  readonly limitedByPeak: boolean;
  readonly loudnessKnown: boolean;
}

/** Gain toward the target loudness, with the curator's trim, never pushing the true peak over −1 dBTP. */
export function trackGain(segment: Pick<FileSegment, 'loudness' | 'gainDb'>, targetLufs: number = defaultTargetLufs): TrackGain {
  const trim = segment.gainDb ?? 0;
  if (segment.loudness === undefined) {
    return { gainDb: targetLufs - assumedUnknownLufs + trim, limitedByPeak: false, loudnessKnown: false };
  }
  const wanted = targetLufs - segment.loudness.integratedLufs + trim;
  const allowed = truePeakCeilingDbtp - segment.loudness.truePeakDbtp;
  return { gainDb: Math.min(wanted, allowed), limitedByPeak: allowed < wanted, loudnessKnown: true };
}

/** A quick reading of an untagged file's opening, taken while a session plays (not a whole-file measurement). */
export interface LoudnessEstimate {
  readonly integratedLufs: number;
  readonly truePeakDbtp: number;
  /** How much of the file was read. */
  readonly excerptSeconds: number;
}

/** An opening reads quieter than what follows often enough (a soft intro) that an estimate may raise a track only this much. */
export const maxEstimatedBoostDb = 6;
/** The rest of the file may peak higher than its opening did. */
export const unseenPeakMarginDb = 3;

/**
 * Gain toward the target from an estimate of the file's opening: as `trackGain` would from a
 * measurement, but assuming the unseen rest may peak `unseenPeakMarginDb` higher, and never
 * raising the track more than `maxEstimatedBoostDb` (the curator's trim on top).
 */
export function estimatedTrackGain(segment: Pick<FileSegment, 'gainDb'>, estimate: LoudnessEstimate, targetLufs: number = defaultTargetLufs): TrackGain {
  const trim = segment.gainDb ?? 0;
  const measuredLike = trackGain({ gainDb: 0, loudness: { integratedLufs: estimate.integratedLufs, truePeakDbtp: estimate.truePeakDbtp + unseenPeakMarginDb } }, targetLufs);
  const gainDb = Math.min(measuredLike.gainDb, maxEstimatedBoostDb) + trim;
  return { gainDb, limitedByPeak: measuredLike.limitedByPeak, loudnessKnown: false };
}
