import { describe, expect, it } from 'vitest';
import { assumedUnknownLufs, estimatedTrackGain, maxEstimatedBoostDb, trackGain } from './loudness';

describe('estimatedTrackGain', () => {
  it('brings an untagged file toward the target from its estimate rather than the blind guess', () => {
    const estimate = { integratedLufs: -14, truePeakDbtp: -6, excerptSeconds: 60 };
    expect(estimatedTrackGain({}, estimate, -18).gainDb).toBe(-4);
    expect(trackGain({}, -18).gainDb).toBe(-18 - assumedUnknownLufs);
  });

  it('raises a quiet opening at most 6 dB, since a soft intro may hide a loud piece', () => {
    const gain = estimatedTrackGain({}, { integratedLufs: -40, truePeakDbtp: -30, excerptSeconds: 60 }, -18);
    expect(gain.gainDb).toBe(maxEstimatedBoostDb);
    expect(gain.loudnessKnown).toBe(false);
  });

  it('keeps 3 dB more peak headroom than a whole-file measurement would, for peaks it has not seen', () => {
    // −24 LUFS wants +6 dB; a −8 dBTP opening may peak at −5 later, so only +4 dB keeps −1 dBTP.
    const gain = estimatedTrackGain({}, { integratedLufs: -24, truePeakDbtp: -8, excerptSeconds: 60 }, -18);
    expect(gain.gainDb).toBe(4);
    expect(gain.limitedByPeak).toBe(true);
  });

  it('adds the curator trim on top', () => {
    expect(estimatedTrackGain({ gainDb: -2 }, { integratedLufs: -14, truePeakDbtp: -6, excerptSeconds: 60 }, -18).gainDb).toBe(-6);
  });
});
