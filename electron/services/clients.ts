import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { OpenedSession, SessionSummary } from '../../core/contract';
import type { ClientSummary, CourseAck, CourseView } from '../../core/course-contract';
import {
  clientIdSchema,
  courseEventProblem,
  courseEventSchema,
  courseTimeline,
  foldCourse,
  linkOffers,
  sameClientCode,
  type CourseEvent,
  type CourseEventInput,
  type DosingSessionFacts,
  type FoldedCourse,
  type LinkOffer,
} from '../../core/course';
import { ContractFailure } from '../../core/result';
import type { SessionMeta } from '../../core/session';
import { fsyncDirectory } from './durable-fs';
import { nodeErrorCode } from './error-code';
import { clearCodec, type SessionCodec } from './encryption/session-codec';
import { SessionSummaryCache } from './clients-session-summaries';

/** A client's record: `clients/<client id>/events.jsonl`, append-only, one event a line (encrypted like a session journal when encryption is on). */
export const clientRecordFileName = 'events.jsonl';
const creatingPrefix = '.creating-';

/** What the client store needs of the sessions: their summaries, and one session's marks. */
export interface DosingSessions {
  listMetas(): Promise<SessionMeta[]>;
  summariesOf(sessionIds: readonly string[]): Promise<SessionSummary[]>;
  open(sessionId: string): Promise<OpenedSession>;
}

export interface ClientStoreOptions {
  readonly sessions: DosingSessions;
  readonly codec?: () => Promise<SessionCodec>;
  readonly wallClock?: () => Date;
}

interface ClientRecord {
  readonly events: CourseEvent[];
  readonly repairs: string[];
  /** Complete lines in the file (skipped ones too): the next record's place, which an encrypted line is bound to. */
  readonly recordCount: number;
  readonly sizeBytes: number;
}

