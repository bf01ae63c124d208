import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../../core/channels';
import type { AppendAck, HostCall } from '../../../core/contract';
import type { JournalEventInput } from '../../../core/events';
import { fail, ok, type Result } from '../../../core/result';
import { JournalSender, sendWaitingEvents } from './JournalSender';
import { MemoryJournalOutbox } from './journal-outbox';

type Answer = 'save' | 'fail' | 'unreachable' | 'hang';

/**
 * A stand-in for the host's journal: keeps each event id once (as the real journal does),
 * answers as told, and can answer with the acknowledgements in any order.
 */
class FakeJournalHost {
  readonly saved: JournalEventInput[] = [];
  readonly requests: string[][] = [];
  /** What the next requests get; the last entry repeats. */
  answers: Answer[] = ['save'];
  reverseAcks = false;
  /** Requests holding one of these are refused whole, as the host refuses a malformed batch. */
  readonly refuseIds = new Set<string>();
  /** Requests holding one of these are refused whole with `conflict` (an id reused with other content). */
  readonly conflictIds = new Set<string>();
  /** Answers held back by 'hang', released by `releaseHung()`. */
  private readonly hung: (() => void)[] = [];

  readonly call: HostCall = ((channel: Channel, request: unknown): Promise<Result<unknown>> => {
    if (channel !== 'journal:append') return Promise.resolve(fail('unsupported', `not faked: ${channel}`));
    const { events } = request as { events: JournalEventInput[] };
    this.requests.push(events.map((event) => event.id));
    const answer = this.answers.length > 1 ? (this.answers.shift() as Answer) : (this.answers[0] as Answer);
    if (answer === 'unreachable') return Promise.resolve(fail('internal', "could not reach Attune's host: Failed to fetch"));
    if (answer === 'fail') return Promise.resolve(fail('write-failed', 'the event could not be saved (ENOSPC); it will be retried'));
    if (events.some((event) => this.refuseIds.has(event.id))) return Promise.resolve(fail('bad-request', 'events.0.payload.markKind: too long'));
    const reused = events.find((event) => this.conflictIds.has(event.id));
    if (reused !== undefined) return Promise.resolve(fail('conflict', `event ${reused.id} was already saved with different content`));
    if (answer === 'hang') return new Promise<Result<AppendAck[]>>((resolve) => this.hung.push(() => resolve(this.save(events))));
    return Promise.resolve(this.save(events));
  }) as HostCall;

  private save(events: readonly JournalEventInput[]): Result<AppendAck[]> {
    const acks = events.map((event) => {
      const existing = this.saved.findIndex((saved) => saved.id === event.id);
      if (existing >= 0) return { id: event.id, seq: existing, wallTime: '2026-12-02T10:00:00.000Z', duplicate: true };
      this.saved.push(event);
      return { id: event.id, seq: this.saved.length - 1, wallTime: '2026-12-02T10:00:00.000Z', duplicate: false };
    });
    return ok(this.reverseAcks ? acks.reverse() : acks);
  }

  releaseHung(): void {
    for (const release of this.hung.splice(0)) release();
  }
}

