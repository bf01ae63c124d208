import { XMLParser, XMLValidator } from 'fast-xml-parser';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../tests/fixtures/sessions/golden';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { defaultMarkKinds } from '../mark-kinds';
import { eafPointMs, toEaf } from './eaf';
import { buildSessionExport } from './session-export';
import { xmlSafe } from './text';

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);
const eaf = toEaf(model);

type Attributes = Record<string, string>;
interface Annotation {
  ALIGNABLE_ANNOTATION: Attributes & { ANNOTATION_VALUE: string };
}
interface Tier {
  TIER_ID: string;
  LINGUISTIC_TYPE_REF: string;
  ANNOTATION?: Annotation[];
}
interface Document {
  ANNOTATION_DOCUMENT: Attributes & {
    HEADER: Attributes & { PROPERTY: (Attributes & { '#text': string })[] };
    TIME_ORDER: { TIME_SLOT: Attributes[] };
    TIER: Tier[];
    LINGUISTIC_TYPE: Attributes[];
  };
}

const references: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** One pass, so `&amp;#13;` stays the text `&#13;`. */
const decode = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (_, name: string) =>
    name.startsWith('#x') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (references[name] ?? `&${name};`),
  );

const parsed = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  isArray: (name) => ['TIER', 'ANNOTATION', 'TIME_SLOT', 'PROPERTY', 'LINGUISTIC_TYPE'].includes(name),
}).parse(eaf) as Document;
const root = parsed.ANNOTATION_DOCUMENT;

describe('toEaf', () => {
  it('matches the golden EAF of the hostile session', () => {
    expect(eaf).toBe(expectGolden(goldenDir, 'hostile-session.eaf', eaf).expected);
  });

  it('is well-formed XML', () => {
    expect(XMLValidator.validate(eaf)).toBe(true);
    // What that validator lets through: characters XML 1.0 forbids, unknown entities, `]]>` in text, `<` in attributes.
    expect(eaf).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(eaf).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i);
    expect(eaf).not.toContain(']]>');
    expect(eaf).not.toMatch(/="[^"]*</);
    expect(eaf.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT ')).toBe(true);
  });

  it('has an EAF 3.0 header in milliseconds', () => {
    expect(root).toMatchObject({ FORMAT: '3.0', VERSION: '3.0', DATE: '2026-11-21T09:00:00.000Z', AUTHOR: '' });
    expect(root.HEADER.TIME_UNITS).toBe('milliseconds');
    const properties = Object.fromEntries(root.HEADER.PROPERTY.map((property) => [property.NAME, decode(property['#text'])]));
    expect(properties).toMatchObject({ 'attune:clientCode': 'K-17 "Ω"', 'attune:timeOrigin': 'the dose', lastUsedAnnotationId: '41' });
  });

  it('orders time slots by value, and every annotation refers to existing slots with start ≤ end', () => {
    const slots = root.TIME_ORDER.TIME_SLOT;
    const values = slots.map((slot) => Number(slot.TIME_VALUE));
    expect(values.every((value) => Number.isInteger(value) && value >= 0)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const slotValue = new Map(slots.map((slot) => [slot.TIME_SLOT_ID, Number(slot.TIME_VALUE)]));
    expect(slotValue.size).toBe(slots.length);
    const annotationIds = new Set<string>();
    const types = new Set(root.LINGUISTIC_TYPE.map((type) => type.LINGUISTIC_TYPE_ID));
    for (const tier of root.TIER) {
      expect(types.has(tier.LINGUISTIC_TYPE_REF)).toBe(true);
      for (const { ALIGNABLE_ANNOTATION: annotation } of tier.ANNOTATION ?? []) {
        const start = slotValue.get(annotation.TIME_SLOT_REF1 as string);
        const end = slotValue.get(annotation.TIME_SLOT_REF2 as string);
        expect(start, `${tier.TIER_ID}: ${annotation.ANNOTATION_ID}`).toBeDefined();
        expect(end).toBeDefined();
        expect(start as number).toBeLessThanOrEqual(end as number);
        expect(annotationIds.has(annotation.ANNOTATION_ID as string)).toBe(false);
        annotationIds.add(annotation.ANNOTATION_ID as string);
      }
    }
    expect(annotationIds.size).toBe(41);
  });

  it('has a phases tier, a segments tier, a tier per mark kind, one for session events and two for integration notes, with unique ids', () => {
    const tierIds = root.TIER.map((tier) => tier.TIER_ID);
    expect(tierIds).toEqual([
      'phases',
      'segments',
      'Resonance',
      'Distress',
      'Dissociation / numbness',
      'Breakthrough',
      'Music resistance',
      'Note',
      'Dose',
      'Supplemental dose',
      'Vitals',
      'Break',
      'chills',
      'session events',
      'integration',
      'integration (session)',
    ]);
    const values = (id: string) => (root.TIER.find((tier) => tier.TIER_ID === id)?.ANNOTATION ?? []).map((annotation) => decode(annotation.ALIGNABLE_ANNOTATION.ANNOTATION_VALUE));
    expect(values('phases')).toEqual(['Onset', 'Peak & "deep" water', 'Return']);
    expect(values('segments')).toContain('<b>Bold</b> & "quoted", title — Ensemble ]]> <script>');
    expect(values('Note')).toEqual(['<script>alert("x")</script> & ]]> <!-- --> &amp; <![CDATA[ x ]]>']);
    expect(values('Distress')).toEqual(['intensity 4 · edited — Tight chest\r\nBreathing with her\r\nsettled after 2 min']);
    expect(values('Resonance')[1]).toBe('intensity 4 — Tab\there, bell\ufffd, nul\ufffd, lone \ufffd surrogate, end');
    // Integration notes on their own tiers; a mark's note stays on its kind's tier.
    expect(values('integration')).toEqual(
      model.rows.flatMap((row) => (row.integrationNote === null ? [] : [xmlSafe(`${row.kindLabel}: ${row.integrationNote}`)])),
    );
    expect(values('integration')[2]).toContain('<script>alert("integration")</script> & ]]> <!-- x -->');
    expect(values('integration (session)')).toEqual([xmlSafe(model.facts.integrationNote ?? '')]);
    expect(values('Distress')[0]).not.toContain('funeral');
  });

  it('leaves the integration tiers out when review wrote no integration note', () => {
    const bare = buildSessionExport({ ...opened, events: opened.events.filter((event) => event.kind !== 'integration-note') }, playlist, defaultMarkKinds);
    const text = toEaf(bare);
    expect(text).not.toContain('TIER_ID="integration');
    expect(XMLValidator.validate(text)).toBe(true);
  });

  it('gives point marks a second and spans their length', () => {
    const slotValue = new Map(root.TIME_ORDER.TIME_SLOT.map((slot) => [slot.TIME_SLOT_ID, Number(slot.TIME_VALUE)]));
    const spans = (id: string) =>
      (root.TIER.find((tier) => tier.TIER_ID === id)?.ANNOTATION ?? []).map(({ ALIGNABLE_ANNOTATION: annotation }) => [
        slotValue.get(annotation.TIME_SLOT_REF1 as string),
        slotValue.get(annotation.TIME_SLOT_REF2 as string),
      ]);
    expect(spans('Dose')).toEqual([[330_000, 330_000 + eafPointMs]]);
    expect(spans('Break')).toEqual([
      [1_260_000, 1_440_000],
      [5_100_000, 5_400_000],
    ]);
    expect(spans('integration')[0]).toEqual([840_000, 840_000 + eafPointMs]);
    // The session's own note runs from the dose to the end.
    expect(spans('integration (session)')).toEqual([[0, 5_400_000]]);
  });
});
