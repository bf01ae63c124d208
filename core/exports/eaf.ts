import type { Milliseconds } from '../units';
import type { ExportRow, SessionExport } from './session-export';
import { rowDetails } from './summary';
import { escapeXml, escapeXmlAttribute } from './text';

/** How long a point mark lasts on its tier (cut short when the tier's next annotation begins sooner). */
export const eafPointMs = 1000;

interface Annotation {
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
  readonly value: string;
}

interface Tier {
  readonly id: string;
  /** ELAN's PARTICIPANT: whose tier it is (a facilitator's initials). */
  readonly participant?: string;
  readonly annotations: readonly Annotation[];
}

/** The facilitators who signed marks, in the order the summary counts them (joining), then any other author. */
function authorsOf(model: SessionExport): string[] {
  const authors = model.facts.markCountsByAuthor.flatMap((count) => (count.by === null ? [] : [count.by]));
  for (const row of model.rows) if (row.author !== null && !authors.includes(row.author)) authors.push(row.author);
  return authors;
}

/** Point annotations end at most `eafPointMs` later, and before the next one on the tier starts. */
function placePoints(items: readonly { startMs: Milliseconds; endMs: Milliseconds | undefined; value: string }[]): Annotation[] {
  const sorted = [...items].sort((a, b) => a.startMs - b.startMs);
  return sorted.map((item, index) => {
    if (item.endMs !== undefined) return { startMs: item.startMs, endMs: Math.max(item.startMs, item.endMs), value: item.value };
    const nextStartMs = sorted[index + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    return { startMs: item.startMs, endMs: Math.max(item.startMs, Math.min(item.startMs + eafPointMs, nextStartMs)), value: item.value };
  });
}

/** Details and note ('' when there are none). */
function markText(row: ExportRow): string {
  const details = rowDetails(row).join(' · ');
  return [details, row.note ?? ''].filter((part) => part !== '').join(' — ');
}

function markValue(row: ExportRow): string {
  return markText(row) || row.kindLabel;
}

/** On a facilitator's tier, marks of every kind: led by the kind. */
function authoredMarkValue(row: ExportRow): string {
  const text = markText(row);
  return text === '' ? row.kindLabel : `${row.kindLabel}: ${text}`;
}

/**
 * ELAN's annotation format (EAF 3.0): a "phases" tier, a "segments" tier (what sounded),
 * one tier per mark kind (a point mark lasts up to a second, a span runs to its end; an
 * open span to the end of the session), in a co-facilitated session one "marks by <initials>"
 * tier per facilitator (its PARTICIPANT; each value led by the mark's kind) holding the marks
 * they signed while the kind tiers keep the unsigned ones, a "session events" tier, when state keys were used a
 * "client state" tier (the band) and a tier per span state (e.g. dissociation), and, when review added
 * any, an "integration" tier (marks' integration notes, as points at their marks) and an
 * "integration (session)" tier (the session's own note, from the dose to the end). Times are
 * milliseconds since the dose, moved later only if something happened before it (a dose
 * corrected to after the Start press); the header's `attune:timeOrigin` says so.
 */
export function toEaf(model: SessionExport): string {
  const { facts } = model;
  const sessionEndMs = facts.durationMs;
  const tiers: Tier[] = [];
  tiers.push({
    id: 'phases',
    annotations: model.phases.flatMap((phase) =>
      phase.startMs === null || phase.endMs === null ? [] : [{ startMs: phase.startMs, endMs: Math.max(phase.startMs, phase.endMs), value: phase.title }],
    ),
  });
  tiers.push({
    id: 'segments',
    annotations: model.segments.map((segment) => ({ startMs: segment.startMs, endMs: Math.max(segment.startMs, segment.endMs), value: segment.name })),
  });
  const usedIds = new Set(tiers.map((tier) => tier.id));
  const tierId = (label: string, kindId: string) => {
    const id = usedIds.has(label) ? `${label} (${kindId})` : label;
    usedIds.add(id);
    return id;
  };
  // A signed mark goes on its author's tier; the kind tiers keep the marks no one signed.
  for (const kind of model.kinds) {
    const rows = model.rows.filter((row) => row.source === 'mark' && row.kind === kind.id && row.author === null);
    tiers.push({
      id: tierId(kind.label, kind.id),
      annotations: placePoints(
        rows.map((row) => ({
          startMs: row.sessionMs,
          endMs: row.span === null ? undefined : (row.spanEndMs ?? Math.max(row.sessionMs, sessionEndMs)),
          value: markValue(row),
        })),
      ),
    });
  }
  for (const author of authorsOf(model)) {
    const rows = model.rows.filter((row) => row.source === 'mark' && row.author === author);
    tiers.push({
      id: tierId(`marks by ${author}`, `author-${author}`),
      participant: author,
      annotations: placePoints(
        rows.map((row) => ({
          startMs: row.sessionMs,
          endMs: row.span === null ? undefined : (row.spanEndMs ?? Math.max(row.sessionMs, sessionEndMs)),
          value: authoredMarkValue(row),
        })),
      ),
    });
  }
  tiers.push({
    id: tierId('session events', 'event'),
    annotations: placePoints(
      model.rows
        .filter((row) => row.source === 'event')
        .map((row) => ({ startMs: row.sessionMs, endMs: undefined, value: row.note === null ? row.kindLabel : `${row.kindLabel}: ${row.note}` })),
    ),
  });
  // The client's state: the band on one tier (its stretches never overlap), each span state on its own.
  if (model.states.length > 0) {
    tiers.push({
      id: tierId('client state', 'client-state'),
      annotations: model.states.filter((span) => span.kind === 'band').map((span) => ({ startMs: span.startMs, endMs: Math.max(span.startMs, span.endMs), value: span.label })),
    });
    for (const stateKind of model.stateKinds.filter((kind) => kind.kind === 'span')) {
      const stretches = model.states.filter((span) => span.kind === 'span' && span.stateId === stateKind.id);
      if (stretches.length === 0) continue;
      tiers.push({
        id: tierId(`client state: ${stateKind.label}`, `state-${stateKind.id}`),
        annotations: stretches.map((span) => ({ startMs: span.startMs, endMs: Math.max(span.startMs, span.endMs), value: span.label })),
      });
    }
  }
  // Written days later, so on tiers of their own (last, so the day's annotation ids stay as they were).
  const integrationRows = model.rows.filter((row) => row.source === 'mark' && row.integrationNote !== null);
  if (integrationRows.length > 0) {
    tiers.push({
      id: tierId('integration', 'integration'),
      annotations: placePoints(integrationRows.map((row) => ({ startMs: row.sessionMs, endMs: undefined, value: `${row.kindLabel}: ${row.integrationNote}` }))),
    });
  }
  if (facts.integrationNote !== null) {
    tiers.push({
      id: tierId('integration (session)', 'integration-session'),
      annotations: [{ startMs: Math.min(0, sessionEndMs), endMs: Math.max(0, sessionEndMs), value: facts.integrationNote }],
    });
  }

  // ELAN's times cannot be negative: anything before the dose moves the origin earlier.
  const earliestMs = Math.min(0, ...tiers.flatMap((tier) => tier.annotations.map((annotation) => annotation.startMs)));
  const slots: { readonly valueMs: Milliseconds; readonly order: number }[] = [];
  const slotRefs = tiers.map((tier) =>
    tier.annotations.map((annotation) => {
      const start = slots.push({ valueMs: annotation.startMs - earliestMs, order: slots.length }) - 1;
      const end = slots.push({ valueMs: annotation.endMs - earliestMs, order: slots.length }) - 1;
      return [start, end] as const;
    }),
  );
  const sortedSlots = [...slots].sort((a, b) => a.valueMs - b.valueMs || a.order - b.order);
  const slotId = new Map(sortedSlots.map((slot, index) => [slot.order, `ts${index + 1}`]));

  const out: string[] = [];
  out.push(
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ANNOTATION_DOCUMENT AUTHOR="" DATE="${escapeXmlAttribute(facts.startedAt)}" FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">`,
    '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">',
  );
  const annotationCount = tiers.reduce((total, tier) => total + tier.annotations.length, 0);
  const properties: [string, string][] = [
    ['lastUsedAnnotationId', String(annotationCount)],
    ['attune:sessionId', facts.sessionId],
    ['attune:clientCode', facts.clientCode],
    ['attune:playlist', facts.playlistTitle],
    ['attune:timeOrigin', earliestMs === 0 ? 'the dose' : `${-earliestMs} ms before the dose`],
  ];
  for (const [name, value] of properties) out.push(`        <PROPERTY NAME="${escapeXmlAttribute(name)}">${escapeXml(value)}</PROPERTY>`);
  out.push('    </HEADER>', '    <TIME_ORDER>');
  for (const slot of sortedSlots) out.push(`        <TIME_SLOT TIME_SLOT_ID="${slotId.get(slot.order)}" TIME_VALUE="${Math.round(slot.valueMs)}"/>`);
  out.push('    </TIME_ORDER>');
  let annotationId = 0;
  tiers.forEach((tier, tierIndex) => {
    const participant = tier.participant === undefined ? '' : ` PARTICIPANT="${escapeXmlAttribute(tier.participant)}"`;
    const opening = `    <TIER LINGUISTIC_TYPE_REF="default-lt"${participant} TIER_ID="${escapeXmlAttribute(tier.id)}"`;
    if (tier.annotations.length === 0) {
      out.push(`${opening}/>`);
      return;
    }
    out.push(`${opening}>`);
    tier.annotations.forEach((annotation, index) => {
      annotationId += 1;
      const [start, end] = slotRefs[tierIndex]?.[index] as readonly [number, number];
      out.push(
        '        <ANNOTATION>',
        `            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a${annotationId}" TIME_SLOT_REF1="${slotId.get(start)}" TIME_SLOT_REF2="${slotId.get(end)}">`,
        `                <ANNOTATION_VALUE>${escapeXml(annotation.value)}</ANNOTATION_VALUE>`,
        '            </ALIGNABLE_ANNOTATION>',
        '        </ANNOTATION>',
      );
    });
    out.push('    </TIER>');
  });
  out.push(
    '    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>',
    '    <LOCALE LANGUAGE_CODE="en"/>',
    `    <CONSTRAINT DESCRIPTION="Time subdivision of parent annotation's time interval, no time gaps allowed within this interval" STEREOTYPE="Time_Subdivision"/>`,
    '    <CONSTRAINT DESCRIPTION="Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered" STEREOTYPE="Symbolic_Subdivision"/>',
    '    <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>',
    `    <CONSTRAINT DESCRIPTION="Time alignable annotations within the parent annotation's time interval, gaps are allowed" STEREOTYPE="Included_In"/>`,
    '</ANNOTATION_DOCUMENT>',
  );
  return `${out.join('\n')}\n`;
}
