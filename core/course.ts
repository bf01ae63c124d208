import * as z from 'zod';
import { markNoteSchema } from './events';
import { clientCodeSchema, sessionIdSchema, type SessionMeta } from './session';
import type { Milliseconds } from './units';

/** A client's record folder name: never derived from the code, so the folder name says nothing about the client. */
export const clientIdSchema = z.string().regex(/^client-[a-z0-9]{8}$/, 'not a client id');
export type ClientId = z.infer<typeof clientIdSchema>;

/** A preparation or integration session kept in the client's record (dosing sessions are session folders of their own). */
export const courseSessionIdSchema = z.string().regex(/^course-[a-z0-9]{8}$/, 'not a course session id');
export type CourseSessionId = z.infer<typeof courseSessionIdSchema>;

export const courseSessionTypes = ['preparation', 'dosing', 'integration'] as const;
export type CourseSessionType = (typeof courseSessionTypes)[number];

/** A client's code: a pseudonym, never a name; required here, since it is what the record is found by. */
export const requiredClientCodeSchema = clientCodeSchema.pipe(z.string().min(1, 'a client code (a pseudonym, never a name) is needed'));
export const clientNotesSchema = z.string().trim().max(5000);
const courseNotesSchema = z.string().trim().max(20_000);
const facilitatorsSchema = z.string().trim().max(80);
const courseDateSchema = z.iso.date();

const clientCreatedPayload = z.strictObject({ code: requiredClientCodeSchema, notes: clientNotesSchema });
const clientEditedPayload = z
  .strictObject({ code: requiredClientCodeSchema.optional(), notes: clientNotesSchema.optional() })
  .refine((edit) => edit.code !== undefined || edit.notes !== undefined, { message: 'an edit changes the code or the notes' });

const courseSessionAddedPayload = z.strictObject({
  courseSessionId: courseSessionIdSchema,
  type: z.enum(['preparation', 'integration']),
  date: courseDateSchema,
  facilitators: facilitatorsSchema,
  notes: courseNotesSchema,
  /** For an integration session: the dosing session it follows (one of this client's). */
  followsSessionId: sessionIdSchema.optional(),
});
const courseSessionEditedPayload = z
  .strictObject({
    courseSessionId: courseSessionIdSchema,
    date: courseDateSchema.optional(),
    facilitators: facilitatorsSchema.optional(),
    notes: courseNotesSchema.optional(),
    followsSessionId: sessionIdSchema.optional(),
  })
  .refine((edit) => edit.date !== undefined || edit.facilitators !== undefined || edit.notes !== undefined || edit.followsSessionId !== undefined, {
    message: 'an edit changes at least one of date, facilitators, notes or the dosing session followed',
  });

/** How a dosing session joined the course: started under the client's code, linked from sessions saved before courses existed, or by hand. */
export const linkOrigins = ['start', 'migration', 'manual'] as const;
const dosingSessionLinkedPayload = z.strictObject({ sessionId: sessionIdSchema, via: z.enum(linkOrigins), clientCodeAtLink: z.string().max(40) });

/** An integration session's words about one moment of the dosing session it follows; replaces that session's earlier note on it, null clears. */
const momentNotePayload = z.strictObject({
  courseSessionId: courseSessionIdSchema,
  sessionId: sessionIdSchema,
  markId: z.uuid(),
  note: markNoteSchema.nullable(),
});

const courseInputBase = { id: z.uuid() };
const courseStoredBase = { ...courseInputBase, seq: z.number().int().min(0), wallTime: z.iso.datetime() };

function courseEventUnion<Shape extends z.ZodRawShape>(base: Shape) {
  return z.discriminatedUnion('kind', [
    z.strictObject({ ...base, kind: z.literal('client-created'), payload: clientCreatedPayload }),
    z.strictObject({ ...base, kind: z.literal('client-edited'), payload: clientEditedPayload }),
    z.strictObject({ ...base, kind: z.literal('course-session-added'), payload: courseSessionAddedPayload }),
    z.strictObject({ ...base, kind: z.literal('course-session-edited'), payload: courseSessionEditedPayload }),
    z.strictObject({ ...base, kind: z.literal('dosing-session-linked'), payload: dosingSessionLinkedPayload }),
    z.strictObject({ ...base, kind: z.literal('moment-note'), payload: momentNotePayload }),
  ]);
}

export const courseEventInputSchema = courseEventUnion(courseInputBase);
export const courseEventSchema = courseEventUnion(courseStoredBase);
export type CourseEventInput = z.infer<typeof courseEventInputSchema>;
export type CourseEvent = z.infer<typeof courseEventSchema>;

