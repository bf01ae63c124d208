import type { Milliseconds } from './units';

/**
 * Session time: milliseconds since the session started, read from a monotonic clock so
 * that wall-clock jumps (NTP, time zone, a user changing the clock) never move it.
 */
export class SessionClock {
  private constructor(
    private readonly monotonicNow: () => Milliseconds,
    private readonly anchorMonotonicMs: Milliseconds,
    private readonly anchorSessionMs: Milliseconds,
  ) {}

  static startingNow(monotonicNow: () => Milliseconds): SessionClock {
    return new SessionClock(monotonicNow, monotonicNow(), 0);
  }

  /** Continues a session whose clock read `sessionMs` at the monotonic instant `now()`. */
  static resumedAt(monotonicNow: () => Milliseconds, sessionMs: Milliseconds): SessionClock {
    return new SessionClock(monotonicNow, monotonicNow(), sessionMs);
  }

  now(): Milliseconds {
    return Math.max(0, Math.round(this.anchorSessionMs + this.monotonicNow() - this.anchorMonotonicMs));
  }
}
