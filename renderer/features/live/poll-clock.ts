import type { Milliseconds } from '../../../core/units';
import { documentVisibility, type PageVisibility } from './page-visibility';

export const pollPeriodMs: Milliseconds = 250;

/** How long after the aligned clock's quarter second a tick comes: timers fire a little late, never early, but a tick a hair early would read the second before. */
const alignedTickLagMs: Milliseconds = 4;

interface Reader {
  /** Every how many ticks. */
  readonly ticks: number;
  readonly read: () => void;
}

/**
 * One timer for every reading the live screen polls (clock, time left, level, projection):
 * readings due on the same tick update in one task, so React renders, lays out and paints
 * once for all of them instead of once per reading, and the main thread is busy less often
 * when a mark key is pressed.
 *
 * Aligned to a clock (the session's), the ticks fall just after each of its quarter seconds
 * and count them, so every reading polled once a second is read just after each of its whole
 * seconds: the session clock turns over on time, and the other figures of the screen change
 * in the same frame as it (one layout a second, not one per figure).
 *
 * While the page is hidden (minimised, covered, the screen locked) it does not tick: nobody
 * sees the readings, and the session does not depend on them. Shown again, every reading is
 * read at once, then the ticks go on.
 */
export class PollClock {
  private readonly readers = new Set<Reader>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tick = 0;
  private alignedTo: (() => Milliseconds) | undefined;

  constructor(
    private readonly periodMs: Milliseconds = pollPeriodMs,
    private readonly page?: PageVisibility,
  ) {
    page?.onVisibilityChange(() => this.visibilityChanged());
  }

  /** Calls `listener` every `intervalMs` (rounded to whole periods, at least one), on the shared tick; answers the unsubscribe. */
  every(intervalMs: Milliseconds, listener: () => void): () => void {
    const reader: Reader = { ticks: Math.max(1, Math.round(intervalMs / this.periodMs)), read: listener };
    this.readers.add(reader);
    if (this.timer === undefined && this.shown()) this.schedule();
    return () => {
      this.readers.delete(reader);
      if (this.readers.size === 0) this.stop();
    };
  }

  /**
   * Ticks on `clockMs`'s quarter seconds from now on (it must run at the pace of real time), or
   * on a period of its own again with `undefined`; answers the undo.
   */
  alignTo(clockMs: (() => Milliseconds) | undefined): () => void {
    this.alignedTo = clockMs;
    if (this.timer !== undefined) {
      this.stop();
      this.schedule();
    }
    return () => {
      if (this.alignedTo === clockMs) this.alignTo(undefined);
    };
  }

  /** Whether the shared timer is running (it runs only while someone listens and the page is shown). */
  isRunning(): boolean {
    return this.timer !== undefined;
  }

  private schedule(): void {
    const clockMs = this.alignedTo;
    let delay = this.periodMs;
    if (clockMs !== undefined) {
      const now = clockMs();
      const next = (Math.floor(now / this.periodMs) + 1) * this.periodMs;
      delay = next - now + alignedTickLagMs;
    }
    this.timer = setTimeout(() => {
      this.tick = clockMs === undefined ? this.tick + 1 : Math.floor((clockMs() - alignedTickLagMs) / this.periodMs);
      this.schedule();
      for (const reader of [...this.readers]) if (this.tick % reader.ticks === 0) reader.read();
    }, delay);
  }

  private shown(): boolean {
    return this.page?.isVisible() ?? true;
  }

  private visibilityChanged(): void {
    if (!this.shown()) {
      this.stop();
      return;
    }
    if (this.timer !== undefined || this.readers.size === 0) return;
    // Back in view: every reading is brought up to date at once, then the ticks go on.
    this.schedule();
    for (const reader of [...this.readers]) reader.read();
  }

  private stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const livePollClock = new PollClock(pollPeriodMs, typeof document === 'undefined' ? undefined : documentVisibility());