export interface CourseRecordSession {
  readonly id: CourseSessionId;
  readonly type: 'preparation' | 'integration';
  readonly date: string;
  readonly facilitators: string;
  readonly notes: string;
  readonly followsSessionId: string | undefined;
  readonly addedAt: string;
  readonly editCount: number;
}

export interface MomentNote {
  readonly courseSessionId: CourseSessionId;
  readonly sessionId: string;
  readonly markId: string;
  readonly note: string;
  readonly writtenAt: string;
}

export interface FoldedCourse {
  readonly clientId: string;
  readonly code: string;
  readonly notes: string;
  readonly createdAt: string;
  /** Preparation and integration sessions, in the order they were added. */
  readonly recordSessions: readonly CourseRecordSession[];
  /** Dosing sessions in the course, in the order they were linked. */
  readonly dosingSessionIds: readonly string[];
  /** Current integration notes on moments (cleared ones left out), in the order first written. */
  readonly momentNotes: readonly MomentNote[];
  /** Events that refer to what the record does not have (kept in the file, left out of the fold). */
  readonly skipped: number;
}

/** The client's record as its events say now. Undefined when it has no client-created event. */
export function foldCourse(clientId: string, events: readonly CourseEvent[]): FoldedCourse | undefined {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const created = ordered.find((event) => event.kind === 'client-created');
  if (created === undefined || created.kind !== 'client-created') return undefined;
  let code = created.payload.code;
  let notes = created.payload.notes;
  const sessions = new Map<string, CourseRecordSession>();
  const dosing: string[] = [];
  const momentNotes = new Map<string, MomentNote>();
  let skipped = 0;
  for (const event of ordered) {
    switch (event.kind) {
      case 'client-created':
        if (event !== created) skipped += 1;
        break;
      case 'client-edited':
        code = event.payload.code ?? code;
        notes = event.payload.notes ?? notes;
        break;
      case 'course-session-added': {
        const { courseSessionId, type, date, facilitators, notes: sessionNotes, followsSessionId } = event.payload;
        if (sessions.has(courseSessionId)) {
          skipped += 1;
          break;
        }
        sessions.set(courseSessionId, { id: courseSessionId, type, date, facilitators, notes: sessionNotes, followsSessionId, addedAt: event.wallTime, editCount: 0 });
        break;
      }
      case 'course-session-edited': {
        const existing = sessions.get(event.payload.courseSessionId);
        if (existing === undefined) {
          skipped += 1;
          break;
        }
        const { date, facilitators, notes: sessionNotes, followsSessionId } = event.payload;
        sessions.set(existing.id, {
          ...existing,
          date: date ?? existing.date,
          facilitators: facilitators ?? existing.facilitators,
          notes: sessionNotes ?? existing.notes,
          followsSessionId: followsSessionId ?? existing.followsSessionId,
          editCount: existing.editCount + 1,
        });
        break;
      }
      case 'dosing-session-linked':
        if (!dosing.includes(event.payload.sessionId)) dosing.push(event.payload.sessionId);
        break;
      case 'moment-note': {
        const { courseSessionId, sessionId, markId, note } = event.payload;
        if (!sessions.has(courseSessionId)) {
          skipped += 1;
          break;
        }
        const key = momentKey(courseSessionId, sessionId, markId);
        if (note === null || note.trim() === '') momentNotes.delete(key);
        else momentNotes.set(key, { courseSessionId, sessionId, markId, note, writtenAt: event.wallTime });
        break;
      }
    }
  }
  return {
    clientId,
    code,
    notes,
    createdAt: created.wallTime,
    recordSessions: [...sessions.values()],
    dosingSessionIds: dosing,
    momentNotes: [...momentNotes.values()],
    skipped,
  };
}

function momentKey(courseSessionId: string, sessionId: string, markId: string): string {
  return `${courseSessionId}/${sessionId}/${markId}`;
}

/** Codes compare as people type them: surrounding spaces and letter case do not make another client. */
export function sameClientCode(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase('en') === b.trim().toLocaleLowerCase('en');
}

/** What the record needs to know about a dosing session to check an event against it. */
export interface DosingSessionFacts {
  readonly sessionId: string;
  /** Ids of the session's marks (deleted ones included: a note may discuss what was later corrected). */
  readonly markIds: ReadonlySet<string>;
}

/**
 * Why an event cannot join this client's record, in words for the facilitator; undefined when
 * it can. `dosing` looks a dosing session up (undefined when there is no such session).
 */
