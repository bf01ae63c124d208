import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { parseCsvStrict as parseCsv } from '../../tests/fixtures/sessions/rfc4180';
import { journalEventSchema, type JournalEvent } from '../events';
import { defaultMarkKinds } from '../mark-kinds';
import { toEaf } from './eaf';
import { toHtml } from './html';
import { toMarkdown } from './markdown';
import { buildSessionExport } from './session-export';
import { sessionCsvColumns, toCsv } from './session-csv';
import { toJson } from './session-json';

const { opened, playlist } = loadHostileSession();
const minute = 60_000;
const lastSeq = Math.max(...opened.events.map((event) => event.seq));
const tablet = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const idOf = (index: number) => `00000000-0000-4000-8000-${(0xc0f000 + index).toString(16).padStart(12, '0')}`;

let added = 0;
function event(sessionMs: number, kind: string, payload: object, arrivedMs = sessionMs): JournalEvent {
  added += 1;
  return journalEventSchema.parse({
    id: idOf(added),
    seq: lastSeq + added,
    sessionMs,
    wallTime: new Date(Date.parse(opened.meta.createdAt) + arrivedMs).toISOString(),
    kind,
    payload,
  });
}
const place = { phaseId: 'onset', segmentId: 'track-a', positionMs: 1000 };

const coFacilitated = {
  ...opened,
  events: [
    ...opened.events,
    event(1 * minute, 'co-facilitator', { action: 'joined', device: 'main', by: 'MK' }),
    event(2 * minute, 'co-facilitator', { action: 'joined', device: tablet, by: 'JS' }),
    event(3 * minute, 'mark', { markKind: 'resonance', ...place, by: 'MK', note: 'eyes wet' }),
    // Made on the tablet at 0:04 and journaled at 0:06, when its link came back.
    event(4 * minute, 'mark', { markKind: 'distress', ...place, by: 'JS', late: true, intensity: 4 }, 6 * minute),
    event(5 * minute, 'mark', { markKind: 'resonance', ...place, by: 'JS' }),
    event(7 * minute, 'co-facilitator', { action: 'left', device: tablet, by: 'JS', reason: 'removed' }),
  ],
};
const model = buildSessionExport(coFacilitated, playlist, defaultMarkKinds);
const plain = buildSessionExport(opened, playlist, defaultMarkKinds);
const offset = model.facts.t0OffsetMs;
const unsigned = plain.rows.filter((row) => row.source === 'mark').length;

describe('authors in the export model', () => {
  it('gives every mark its author and late flag (null and false for unsigned marks and events)', () => {
    const authored = model.rows.filter((row) => row.author !== null).map((row) => ({ at: row.sessionMs - offset, kind: row.kind, author: row.author, late: row.late }));
    expect(authored).toEqual([
      { at: 3 * minute, kind: 'resonance', author: 'MK', late: false },
      { at: 4 * minute, kind: 'distress', author: 'JS', late: true },
      { at: 5 * minute, kind: 'resonance', author: 'JS', late: false },
    ]);
    expect(model.rows.filter((row) => row.source === 'event').every((row) => row.author === null && !row.late)).toBe(true);
  });

  it('counts marks per facilitator in order of joining, the unsigned ones last, and lists who joined', () => {
    expect(model.facts.markCountsByAuthor).toEqual([
      { by: 'MK', count: 1 },
      { by: 'JS', count: 2 },
      { by: null, count: unsigned },
    ]);
    expect(model.facts.facilitatorsJoined).toEqual([
      { by: 'MK', device: 'main', joinedMs: 1 * minute + offset, leftMs: null, leftReason: null },
      { by: 'JS', device: 'paired device', joinedMs: 2 * minute + offset, leftMs: 7 * minute + offset, leftReason: 'removed' },
    ]);
    expect(plain.facts.markCountsByAuthor).toEqual([]);
    expect(plain.facts.facilitatorsJoined).toEqual([]);
  });
});

