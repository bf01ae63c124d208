import type { HostCall } from '../../../core/contract';
import type { JournalEventInput } from '../../../core/events';
import { fail } from '../../../core/result';
import type { SessionId } from '../../../core/session';
import { TypedEmitter } from '../../../core/typed-emitter';
import type { Milliseconds } from '../../../core/units';

export interface PendingEvent {
  readonly input: JournalEventInput;
  readonly attempts: number;
}

export interface JournalSenderState {
  /** Events sent or waiting, oldest first; an event leaves only once it is acknowledged. */
  readonly pending: readonly PendingEvent[];
  /** The last failure while events are still waiting, for a visible warning. */
  readonly lastError: string | undefined;
  /**
   * Events the host refused as they are (it will never accept them): set aside so they
   * cannot block later marks, and kept on screen with the reason — never dropped silently.
   */
  readonly refused: readonly { readonly input: JournalEventInput; readonly reason: string }[];
}

interface JournalSenderEvents extends Record<string, unknown> {
  state: JournalSenderState;
  acknowledged: { readonly input: JournalEventInput; readonly seq: number };
}

export interface JournalSenderOptions {
  /** Back-off between attempts after a failure; the last delay repeats for as long as it takes. */
  readonly retryDelaysMs: readonly Milliseconds[];
  /**
   * An append unanswered this long counts as failed and is sent again with the same ids: the
   * host keeps each id once, so a slow answer can never duplicate an event.
   */
  readonly answerTimeoutMs: Milliseconds;
  readonly maxBatch: number;
}

/**
 * Sends journal events in order and keeps every one until the host acknowledges it
 * (after fdatasync). Failures are retried with back-off, forever, with the same event id,
 * so a retry can never duplicate an event and nothing is silently dropped.
 */
export class JournalSender extends TypedEmitter<JournalSenderEvents> {
  static readonly defaults: JournalSenderOptions = { retryDelaysMs: [250, 500, 1000, 2000, 4000], answerTimeoutMs: 5000, maxBatch: 200 };

  private readonly options: JournalSenderOptions;
  private state: JournalSenderState = { pending: [], lastError: undefined, refused: [] };
  /** Ids in `pending`, for a constant-time "is this mark saved yet?". */
  private readonly waitingIds = new Set<string>();
  private readonly refusedIds = new Set<string>();
  /** After a refusal, events go one at a time until the refused one is found. */
  private isolating = false;
  private sending = false;
  private awaitingAnswer = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleWaiters = new Set<(idle: boolean) => void>();
  private disposed = false;

  constructor(
    private readonly sessionId: SessionId,
    private readonly call: HostCall,
    options: Partial<JournalSenderOptions> = {},
  ) {
    super();
    this.options = { ...JournalSender.defaults, ...options };
  }

  getState(): JournalSenderState {
    return this.state;
  }

  /** An append is on its way to the host and not answered yet. */
  isSending(): boolean {
    return this.awaitingAnswer;
  }

  /** Sent and acknowledged (not waiting, not refused). */
  isSaved(eventId: string): boolean {
    return !this.waitingIds.has(eventId) && !this.refusedIds.has(eventId);
  }

  send(input: JournalEventInput): void {
    this.waitingIds.add(input.id);
    this.state = { ...this.state, pending: [...this.state.pending, { input, attempts: 0 }] };
    // The append goes out before anyone hears of the new state (and renders it).
    void this.drain();
    this.emit('state', this.state);
  }

  /** Tries again now rather than at the end of the back-off (e.g. the host is known to be back). */
  retryNow(): void {
    if (this.retryTimer !== undefined) void this.drain();
  }

  private update(changes: Partial<JournalSenderState>): void {
    this.state = { ...this.state, ...changes };
    if (this.state.pending.length === 0) {
      for (const resolve of this.idleWaiters) resolve(true);
      this.idleWaiters.clear();
    }
    this.emit('state', this.state);
  }

  private appendWithTimeout(events: readonly JournalEventInput[]) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<ReturnType<typeof fail>>((resolve) => {
      timer = setTimeout(
        () => resolve(fail('internal', `Attune's host did not answer within ${Math.round(this.options.answerTimeoutMs / 1000)} s`)),
        this.options.answerTimeoutMs,
      );
    });
    return Promise.race([this.call('journal:append', { sessionId: this.sessionId, events: [...events] }), timedOut]).finally(() => clearTimeout(timer));
  }

  private async drain(): Promise<void> {
    if (this.sending || this.disposed) return;
    // A new event tries at once, back-off or not: the host may be back.
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.sending = true;
    try {
      while (this.state.pending.length > 0 && !this.disposed) {
        // Everything waiting goes in one request: the host saves it with one fdatasync.
        const batch = this.state.pending.slice(0, this.isolating ? 1 : this.options.maxBatch);
        this.awaitingAnswer = true;
        const result = await this.appendWithTimeout(batch.map((pending) => pending.input));
        this.awaitingAnswer = false;
        if (this.disposed) return;
        const sentIds = new Set(batch.map((pending) => pending.input.id));
        // Events may have been queued while these were in flight: edit the current queue, not a snapshot.
        const others = this.state.pending.filter((pending) => !sentIds.has(pending.input.id));
        if (result.ok) {
          if (this.state.pending.length <= batch.length) this.isolating = false;
          const seqById = new Map(result.value.map((ack) => [ack.id, ack.seq]));
          for (const id of sentIds) this.waitingIds.delete(id);
          // The measure of a saved mark is taken here, before the screen re-renders for it.
          for (const sent of batch) {
            const seq = seqById.get(sent.input.id);
            if (seq !== undefined) this.emit('acknowledged', { input: sent.input, seq });
          }
          this.update({ pending: others, lastError: others.length === 0 ? undefined : this.state.lastError });
          continue;
        }
        const attempts = (batch[0]?.attempts ?? 0) + 1;
        this.update({ pending: [...batch.map((pending) => ({ ...pending, attempts })), ...others], lastError: result.error.message });
        if (result.error.code === 'bad-request' || result.error.code === 'conflict') {
          if (batch.length > 1) {
            this.isolating = true;
            continue;
          }
          const refusedEvent = batch[0] as PendingEvent;
          this.waitingIds.delete(refusedEvent.input.id);
          this.refusedIds.add(refusedEvent.input.id);
          this.update({
            pending: others,
            refused: [...this.state.refused, { input: refusedEvent.input, reason: result.error.message }],
            lastError: others.length === 0 ? undefined : this.state.lastError,
          });
          continue;
        }
        const delays = this.options.retryDelaysMs;
        const delay = delays[Math.min(attempts - 1, delays.length - 1)] ?? 1000;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          void this.drain();
        }, delay);
        return;
      }
    } finally {
      this.sending = false;
      this.awaitingAnswer = false;
    }
  }

  /** Resolves true once nothing is waiting, or false after `timeoutMs`. */
  flush(timeoutMs: Milliseconds = 5000): Promise<boolean> {
    if (this.state.pending.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        resolve(idle);
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done);
        resolve(this.state.pending.length === 0);
      }, timeoutMs);
      this.idleWaiters.add(done);
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const resolve of this.idleWaiters) resolve(this.state.pending.length === 0);
    this.idleWaiters.clear();
    this.removeAllListeners();
  }
}
