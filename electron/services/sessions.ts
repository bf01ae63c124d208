import { randomBytes, randomUUID } from 'node:crypto';
import { lstat, mkdir, open as openFile, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppendAck, OpenedSession, SessionSummary } from '../../core/contract';
import { kindsAllowedAfterEnd, type JournalEvent, type JournalEventInput } from '../../core/events';
import { foldSession, liveMarkCount, programMsAt } from '../../core/fold';
import type { Playlist } from '../../core/playlist';
import { ContractFailure } from '../../core/result';
import { newSessionId, sessionMetaSchema, type SessionId, type SessionMeta, type SessionSetup } from '../../core/session';
import { fsyncDirectory, writeFileAtomically } from './durable-fs';
import { clearCodec, type SessionCodec } from './encryption/session-codec';
import { JournalWriter, readJournal, type LineDecoder } from './journal';

export const sessionFileNames = { meta: 'session.json', journal: 'events.jsonl' } as const;
const metaFileName = sessionFileNames.meta;
const journalFileName = sessionFileNames.journal;

/** A session being built: a name the listing skips (not a session id), renamed into place once whole. */
const creatingPrefix = '.creating-';
/** Where start-up puts what an interrupted start left behind, beside `sessions/`: kept, never deleted. */
export const setAsideFolderName = 'sessions-set-aside';
/** writeFileAtomically's temporary copy of session.json, left by a crash before its rename. */
const staleMetaCopy = /^\.session\.json\..+\.tmp$/;

export interface SetAsideReport {
  /** The folder under `<data>/sessions-set-aside/` that holds them. */
  readonly folder: string;
  /** One line per leftover: its name under sessions/ and why it was set aside. */
  readonly entries: readonly string[];
}

export interface SessionStoreOptions {
  readonly wallClock?: () => Date;
  /**
   * How session files are written and read now (encryption at rest); asked inside each
   * operation, so a change of form applies from the next one. Rejects while locked.
   */
  readonly codec?: () => Promise<SessionCodec>;
  /** The host log: told what start-up set aside. */
  readonly log?: (line: string) => void;
}

/** Reads a session's journal lines through the codec, each bound to its place. */
export function journalLineDecoder(codec: SessionCodec, sessionId: string): LineDecoder {
  return (recordIndex, line) => codec.decodeJournalLine(sessionId, recordIndex, line);
}

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join('');
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Whether a file holds at least one complete line: a journal whose first append never finished does not. */
async function holdsACompleteLine(filePath: string): Promise<boolean> {
  const handle = await openFile(filePath, 'r');
  try {
    const probe = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
    // A first line longer than the probe is complete enough: only a torn tail ends without one.
    return bytesRead === probe.length || probe.subarray(0, bytesRead).includes(0x0a);
  } finally {
    await handle.close();
  }
}

/**
 * Why a session folder is the remains of a start that never finished, or undefined when it
 * is a session. Only what creation writes is looked at (the files being there and not empty),
 * never their contents, so an encrypted or damaged session is not mistaken for one.
 */
async function unfinishedSessionProblem(directory: string): Promise<string | undefined> {
  const sizeOf = (name: string) => stat(path.join(directory, name)).then((stats) => stats.size, () => undefined);
  const metaSize = await sizeOf(metaFileName);
  if (metaSize === undefined || metaSize === 0) return `no ${metaFileName}`;
  const journalSize = await sizeOf(journalFileName);
  if (journalSize === undefined) return `no ${journalFileName}`;
  if (!(await holdsACompleteLine(path.join(directory, journalFileName)))) return `no session-started event in ${journalFileName}`;
  return undefined;
}

/**
 * A session starts once: its `session-started` event is written when it is created. Another
 * one (not a resend of that same event) would move its start, so it is refused.
 */
function refuseSecondStart(startedId: string | undefined, inputs: readonly JournalEventInput[]): void {
  const starts = inputs.filter((input) => input.kind === 'session-started' && input.id !== startedId);
  if (starts.length > 0) {
    throw new ContractFailure('conflict', 'this session has already started; a second session-started event is refused (start a new session instead)');
  }
}

