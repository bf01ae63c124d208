import { describe, expect, it } from 'vitest';
import {
  courseEventInputSchema,
  courseEventProblem,
  courseTimeline,
  foldCourse,
  linkOffers,
  type CourseEvent,
  type CourseEventInput,
  type DosingSessionFacts,
  type DosingSessionSummary,
} from './course';
import { sessionMetaSchema } from './session';

const clientId = 'client-abcd1234';
const dosingA = '20261101-090000-aaaaaa';
const dosingB = '20261120-090000-bbbbbb';
const markA = '00000000-0000-4000-8000-00000000000a';

let counter = 0;
function stored(input: Omit<CourseEventInput, 'id'> & { id?: string }, wallTime = '2026-11-01T12:00:00.000Z'): CourseEvent {
  counter += 1;
  const id = input.id ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return { ...input, id, seq: counter, wallTime } as CourseEvent;
}

const created = () => stored({ kind: 'client-created', payload: { code: 'C-07', notes: 'prefers cello' } });
const integration = (courseSessionId: string, date: string, followsSessionId: string | undefined) =>
  stored({ kind: 'course-session-added', payload: { courseSessionId, type: 'integration', date, facilitators: 'AB', notes: '', ...(followsSessionId === undefined ? {} : { followsSessionId }) } });
const linked = (sessionId: string) => stored({ kind: 'dosing-session-linked', payload: { sessionId, via: 'migration', clientCodeAtLink: 'C-07' } });

function meta(id: string, clientCode: string) {
  return sessionMetaSchema.parse({ id, playlistId: 'ocean', playlistTitle: 'Ocean', clientCode, createdAt: '2026-11-01T09:00:00.000Z', status: 'ended' });
}

describe('foldCourse', () => {
  it('is undefined without a client-created event', () => {
    expect(foldCourse(clientId, [linked(dosingA)])).toBeUndefined();
  });

  it('applies edits, links and moment notes in journal order, whatever order the events arrive in', () => {
    const events = [
      created(),
      stored({ kind: 'client-edited', payload: { notes: 'prefers strings' } }),
      linked(dosingA),
      linked(dosingA),
      integration('course-aaaaaaaa', '2026-11-03', dosingA),
      stored({ kind: 'course-session-edited', payload: { courseSessionId: 'course-aaaaaaaa', notes: 'talked about the cello' } }),
      stored({ kind: 'moment-note', payload: { courseSessionId: 'course-aaaaaaaa', sessionId: dosingA, markId: markA, note: 'felt held' } }),
      stored({ kind: 'moment-note', payload: { courseSessionId: 'course-aaaaaaaa', sessionId: dosingA, markId: markA, note: 'felt held, then sad' } }),
    ];
    const course = foldCourse(clientId, [...events].reverse());
    expect(course?.code).toBe('C-07');
    expect(course?.notes).toBe('prefers strings');
    expect(course?.dosingSessionIds).toEqual([dosingA]);
    expect(course?.recordSessions).toEqual([expect.objectContaining({ id: 'course-aaaaaaaa', notes: 'talked about the cello', editCount: 1, followsSessionId: dosingA })]);
    expect(course?.momentNotes.map((note) => note.note)).toEqual(['felt held, then sad']);
  });

  it('a cleared moment note is gone; an edit of a session it does not have is counted as skipped, not applied', () => {
    const course = foldCourse(clientId, [
      created(),
      linked(dosingA),
      integration('course-aaaaaaaa', '2026-11-03', dosingA),
      stored({ kind: 'moment-note', payload: { courseSessionId: 'course-aaaaaaaa', sessionId: dosingA, markId: markA, note: 'x' } }),
      stored({ kind: 'moment-note', payload: { courseSessionId: 'course-aaaaaaaa', sessionId: dosingA, markId: markA, note: null } }),
      stored({ kind: 'course-session-edited', payload: { courseSessionId: 'course-zzzzzzzz', notes: 'lost?' } }),
    ]);
    expect(course?.momentNotes).toEqual([]);
    expect(course?.skipped).toBe(1);
  });
});

