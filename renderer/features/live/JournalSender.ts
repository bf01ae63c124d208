import type { HostCall } from '../../../core/contract';
import type { JournalEventInput } from '../../../core/events';
import { fail } from '../../../core/result';
import type { SessionId } from '../../../core/session';
import { TypedEmitter } from '../../../core/typed-emitter';
import type { Milliseconds } from '../../../core/units';
import type { JournalOutbox } from './journal-outbox';

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
   * The last attempt got no answer from the host (it is down or unreachable, or timed out),
   * as opposed to an answer that it cannot save now (a full disk).
   */
  readonly hostNotAnswering: boolean;
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
 * so a retry can never duplicate an event and nothing is silently dropped. With an outbox,
 * each event is stored before it is first sent and released once acknowledged, and what a
 * previous page of this session left waiting is sent first, as it was made.
 */
export class JournalSender extends TypedEmitter<JournalSenderEvents> {
  static readonly defaults: JournalSenderOptions = { retryDelaysMs: [250, 500, 1000, 2000, 4000], answerTimeoutMs: 5000, maxBatch: 200 };

  private readonly options: JournalSenderOptions;
  private state: JournalSenderState = { pending: [], lastError: undefined, hostNotAnswering: false, refused: [] };
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
  /**
   * Each waiting event's write to the outbox. The event is sent at once, beside its write (a
   * mark's acknowledgement does not wait for the browser's storage); it leaves the outbox once
   * both are done.
   */
  private readonly kept = new Map<string, Promise<void>>();
  /** Reading what an earlier page left waiting; nothing is sent before it is queued ahead. */
  private restoring: Promise<void> | undefined;

  constructor(
    private readonly sessionId: SessionId,
    private readonly call: HostCall,
    options: Partial<JournalSenderOptions> = {},
    private readonly outbox?: JournalOutbox,
  ) {
    super();
    this.options = { ...JournalSender.defaults, ...options };
    if (outbox !== undefined) this.restoring = this.restore(outbox);
  }

  private async restore(outbox: JournalOutbox): Promise<void> {
    let stored: JournalEventInput[];
    try {
      stored = await outbox.waiting(this.sessionId);
    } catch (error) {
      stored = [];
      this.update({ lastError: `the events kept in this browser could not be read (${error instanceof Error ? error.message : String(error)})` });
    }
    this.restoring = undefined;
    if (this.disposed) return;
    const earlier = stored.filter((input) => !this.waitingIds.has(input.id) && !this.refusedIds.has(input.id));
    if (earlier.length > 0) {
      for (const input of earlier) this.waitingIds.add(input.id);
      this.update({ pending: [...earlier.map((input) => ({ input, attempts: 0 })), ...this.state.pending] });
    }
    void this.drain();
  }

  /** Stores the events in the outbox; a failure to store does not stop them being sent. */
  private keep(inputs: readonly JournalEventInput[]): void {
    if (this.outbox === undefined) return;
    const stored = this.outbox.keep(this.sessionId, inputs).catch((error: unknown) => {
      this.update({ lastError: `the browser could not keep a copy of the waiting events (${error instanceof Error ? error.message : String(error)})` });
    });
    for (const input of inputs) this.kept.set(input.id, stored);
  }

  private releaseKept(ids: Iterable<string>): void {
    const outbox = this.outbox;
    if (outbox === undefined) return;
    const released = [...ids];
    const writes = released.map((id) => this.kept.get(id)).filter((write) => write !== undefined);
    for (const id of released) this.kept.delete(id);
    // Released after its own write, so a write that lands late cannot put it back.
    void Promise.all(writes)
      .then(() => outbox.release(this.sessionId, released))
      .catch(() => {
        // Left in the outbox, it is sent again by a later page and answered as a duplicate.
      });
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
    this.keep([input]);
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
    if (this.sending || this.disposed || this.restoring !== undefined) return;
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
          this.releaseKept(sentIds);
          // The measure of a saved mark is taken here, before the screen re-renders for it.
          for (const sent of batch) {
            const seq = seqById.get(sent.input.id);
            if (seq !== undefined) this.emit('acknowledged', { input: sent.input, seq });
          }
          this.update({ pending: others, lastError: others.length === 0 ? undefined : this.state.lastError, hostNotAnswering: false });
          continue;
        }
        const attempts = (batch[0]?.attempts ?? 0) + 1;
        // The host answers every failure of its own with a code of its own; 'internal' is the transport's (or the timeout's).
        this.update({
          pending: [...batch.map((pending) => ({ ...pending, attempts })), ...others],
          lastError: result.error.message,
          hostNotAnswering: result.error.code === 'internal',
        });
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
  async flush(timeoutMs: Milliseconds = 5000): Promise<boolean> {
    // What an earlier page left waiting counts too, and is known only once read.
    if (this.restoring !== undefined) await this.restoring;
    if (this.state.pending.length === 0) return true;
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

/**
 * Sends what earlier pages left waiting (a reload, a closed tab, the host down meanwhile):
 * for one session, or for every session with anything waiting. Each event keeps its id and
 * its session time, so one the host already has is answered as a duplicate. Resolves true
 * once everything is acknowledged (or refused, and kept), false after `timeoutMs`; the
 * sending goes on in the background until it is done.
 */
export async function sendWaitingEvents(call: HostCall, outbox: JournalOutbox, options: { readonly sessionId?: SessionId; readonly timeoutMs: Milliseconds }): Promise<boolean> {
  const sessionIds = options.sessionId === undefined ? await outbox.sessionsWaiting().catch(() => []) : [options.sessionId];
  const flushed = sessionIds.map((sessionId) => {
    const sender = new JournalSender(sessionId, call, {}, outbox);
    const done = (async () => {
      while (!(await sender.flush(60_000))) {
        // The host is still away; the sender keeps trying with back-off.
      }
      sender.dispose();
    })();
    return done;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.timeoutMs)));
  return Promise.race([Promise.all(flushed).then(() => true), timedOut]).finally(() => clearTimeout(timer));
}