/** Session folders under `<dataDir>/sessions/<id>/`: `session.json` and `events.jsonl`. */
/** Told of the events each append saved (not the duplicates a retry sent again), in journal order. */
export type AppendObserver = (sessionId: SessionId, events: readonly JournalEvent[]) => void;

export class SessionStore {
  private readonly appendObservers = new Set<AppendObserver>();
  private readonly writers = new Map<SessionId, Promise<JournalWriter>>();
  /**
   * Each session's metadata as this store last wrote or read it: only this store writes
   * session.json (a conversion replaces it, and forgets the entry), so an append need not
   * read and parse it again.
   */
  private readonly metas = new Map<SessionId, SessionMeta>();
  private readonly repairsOnOpen = new Map<SessionId, string[]>();
  private readonly sessionLocks = new Map<SessionId, Promise<void>>();
  private readonly wallClock: () => Date;
  private readonly codec: () => Promise<SessionCodec>;
  private readonly log: (line: string) => void;
  private sweeping: Promise<void> | undefined;
  private swept = false;
  private setAside: SetAsideReport | undefined;
  readonly sessionsDir: string;

  constructor(
    readonly dataDir: string,
    options: SessionStoreOptions = {},
  ) {
    this.sessionsDir = path.join(dataDir, 'sessions');
    this.wallClock = options.wallClock ?? (() => new Date());
    this.codec = options.codec ?? (() => Promise.resolve(clearCodec));
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** What start-up found left behind by interrupted starts and set aside, if anything. */
  async setAsideReport(): Promise<SetAsideReport | undefined> {
    await this.sweepOnce();
    return this.setAside;
  }

  /** Before the first operation: leftovers of starts a crash interrupted are moved out of sessions/. */
  private async sweepOnce(): Promise<void> {
    if (this.swept) return;
    this.sweeping ??= this.sweepLeftovers()
      .catch((error: unknown) => this.log(`Attune could not check ${this.sessionsDir} for leftovers of interrupted starts: ${String(error)}`))
      .finally(() => (this.swept = true));
    await this.sweeping;
  }

  private async sweepLeftovers(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.sessionsDir);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Every folder is checked at once: one at a time, a few hundred sessions kept the first
    // request after start-up (the Start screen's list) waiting for thousands of file-system calls.
    const found = await Promise.all(names.sort().map((name) => this.leftoversIn(name)));
    const leftovers = found.flat();
    if (leftovers.length === 0) return;
    const folder = path.join(this.dataDir, setAsideFolderName, this.wallClock().toISOString().replace(/[:.]/g, '-'));
    for (const { name } of leftovers) {
      const target = path.join(folder, name);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await rename(path.join(this.sessionsDir, name), target);
    }
    await fsyncDirectory(this.sessionsDir);
    await fsyncDirectory(folder);
    const entries = leftovers.map(({ name, why }) => `${name}: ${why}`);
    this.setAside = { folder, entries };
    this.log(`Attune set aside ${entries.length} leftover${entries.length === 1 ? '' : 's'} of interrupted session starts in ${folder}:\n  ${entries.join('\n  ')}`);
  }

  /** What of `sessions/<name>` is a leftover of an interrupted start, with why (nothing for a whole session). */
  private async leftoversIn(name: string): Promise<{ readonly name: string; readonly why: string }[]> {
    if (name.startsWith(creatingPrefix)) return [{ name, why: 'a session start that was interrupted before it was complete' }];
    const entry = path.join(this.sessionsDir, name);
    const isFolder = (await lstat(entry).catch(() => undefined))?.isDirectory() ?? false;
    if (!isFolder || !sessionMetaSchema.shape.id.safeParse(name).success) return [];
    const problem = await unfinishedSessionProblem(entry);
    if (problem !== undefined) return [{ name, why: `an unfinished session folder (${problem})` }];
    const inner = await readdir(entry);
    return inner.filter((file) => staleMetaCopy.test(file)).map((file) => ({ name: path.join(name, file), why: `a copy of ${metaFileName} from a save that was interrupted` }));
  }

