import type { JournalEventInput } from '../../../core/events';
import type { SessionId } from '../../../core/session';
import { TypedEmitter } from '../../../core/typed-emitter';
import { call } from '../../bridge/attune-bridge';

export interface PendingEvent {
  readonly input: JournalEventInput;
  readonly attempts: number;
}

export interface JournalSenderState {
  /** Events sent or waiting, oldest first; an event leaves only once it is acknowledged. */
  readonly pending: readonly PendingEvent[];
  /** The last failure while events are still waiting, for a visible warning. */
  readonly lastError: string | undefined;
  readonly acknowledgedIds: ReadonlySet<string>;
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

const retryDelaysMs = [250, 500, 1000, 2000, 4000];
const maxBatch = 200;

/**
 * Sends journal events in order and keeps every one until the host acknowledges it
 * (after fdatasync). Failures are retried with back-off, forever, with the same event id,
 * so a retry can never duplicate an event and nothing is silently dropped.
 */
export class JournalSender extends TypedEmitter<JournalSenderEvents> {
  private state: JournalSenderState = { pending: [], lastError: undefined, acknowledgedIds: new Set(), refused: [] };
  /** After a refusal, events go one at a time until the refused one is found. */
  private isolating = false;
  private sending = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly sessionId: SessionId) {
    super();
  }

  getState(): JournalSenderState {
    return this.state;
  }

  send(input: JournalEventInput): void {
    this.update({ pending: [...this.state.pending, { input, attempts: 0 }] });
    void this.drain();
  }

  private update(changes: Partial<JournalSenderState>): void {
    this.state = { ...this.state, ...changes };
    this.emit('state', this.state);
  }

  private async drain(): Promise<void> {
    if (this.sending || this.disposed) return;
    this.sending = true;
    try {
      while (this.state.pending.length > 0 && !this.disposed) {
        // Everything waiting goes in one request: the host saves it with one fdatasync.
        const batch = this.state.pending.slice(0, this.isolating ? 1 : maxBatch);
        const result = await call('journal:append', { sessionId: this.sessionId, events: batch.map((pending) => pending.input) });
        const sentIds = new Set(batch.map((pending) => pending.input.id));
        // Events may have been queued while these were in flight: edit the current queue, not a snapshot.
        const others = this.state.pending.filter((pending) => !sentIds.has(pending.input.id));
        if (result.ok) {
          if (this.state.pending.length <= batch.length) this.isolating = false;
          const acknowledgedIds = new Set(this.state.acknowledgedIds);
          for (const id of sentIds) acknowledgedIds.add(id);
          this.update({ pending: others, acknowledgedIds, lastError: others.length === 0 ? undefined : this.state.lastError });
          for (const ack of result.value) {
            const sent = batch.find((pending) => pending.input.id === ack.id);
            if (sent !== undefined) this.emit('acknowledged', { input: sent.input, seq: ack.seq });
          }
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
          this.update({
            pending: others,
            refused: [...this.state.refused, { input: refusedEvent.input, reason: result.error.message }],
            lastError: others.length === 0 ? undefined : this.state.lastError,
          });
          continue;
        }
        const delay = retryDelaysMs[Math.min(attempts - 1, retryDelaysMs.length - 1)] as number;
        this.retryTimer = setTimeout(() => void this.drain(), delay);
        return;
      }
    } finally {
      this.sending = false;
    }
  }

  /** Resolves once nothing is waiting (or after `timeoutMs`). */
  async flush(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.state.pending.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.state.pending.length === 0;
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.removeAllListeners();
  }
}
