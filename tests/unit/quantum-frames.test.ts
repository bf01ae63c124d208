import { describe, expect, it } from 'vitest';
import { quantumStartFrames } from '../support/quantum-frames';

describe('quantumStartFrames', () => {
  it('keeps frames that were reported right', () => {
    expect(quantumStartFrames([256, 384, 512], [128, 128, 128])).toEqual([256, 384, 512]);
  });

  it('places quanta reported with one stale frame one after another, as they were rendered', () => {
    // As Chromium reported a burst: 2229504 four times, then 2230016.
    const reported = [2229376, 2229504, 2229504, 2229504, 2229504, 2230016];
    expect(quantumStartFrames(reported, reported.map(() => 128))).toEqual([2229376, 2229504, 2229632, 2229760, 2229888, 2230016]);
  });

  it('takes the first start from the latest report when the first ones are stale', () => {
    expect(quantumStartFrames([1000, 1000, 1256], [128, 128, 128])).toEqual([1000, 1128, 1256]);
  });

  it('refuses lists of different lengths', () => {
    expect(() => quantumStartFrames([0, 128], [128])).toThrow(/one reported frame and one length/);
  });
});
