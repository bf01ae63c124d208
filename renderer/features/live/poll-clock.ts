import type { Milliseconds } from '../../../core/units';

export const pollPeriodMs: Milliseconds = 250;

type TickListener = (tick: number) => void;

/**
 * One timer for every reading the live screen polls (clock, time left, level, projection):
 * readings due on the same tick update in one task, so React renders, lays out and paints
 * once for all of them instead of once per reading, and the main thread is busy less often
 * when a mark key is pressed.
 */
export class PollClock {
  private readonly listeners = new Set<TickListener>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private tick = 0;

  constructor(private readonly periodMs: Milliseconds = pollPeriodMs) {}

  /** Calls `listener` every `intervalMs` (rounded to whole periods, at least one), on the shared tick; answers the unsubscribe. */
  every(intervalMs: Milliseconds, listener: () => void): () => void {
    const ticks = Math.max(1, Math.round(intervalMs / this.periodMs));
    const onTick: TickListener = (tick) => {
      if (tick % ticks === 0) listener();
    };
    this.listeners.add(onTick);
    this.timer ??= setInterval(() => {
      this.tick += 1;
      for (const each of [...this.listeners]) each(this.tick);
    }, this.periodMs);
    return () => {
      this.listeners.delete(onTick);
      if (this.listeners.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Whether the shared timer is running (it runs only while someone listens). */
  isRunning(): boolean {
    return this.timer !== undefined;
  }
}

export const livePollClock = new PollClock();
