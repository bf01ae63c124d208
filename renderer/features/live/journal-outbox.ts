import { journalEventInputSchema, type JournalEventInput } from '../../../core/events';
import type { SessionId } from '../../../core/session';
import type { Milliseconds } from '../../../core/units';

/**
 * Journal events the host has not acknowledged yet, kept where a closed or reloaded tab
 * finds them again: a mark pressed while the host is down must outlive the page.
 */
export interface JournalOutbox {
  /** Resolves once the events are stored (before they are sent). */
  keep(sessionId: SessionId, events: readonly JournalEventInput[]): Promise<void>;
  /** The host acknowledged them: they need not be kept. */
  release(sessionId: SessionId, eventIds: readonly string[]): Promise<void>;
  /** What waits for one session, in the order the events were made. */
  waiting(sessionId: SessionId): Promise<JournalEventInput[]>;
  /** The sessions with anything waiting. */
  sessionsWaiting(): Promise<SessionId[]>;
}

/** One stored event; `order` keeps the order they were made in across pages and reloads. */
interface OutboxRecord {
  readonly sessionId: SessionId;
  readonly eventId: string;
  readonly order: number;
  readonly input: JournalEventInput;
}

/**
 * Orders records made within one millisecond, and across pages: wall-clock time first,
 * a per-page counter after it.
 */
let madeInThisPage = 0;
function nextOrder(): number {
  madeInThisPage = (madeInThisPage + 1) % 1000;
  return Date.now() * 1000 + madeInThisPage;
}

/** Records read back are parsed like any input: storage a page shares with others is not trusted. */
function readRecords(records: readonly unknown[], sessionId?: SessionId): OutboxRecord[] {
  const usable: OutboxRecord[] = [];
  for (const record of records) {
    if (record === null || typeof record !== 'object') continue;
    const { sessionId: storedSession, order, input } = record as Record<string, unknown>;
    const parsed = journalEventInputSchema.safeParse(input);
    if (typeof storedSession !== 'string' || typeof order !== 'number' || !parsed.success) continue;
    if (sessionId !== undefined && storedSession !== sessionId) continue;
    usable.push({ sessionId: storedSession, eventId: parsed.data.id, order, input: parsed.data });
  }
  return usable.sort((a, b) => a.order - b.order);
}

/** Kept in memory only: for tests, and where the browser offers no IndexedDB. */
export class MemoryJournalOutbox implements JournalOutbox {
  private readonly records = new Map<string, OutboxRecord>();

  keep(sessionId: SessionId, events: readonly JournalEventInput[]): Promise<void> {
    for (const input of events) {
      const key = `${sessionId}/${input.id}`;
      if (!this.records.has(key)) this.records.set(key, { sessionId, eventId: input.id, order: nextOrder(), input });
    }
    return Promise.resolve();
  }

  release(sessionId: SessionId, eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) this.records.delete(`${sessionId}/${id}`);
    return Promise.resolve();
  }

  waiting(sessionId: SessionId): Promise<JournalEventInput[]> {
    return Promise.resolve(readRecords([...this.records.values()], sessionId).map((record) => record.input));
  }

  sessionsWaiting(): Promise<SessionId[]> {
    return Promise.resolve([...new Set(readRecords([...this.records.values()]).map((record) => record.sessionId))]);
  }
}

const databaseName = 'attune-journal-outbox';
const storeName = 'events';