  /**
   * One operation at a time per session: a conversion (encryption turned on or off)
   * replaces the files under an open writer's feet otherwise, and an append must never
   * go to a file that was just replaced.
   */
  private async withSession<T>(sessionId: SessionId, work: () => Promise<T>): Promise<T> {
    if (!this.swept) await this.sweepOnce();
    const previous = this.sessionLocks.get(sessionId) ?? Promise.resolve();
    let release = () => {};
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.sessionLocks.set(sessionId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.sessionLocks.get(sessionId) === tail) this.sessionLocks.delete(sessionId);
    }
  }

  private sessionDir(sessionId: SessionId): string {
    return path.join(this.sessionsDir, sessionId);
  }

  private async ensureSessionsDir(): Promise<void> {
    const created = await mkdir(this.sessionsDir, { recursive: true });
    if (created !== undefined) {
      await fsyncDirectory(path.dirname(this.sessionsDir));
      await fsyncDirectory(this.dataDir);
    }
  }

  async start(playlist: Playlist, setup: SessionSetup): Promise<SessionMeta> {
    // Refused while locked, before anything is created.
    await this.codec();
    await this.sweepOnce();
    await this.ensureSessionsDir();
    const createdAt = this.wallClock();
    const meta: SessionMeta = {
      id: newSessionId(createdAt, randomSuffix()),
      playlistId: playlist.id,
      playlistTitle: playlist.title,
      ...setup,
      createdAt: createdAt.toISOString(),
      status: 'open',
    };
    return this.withSession(meta.id, async () => {
      const codec = await this.codec();
      // Built aside and renamed into place only once its first event is durable: a crash
      // at any moment leaves either a whole session or a folder the listing never shows.
      const building = path.join(this.sessionsDir, `${creatingPrefix}${meta.id}`);
      await mkdir(building, { mode: 0o700 });
      await writeFileAtomically(path.join(building, metaFileName), codec.encodeMeta(meta.id, `${JSON.stringify(meta, null, 2)}\n`));
      const encode = (recordIndex: number, line: string) => codec.encodeJournalLine(meta.id, recordIndex, line);
      const firstWriter = await JournalWriter.open(path.join(building, journalFileName), [], this.wallClock, { recordCount: 0, encode });
      try {
        await firstWriter.append({
          id: randomUUID(),
          kind: 'session-started',
          sessionMs: 0,
          payload: { playlistId: playlist.id, playlistTitle: playlist.title },
        });
      } finally {
        await firstWriter.close();
      }
      await fsyncDirectory(building);
      await rename(building, this.sessionDir(meta.id));
      await fsyncDirectory(this.sessionsDir);
      this.metas.set(meta.id, meta);
      this.writers.set(meta.id, JournalWriter.open(path.join(this.sessionDir(meta.id), journalFileName), firstWriter.events(), this.wallClock, { recordCount: 1, encode }));
      return meta;
    });
  }

  private async readMeta(sessionId: SessionId, codec: SessionCodec): Promise<SessionMeta> {
    const known = this.metas.get(sessionId);
    if (known !== undefined) return known;
    let stored: string;
    try {
      stored = await readFile(path.join(this.sessionDir(sessionId), metaFileName), 'utf8');
    } catch (error) {
      if (isMissing(error)) throw new ContractFailure('not-found', `there is no session ${sessionId}`);
      throw error;
    }
    const decoded = codec.decodeMeta(sessionId, stored);
    if ('problem' in decoded) throw new ContractFailure('invalid-data', `the metadata of session ${sessionId} ${decoded.problem}`);
    const damaged = () => new ContractFailure('invalid-data', `the metadata of session ${sessionId} is damaged`);
    let json: unknown;
    try {
      json = JSON.parse(decoded.text);
    } catch {
      throw damaged();
    }
    const parsed = sessionMetaSchema.safeParse(json);
    if (!parsed.success || parsed.data.id !== sessionId) throw damaged();
    this.metas.set(sessionId, parsed.data);
    return parsed.data;
  }

  /** The open writer, reading (and repairing) the journal the first time it is needed. */
  private writerFor(sessionId: SessionId, codec: SessionCodec): Promise<JournalWriter> {
    let writer = this.writers.get(sessionId);
    if (writer === undefined) {
      const journalPath = path.join(this.sessionDir(sessionId), journalFileName);
      const read = readJournal(journalPath, { repair: true, decodeLine: journalLineDecoder(codec, sessionId) }).catch((error: unknown) => {
        if (isMissing(error)) throw new ContractFailure('invalid-data', `the journal of session ${sessionId} is missing`);
        throw error;
      });
      writer = read.then(({ events, repairs, recordCount }) => {
        this.repairsOnOpen.set(sessionId, repairs);
        return JournalWriter.open(journalPath, events, this.wallClock, {
          recordCount,
          encode: (recordIndex, line) => codec.encodeJournalLine(sessionId, recordIndex, line),
        });
      });
      this.writers.set(sessionId, writer);
      writer.catch(() => this.writers.delete(sessionId));
    }
    return writer;
  }

  async append(sessionId: SessionId, input: JournalEventInput): Promise<AppendAck> {
    return (await this.appendMany(sessionId, [input]))[0] as AppendAck;
  }

  /** Several events in one group commit: all are saved, or none is and the error says why. */
  appendMany(sessionId: SessionId, inputs: readonly JournalEventInput[]): Promise<AppendAck[]> {
    return this.withSession(sessionId, async () => this.appendWithin(sessionId, await this.codec(), inputs));
  }

  private async appendWithin(sessionId: SessionId, codec: SessionCodec, inputs: readonly JournalEventInput[]): Promise<AppendAck[]> {
    const meta = await this.readMeta(sessionId, codec);
    const refused = inputs.find((input) => !kindsAllowedAfterEnd.includes(input.kind));
    if (meta.status === 'ended' && refused !== undefined) {
      throw new ContractFailure('conflict', 'this session has ended; only edits to its marks can be saved now');
    }
    const writer = await this.writerFor(sessionId, codec);
    refuseSecondStart(writer.sessionStartedId(), inputs);
    try {
      const results = await writer.appendMany(inputs);
      this.tellObservers(sessionId, results.filter((result) => !result.duplicate).map((result) => result.event));
      return results.map(({ event, duplicate }) => ({ id: event.id, seq: event.seq, wallTime: event.wallTime, duplicate }));
    } catch (error) {
      if (error instanceof ContractFailure) throw error;
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
      throw new ContractFailure('write-failed', `the event could not be saved (${reason}); it will be retried`);
    }
  }

  /** `observer` hears every saved event from now on (the pairing service keeps its fold this way); answers its unsubscribe. */
  observeAppends(observer: AppendObserver): () => void {
    this.appendObservers.add(observer);
    return () => this.appendObservers.delete(observer);
  }

  private tellObservers(sessionId: SessionId, events: readonly JournalEvent[]): void {
    if (events.length === 0) return;
    for (const observer of [...this.appendObservers]) {
      try {
        observer(sessionId, events);
      } catch (error) {
        // The events are saved: an observer's failure must not turn the append into an error.
        this.log(`attune: an append observer failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  open(sessionId: SessionId): Promise<OpenedSession> {
    return this.withSession(sessionId, async () => {
      const codec = await this.codec();
      const meta = await this.readMeta(sessionId, codec);
      const writer = await this.writerFor(sessionId, codec);
      return { meta, events: writer.events(), repairs: this.repairsOnOpen.get(sessionId) ?? [] };
    });
  }

  end(sessionId: SessionId, input: JournalEventInput & { kind: 'session-ended' }): Promise<SessionMeta> {
    return this.withSession(sessionId, async () => {
      const codec = await this.codec();
      const meta = await this.readMeta(sessionId, codec);
      if (meta.status === 'ended') return meta;
      await this.closeOpenSpans(sessionId, codec, input.sessionMs);
      await this.appendWithin(sessionId, codec, [input]);
      const ended: SessionMeta = { ...meta, status: 'ended', endedAt: this.wallClock().toISOString() };
      await writeFileAtomically(path.join(this.sessionDir(sessionId), metaFileName), codec.encodeMeta(sessionId, `${JSON.stringify(ended, null, 2)}\n`));
      this.metas.set(sessionId, ended);
      return ended;
    });
  }

  /**
   * Spans still open when the session ends are closed with a flag, at the music's last
   * known place (the live screen closes its own spans first, with exact positions).
   */
  private async closeOpenSpans(sessionId: SessionId, codec: SessionCodec, sessionMs: number): Promise<void> {
    const events = (await this.writerFor(sessionId, codec)).events();
    const folded = foldSession(events);
    if (folded.openSpans.length === 0) return;
    const lastSegment = events.findLast((event) => event.kind === 'segment-started');
    const positionMs =
      lastSegment?.kind === 'segment-started'
        ? Math.max(0, Math.round(programMsAt(folded.playback, sessionMs) - lastSegment.payload.programMs))
        : 0;
    for (const span of folded.openSpans) {
      await this.appendWithin(sessionId, codec, [
        {
          id: randomUUID(),
          kind: 'span-closed',
          sessionMs: Math.max(sessionMs, span.sessionMs),
          payload: {
            markId: span.id,
            phaseId: lastSegment?.kind === 'segment-started' ? lastSegment.payload.phaseId : span.phaseId,
            segmentId: lastSegment?.kind === 'segment-started' ? lastSegment.payload.segmentId : span.segmentId,
            positionMs: lastSegment?.kind === 'segment-started' ? positionMs : span.positionMs,
            autoClosed: true,
          },
        },
      ]);
    }
  }

  /** The session folders, newest first. */
  async sessionIds(): Promise<SessionId[]> {
    await this.sweepOnce();
    let names: string[];
    try {
      names = await readdir(this.sessionsDir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const ids: SessionId[] = [];
    for (const name of names.sort().reverse()) {
      if (!sessionMetaSchema.shape.id.safeParse(name).success) continue;
      if ((await stat(this.sessionDir(name))).isDirectory()) ids.push(name);
    }
    return ids;
  }

  async list(): Promise<SessionSummary[]> {
    // Refused as a whole while locked, not taken for a list of damaged sessions.
    await this.codec();
    return this.summariesOf(await this.sessionIds());
  }

  /** Every session's metadata alone (no journal is read), newest first; one that cannot be read is left out. */
  async listMetas(): Promise<SessionMeta[]> {
    await this.codec();
    const metas: SessionMeta[] = [];
    for (const sessionId of await this.sessionIds()) {
      const meta = await this.withSession(sessionId, async () => this.readMeta(sessionId, await this.codec()).catch(() => undefined));
      if (meta !== undefined) metas.push(meta);
    }
    return metas;
  }

  /** The summaries of these sessions, in the order given; one that is missing or cannot be read is left out. */
  async summariesOf(sessionIds: readonly SessionId[]): Promise<SessionSummary[]> {
    const summaries: SessionSummary[] = [];
    for (const sessionId of sessionIds) {
      const summary = await this.withSession(sessionId, async () => {
        try {
          const codec = await this.codec();
          const meta = await this.readMeta(sessionId, codec);
          const events = this.writers.has(sessionId)
            ? (await this.writerFor(sessionId, codec)).events()
            : (await readJournal(path.join(this.sessionDir(sessionId), journalFileName), { repair: false, decodeLine: journalLineDecoder(codec, sessionId) }))
                .events;
          return {
            meta,
            markCount: liveMarkCount(foldSession(events)),
            lastSessionMs: events.reduce((latest, event) => Math.max(latest, event.sessionMs), 0),
          };
        } catch {
          // A damaged session folder must not hide the others; it is reported when opened.
          return undefined;
        }
      });
      if (summary !== undefined) summaries.push(summary);
    }
    return summaries;
  }

  /**
   * Runs `work` on a session's folder with its journal closed and every other operation
   * on that session waiting: for replacing its files whole (encryption turned on or off).
   * The journal is read again, through the codec of the moment, by the next operation.
   */
  rewriteSession(sessionId: SessionId, work: (directory: string) => Promise<void>): Promise<void> {
    return this.withSession(sessionId, async () => {
      const writer = this.writers.get(sessionId);
      this.writers.delete(sessionId);
      this.metas.delete(sessionId);
      await (await writer?.catch(() => undefined))?.close();
      await work(this.sessionDir(sessionId));
    });
  }

  async close(): Promise<void> {
    const writers = [...this.writers.values()];
    this.writers.clear();
    await Promise.all(writers.map(async (writer) => (await writer.catch(() => undefined))?.close()));
  }
}
