import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transitionWindow } from './transition-window';

const base = { leadSeconds: 6, tailSeconds: 4 };

describe('transitionWindow', () => {
  it('plays the lead before the crossfade, the crossfade, then the tail of the next piece', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 300, toPlayedSeconds: 240, crossfadeSeconds: 8 });
    // The first piece ends at 300 s; the crossfade starts 8 s earlier, the preview 6 s before that.
    expect(window.fromOffsetSeconds).toBe(286);
    expect(window.crossfadeAtSeconds).toBe(6);
    expect(window.crossfadeSeconds).toBe(8);
    expect(window.endAtSeconds).toBe(18);
  });

  it('caps the crossfade at half of the shorter piece, as a session plays it', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 300, toPlayedSeconds: 10, crossfadeSeconds: 8 });
    expect(window.crossfadeSeconds).toBe(5);
    // The tail is what is left of the next piece after the crossfade.
    expect(window.endAtSeconds - window.crossfadeAtSeconds).toBe(5 + 4);
  });

  it('starts a short first piece at its beginning', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 9, toPlayedSeconds: 120, crossfadeSeconds: 8 });
    expect(window.crossfadeSeconds).toBe(4.5);
    expect(window.fromOffsetSeconds).toBe(0);
    expect(window.crossfadeAtSeconds).toBe(4.5);
  });

  it('without a crossfade, the next piece starts where the first ends', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 60, toPlayedSeconds: 60, crossfadeSeconds: 0 });
    expect(window.fromOffsetSeconds + window.crossfadeAtSeconds).toBe(60);
    expect(window.endAtSeconds).toBe(window.crossfadeAtSeconds + 4);
  });

  it('always ends the first piece exactly where the crossfade ends and never reads outside either piece', () => {
    const seconds = fc.double({ min: 0, max: 3600, noNaN: true });
    fc.assert(
      fc.property(seconds, seconds, fc.double({ min: 0, max: 60, noNaN: true }), (fromPlayed, toPlayed, crossfade) => {
        const window = transitionWindow({ ...base, fromPlayedSeconds: fromPlayed, toPlayedSeconds: toPlayed, crossfadeSeconds: crossfade });
        expect(window.fromOffsetSeconds).toBeGreaterThanOrEqual(0);
        expect(window.fromOffsetSeconds + window.crossfadeAtSeconds + window.crossfadeSeconds).toBeCloseTo(fromPlayed, 6);
        expect(window.crossfadeSeconds).toBeLessThanOrEqual(Math.min(crossfade, fromPlayed / 2, toPlayed / 2) + 1e-9);
        expect(window.endAtSeconds - window.crossfadeAtSeconds).toBeLessThanOrEqual(toPlayed + 1e-9);
        expect(window.crossfadeAtSeconds).toBeLessThanOrEqual(base.leadSeconds + 1e-9);
      }),
    );
  });
});