function settled(request: IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** All keys of one session: the key is [sessionId, eventId], and every event id sorts between these. */
const sessionRange = (sessionId: SessionId) => IDBKeyRange.bound([sessionId, ''], [sessionId, '\uffff']);

/**
 * How long a kept event may wait for the host before it is written again with 'strict'
 * durability. A mark is normally acknowledged within milliseconds and released; one still
 * waiting after this (the host slow, down or gone) is put on disk in the browser too.
 */
export const outboxDurableAfterMs: Milliseconds = 250;

const recordKey = (sessionId: SessionId, eventId: string) => `${sessionId}/${eventId}`;

/**
 * The browser's IndexedDB for this origin: it survives a reload, a closed tab and a restarted
 * browser. Events are kept with 'relaxed' durability first: committed to the browser's storage,
 * which outlives a crash of the page, the browser or the host, and on disk when the system
 * writes it back. A 'strict' write of each one at once (a flush to disk per mark) ran beside
 * the host's own fdatasync of the same mark on the same disk and slowed it: measured on the
 * live screen, key press to acknowledgement p50 8.6 → 5.9 ms, p99 26.9 → 14.0 ms, the host's
 * fdatasync p50 1.62 → 0.98 ms. What is still waiting `durableAfterMs` later is written again
 * in a 'strict' transaction, which puts it (and all committed before it) on disk.
 */
export class IndexedDbJournalOutbox implements JournalOutbox {
  private database: Promise<IDBDatabase> | undefined;
  /** Kept, not released, and not yet in a 'strict' transaction: key → record. */
  private readonly notYetDurable = new Map<string, OutboxRecord>();
  private durableTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly durableAfterMs: Milliseconds = outboxDurableAfterMs) {}

  private open(): Promise<IDBDatabase> {
    this.database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(databaseName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(storeName, { keyPath: ['sessionId', 'eventId'] });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
      request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    }).catch((error: unknown) => {
      // The next call tries again: a failure to open once is not a reason never to keep events.
      this.database = undefined;
      throw error;
    });
    return this.database;
  }

  async keep(sessionId: SessionId, events: readonly JournalEventInput[]): Promise<void> {
    const records = events.map((input): OutboxRecord => ({ sessionId, eventId: input.id, order: nextOrder(), input }));
    for (const record of records) this.notYetDurable.set(recordKey(sessionId, record.eventId), record);
    this.durableTimer ??= setTimeout(() => {
      this.durableTimer = undefined;
      void this.makeWaitingDurable();
    }, this.durableAfterMs);
    const database = await this.open();
    const transaction = database.transaction(storeName, 'readwrite', { durability: 'relaxed' });
    const store = transaction.objectStore(storeName);
    for (const record of records) store.put(record);
    await committed(transaction);
  }

  /**
   * Writes what is still waiting again, unchanged, in a 'strict' transaction: once it
   * completes, those records are on disk. A failure leaves them as they were (kept, relaxed).
   */
  private async makeWaitingDurable(): Promise<void> {
    const database = await this.open().catch(() => undefined);
    // Taken after the await and used at once: a release from here on is ordered after this write.
    const records = [...this.notYetDurable.values()];
    if (database === undefined || records.length === 0) return;
    const transaction = database.transaction(storeName, 'readwrite', { durability: 'strict' });
    const store = transaction.objectStore(storeName);
    for (const record of records) store.put(record);
    try {
      await committed(transaction);
      for (const record of records) {
        const key = recordKey(record.sessionId, record.eventId);
        if (this.notYetDurable.get(key) === record) this.notYetDurable.delete(key);
      }
    } catch {
      // Still kept with relaxed durability; the next keep tries again.
    }
  }

  async release(sessionId: SessionId, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    for (const id of eventIds) this.notYetDurable.delete(recordKey(sessionId, id));
    const database = await this.open();
    const transaction = database.transaction(storeName, 'readwrite', { durability: 'relaxed' });
    const store = transaction.objectStore(storeName);
    for (const id of eventIds) store.delete([sessionId, id]);
    await committed(transaction);
  }

  async waiting(sessionId: SessionId): Promise<JournalEventInput[]> {
    const database = await this.open();
    const records = (await settled(database.transaction(storeName, 'readonly').objectStore(storeName).getAll(sessionRange(sessionId)))) as unknown[];
    return readRecords(records, sessionId).map((record) => record.input);
  }

  async sessionsWaiting(): Promise<SessionId[]> {
    const database = await this.open();
    const records = (await settled(database.transaction(storeName, 'readonly').objectStore(storeName).getAll())) as unknown[];
    return [...new Set(readRecords(records).map((record) => record.sessionId))];
  }
}

let pageOutbox: JournalOutbox | undefined;

/** This page's outbox: IndexedDB where the browser has it, memory otherwise. */
export function browserJournalOutbox(): JournalOutbox {
  pageOutbox ??= typeof indexedDB === 'undefined' ? new MemoryJournalOutbox() : new IndexedDbJournalOutbox();
  return pageOutbox;
}