export function courseEventProblem(
  course: FoldedCourse | undefined,
  input: CourseEventInput,
  dosing: (sessionId: string) => DosingSessionFacts | undefined,
): string | undefined {
  if (input.kind === 'client-created') return course === undefined ? undefined : 'this client already exists; edit its code or notes instead';
  if (course === undefined) return 'there is no such client';
  const followsProblem = (sessionId: string | undefined, type: 'preparation' | 'integration', date: string): string | undefined => {
    if (sessionId === undefined) return type === 'integration' ? 'an integration session follows a dosing session: choose which' : undefined;
    if (type !== 'integration') return 'only an integration session follows a dosing session';
    if (dosing(sessionId) === undefined) return `the dosing session ${sessionId} does not exist (or cannot be read); nothing was saved`;
    if (!course.dosingSessionIds.includes(sessionId)) return `the dosing session ${sessionId} is not in ${course.code}'s course; link it first`;
    if (date < dayOfSessionId(sessionId)) return `an integration session follows its dosing session: ${date} is before ${dayOfSessionId(sessionId)}`;
    return undefined;
  };
  switch (input.kind) {
    case 'client-edited':
      return undefined;
    case 'course-session-added':
      if (course.recordSessions.some((session) => session.id === input.payload.courseSessionId)) return 'a session with this id is already in the course';
      return followsProblem(input.payload.followsSessionId, input.payload.type, input.payload.date);
    case 'course-session-edited': {
      const existing = course.recordSessions.find((session) => session.id === input.payload.courseSessionId);
      if (existing === undefined) return 'there is no such session in this course';
      const { followsSessionId, date } = input.payload;
      if (followsSessionId === undefined && date === undefined) return undefined;
      return followsProblem(followsSessionId ?? existing.followsSessionId, existing.type, date ?? existing.date);
    }
    case 'dosing-session-linked':
      if (dosing(input.payload.sessionId) === undefined) return `the dosing session ${input.payload.sessionId} does not exist (or cannot be read)`;
      return undefined;
    case 'moment-note': {
      const { courseSessionId, sessionId, markId } = input.payload;
      const session = course.recordSessions.find((candidate) => candidate.id === courseSessionId);
      if (session === undefined) return 'there is no such session in this course';
      if (session.type !== 'integration') return 'notes on moments belong to integration sessions';
      if (session.followsSessionId !== sessionId) return 'an integration session discusses the moments of the dosing session it follows';
      const facts = dosing(sessionId);
      if (facts === undefined) return `the dosing session ${sessionId} does not exist (or cannot be read)`;
      if (!facts.markIds.has(markId)) return 'that moment is not among the dosing session’s marks';
      return undefined;
    }
  }
}

/** A dosing session as the course page shows it, from the session's own summary. */
export interface DosingSessionSummary {
  readonly meta: SessionMeta;
  readonly markCount: number;
  readonly lastSessionMs: Milliseconds;
}

export type CourseTimelineEntry =
  | {
      readonly type: 'dosing';
      readonly id: string;
      /** The day it started (the computer's local day, as its folder name has it). */
      readonly date: string;
      /** 1 for the first dosing session in time, and so on. */
      readonly number: number;
      readonly playlistTitle: string;
      readonly facilitators: string;
      readonly notes: string;
      readonly status: 'open' | 'ended';
      readonly markCount: number;
      readonly durationMs: Milliseconds;
    }
  | {
      readonly type: 'preparation' | 'integration';
      readonly id: string;
      readonly date: string;
      /** Counted within its type (integration 1, 2 … after each dosing session, preparation 1, 2 …). */
      readonly number: number;
      readonly facilitators: string;
      readonly notes: string;
      readonly followsSessionId: string | null;
      /** The followed dosing session's number, null when it is not in the course. */
      readonly followsNumber: number | null;
      readonly momentNoteCount: number;
    };

/** A session id starts with its local start day: `20261121-…` → `2026-11-21`. */
function dayOfSessionId(sessionId: string): string {
  return `${sessionId.slice(0, 4)}-${sessionId.slice(4, 6)}-${sessionId.slice(6, 8)}`;
}

/**
 * The course in time order: preparation, dosing and integration sessions by date (on one day:
 * preparation, then dosing, then integration, as a day runs). Dosing sessions the record
 * links but the host could not read are left out (the page says how many).
 */