function newClientId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `client-${Array.from(randomBytes(8), (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

const newline = 0x0a;

/** Reads a client's record, cutting off a torn last line (as the session journal does); lines that do not read are skipped and named. */
async function readRecord(filePath: string, clientId: string, codec: SessionCodec, repair: boolean): Promise<ClientRecord> {
  const handle = await open(filePath, repair ? 'r+' : 'r');
  try {
    const bytes = await handle.readFile();
    const repairs: string[] = [];
    const completeLength = bytes.lastIndexOf(newline) + 1;
    if (completeLength < bytes.length && repair) {
      await handle.truncate(completeLength);
      await handle.datasync();
      repairs.push(`cut off an incomplete last line (${bytes.length - completeLength} bytes) left by an interrupted write`);
    }
    const events: CourseEvent[] = [];
    const lines = bytes.subarray(0, completeLength).toString('utf8').split('\n');
    lines.pop();
    lines.forEach((line, index) => {
      const decoded = codec.decodeJournalLine(clientId, index, line);
      if ('problem' in decoded) {
        repairs.push(`skipped line ${index + 1}: ${decoded.problem}`);
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(decoded.text);
      } catch {
        repairs.push(`skipped line ${index + 1}: not valid JSON`);
        return;
      }
      const parsed = courseEventSchema.safeParse(json);
      if (parsed.success) events.push(parsed.data);
      else repairs.push(`skipped line ${index + 1}: not a valid client record event`);
    });
    return { events, repairs, recordCount: lines.length, sizeBytes: completeLength };
  } finally {
    await handle.close();
  }
}

async function appendDurably(filePath: string, text: string, sizeBefore: number): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(filePath, 'a', 0o600);
    await handle.appendFile(text, 'utf8');
    await handle.datasync();
  } catch (error) {
    // A partly written line would be glued to the next record: take it back.
    await handle?.truncate(sizeBefore).catch(() => undefined);
    throw new ContractFailure('write-failed', `the client record could not be saved (${nodeErrorCode(error) ?? 'unknown error'}); nothing was added`);
  } finally {
    await handle?.close();
  }
}

/**
 * Clients and their courses, kept as append-only records under `<data>/clients/`: a client
 * is a pseudonymous code and notes; preparation and integration sessions, links to dosing
 * sessions and integration notes on moments are events in the client's record. Dosing
 * sessions stay in their own folders, untouched: linking one is an event here.
 */
export class ClientStore {
  readonly clientsDir: string;
  private readonly sessions: DosingSessions;
  private readonly summaries: SessionSummaryCache;
  private readonly codec: () => Promise<SessionCodec>;
  private readonly wallClock: () => Date;
  private readonly locks = new Map<string, Promise<void>>();
  /** Creating a client checks every code first: one creation (or code change) at a time. */
  private codesLock: Promise<void> = Promise.resolve();

  constructor(dataDir: string, options: ClientStoreOptions) {
    this.clientsDir = path.join(dataDir, 'clients');
    this.sessions = options.sessions;
    this.summaries = new SessionSummaryCache(path.join(dataDir, 'sessions'), (sessionIds) => this.sessions.summariesOf(sessionIds));
    this.codec = options.codec ?? (() => Promise.resolve(clearCodec));
    this.wallClock = options.wallClock ?? (() => new Date());
  }

  private recordPath(clientId: string): string {
    return path.join(this.clientsDir, clientId, clientRecordFileName);
  }

  private async withClient<T>(clientId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(clientId) ?? Promise.resolve();
    let release = () => {};
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.locks.set(clientId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(clientId) === tail) this.locks.delete(clientId);
    }
  }

  private async withCodes<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.codesLock;
    let release = () => {};
    this.codesLock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Client record ids (their folder names), for the encryption service's conversion. */
  async clientIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.clientsDir);
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => clientIdSchema.safeParse(name).success).sort();
  }

  /** Runs `work` on a client's folder with every other operation on that client waiting (encryption turned on or off). */
  rewriteClient(clientId: string, work: (directory: string) => Promise<void>): Promise<void> {
    return this.withClient(clientId, () => work(path.join(this.clientsDir, clientId)));
  }

  private async read(clientId: string, repair = false): Promise<{ record: ClientRecord; course: FoldedCourse }> {
    const codec = await this.codec();
    let record: ClientRecord;
    try {
      record = await readRecord(this.recordPath(clientId), clientId, codec, repair);
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOENT') throw new ContractFailure('not-found', `there is no client ${clientId}`);
      throw error;
    }
    const course = foldCourse(clientId, record.events);
    if (course === undefined) throw new ContractFailure('invalid-data', `the record of client ${clientId} cannot be read (${record.repairs.join('; ') || 'it has no client-created event'})`);
    return { record, course };
  }

  private async courses(): Promise<FoldedCourse[]> {
    await this.codec();
    const courses: FoldedCourse[] = [];
    for (const clientId of await this.clientIds()) {
      // A damaged record must not hide the others.
      const read = await this.withClient(clientId, () => this.read(clientId)).catch(() => undefined);
      if (read !== undefined) courses.push(read.course);
    }
    return courses;
  }

  private summaryOf(course: FoldedCourse): ClientSummary {
    const count = (type: 'preparation' | 'integration') => course.recordSessions.filter((session) => session.type === type).length;
    return {
      id: course.clientId,
      code: course.code,
      notes: course.notes,
      createdAt: course.createdAt,
      sessionCounts: { preparation: count('preparation'), dosing: course.dosingSessionIds.length, integration: count('integration') },
    };
  }

  async list(): Promise<{ clients: ClientSummary[]; offers: { clientCode: string; clientId: string | null; sessionIds: string[] }[] }> {
    const courses = await this.courses();
    const metas = await this.sessions.listMetas();
    return {
      clients: courses.map((course) => this.summaryOf(course)).sort((a, b) => a.code.localeCompare(b.code)),
      offers: linkOffers(courses, metas).map((offer: LinkOffer) => ({ ...offer, sessionIds: [...offer.sessionIds] })),
    };
  }

  async create(code: string, notes: string): Promise<ClientSummary> {
    return this.withCodes(async () => {
      const existing = (await this.courses()).find((course) => sameClientCode(course.code, code));
      if (existing !== undefined) throw new ContractFailure('conflict', `a client with the code ${existing.code} already exists`);
      const clientId = newClientId();
      const codec = await this.codec();
      const event: CourseEvent = { id: randomUUID(), seq: 0, wallTime: this.wallClock().toISOString(), kind: 'client-created', payload: { code: code.trim(), notes } };
      // Built aside and renamed into place: a client appears whole or not at all.
      await mkdir(this.clientsDir, { recursive: true, mode: 0o700 });
      const building = path.join(this.clientsDir, `${creatingPrefix}${clientId}`);
      await mkdir(building, { mode: 0o700 });
      try {
        await appendDurably(path.join(building, clientRecordFileName), `${codec.encodeJournalLine(clientId, 0, JSON.stringify(event))}\n`, 0);
        await fsyncDirectory(building);
        await rename(building, path.join(this.clientsDir, clientId));
        await fsyncDirectory(this.clientsDir);
      } catch (error) {
        await rm(building, { recursive: true, force: true }).catch(() => undefined);
        throw error;
      }
      const course = foldCourse(clientId, [event]);
      if (course === undefined) throw new ContractFailure('internal', 'the new client record does not fold');
      return this.summaryOf(course);
    });
  }

  /** Looks a dosing session up for the checks: its marks' ids, or undefined when it cannot be opened. */
  private async dosingFacts(sessionIds: readonly string[]): Promise<(sessionId: string) => DosingSessionFacts | undefined> {
    const facts = new Map<string, DosingSessionFacts>();
    for (const sessionId of new Set(sessionIds)) {
      const opened = await this.sessions.open(sessionId).catch((error: unknown) => {
        if (error instanceof ContractFailure && error.code === 'locked') throw error;
        return undefined;
      });
      if (opened === undefined) continue;
      const markIds = new Set(opened.events.filter((event) => event.kind === 'mark' || event.kind === 'mark-from-memory').map((event) => event.id));
      facts.set(sessionId, { sessionId, markIds });
    }
    return (sessionId) => facts.get(sessionId);
  }

  private static sessionsReferredTo(inputs: readonly CourseEventInput[]): string[] {
    return inputs.flatMap((input) => {
      switch (input.kind) {
        case 'course-session-added':
        case 'course-session-edited':
          return input.payload.followsSessionId === undefined ? [] : [input.payload.followsSessionId];
        case 'dosing-session-linked':
        case 'moment-note':
          return [input.payload.sessionId];
        default:
          return [];
      }
    });
  }

  /**
   * Appends events to a client's record after checking each against the record as it would
   * be with the ones before it: all are saved (with one fdatasync) or none, and a refusal
   * says which event and why.
   */
  async append(clientId: string, inputs: readonly CourseEventInput[]): Promise<CourseAck[]> {
    const codeChange = inputs.some((input) => input.kind === 'client-edited' && input.payload.code !== undefined);
    const run = () => this.withClient(clientId, () => this.appendLocked(clientId, inputs));
    if (!codeChange) return run();
    return this.withCodes(async () => {
      for (const input of inputs) {
        if (input.kind !== 'client-edited' || input.payload.code === undefined) continue;
        const newCode = input.payload.code;
        const taken = (await this.courses()).find((course) => course.clientId !== clientId && sameClientCode(course.code, newCode));
        if (taken !== undefined) throw new ContractFailure('conflict', `another client already has the code ${taken.code}`);
      }
      return run();
    });
  }

  private async appendLocked(clientId: string, inputs: readonly CourseEventInput[]): Promise<CourseAck[]> {
    const { record, course } = await this.read(clientId, true);
    const dosing = await this.dosingFacts(ClientStore.sessionsReferredTo(inputs));
    const known = new Map(record.events.map((event) => [event.id, event]));
    const wallTime = this.wallClock().toISOString();
    const acks: CourseAck[] = [];
    const fresh: CourseEvent[] = [];
    let nextSeq = record.events.reduce((highest, event) => Math.max(highest, event.seq + 1), 0);
    let folded = course;
    for (const [index, input] of inputs.entries()) {
      const stored = known.get(input.id);
      if (stored !== undefined) {
        if (JSON.stringify({ ...stored, seq: undefined, wallTime: undefined }) !== JSON.stringify({ ...input, seq: undefined, wallTime: undefined })) {
          throw new ContractFailure('conflict', `event ${input.id} was already saved with different content; an id names one event only`);
        }
        acks.push({ id: stored.id, seq: stored.seq, wallTime: stored.wallTime, duplicate: true });
        continue;
      }
      const problem = courseEventProblem(folded, input, dosing);
      if (problem !== undefined) {
        throw new ContractFailure('invalid-data', inputs.length === 1 ? problem : `event ${index + 1} (${input.kind}): ${problem}; nothing was saved`);
      }
      const event = { ...input, seq: nextSeq, wallTime } as CourseEvent;
      nextSeq += 1;
      fresh.push(event);
      known.set(event.id, event);
      acks.push({ id: event.id, seq: event.seq, wallTime, duplicate: false });
      folded = foldCourse(clientId, [...record.events, ...fresh]) ?? folded;
    }
    if (fresh.length === 0) return acks;
    const codec = await this.codec();
    const text = fresh.map((event, offset) => `${codec.encodeJournalLine(clientId, record.recordCount + offset, JSON.stringify(event))}\n`).join('');
    await appendDurably(this.recordPath(clientId), text, record.sizeBytes);
    return acks;
  }

  async course(clientId: string): Promise<CourseView> {
    const { course } = await this.withClient(clientId, () => this.read(clientId));
    // read() asked the codec first: while locked this refuses before any cached summary is used.
    const [metas, linked] = await Promise.all([this.sessions.listMetas(), this.summaries.summariesOf(course.dosingSessionIds)]);
    const readable = new Set(linked.map((summary) => summary.meta.id));
    // Sessions already in another client's course are not offered here; only the record read here is known, so they are told apart by the other records' links.
    const others = (await this.courses()).filter((other) => other.clientId !== clientId);
    const offered = linkOffers([course, ...others], metas).find((offer) => offer.clientId === clientId);
    return {
      client: this.summaryOf(course),
      timeline: courseTimeline(course, linked),
      momentNotes: course.momentNotes.map((note) => ({ ...note })),
      unreadableSessionIds: course.dosingSessionIds.filter((sessionId) => !readable.has(sessionId)),
      offeredSessionIds: offered === undefined ? [] : [...offered.sessionIds],
    };
  }

  /**
   * Links sessions saved under a code into the course of the client with that code (created
   * when there is none). Only sessions that carry the code and are in no course are linked;
   * each link is an event in the client's record, the session folders are not touched.
   */
  async linkOffered(clientCode: string, sessionIds: readonly string[], via: 'start' | 'migration' | 'manual'): Promise<ClientSummary> {
    const courses = await this.courses();
    const metas: Pick<SessionMeta, 'id' | 'clientCode'>[] = (await this.sessions.summariesOf(sessionIds)).map((summary) => summary.meta);
    const missing = sessionIds.filter((sessionId) => !metas.some((meta) => meta.id === sessionId));
    if (missing.length > 0) throw new ContractFailure('not-found', `no session ${missing.join(', ')} (or it cannot be read); nothing was linked`);
    const otherCode = metas.find((meta) => !sameClientCode(meta.clientCode, clientCode));
    if (otherCode !== undefined) throw new ContractFailure('invalid-data', `session ${otherCode.id} was saved under another client code; nothing was linked`);
    const offer = linkOffers(courses, metas).find((candidate) => sameClientCode(candidate.clientCode, clientCode));
    const client = courses.find((course) => sameClientCode(course.code, clientCode));
    const clientId = client?.clientId ?? (await this.create(clientCode, '')).id;
    const toLink = offer?.sessionIds ?? [];
    if (toLink.length > 0) {
      await this.append(
        clientId,
        toLink.map((sessionId) => ({ id: randomUUID(), kind: 'dosing-session-linked', payload: { sessionId, via, clientCodeAtLink: clientCode.trim() } })),
      );
    }
    const { course } = await this.withClient(clientId, () => this.read(clientId));
    return this.summaryOf(course);
  }
}
