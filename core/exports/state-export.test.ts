import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { journalEventSchema, type JournalEvent } from '../events';
import { foldSession } from '../fold';
import { defaultMarkKinds } from '../mark-kinds';
import { parseCsvStrict as parseCsv } from '../../tests/fixtures/sessions/rfc4180';
import { toEaf } from './eaf';
import { buildSessionExport } from './session-export';
import { sessionCsvColumns, toCsv } from './session-csv';
import { toJson } from './session-json';
import { toMarkdown } from './markdown';

const { opened, playlist } = loadHostileSession();
const minute = 60_000;
const lastSeq = Math.max(...opened.events.map((event) => event.seq));
const endedAt = foldSession(opened.events).ended?.sessionMs ?? 0;

function stateEvent(index: number, sessionMs: number, stateId: string, action: 'set' | 'open' | 'close'): JournalEvent {
  return journalEventSchema.parse({
    id: `00000000-0000-4000-8000-${(0xabc000 + index).toString(16).padStart(12, '0')}`,
    seq: lastSeq + 1 + index,
    sessionMs,
    wallTime: new Date(Date.parse(opened.meta.createdAt) + sessionMs).toISOString(),
    kind: 'client-state',
    payload: { stateId, action },
  });
}

const withStates = {
  ...opened,
  events: [
    ...opened.events,
    stateEvent(0, 2 * minute, 'within-window', 'set'),
    stateEvent(1, 10 * minute, 'hyperaroused', 'set'),
    stateEvent(2, 12 * minute, 'dissociated', 'open'),
    stateEvent(3, 14 * minute, 'dissociated', 'close'),
  ],
};
const model = buildSessionExport(withStates, playlist, defaultMarkKinds);
const offset = model.facts.t0OffsetMs;

describe('state spans in the exports', () => {
  it('are in the export model since the dose, the last band stretch held to the end of the session', () => {
    expect(model.states.map(({ stateId, kind, startMs, endMs, ended }) => ({ stateId, kind, startMs, endMs, ended }))).toEqual([
      { stateId: 'within-window', kind: 'band', startMs: 2 * minute + offset, endMs: 10 * minute + offset, ended: 'key' },
      { stateId: 'hyperaroused', kind: 'band', startMs: 10 * minute + offset, endMs: endedAt + offset, ended: 'session-end' },
      { stateId: 'dissociated', kind: 'span', startMs: 12 * minute + offset, endMs: 14 * minute + offset, ended: 'key' },
    ]);
  });

  it('are CSV records of kind state:<id> among the rows, in the same columns', () => {
    const records = parseCsv(toCsv(model));
    expect(records[0]).toEqual([...sessionCsvColumns]);
    const kindColumn = sessionCsvColumns.indexOf('kind');
    const endColumn = sessionCsvColumns.indexOf('span_end_ms');
    const states = records.filter((record) => record[kindColumn]?.startsWith('state:'));
    expect(states.map((record) => [record[0], record[kindColumn], record[endColumn]])).toEqual([
      [String(2 * minute + offset), 'state:within-window', String(10 * minute + offset)],
      [String(10 * minute + offset), 'state:hyperaroused', String(endedAt + offset)],
      [String(12 * minute + offset), 'state:dissociated', String(14 * minute + offset)],
    ]);
    const times = records.slice(1).map((record) => Number(record[0]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The rows before states existed are all still there, in order.
    const withoutStates = parseCsv(toCsv(buildSessionExport(opened, playlist, defaultMarkKinds)));
    expect(records.filter((record) => !record[kindColumn]?.startsWith('state:'))).toEqual(withoutStates);
  });

  it('are JSON stateSpans (since version 2), with the rest unchanged', () => {
    const json = JSON.parse(toJson(model)) as { version: number; stateSpans: { stateId: string; ended: string }[]; rows: unknown[] };
    expect(json.version).toBe(5);
    expect(json.stateSpans.map((span) => `${span.stateId}:${span.ended}`)).toEqual(['within-window:key', 'hyperaroused:session-end', 'dissociated:key']);
    const before = JSON.parse(toJson(buildSessionExport(opened, playlist, defaultMarkKinds))) as { rows: unknown[]; stateSpans: unknown[] };
    expect(json.rows).toEqual(before.rows);
    expect(before.stateSpans).toEqual([]);
  });

  it('are an EAF "client state" tier for the band and a tier per span state', () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['TIER', 'ANNOTATION', 'TIME_SLOT'].includes(name) }).parse(toEaf(model)) as {
      ANNOTATION_DOCUMENT: { TIER: { TIER_ID: string; ANNOTATION?: { ALIGNABLE_ANNOTATION: { ANNOTATION_VALUE: string } }[] }[] };
    };
    const tiers = parsed.ANNOTATION_DOCUMENT.TIER;
    const values = (id: string) => tiers.find((tier) => tier.TIER_ID === id)?.ANNOTATION?.map((annotation) => annotation.ALIGNABLE_ANNOTATION.ANNOTATION_VALUE);
    expect(values('client state')).toEqual(['Within window', 'Hyperaroused']);
    expect(values('client state: Dissociated / numb')).toEqual(['Dissociated / numb']);
    const plain = toEaf(buildSessionExport(opened, playlist, defaultMarkKinds));
    expect(plain).not.toContain('client state');
  });
});

