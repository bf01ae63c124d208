import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { parseCsvStrict } from '../../tests/fixtures/sessions/rfc4180';
import { defaultClientStates } from '../client-states';
import { journalEventSchema } from '../events';
import { SessionFold } from '../fold';
import { defaultMarkKinds } from '../mark-kinds';
import { toEaf, toHtml, toMarkdown } from './index';
import { toCsv } from './session-csv';
import { toJson } from './session-json';
import { buildSessionExport, describeVitals, type SessionExport } from './session-export';

const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);
const minute = 60_000;
const t0 = 5 * minute;

const allExports = (exported: SessionExport) => [toMarkdown(exported), toHtml(exported), toCsv(exported), toJson(exported), toEaf(exported)];

describe('buildSessionExport', () => {
  it('states the session facts, pseudonymously', () => {
    expect(model.facts).toMatchObject({
      sessionId: '20261121-090000-h0st1l',
      clientCode: 'K-17 "Ω"',
      playlistId: 'harbour-light',
      playlistAvailable: true,
      startedAt: '2026-11-21T09:00:00.000Z',
      doseAt: '2026-11-21T08:55:00.000Z',
      t0OffsetMs: t0,
      status: 'ended',
      endReason: 'facilitator',
      durationMs: 85 * minute + t0,
      marksTakenBack: 1,
      playbackProblems: 1,
      journalRepairs: ['ignored an incomplete last line (12 bytes)'],
    });
    expect(model.facts.markCounts.find((count) => count.kind === 'resonance')).toEqual({ kind: 'resonance', label: 'Resonance', count: 3 });
    expect(model.facts.markCounts.at(-1)).toEqual({ kind: 'chills', label: 'chills', count: 1 });
  });

  it('never carries a file path (a folder can name the person whose computer it is)', () => {
    for (const text of allExports(model)) {
      expect(text).not.toMatch(/someone|Users|\/home\//);
    }
    expect(model.rows.find((row) => row.segment?.id === 'track-missing')?.segment?.name).toBe('missing.flac');
    // The engine's message named the file by its path, and other places it looked.
    expect(model.rows.find((row) => row.kind === 'event:playback-problem')?.note).toBe('missing: “missing.flac” was not found (also looked in … and music.flac)');
  });

  it('lays out the phase arc as played, from the first start of each phase', () => {
    expect(model.phases.map(({ id, reached, startMs, endMs, targetMs, extendedByMs }) => ({ id, reached, startMs, endMs, targetMs, extendedByMs }))).toEqual([
      { id: 'onset', reached: true, startMs: t0, endMs: 2_092_000 + t0, targetMs: 20 * minute, extendedByMs: 10 * minute },
      { id: 'peak', reached: true, startMs: 2_092_000 + t0, endMs: 70 * minute + t0, targetMs: 40 * minute, extendedByMs: 0 },
      { id: 'return', reached: true, startMs: 70 * minute + t0, endMs: 85 * minute + t0, targetMs: 30 * minute, extendedByMs: 0 },
    ]);
    // The onset had a 2-minute pause and a 3-minute quiet passage: music time is 5 minutes shorter.
    expect(model.phases[0]?.actualMs).toBe(2_092_000);
    expect(model.phases[0]?.playedMs).toBe(2_092_000 - 5 * minute);
  });

  it('lists what sounded, a resume not splitting the segment it repeats', () => {
    expect(model.segments.map((segment) => segment.id)).toEqual([
      'arrival',
      'track-a',
      'track-b',
      'onset-bridge',
      'track-c',
      'track-d',
      'deep-drone',
      'track-missing',
      'track-e',
      'landing',
    ]);
    expect(model.segments.find((segment) => segment.id === 'onset-bridge')).toMatchObject({ type: 'soundscape', name: 'Onset bridge (breath soundscape)' });
    expect(model.segments.find((segment) => segment.id === 'deep-drone')?.name).toBe('drone soundscape');
  });

  it('gives each mark its time since the dose, place, kind, details and span, edits applied and undone marks left out', () => {
    const marks = model.rows.filter((row) => row.source === 'mark');
    expect(marks).toHaveLength(13);
    const distress = marks.find((row) => row.kind === 'distress');
    expect(distress).toMatchObject({
      sessionMs: 9 * minute + t0,
      wallTime: '2026-11-21T09:09:01.680Z',
      phaseId: 'onset',
      phaseTitle: 'Onset',
      positionMs: 128_000,
      kindLabel: 'Distress',
      category: 'observation',
      intensity: 4,
      note: 'Tight chest\r\nBreathing with her\r\nsettled after 2 min',
      edited: true,
      span: null,
      spanEndMs: null,
    });
    expect(distress?.segment).toMatchObject({ id: 'track-a', type: 'file', title: 'Gymnopédie No. 1', artist: 'Erik Satie', name: 'Gymnopédie No. 1 — Erik Satie' });
    expect(marks.find((row) => row.kind === 'vitals')).toMatchObject({ category: 'protocol', vitalsText: 'BP 132/84; HR 96; 37.2 °C' });
    const breaks = marks.filter((row) => row.kind === 'break');
    expect(breaks.map(({ span, spanEndMs }) => ({ span, spanEndMs }))).toEqual([
      { span: 'closed', spanEndMs: 19 * minute + t0 },
      { span: 'auto-closed', spanEndMs: 85 * minute + t0 },
    ]);
    expect(marks.find((row) => row.kind === 'resonance')?.note).toBe('Edited in review: "home" = her grandmother\'s kitchen');
    expect(marks.some((row) => row.sessionMs === 15 * minute + t0)).toBe(false);
    expect(marks.find((row) => row.kind === 'chills')).toMatchObject({ kindLabel: 'chills', category: 'observation' });
  });

  it('carries the integration notes written in review: the latest of each, cleared ones and those on taken-back marks left out', () => {
    expect(model.facts.integrationNote).toMatch(/^# Not a heading\n/);
    expect(model.facts.integrationNote).not.toContain('First draft');
    const noted = model.rows.filter((row) => row.integrationNote !== null);
    expect(noted.map((row) => row.kind)).toEqual(['distress', 'breakthrough', 'music-resistance']);
    expect(noted[0]?.integrationNote).toBe(
      'She named it: "the same tight chest as at the funeral", then laughed, quietly.\r\nWe breathed, 4 in, 6 out.\nNext time: ask before touching 🤝🏾',
    );
    // A note written in review is not an edit of what was observed on the day.
    expect(model.rows.find((row) => row.kind === 'breakthrough')?.edited).toBe(false);
    expect(model.rows.find((row) => row.kind === 'chills')?.integrationNote).toBeNull();
    for (const text of allExports(model)) {
      expect(text).not.toContain('mark that was taken back');
      expect(text).not.toContain('then cleared');
      expect(text).not.toContain('First draft');
    }
    const none = buildSessionExport({ ...opened, events: opened.events.filter((event) => event.kind !== 'integration-note') }, playlist, defaultMarkKinds);
    expect(none.facts.integrationNote).toBeNull();
    expect(none.rows.every((row) => row.integrationNote === null)).toBe(true);
    expect(toMarkdown(none)).not.toContain('Integration');
    expect(toHtml(none)).not.toContain('Integration');
  });

  it('adds facilitator and playback events as rows with event: kinds, placed in what was playing', () => {
    const events = model.rows.filter((row) => row.source === 'event');
    expect(events.map((row) => row.kind)).toEqual([
      'event:play',
      'event:pause',
      'event:play',
      'event:extend',
      'event:quiet-start',
      'event:quiet-end',
      'event:skip',
      'event:resumed',
      'event:play',
      'event:playback-problem',
      'event:advance',
    ]);
    expect(events.find((row) => row.kind === 'event:pause')).toMatchObject({ segment: { id: 'track-a' }, positionMs: 68_000, phaseId: 'onset' });
    expect(events.find((row) => row.kind === 'event:skip')?.note).toBe('Skipped Spiegel im Spiegel — Arvo Pärt');
    expect(events.find((row) => row.kind === 'event:playback-problem')).toMatchObject({ segment: { id: 'track-missing' }, positionMs: 300 });
  });

  it('orders rows by time since the dose', () => {
    const times = model.rows.map((row) => row.sessionMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('does not depend on the order events arrive in', () => {
    const shuffled = { ...opened, events: [...opened.events].reverse() };
    expect(buildSessionExport(shuffled, playlist, defaultMarkKinds)).toEqual(model);
  });

  it('builds the same export from a fold the caller already made (review folds once for the screen and the export)', () => {
    const shuffled = [...opened.events].reverse();
    const folded = SessionFold.of(shuffled).snapshot();
    expect(buildSessionExport({ ...opened, events: shuffled }, playlist, defaultMarkKinds, defaultClientStates, folded)).toEqual(model);
  });

  it('still exports without the playlist, with ids for names', () => {
    const bare = buildSessionExport(opened, undefined, defaultMarkKinds);
    expect(bare.facts.playlistAvailable).toBe(false);
    expect(bare.facts.playlistTitle).toBe(opened.meta.playlistTitle);
    expect(bare.phases.map((phase) => [phase.id, phase.title, phase.kind, phase.targetMs])).toEqual([
      ['onset', 'onset', null, null],
      ['peak', 'peak', null, null],
      ['return', 'return', null, null],
    ]);
    expect(bare.rows.find((row) => row.kind === 'distress')?.segment).toMatchObject({ id: 'track-a', type: 'unknown', name: 'track-a' });
    for (const text of allExports(bare)) expect(text.length).toBeGreaterThan(0);
  });

  it('handles a session with no events at all', () => {
    const empty = buildSessionExport({ ...opened, events: [], repairs: [] }, playlist, defaultMarkKinds);
    expect(empty.rows).toEqual([]);
    expect(empty.phases.every((phase) => !phase.reached)).toBe(true);
    expect(toMarkdown(empty)).toContain('No marks.');
    expect(toCsv(empty).split('\r\n')).toHaveLength(2);
  });

  it('keeps times before the dose negative when the dose is corrected to after the Start press', () => {
    const late = opened.events.map((event) => (event.kind === 't0-corrected' ? { ...event, payload: { offsetMs: -2 * minute } } : event));
    const exported = buildSessionExport({ ...opened, events: late }, playlist, defaultMarkKinds);
    expect(exported.facts.doseAt).toBe('2026-11-21T09:02:00.000Z');
    expect(exported.rows[0]?.sessionMs).toBe(-2 * minute);
    expect(toCsv(exported)).toContain('\r\n-120000,-0:02:00,');
    expect(toEaf(exported)).toContain('<PROPERTY NAME="attune:timeOrigin">120000 ms before the dose</PROPERTY>');
  });
});

describe('describeVitals', () => {
  it('writes what was measured', () => {
    expect(describeVitals({ systolic: 120, diastolic: 80, heartRate: 90, temperatureC: 37.1 })).toBe('BP 120/80; HR 90; 37.1 °C');
    expect(describeVitals({ systolic: 120 })).toBe('BP 120/?');
    expect(describeVitals({ temperatureC: 36.6 })).toBe('36.6 °C');
    expect(describeVitals(undefined)).toBe('');
  });
});

describe('segmentResolver and a phase\'s extras', () => {
  it('names the extra segments that fill an extension too', async () => {
    const { segmentResolver: resolver } = await import('../segment-names');
    const { parsePlaylist } = await import('../playlist');
    const parsed = parsePlaylist({
      format: 'attune.playlist',
      version: 1,
      id: 'with-extras',
      title: 'With extras',
      phases: [
        {
          id: 'onset',
          kind: 'onset',
          title: 'Onset',
          targetMinutes: 10,
          segments: [{ type: 'soundscape', id: 'main', preset: 'breath', durationSeconds: 600 }],
          extras: [{ type: 'file', id: 'extra-track', path: '/music/Extra.flac', title: 'Extra', artist: 'Someone', durationSeconds: 300 }],
        },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(resolver(parsed.value)('extra-track')).toMatchObject({ type: 'file', name: 'Extra — Someone' });
  });
});

describe('corrections in the exports', () => {
  const last = opened.events.reduce((latest, event) => (event.seq > latest.seq ? event : latest));
  const markOf = (markKind: string) => {
    const found = model.rows.find((row) => row.source === 'mark' && row.kind === markKind);
    if (found === undefined) throw new Error(`no ${markKind} mark in the fixture`);
    return found;
  };
  const distress = markOf('distress');
  const vitals = markOf('vitals');
  const breakthrough = markOf('breakthrough');
  const rememberedId = '5e55a0f1-0000-4000-8000-0000000000f1';
  const correction = (offset: number, kind: string, payload: object) =>
    journalEventSchema.parse({
      id: `5e55a0f1-0000-4000-8000-0000000000e${offset}`,
      seq: last.seq + offset,
      sessionMs: last.sessionMs,
      wallTime: '2026-11-24T15:00:00.000Z',
      kind,
      payload,
    });
  const corrected = buildSessionExport(
    {
      ...opened,
      events: [
        ...opened.events,
        correction(1, 'mark-edited', { markId: distress.id, markKind: 'dissociation', from: 'review' }),
        correction(2, 'mark-edited', { markId: breakthrough.id, moved: { sessionMs: 40 * minute, phaseId: 'peak', segmentId: 'track-c', positionMs: 6000 }, from: 'review' }),
        correction(3, 'mark-deleted', { markId: vitals.id, reason: 'deleted', note: 'measured on the wrong client', from: 'review' }),
        { ...correction(4, 'mark-from-memory', { markKind: 'resonance', phaseId: 'peak', segmentId: 'track-c', positionMs: 1000, refersToSessionMs: 50 * minute, note: 'hummed along', from: 'review' }), id: rememberedId },
      ],
    },
    playlist,
    defaultMarkKinds,
  );
  const row = (id: string) => corrected.rows.find((candidate) => candidate.id === id);

  it('flags each correction on its row and lists deleted marks with why', () => {
    expect(row(distress.id)).toMatchObject({ kind: 'dissociation', originalKind: 'distress', originalKindLabel: 'Distress', corrections: 2, fromMemory: false });
    expect(row(breakthrough.id)).toMatchObject({ sessionMs: 40 * minute + t0, movedFromMs: breakthrough.sessionMs, positionMs: 6000 });
    expect(row(rememberedId)).toMatchObject({ sessionMs: 50 * minute + t0, fromMemory: true, writtenAt: '2026-11-24T15:00:00.000Z', note: 'hummed along' });
    expect(row(vitals.id)).toBeUndefined();
    expect(corrected.deletedMarks.find((deleted) => deleted.id === vitals.id)?.deletion).toEqual({ reason: 'deleted', note: 'measured on the wrong client' });
    expect(corrected.facts.markCounts.find((count) => count.kind === 'vitals')).toBeUndefined();
    // A remembered mark is placed at the time it refers to, between the marks around it.
    const times = corrected.rows.map((candidate) => candidate.sessionMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('writes the flags into CSV columns, JSON fields, the summaries and the EAF annotations', () => {
    const [header, ...records] = parseCsvStrict(toCsv(corrected));
    const remembered = records.find((record) => record[header?.indexOf('note') ?? -1] === 'hummed along');
    expect(remembered?.[header?.indexOf('from_memory') ?? -1]).toBe('true');
    expect(remembered?.[header?.indexOf('written_at') ?? -1]).toBe('2026-11-24T15:00:00.000Z');
    const changed = records.find((record) => record[header?.indexOf('original_kind') ?? -1] === 'distress');
    expect(changed?.[header?.indexOf('kind') ?? -1]).toBe('dissociation');
    expect(records.some((record) => record[header?.indexOf('moved_from_ms') ?? -1] === String(breakthrough.sessionMs))).toBe(true);

    const json = JSON.parse(toJson(corrected)) as { rows: { id: string; fromMemory: boolean; originalKind: string | null }[]; deletedMarks: { id: string; deletion: unknown }[] };
    expect(json.rows.find((candidate) => candidate.id === rememberedId)?.fromMemory).toBe(true);
    expect(json.rows.find((candidate) => candidate.id === distress.id)?.originalKind).toBe('distress');
    expect(json.deletedMarks.find((candidate) => candidate.id === vitals.id)?.deletion).toEqual({ reason: 'deleted', note: 'measured on the wrong client' });

    for (const summary of [toMarkdown(corrected, { timeZone: 'UTC' }), toHtml(corrected, { timeZone: 'UTC' })]) {
      expect(summary).toContain('from memory, written');
      expect(summary).toContain('moved from 0:42:00');
      expect(summary).toContain('marked as Distress at first');
      expect(summary).toContain('deleted: measured on the wrong client');
    }
    expect(toEaf(corrected)).toContain('from memory');
  });
});

