import type { Milliseconds } from './units';

export type CancelTimer = () => void;

/**
 * Every timer an audio object starts, so that its `dispose()` leaves none behind: after
 * `dispose()` no action of it ever runs late, against a disposed owner or a closed context.
 */
export class Timers {
  private readonly timeouts = new Set<ReturnType<typeof setTimeout>>();
  private readonly intervals = new Set<ReturnType<typeof setInterval>>();
  /** By timer: what `dispose()` runs at once instead of dropping it. */
  private readonly releases = new Map<ReturnType<typeof setTimeout>, () => void>();
  private disposed = false;

  /** Runs `action` once after `delayMs`, unless cancelled, cleared or disposed first. */
  after(delayMs: Milliseconds, action: () => void): CancelTimer {
    if (this.disposed) return () => undefined;
    const timer = setTimeout(() => {
      this.timeouts.delete(timer);
      action();
    }, delayMs);
    this.timeouts.add(timer);
    return () => {
      clearTimeout(timer);
      this.timeouts.delete(timer);
    };
  }

  /**
   * Runs `release` after `delayMs` (when a fade is over, say); `dispose()` runs it at once
   * instead: what it frees must not outlive its owner, and a promise it settles must settle.
   */
  releaseAfter(delayMs: Milliseconds, release: () => void): void {
    if (this.disposed) {
      release();
      return;
    }
    const timer = setTimeout(() => {
      this.releases.delete(timer);
      release();
    }, delayMs);
    this.releases.set(timer, release);
  }

  /** Runs `action` every `periodMs` until cancelled or disposed. */
  every(periodMs: Milliseconds, action: () => void): CancelTimer {
    if (this.disposed) return () => undefined;
    const timer = setInterval(action, periodMs);
    this.intervals.add(timer);
    return () => {
      clearInterval(timer);
      this.intervals.delete(timer);
    };
  }

  /** Resolves after `delayMs`, or at once when disposed (an async loop then sees its owner is gone). */
  wait(delayMs: Milliseconds): Promise<void> {
    return new Promise((resolve) => this.releaseAfter(delayMs, resolve));
  }

  /** Cancels every pending `after()` (a paused voice forgets its scheduled starts); intervals and releases go on. */
  cancelPending(): void {
    for (const timer of this.timeouts) clearTimeout(timer);
    this.timeouts.clear();
  }

  /** How many timers are still to fire, for tests and diagnostics. */
  get pendingCount(): number {
    return this.timeouts.size + this.intervals.size + this.releases.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelPending();
    for (const timer of this.intervals) clearInterval(timer);
    this.intervals.clear();
    const releases = [...this.releases];
    this.releases.clear();
    for (const [timer, release] of releases) {
      clearTimeout(timer);
      release();
    }
  }
}
