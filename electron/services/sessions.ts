import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppendAck, OpenedSession, SessionSummary } from '../../core/contract';
import { kindsAllowedAfterEnd, type JournalEventInput } from '../../core/events';
import { foldSession, programMsAt } from '../../core/fold';
import type { Playlist } from '../../core/playlist';
import { ContractFailure } from '../../core/result';
import { newSessionId, sessionMetaSchema, type SessionId, type SessionMeta, type SessionSetup } from '../../core/session';
import { fsyncDirectory, writeFileAtomically } from './durable-fs';
import { JournalWriter, readJournal } from './journal';

const metaFileName = 'session.json';
const journalFileName = 'events.jsonl';

export interface SessionStoreOptions {
  readonly wallClock?: () => Date;
}

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join('');
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Session folders under `<dataDir>/sessions/<id>/`: `session.json` and `events.jsonl`. */
export class SessionStore {
  private readonly writers = new Map<SessionId, Promise<JournalWriter>>();
  private readonly repairsOnOpen = new Map<SessionId, string[]>();
  private readonly wallClock: () => Date;
  readonly sessionsDir: string;

  constructor(
    readonly dataDir: string,
    options: SessionStoreOptions = {},
  ) {
    this.sessionsDir = path.join(dataDir, 'sessions');
    this.wallClock = options.wallClock ?? (() => new Date());
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
    const directory = this.sessionDir(meta.id);
    await mkdir(directory, { mode: 0o700 });
    await writeFileAtomically(path.join(directory, metaFileName), `${JSON.stringify(meta, null, 2)}\n`);
    const writer = JournalWriter.open(path.join(directory, journalFileName), [], this.wallClock);
    this.writers.set(meta.id, writer);
    await fsyncDirectory(directory);
    await fsyncDirectory(this.sessionsDir);
    await (
      await writer
    ).append({
      id: randomUUID(),
      kind: 'session-started',
      sessionMs: 0,
      payload: { playlistId: playlist.id, playlistTitle: playlist.title },
    });
    return meta;
  }

  private async readMeta(sessionId: SessionId): Promise<SessionMeta> {
    let text: string;
    try {
      text = await readFile(path.join(this.sessionDir(sessionId), metaFileName), 'utf8');
    } catch (error) {
      if (isMissing(error)) throw new ContractFailure('not-found', `there is no session ${sessionId}`);
      throw error;
    }
    const damaged = () => new ContractFailure('invalid-data', `the metadata of session ${sessionId} is damaged`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw damaged();
    }
    const parsed = sessionMetaSchema.safeParse(json);
    if (!parsed.success || parsed.data.id !== sessionId) throw damaged();
    return parsed.data;
  }

  /** The open writer, reading (and repairing) the journal the first time it is needed. */
  private writerFor(sessionId: SessionId): Promise<JournalWriter> {
    let writer = this.writers.get(sessionId);
    if (writer === undefined) {
      const journalPath = path.join(this.sessionDir(sessionId), journalFileName);
      writer = readJournal(journalPath, { repair: true }).then(({ events, repairs }) => {
        this.repairsOnOpen.set(sessionId, repairs);
        return JournalWriter.open(journalPath, events, this.wallClock);
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
  async appendMany(sessionId: SessionId, inputs: readonly JournalEventInput[]): Promise<AppendAck[]> {
    const meta = await this.readMeta(sessionId);
    const refused = inputs.find((input) => !kindsAllowedAfterEnd.includes(input.kind));
    if (meta.status === 'ended' && refused !== undefined) {
      throw new ContractFailure('conflict', 'this session has ended; only edits to its marks can be saved now');
    }
    const writer = await this.writerFor(sessionId);
    try {
      const results = await writer.appendMany(inputs);
      return results.map(({ event, duplicate }) => ({ id: event.id, seq: event.seq, wallTime: event.wallTime, duplicate }));
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
      throw new ContractFailure('write-failed', `the event could not be saved (${reason}); it will be retried`);
    }
  }

  async open(sessionId: SessionId): Promise<OpenedSession> {
    const meta = await this.readMeta(sessionId);
    const writer = await this.writerFor(sessionId);
    return { meta, events: writer.events(), repairs: this.repairsOnOpen.get(sessionId) ?? [] };
  }

  async end(sessionId: SessionId, input: JournalEventInput & { kind: 'session-ended' }): Promise<SessionMeta> {
    const meta = await this.readMeta(sessionId);
    if (meta.status === 'ended') return meta;
    await this.closeOpenSpans(sessionId, input.sessionMs);
    await this.append(sessionId, input);
    const ended: SessionMeta = { ...meta, status: 'ended', endedAt: this.wallClock().toISOString() };
    await writeFileAtomically(path.join(this.sessionDir(sessionId), metaFileName), `${JSON.stringify(ended, null, 2)}\n`);
    return ended;
  }

  /**
   * Spans still open when the session ends are closed with a flag, at the music's last
   * known place (the live screen closes its own spans first, with exact positions).
   */
  private async closeOpenSpans(sessionId: SessionId, sessionMs: number): Promise<void> {
    const events = (await this.writerFor(sessionId)).events();
    const folded = foldSession(events);
    if (folded.openSpans.length === 0) return;
    const lastSegment = events.findLast((event) => event.kind === 'segment-started');
    const positionMs =
      lastSegment?.kind === 'segment-started'
        ? Math.max(0, Math.round(programMsAt(folded.playback, sessionMs) - lastSegment.payload.programMs))
        : 0;
    for (const span of folded.openSpans) {
      await this.append(sessionId, {
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
      });
    }
  }

  async list(): Promise<SessionSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.sessionsDir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const summaries: SessionSummary[] = [];
    for (const name of names.sort().reverse()) {
      const parsedId = sessionMetaSchema.shape.id.safeParse(name);
      if (!parsedId.success) continue;
      if (!(await stat(this.sessionDir(name))).isDirectory()) continue;
      try {
        const meta = await this.readMeta(name);
        const events = this.writers.has(name)
          ? (await this.writerFor(name)).events()
          : (await readJournal(path.join(this.sessionDir(name), journalFileName), { repair: false })).events;
        summaries.push({
          meta,
          markCount: events.filter((event) => event.kind === 'mark').length,
          lastSessionMs: events.reduce((latest, event) => Math.max(latest, event.sessionMs), 0),
        });
      } catch {
        // A damaged session folder must not hide the others; it is reported when opened.
      }
    }
    return summaries;
  }

  async close(): Promise<void> {
    const writers = [...this.writers.values()];
    this.writers.clear();
    await Promise.all(writers.map(async (writer) => (await writer.catch(() => undefined))?.close()));
  }
}