describe('courseEventProblem', () => {
  const dosing = (sessionId: string): DosingSessionFacts | undefined =>
    sessionId === dosingA || sessionId === dosingB ? { sessionId, markIds: new Set(sessionId === dosingA ? [markA] : []) } : undefined;
  const course = foldCourse(clientId, [created(), linked(dosingA), integration('course-aaaaaaaa', '2026-11-03', dosingA)]);

  it('refuses an integration session pointing at a dosing session that does not exist, naming it', () => {
    const input = courseEventInputSchema.parse({
      id: '00000000-0000-4000-8000-0000000000f1',
      kind: 'course-session-added',
      payload: { courseSessionId: 'course-bbbbbbbb', type: 'integration', date: '2026-11-04', facilitators: '', notes: 'keep me', followsSessionId: '20261102-090000-gone00' },
    });
    expect(courseEventProblem(course, input, dosing)).toMatch(/20261102-090000-gone00 does not exist/);
  });

  it('refuses an integration session without a dosing session, or following one outside the course', () => {
    const base = { courseSessionId: 'course-bbbbbbbb', type: 'integration' as const, date: '2026-11-04', facilitators: '', notes: '' };
    expect(courseEventProblem(course, { id: markA, kind: 'course-session-added', payload: base }, dosing)).toMatch(/choose which/);
    expect(courseEventProblem(course, { id: markA, kind: 'course-session-added', payload: { ...base, followsSessionId: dosingB } }, dosing)).toMatch(/link it first/);
    expect(courseEventProblem(course, { id: markA, kind: 'course-session-added', payload: { ...base, followsSessionId: dosingA } }, dosing)).toBeUndefined();
    expect(courseEventProblem(course, { id: markA, kind: 'course-session-added', payload: { ...base, date: '2026-10-31', followsSessionId: dosingA } }, dosing)).toMatch(
      /2026-10-31 is before 2026-11-01/,
    );
    expect(courseEventProblem(course, { id: markA, kind: 'course-session-edited', payload: { courseSessionId: 'course-aaaaaaaa', date: '2026-10-01' } }, dosing)).toMatch(/is before/);
  });

  it('a moment note must be an integration session’s, about a mark of the dosing session it follows', () => {
    const note = (markId: string, sessionId = dosingA) => ({ id: markA, kind: 'moment-note' as const, payload: { courseSessionId: 'course-aaaaaaaa', sessionId, markId, note: 'n' } });
    expect(courseEventProblem(course, note(markA), dosing)).toBeUndefined();
    expect(courseEventProblem(course, note('00000000-0000-4000-8000-0000000000ff'), dosing)).toMatch(/not among/);
    expect(courseEventProblem(course, note(markA, dosingB), dosing)).toMatch(/it follows/);
  });
});

describe('courseTimeline', () => {
  it('orders the course by date (on one day: preparation, dosing, integration) and numbers integrations per dosing session', () => {
    const course = foldCourse(clientId, [
      created(),
      linked(dosingB),
      linked(dosingA),
      integration('course-i2000000', '2026-11-22', dosingB),
      integration('course-i1000000', '2026-11-01', dosingA),
      integration('course-i1100000', '2026-11-08', dosingA),
      stored({ kind: 'course-session-added', payload: { courseSessionId: 'course-p1000000', type: 'preparation', date: '2026-11-01', facilitators: '', notes: '' } }),
    ]);
    if (course === undefined) throw new Error('no course');
    const summaries: DosingSessionSummary[] = [dosingA, dosingB].map((id) => ({ meta: meta(id, 'C-07'), markCount: 3, lastSessionMs: 1000 }));
    const timeline = courseTimeline(course, summaries);
    expect(timeline.map((entry) => `${entry.type} ${entry.number} ${entry.date}`)).toEqual([
      'preparation 1 2026-11-01',
      'dosing 1 2026-11-01',
      'integration 1 2026-11-01',
      'integration 2 2026-11-08',
      'dosing 2 2026-11-20',
      'integration 1 2026-11-22',
    ]);
    expect(timeline.at(-1)).toMatchObject({ followsSessionId: dosingB, followsNumber: 2 });
  });

  it('leaves out a linked dosing session the host could not read', () => {
    const course = foldCourse(clientId, [created(), linked(dosingA), linked(dosingB)]);
    if (course === undefined) throw new Error('no course');
    expect(courseTimeline(course, [{ meta: meta(dosingA, 'C-07'), markCount: 0, lastSessionMs: 0 }]).map((entry) => entry.id)).toEqual([dosingA]);
  });
});

describe('linkOffers (the upgrade from free-text client codes)', () => {
  it('groups unlinked sessions by code, case and spaces aside, and names the client that has the code', () => {
    const course = foldCourse(clientId, [created(), linked(dosingA)]);
    if (course === undefined) throw new Error('no course');
    const offers = linkOffers(
      [course],
      [meta(dosingA, 'C-07'), meta(dosingB, ' c-07 '), meta('20261121-090000-cccccc', 'K-2'), meta('20261122-090000-dddddd', 'k-2'), meta('20261123-090000-eeeeee', '')],
    );
    expect(offers).toEqual([
      { clientCode: 'c-07', clientId, sessionIds: [dosingB] },
      { clientCode: 'k-2', clientId: null, sessionIds: ['20261121-090000-cccccc', '20261122-090000-dddddd'] },
    ]);
  });

  it('offers nothing once every coded session is in a course', () => {
    const course = foldCourse(clientId, [created(), linked(dosingA)]);
    if (course === undefined) throw new Error('no course');
    expect(linkOffers([course], [meta(dosingA, 'C-07')])).toEqual([]);
  });
});
