import type { Seconds } from '../units';

/**
 * When each part of a gapless join happens on the audio clock. The bridge (one AudioBuffer:
 * the outgoing file's last seconds followed by the incoming file's first seconds) is placed so
 * that its seam falls exactly on the join; the media elements hand over to it, and back, by
 * a short crossfade away from the join, where their own timing cannot be heard as a gap.
 */

export interface JoinShape {
  /** The outgoing file's last seconds in the bridge. */
  readonly tailSeconds: Seconds;
  /** The incoming file's first seconds in the bridge. */
  readonly headSeconds: Seconds;
  /** Length of each handover crossfade between a media element and the bridge. */
  readonly handoverSeconds: Seconds;
  /** Time between the bridge's first sample and the handover to it (and the handover back and its last sample). */
  readonly edgeMarginSeconds: Seconds;
}

export const defaultJoinShape: JoinShape = { tailSeconds: 1, headSeconds: 1, handoverSeconds: 0.03, edgeMarginSeconds: 0.25 };

export interface JoinTimes {
  /** When the bridge's first sample would play. */
  readonly bridgeStart: Seconds;
  /** The seam: the outgoing file's last sample ends and the incoming file's first begins. */
  readonly join: Seconds;
  /** The outgoing element fades out and the bridge in, over `handoverSeconds` from here (the join itself for a bridge without a tail). */
  readonly handoverIn: Seconds;
  /** The bridge fades out and the incoming element in, over `handoverSeconds` from here. */
  readonly handoverOut: Seconds;
  /** Length of each handover crossfade (shorter than the shape's for a very short bridge). */
  readonly handoverSeconds: Seconds;
  /** When the bridge's last sample has played. */
  readonly bridgeEnd: Seconds;
}

/**
 * The bridge's seam sits `tailFrames` into it, at the bridge's own sample rate, so the start is
 * counted back from the join in those frames: the seam lands on the join however the rates differ.
 */
export function joinTimes(join: Seconds, tailFrames: number, headFrames: number, bridgeSampleRate: number, shape: JoinShape): JoinTimes {
  const tail = tailFrames / bridgeSampleRate;
  const head = headFrames / bridgeSampleRate;
  // A short bridge shrinks both to a third of its shorter side, so each handover stays strictly inside its half.
  // A bridge without a tail (the start of a crossfade) has only its head to fit them in.
  const sides = tailFrames > 0 ? [tail, head] : [head];
  const margin = Math.min(shape.edgeMarginSeconds, ...sides.map((side) => side / 3));
  const handover = Math.min(shape.handoverSeconds, ...sides.map((side) => side / 3));
  return {
    bridgeStart: join - tail,
    join,
    // Without a tail nothing hands over to the bridge: it sounds from its first sample, the incoming file's.
    handoverIn: tailFrames > 0 ? join - tail + margin : join,
    handoverOut: join + head - margin - handover,
    handoverSeconds: handover,
    bridgeEnd: join + head,
  };
}

export interface BridgeStart {
  /** The AudioBufferSourceNode's start time. */
  readonly when: Seconds;
  /** Seconds into the bridge to start from (a join scheduled late starts its bridge part-way). */
  readonly offset: Seconds;
}

/**
 * How to start the bridge when it is scheduled at `now`: on time if there is room, part-way in
 * if its beginning has passed; undefined when the handover to it would come too late to schedule
 * (`leadSeconds`: how far ahead the audio thread must hear of a change).
 */
export function bridgeStartAt(times: JoinTimes, now: Seconds, leadSeconds: Seconds): BridgeStart | undefined {
  const earliest = now + leadSeconds;
  if (earliest > times.handoverIn) return undefined;
  if (earliest <= times.bridgeStart) return { when: times.bridgeStart, offset: 0 };
  return { when: earliest, offset: earliest - times.bridgeStart };
}

/**
 * The same start moved onto the output's frames. An AudioBufferSourceNode started between two
 * frames (or from between two of its buffer's frames) reads its buffer by linear interpolation
 * at that fraction: a low-pass, −6 dB at 15 kHz for half a frame, a different one for every
 * bridge, since plan times rarely fall on a frame. A bridge (always at the output's rate) moves
 * by less than half a frame instead and plays its samples as they are.
 */
export function onOutputFrames(start: BridgeStart, outputSampleRate: number): BridgeStart {
  const rate = outputSampleRate;
  const when = Math.round(start.when * rate) / rate;
  // The buffer moves with the start, so its music stays where it was to within half a frame.
  const offset = Math.max(0, Math.round((start.offset + when - start.when) * rate) / rate);
  return { when, offset };
}

/**
 * Whether the plan plays the outgoing file to its end, so its last sample meets the join: its
 * planned end inside the file (start trim + planned length) against the file's length less the
 * end trim. A segment cut short by the plan is joined where the plan cuts it, by the elements.
 */
export function playsToItsEnd(plannedEndInFile: Seconds, fileSeconds: Seconds, trimEndSeconds: Seconds, toleranceSeconds = 0.05): boolean {
  return Math.abs(plannedEndInFile - (fileSeconds - trimEndSeconds)) <= toleranceSeconds;
}
