import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionClock } from './session-clock';

function fakeMonotonic(startMs: number) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

describe('SessionClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at 0 and follows the monotonic clock', () => {
    const monotonic = fakeMonotonic(123_456.7);
    const clock = SessionClock.startingNow(monotonic.now);
    expect(clock.now()).toBe(0);
    monotonic.advance(1500);
    expect(clock.now()).toBe(1500);
    monotonic.advance(3 * 3_600_000);
    expect(clock.now()).toBe(3 * 3_600_000 + 1500);
  });

  it('does not move when the wall clock jumps', () => {
    vi.useFakeTimers({ now: new Date('2026-11-21T09:30:00Z') });
    const monotonic = fakeMonotonic(50);
    const clock = SessionClock.startingNow(monotonic.now);
    monotonic.advance(60_000);
    vi.setSystemTime(new Date('2026-11-21T11:30:00Z'));
    expect(clock.now()).toBe(60_000);
    vi.setSystemTime(new Date('2026-11-20T09:30:00Z'));
    expect(clock.now()).toBe(60_000);
  });

  it('continues from where a resumed session left off', () => {
    const monotonic = fakeMonotonic(9_000_000);
    const clock = SessionClock.resumedAt(monotonic.now, 4_000_000);
    expect(clock.now()).toBe(4_000_000);
    monotonic.advance(2_500);
    expect(clock.now()).toBe(4_002_500);
  });

  it('rounds to whole milliseconds and never goes below 0', () => {
    const monotonic = fakeMonotonic(1000);
    const clock = SessionClock.startingNow(monotonic.now);
    monotonic.advance(0.6);
    expect(clock.now()).toBe(1);
    monotonic.advance(-5000);
    expect(clock.now()).toBe(0);
  });
});
