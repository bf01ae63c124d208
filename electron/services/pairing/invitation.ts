import { randomUUID } from 'node:crypto';
import { newPairingCode } from '../../../core/pairing/pairing-code';

export interface InvitationPolicy {
  readonly lifetimeMs: number;
  /** Wrong tries allowed at full speed. */
  readonly freeAttempts: number;
  /** The invitation refuses every try from this many wrong ones. */
  readonly lockAt: number;
  /** The wait before the next try, after `failures` wrong ones (beyond the free ones). */
  readonly delayAfter: (failures: number) => number;
}

export const defaultInvitationPolicy: InvitationPolicy = {
  lifetimeMs: 2 * 60_000,
  freeAttempts: 5,
  lockAt: 100,
  // Linear to a second: all 100 tries fit in the two minutes only just, so locking is reachable and guessing stays hopeless.
  delayAfter: (failures) => Math.min(1000, 100 * (failures - 4)),
};

export type AttemptVerdict = { readonly ok: true } | { readonly ok: false; readonly error: 'expired' | 'locked' | 'slow-down'; readonly retryAfterMs?: number };

/**
 * One open invitation: its single-use code, its expiry, and its count of wrong tries. Each
 * CPace run started counts as a wrong try until its device proves the code (one online guess
 * per run); a run that never finishes stays counted.
 */
export class Invitation {
  readonly id = randomUUID();
  readonly code = newPairingCode();
  readonly expiresAt: number;
  private failures = 0;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private used = false;

  constructor(
    createdAt: number,
    private readonly policy: InvitationPolicy = defaultInvitationPolicy,
  ) {
    this.expiresAt = createdAt + policy.lifetimeMs;
  }

  get failedAttempts(): number {
    return this.failures;
  }

  get locked(): boolean {
    return this.failures >= this.policy.lockAt;
  }

  get consumed(): boolean {
    return this.used;
  }

  expired(now: number): boolean {
    return now >= this.expiresAt;
  }

  /** Whether a new run may start now; if so it is counted (as wrong until it proves the code). */
  beginAttempt(now: number): AttemptVerdict {
    if (this.used || this.expired(now)) return { ok: false, error: 'expired' };
    if (this.locked) return { ok: false, error: 'locked' };
    if (this.failures >= this.policy.freeAttempts) {
      const allowedAt = this.lastAttemptAt + this.policy.delayAfter(this.failures);
      if (now < allowedAt) return { ok: false, error: 'slow-down', retryAfterMs: Math.ceil(allowedAt - now) };
    }
    this.failures += 1;
    this.lastAttemptAt = now;
    return { ok: true };
  }

  /** A device proved the code: its run was not a wrong try, and the code is spent. */
  succeed(): void {
    this.failures = Math.max(0, this.failures - 1);
    this.used = true;
  }
}
