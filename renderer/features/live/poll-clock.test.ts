import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollClock } from './poll-clock';

describe('PollClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('updates readings of different intervals on the same ticks, in one task', () => {
    const clock = new PollClock(250);
    const calls: string[] = [];
    clock.every(250, () => calls.push(`fast@${Date.now()}`));
    clock.every(500, () => calls.push(`slow@${Date.now()}`));
    const start = Date.now();
    vi.advanceTimersByTime(1000);
    const at = (offset: number) => start + offset;
    expect(calls).toEqual([`fast@${at(250)}`, `fast@${at(500)}`, `slow@${at(500)}`, `fast@${at(750)}`, `fast@${at(1000)}`, `slow@${at(1000)}`]);
  });

  it('runs its timer only while someone listens', () => {
    const clock = new PollClock(250);
    const stopA = clock.every(250, () => undefined);
    const stopB = clock.every(1000, () => undefined);
    expect(clock.isRunning()).toBe(true);
    stopA();
    expect(clock.isRunning()).toBe(true);
    stopB();
    expect(clock.isRunning()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a listener that unsubscribes during a tick does not stop the others', () => {
    const clock = new PollClock(250);
    let seen = 0;
    const stop = clock.every(250, () => stop());
    clock.every(250, () => (seen += 1));
    vi.advanceTimersByTime(500);
    expect(seen).toBe(2);
  });
});