describe('prolonged-state prompts in the exports', () => {
  const hyperarousedId = '00000000-0000-4000-8000-000000abc001';
  const answered = (index: number, sessionMs: number, answer: 'hold-phase' | 'calm-bridge' | 'dismissed'): JournalEvent =>
    journalEventSchema.parse({
      id: `00000000-0000-4000-8000-${(0xdef000 + index).toString(16).padStart(12, '0')}`,
      seq: lastSeq + 10 + index,
      sessionMs,
      wallTime: new Date(Date.parse(opened.meta.createdAt) + sessionMs).toISOString(),
      kind: 'state-prompt-answered',
      payload: { stateId: 'hyperaroused', stateEventId: hyperarousedId, sinceMs: 10 * minute, answer },
    });
  const prompted = buildSessionExport({ ...withStates, events: [...withStates.events, answered(1, 31 * minute, 'dismissed'), answered(0, 30 * minute, 'hold-phase')] }, playlist, defaultMarkKinds);

  it('are in the model since the dose, in time order, with the state named', () => {
    expect(prompted.statePrompts.map(({ atMs, sinceMs, label, answer }) => ({ atMs, sinceMs, label, answer }))).toEqual([
      { atMs: 30 * minute + offset, sinceMs: 10 * minute + offset, label: 'Hyperaroused', answer: 'hold-phase' },
      { atMs: 31 * minute + offset, sinceMs: 10 * minute + offset, label: 'Hyperaroused', answer: 'dismissed' },
    ]);
    expect(model.statePrompts).toEqual([]);
  });

  it('are JSON statePrompts (since version 3) and a line of the Markdown summary', () => {
    const json = JSON.parse(toJson(prompted)) as { version: number; statePrompts: { answer: string; stateId: string; atMs: number; wallTime: string }[] };
    expect(json.version).toBe(5);
    expect(json.statePrompts.map((prompt) => `${prompt.stateId}:${prompt.answer}`)).toEqual(['hyperaroused:hold-phase', 'hyperaroused:dismissed']);
    expect(json.statePrompts[1]?.wallTime).toBe(new Date(Date.parse(opened.meta.createdAt) + 31 * minute).toISOString());
    const markdown = toMarkdown(prompted);
    expect(markdown).toMatch(/Prompts after a prolonged state.*Hyperaroused \(since [\d:]+\): held the phase; [\d:]+ Hyperaroused \(since [\d:]+\): dismissed/);
    expect(toMarkdown(model)).not.toContain('Prompts after a prolonged state');
  });
});
