import type { Milliseconds } from '../../../core/units';

export interface ClockJump {
  readonly wallDeltaMs: Milliseconds;
  readonly monotonicDeltaMs: Milliseconds;
  /** Wall time minus monotonic time over the interval: positive when the wall clock ran ahead. */
  readonly driftMs: Milliseconds;
  readonly likelyCause: 'suspend-or-clock-forward' | 'clock-back';
}

/**
 * Compares the wall clock with the monotonic clock between two readings. Session time runs
 * on the monotonic clock only; a jump between the two (a suspended laptop, a clock set by
 * hand or by NTP) is worth a journal line, never a change of session time.
 */
export class ClockJumpDetector {
  private last: { readonly wallMs: number; readonly monotonicMs: number } | undefined;

  constructor(private readonly thresholdMs: Milliseconds = 2000) {}

  /** The jump since the previous reading, if the clocks parted by more than the threshold. */
  check(wallMs: number, monotonicMs: number): ClockJump | undefined {
    const previous = this.last;
    this.last = { wallMs, monotonicMs };
    if (previous === undefined) return undefined;
    const wallDeltaMs = Math.round(wallMs - previous.wallMs);
    const monotonicDeltaMs = Math.round(monotonicMs - previous.monotonicMs);
    const driftMs = wallDeltaMs - monotonicDeltaMs;
    if (Math.abs(driftMs) <= this.thresholdMs) return undefined;
    return { wallDeltaMs, monotonicDeltaMs, driftMs, likelyCause: driftMs > 0 ? 'suspend-or-clock-forward' : 'clock-back' };
  }
}