let counter = 0;
function markEvent(): JournalEventInput {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`,
    kind: 'mark',
    sessionMs: counter * 1000,
    payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'drone', positionMs: 1000, reactionOffsetMs: 0 },
  };
}

function acknowledgedBy(sender: JournalSender): { id: string; seq: number }[] {
  const acknowledged: { id: string; seq: number }[] = [];
  sender.on('acknowledged', ({ input, seq }) => acknowledged.push({ id: input.id, seq }));
  return acknowledged;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('JournalSender', () => {
  it('sends an event at once and calls it saved only when the host acknowledged it', async () => {
    const host = new FakeJournalHost();
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call);
    const acknowledged = acknowledgedBy(sender);
    const event = markEvent();
    sender.send(event);
    expect(sender.isSaved(event.id)).toBe(false);
    expect(sender.getState().pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sender.isSaved(event.id)).toBe(true);
    expect(sender.getState().pending).toHaveLength(0);
    expect(acknowledged).toEqual([{ id: event.id, seq: 0 }]);
  });

  it('keeps a failed append with the reason and retries it with back-off until it is saved', async () => {
    const host = new FakeJournalHost();
    host.answers = ['fail', 'fail', 'save'];
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call);
    const event = markEvent();
    sender.send(event);
    await vi.advanceTimersByTimeAsync(0);
    expect(sender.getState().lastError).toMatch(/ENOSPC/);
    expect(sender.getState().pending[0]?.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(sender.getState().pending[0]?.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(sender.getState()).toMatchObject({ pending: [], lastError: undefined });
    expect(host.saved.map((saved) => saved.id)).toEqual([event.id]);
    expect(host.requests).toHaveLength(3);
  });

  it('sends again after an append that does not answer, and the late answer duplicates nothing', async () => {
    const host = new FakeJournalHost();
    host.answers = ['hang', 'save'];
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call, { answerTimeoutMs: 5000 });
    const acknowledged = acknowledgedBy(sender);
    const event = markEvent();
    sender.send(event);
    await vi.advanceTimersByTimeAsync(4999);
    expect(sender.getState().pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sender.getState().lastError).toMatch(/did not answer within 5 s/);
    await vi.advanceTimersByTimeAsync(250);
    expect(sender.isSaved(event.id)).toBe(true);
    // The first request reaches the journal after all: the same id, kept once.
    host.releaseHung();
    await vi.advanceTimersByTimeAsync(0);
    expect(host.saved.map((saved) => saved.id)).toEqual([event.id]);
    expect(acknowledged).toEqual([{ id: event.id, seq: 0 }]);
    expect(host.requests).toEqual([[event.id], [event.id]]);
  });

  it('matches acknowledgements to events by id when the host lists them in another order', async () => {
    const host = new FakeJournalHost();
    host.reverseAcks = true;
    host.answers = ['hang', 'save'];
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call);
    const acknowledged = acknowledgedBy(sender);
    const first = markEvent();
    sender.send(first);
    // While the first is in flight, three more queue up and go together in the next request.
    const queued = [markEvent(), markEvent(), markEvent()];
    for (const event of queued) sender.send(event);
    host.releaseHung();
    await vi.advanceTimersByTimeAsync(0);
    expect(host.requests).toEqual([[first.id], queued.map((event) => event.id)]);
    expect(acknowledged).toEqual([
      { id: first.id, seq: 0 },
      { id: queued[0]?.id, seq: 1 },
      { id: queued[1]?.id, seq: 2 },
      { id: queued[2]?.id, seq: 3 },
    ]);
  });

  it('queues every mark visibly while the host is gone for 30 s and saves them all, in order, when it returns', async () => {
    const host = new FakeJournalHost();
    host.answers = ['unreachable'];
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call);
    const states: number[] = [];
    sender.on('state', (state) => states.push(state.pending.length));
    const sent: JournalEventInput[] = [];
    for (let second = 0; second < 30; second += 1) {
      const event = markEvent();
      sent.push(event);
      sender.send(event);
      await vi.advanceTimersByTimeAsync(1000);
      expect(sender.getState().pending).toHaveLength(sent.length);
      expect(sender.getState().lastError).toMatch(/could not reach/);
    }
    expect(Math.max(...states)).toBe(30);
    expect(host.saved).toHaveLength(0);
    host.answers = ['save'];
    // The back-off never waits longer than 4 s.
    await vi.advanceTimersByTimeAsync(4000);
    expect(sender.getState()).toMatchObject({ pending: [], lastError: undefined });
    expect(host.saved.map((event) => event.id)).toEqual(sent.map((event) => event.id));
    expect(sent.every((event) => sender.isSaved(event.id))).toBe(true);
  });

  it('sets aside an event the host refuses, with the reason, and saves the ones around it', async () => {
    const host = new FakeJournalHost();
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call);
    host.answers = ['hang', 'save'];
    const first = markEvent();
    sender.send(first);
    const bad = markEvent();
    host.refuseIds.add(bad.id);
    const good = markEvent();
    sender.send(bad);
    sender.send(good);
    host.releaseHung();
    await vi.advanceTimersByTimeAsync(0);
    // The batch [bad, good] is refused; sent one by one, bad is refused and good saved.
    expect(host.saved.map((event) => event.id)).toEqual([first.id, good.id]);
    expect(sender.getState().refused).toEqual([{ input: bad, reason: 'events.0.payload.markKind: too long' }]);
    expect(sender.isSaved(bad.id)).toBe(false);
    expect(sender.getState().pending).toHaveLength(0);
  });

  it('flush waits until nothing is waiting, and says when it is not', async () => {
    const host = new FakeJournalHost();
    host.answers = ['unreachable'];
    const sender = new JournalSender('2026-12-02-1000-abcdef', host.call);
    sender.send(markEvent());
    const notYet = sender.flush(1000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(notYet).resolves.toBe(false);
    const flushed = sender.flush(10_000);
    host.answers = ['save'];
    await vi.advanceTimersByTimeAsync(4000);
    await expect(flushed).resolves.toBe(true);
  });
});

describe('JournalSender with an outbox', () => {
  const sessionId = '20261202-100000-abcdef';

  it('sends each event at once beside its copy in the outbox, and releases the copy once both the write and the acknowledgement are done', async () => {
    const host = new FakeJournalHost();
    // A browser whose storage answers after the host does: the write lands 50 ms later.
    class SlowOutbox extends MemoryJournalOutbox {
      override keep(id: string, events: readonly JournalEventInput[]): Promise<void> {
        return new Promise((resolve) => setTimeout(() => resolve(super.keep(id, events)), 50));
      }
    }
    const outbox = new SlowOutbox();
    const sender = new JournalSender(sessionId, host.call, {}, outbox);
    await vi.advanceTimersByTimeAsync(0);
    const event = markEvent();
    sender.send(event);
    await vi.advanceTimersByTimeAsync(0);
    // Acknowledged without waiting for the browser's storage.
    expect(host.saved.map((saved) => saved.id)).toEqual([event.id]);
    expect(sender.isSaved(event.id)).toBe(true);
    await vi.advanceTimersByTimeAsync(60);
    // The late write did not leave the saved event behind to be sent again.
    expect(await outbox.waiting(sessionId)).toEqual([]);
  });

  it('keeps what the host never acknowledged for the next page, which sends it first, as it was made, then its own', async () => {
    const host = new FakeJournalHost();
    host.answers = ['unreachable'];
    const outbox = new MemoryJournalOutbox();
    const firstPage = new JournalSender(sessionId, host.call, {}, outbox);
    const pressedWhileDown = [markEvent(), markEvent(), markEvent()];
    for (const event of pressedWhileDown) {
      firstPage.send(event);
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(firstPage.getState()).toMatchObject({ hostNotAnswering: true });
    // The page is reloaded: its sender is gone with everything it held in memory.
    firstPage.dispose();
    expect(await outbox.waiting(sessionId)).toEqual(pressedWhileDown);

    host.answers = ['save'];
    const reloaded = new JournalSender(sessionId, host.call, {}, outbox);
    const pressedAfter = markEvent();
    reloaded.send(pressedAfter);
    await vi.advanceTimersByTimeAsync(0);
    expect(host.saved).toEqual([...pressedWhileDown, pressedAfter]);
    expect(host.saved.map((event) => event.sessionMs)).toEqual([...pressedWhileDown, pressedAfter].map((event) => event.sessionMs));
    expect(reloaded.getState()).toMatchObject({ pending: [], hostNotAnswering: false });
    expect(await outbox.waiting(sessionId)).toEqual([]);
  });

  it('sends what waits for every session on load, and an event the host already has is not saved twice', async () => {
    const host = new FakeJournalHost();
    const outbox = new MemoryJournalOutbox();
    const alreadySaved = markEvent();
    host.saved.push(alreadySaved);
    const waiting = [alreadySaved, markEvent()];
    await outbox.keep(sessionId, waiting);
    await outbox.keep('20261202-110000-ghijkl', [markEvent()]);
    const done = sendWaitingEvents(host.call, outbox, { timeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(await done).toBe(true);
    expect(host.saved.map((event) => event.id)).toEqual([alreadySaved.id, waiting[1]?.id, expect.any(String)]);
    expect(await outbox.sessionsWaiting()).toEqual([]);
  });

  it('sets aside an event the host refuses as a conflict, shows why, and keeps sending the rest', async () => {
    const host = new FakeJournalHost();
    const outbox = new MemoryJournalOutbox();
    const sender = new JournalSender(sessionId, host.call, {}, outbox);
    const [before, reused, after] = [markEvent(), markEvent(), markEvent()];
    host.conflictIds.add(reused.id);
    host.answers = ['hang', 'save'];
    sender.send(before);
    sender.send(reused);
    sender.send(after);
    host.releaseHung();
    await vi.advanceTimersByTimeAsync(0);
    expect(host.saved.map((event) => event.id)).toEqual([before.id, after.id]);
    expect(sender.getState().pending).toEqual([]);
    expect(sender.getState().refused).toEqual([{ input: reused, reason: expect.stringContaining('different content') }]);
    expect(sender.isSaved(reused.id)).toBe(false);
  });
});