export function courseTimeline(course: FoldedCourse, dosing: readonly DosingSessionSummary[]): CourseTimelineEntry[] {
  const linked = dosing.filter((summary) => course.dosingSessionIds.includes(summary.meta.id)).sort((a, b) => (a.meta.id < b.meta.id ? -1 : 1));
  const dosingNumber = new Map(linked.map((summary, index) => [summary.meta.id, index + 1]));
  const notesBySession = new Map<string, number>();
  for (const note of course.momentNotes) notesBySession.set(note.courseSessionId, (notesBySession.get(note.courseSessionId) ?? 0) + 1);
  const typeOrder: Record<CourseSessionType, number> = { preparation: 0, dosing: 1, integration: 2 };
  const entries: CourseTimelineEntry[] = linked.map((summary) => ({
    type: 'dosing',
    id: summary.meta.id,
    date: dayOfSessionId(summary.meta.id),
    number: dosingNumber.get(summary.meta.id) ?? 0,
    playlistTitle: summary.meta.playlistTitle,
    facilitators: summary.meta.facilitators,
    notes: summary.meta.intention,
    status: summary.meta.status,
    markCount: summary.markCount,
    durationMs: summary.lastSessionMs,
  }));
  const ordered = [...course.recordSessions].sort((a, b) => (a.date === b.date ? (a.addedAt < b.addedAt ? -1 : 1) : a.date < b.date ? -1 : 1));
  const counters = new Map<string, number>();
  for (const session of ordered) {
    // Integration sessions count per dosing session they follow; preparation sessions across the course.
    const counterKey = session.type === 'integration' ? `integration/${session.followsSessionId ?? ''}` : 'preparation';
    const number = (counters.get(counterKey) ?? 0) + 1;
    counters.set(counterKey, number);
    entries.push({
      type: session.type,
      id: session.id,
      date: session.date,
      number,
      facilitators: session.facilitators,
      notes: session.notes,
      followsSessionId: session.followsSessionId ?? null,
      followsNumber: session.followsSessionId === undefined ? null : (dosingNumber.get(session.followsSessionId) ?? null),
      momentNoteCount: notesBySession.get(session.id) ?? 0,
    });
  }
  return entries.sort((a, b) => (a.date === b.date ? typeOrder[a.type] - typeOrder[b.type] || (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
}

/** Sessions saved under a client code but in no client's course: offered for linking (the upgrade path from free-text codes). */
export interface LinkOffer {
  /** The code as the newest of these sessions has it. */
  readonly clientCode: string;
  /** The client with that code, when there is one; otherwise linking creates it. */
  readonly clientId: string | null;
  readonly sessionIds: readonly string[];
}

export function linkOffers(courses: readonly FoldedCourse[], sessions: readonly Pick<SessionMeta, 'id' | 'clientCode'>[]): LinkOffer[] {
  const linked = new Set(courses.flatMap((course) => course.dosingSessionIds));
  const offers: { clientCode: string; clientId: string | null; sessionIds: string[] }[] = [];
  for (const session of [...sessions].sort((a, b) => (a.id < b.id ? 1 : -1))) {
    if (session.clientCode.trim() === '' || linked.has(session.id)) continue;
    let offer = offers.find((candidate) => sameClientCode(candidate.clientCode, session.clientCode));
    if (offer === undefined) {
      const client = courses.find((course) => sameClientCode(course.code, session.clientCode));
      offer = { clientCode: session.clientCode.trim(), clientId: client?.clientId ?? null, sessionIds: [] };
      offers.push(offer);
    }
    offer.sessionIds.push(session.id);
  }
  for (const offer of offers) offer.sessionIds.sort();
  return offers.sort((a, b) => a.clientCode.localeCompare(b.clientCode));
}

/** "Dosing session 2, 2026-11-20" as the course numbers it; "Dosing session, 2026-11-20" outside a course. */
export function dosingHeading(sessionId: string, timeline: readonly CourseTimelineEntry[] = []): string {
  const entry = timeline.find((candidate) => candidate.type === 'dosing' && candidate.id === sessionId);
  return entry === undefined ? `Dosing session, ${dayOfSessionId(sessionId)}` : `Dosing session ${entry.number}, ${entry.date}`;
}

/** "Integration 1 after dosing 2, 2026-11-24", or "Preparation 1, 2026-10-30". */
export function recordSessionHeading(entry: Extract<CourseTimelineEntry, { type: 'preparation' | 'integration' }>): string {
  if (entry.type === 'preparation') return `Preparation ${entry.number}, ${entry.date}`;
  const after = entry.followsNumber === null ? '' : ` after dosing ${entry.followsNumber}`;
  return `Integration ${entry.number}${after}, ${entry.date}`;
}