describe('authors in the files', () => {
  it('CSV: an author and a sent_late column, empty for unsigned marks', () => {
    const records = parseCsv(toCsv(model));
    const column = (name: (typeof sessionCsvColumns)[number]) => sessionCsvColumns.indexOf(name);
    expect(records[0]?.slice(-2)).toEqual(['author', 'sent_late']);
    const marks = records.slice(1).filter((record) => record[column('from_memory')] !== '');
    const byAuthor = marks.map((record) => `${record[column('kind')]}:${record[column('author')]}:${record[column('sent_late')]}`);
    expect(byAuthor.filter((text) => !text.includes('::'))).toEqual(['resonance:MK:false', 'distress:JS:true', 'resonance:JS:false']);
    expect(byAuthor.filter((text) => text.includes('::'))).toHaveLength(unsigned);
  });

  it('JSON: author and late on each row, the counts and who joined in the session', () => {
    const json = JSON.parse(toJson(model)) as {
      session: { markCountsByAuthor: unknown; facilitatorsJoined: { by: string; leftReason: string | null }[] };
      rows: { author: string | null; late: boolean; kind: string }[];
    };
    expect(json.rows.filter((row) => row.author === 'JS').map((row) => [row.kind, row.late])).toEqual([
      ['distress', true],
      ['resonance', false],
    ]);
    expect(json.session.markCountsByAuthor).toEqual([
      { by: 'MK', count: 1 },
      { by: 'JS', count: 2 },
      { by: null, count: unsigned },
    ]);
    expect(json.session.facilitatorsJoined.map((presence) => `${presence.by}:${presence.leftReason}`)).toEqual(['MK:null', 'JS:removed']);
  });

  it('EAF: a tier per facilitator (their PARTICIPANT) with their marks; the kind tiers keep the unsigned ones', () => {
    const eaf = toEaf(model);
    expect(XMLValidator.validate(eaf)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['TIER', 'ANNOTATION'].includes(name) }).parse(eaf) as {
      ANNOTATION_DOCUMENT: { TIER: { TIER_ID: string; PARTICIPANT?: string; ANNOTATION?: { ALIGNABLE_ANNOTATION: { ANNOTATION_VALUE: string } }[] }[] };
    };
    const tiers = parsed.ANNOTATION_DOCUMENT.TIER;
    const tier = (id: string) => tiers.find((candidate) => candidate.TIER_ID === id);
    const values = (id: string) => tier(id)?.ANNOTATION?.map((annotation) => String(annotation.ALIGNABLE_ANNOTATION.ANNOTATION_VALUE)) ?? [];
    expect(tier('marks by MK')?.PARTICIPANT).toBe('MK');
    expect(values('marks by MK')).toEqual(['Resonance: eyes wet']);
    expect(values('marks by JS')).toEqual(['Distress: sent late · intensity 4', 'Resonance']);
    const plainTiers = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['TIER', 'ANNOTATION'].includes(name) }).parse(toEaf(plain)) as typeof parsed;
    const countOn = (tiersOf: typeof tiers, id: string) => tiersOf.find((candidate) => candidate.TIER_ID === id)?.ANNOTATION?.length ?? 0;
    expect(countOn(tiers, 'Resonance')).toBe(countOn(plainTiers.ANNOTATION_DOCUMENT.TIER, 'Resonance'));
    expect(countOn(tiers, 'Distress')).toBe(countOn(plainTiers.ANNOTATION_DOCUMENT.TIER, 'Distress'));
    expect(toEaf(plain)).not.toContain('PARTICIPANT');
  });

  it('Markdown and HTML: the summary counts marks per facilitator and each mark says who made it', () => {
    const markdown = toMarkdown(model);
    expect(markdown).toContain(`- **Marks by facilitator:** MK 1 · JS 2 · not signed ${unsigned}`);
    expect(markdown).toMatch(/- \*\*Co-facilitation:\*\* MK on the main screen [\d:]+–on; JS on a paired device [\d:]+–[\d:]+ \(removed\)/);
    expect(markdown).toMatch(/\*\*[\d:]+ · Distress\*\* · by JS · sent late · intensity 4/);
    const html = toHtml(model);
    expect(html).toContain(`<dt>Marks by facilitator</dt><dd><bdi>MK 1 · JS 2 · not signed ${unsigned}</bdi></dd>`);
    expect(html).toContain('by JS · sent late · intensity 4');
    expect(toMarkdown(plain)).not.toContain('Marks by facilitator');
  });
});
