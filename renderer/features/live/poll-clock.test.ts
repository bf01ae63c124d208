import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageVisibility } from './page-visibility';
import { PollClock } from './poll-clock';

/** A page whose visibility the test sets. */
function stagedPage(visible: boolean): PageVisibility & { show(shown: boolean): void } {
  const listeners = new Set<() => void>();
  return {
    isVisible: () => visible,
    onVisibilityChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    show(shown) {
      visible = shown;
      for (const listener of [...listeners]) listener();
    },
  };
}

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

  it('aligned to a clock, reads once-a-second figures just after each of its whole seconds, all in one tick', () => {
    const clock = new PollClock(250);
    // The session clock stands 130 ms past a second when the screen opens.
    const sessionOffset = 7_130 - Date.now();
    const sessionMs = () => Date.now() + sessionOffset;
    const perSecond: number[] = [];
    const quarterly: number[] = [];
    clock.every(1000, () => perSecond.push(sessionMs()));
    clock.every(1000, () => perSecond.push(-sessionMs()));
    clock.every(250, () => quarterly.push(sessionMs()));
    clock.alignTo(sessionMs);
    vi.advanceTimersByTime(2_000);
    expect(quarterly).toEqual([7_254, 7_504, 7_754, 8_004, 8_254, 8_504, 8_754, 9_004]);
    expect(perSecond).toEqual([8_004, -8_004, 9_004, -9_004]);
  });

  it('follows its clock when it jumps (a corrected T0), and ticks on its own again once let go', () => {
    const clock = new PollClock(250);
    let offset = 1_000 - Date.now();
    const sessionMs = () => Date.now() + offset;
    const seen: number[] = [];
    clock.every(1000, () => seen.push(sessionMs()));
    const undo = clock.alignTo(sessionMs);
    vi.advanceTimersByTime(1_010);
    expect(seen).toEqual([2_004]);
    // Moved 300 ms on: the tick after next falls just after its quarter second again.
    offset += 300;
    vi.advanceTimersByTime(1_300);
    expect(seen).toEqual([2_004, 3_004]);
    undo();
    expect(clock.isRunning()).toBe(true);
    const before = seen.length;
    vi.advanceTimersByTime(2_000);
    const after = seen.slice(before);
    expect(after).toHaveLength(2);
    expect((after[1] as number) - (after[0] as number)).toBe(1_000);
  });

  it('does not tick while the page is hidden, and reads everything at once when it shows again', () => {
    const page = stagedPage(true);
    const clock = new PollClock(250, page);
    const reads: string[] = [];
    clock.every(250, () => reads.push('fast'));
    clock.every(1000, () => reads.push('slow'));
    vi.advanceTimersByTime(1000);
    expect(reads).toEqual(['fast', 'fast', 'fast', 'fast', 'slow']);
    page.show(false);
    expect(clock.isRunning()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(reads).toHaveLength(5);
    page.show(true);
    // Both at once, the once-a-second reading too, then the ticks again.
    expect(reads.slice(5)).toEqual(['fast', 'slow']);
    vi.advanceTimersByTime(250);
    expect(reads.slice(7)).toEqual(['fast']);
  });

  it('subscribed while the page is hidden, starts ticking only when it shows', () => {
    const page = stagedPage(false);
    const clock = new PollClock(250, page);
    let reads = 0;
    const stop = clock.every(250, () => (reads += 1));
    expect(clock.isRunning()).toBe(false);
    page.show(true);
    expect(reads).toBe(1);
    expect(clock.isRunning()).toBe(true);
    stop();
    page.show(false);
    page.show(true);
    // Nobody listens: showing the page starts nothing.
    expect(clock.isRunning()).toBe(false);
    expect(reads).toBe(1);
  });
});
