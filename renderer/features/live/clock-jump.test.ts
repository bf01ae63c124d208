import { describe, expect, it } from 'vitest';
import { ClockJumpDetector } from './clock-jump';

describe('ClockJumpDetector', () => {
  it('is quiet while the wall clock and the monotonic clock move together, within the threshold', () => {
    const detector = new ClockJumpDetector(2000);
    expect(detector.check(1_000_000, 0)).toBeUndefined();
    expect(detector.check(1_001_000, 1000)).toBeUndefined();
    expect(detector.check(1_003_900, 2000)).toBeUndefined();
  });

  it('names a wall clock that ran ahead (a sleep, a clock set forward) and one set back', () => {
    const detector = new ClockJumpDetector(2000);
    detector.check(1_000_000, 0);
    expect(detector.check(1_000_000 + 3_600_000, 1000)).toEqual({ wallDeltaMs: 3_600_000, monotonicDeltaMs: 1000, driftMs: 3_599_000, likelyCause: 'suspend-or-clock-forward' });
    expect(detector.check(1_000_000, 2000)).toMatchObject({ driftMs: -3_601_000, likelyCause: 'clock-back' });
    // Each jump is told once: the next reading compares with the one after the jump.
    expect(detector.check(1_001_000, 3000)).toBeUndefined();
  });
});
