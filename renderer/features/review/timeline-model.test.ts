import { describe, expect, it } from 'vitest';
import { buildSessionExport } from '../../../core/exports';
import { defaultMarkKinds } from '../../../core/mark-kinds';
import { loadHostileSession } from '../../../tests/fixtures/sessions/hostile-session';
import { journalEventSchema } from '../../../core/events';
import { actionsKey, buildTimeline, describeItem, isReplayable, layoutRows, withoutAuthors } from './timeline-model';

const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);
const timeline = buildTimeline(model);

describe('buildTimeline', () => {
  it('puts every mark and event on a lane, in time order', () => {
    expect(timeline.items).toHaveLength(model.rows.length);
    for (let index = 1; index < timeline.items.length; index += 1) {
      expect(timeline.items[index]?.startMs).toBeGreaterThanOrEqual(timeline.items[index - 1]?.startMs ?? 0);
    }
    const lanes = new Set(timeline.items.map((item) => item.lane));
    expect(lanes).toEqual(new Set(['marks', 'protocol', 'actions']));
    const dose = timeline.items.find((item) => item.kind === 'dose');
    expect(dose?.lane).toBe('protocol');
    expect(timeline.items.filter((item) => item.lane === 'actions').every((item) => item.kind.startsWith('event:') && item.rowKey === actionsKey)).toBe(true);
  });

  it('draws spans as bars to their end, open ones to the end of the session', () => {
    const spans = timeline.items.filter((item) => item.row.span !== null);
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(span.endMs).toBeGreaterThan(span.startMs);
      if (span.row.spanEndMs !== null) expect(span.endMs).toBe(span.row.spanEndMs);
    }
    expect(timeline.longestMs).toBe(Math.max(...spans.map((span) => span.endMs - span.startMs)));
  });

  it('groups the items by row once, in time order, with each row\'s longest span', () => {
    const grouped = [...timeline.itemsByRow.values()].flatMap((row) => row.items);
    expect(grouped).toHaveLength(timeline.items.length);
    for (const [key, row] of timeline.itemsByRow) {
      expect(row.items.every((item) => item.rowKey === key)).toBe(true);
      expect(row.items.map((item) => item.startMs)).toEqual(row.items.map((item) => item.startMs).sort((a, b) => a - b));
      expect(row.longestMs).toBe(Math.max(...row.items.map((item) => item.endMs - item.startMs)));
    }
    expect(timeline.rowKinds.map((kind) => kind.count)).toEqual(timeline.rowKinds.map((kind) => timeline.itemsByRow.get(kind.key)?.items.length));
    for (const item of timeline.items) expect(timeline.itemByKey.get(item.key)).toBe(item);
  });

  it('covers the session from the dose to its end', () => {
    expect(timeline.domain.startMs).toBe(0);
    expect(timeline.domain.endMs).toBe(model.facts.durationMs);
  });

  it('lays the planned phases end to end from the first start, next to the ones played', () => {
    expect(timeline.plannedPhases.map((phase) => phase.id)).toEqual(playlist.phases.map((phase) => phase.id));
    const first = timeline.actualPhases[0];
    expect(timeline.plannedPhases[0]?.startMs).toBe(first?.startMs);
    for (let index = 1; index < timeline.plannedPhases.length; index += 1) {
      expect(timeline.plannedPhases[index]?.startMs).toBe(timeline.plannedPhases[index - 1]?.endMs);
    }
    expect(timeline.plannedPhases.map((phase) => phase.endMs - phase.startMs)).toEqual(playlist.phases.map((phase) => phase.targetMinutes * 60_000));
    expect(timeline.actualPhases.map((phase) => phase.id)).toEqual(model.phases.filter((phase) => phase.reached).map((phase) => phase.id));
  });

  it('has one row kind per mark kind used, observations before protocol, then actions', () => {
    const lanes = timeline.rowKinds.map((kind) => kind.lane);
    expect(lanes).toEqual([...lanes].sort((a, b) => ['marks', 'protocol', 'actions'].indexOf(a) - ['marks', 'protocol', 'actions'].indexOf(b)));
    expect(timeline.rowKinds.reduce((total, kind) => total + kind.count, 0)).toBe(timeline.items.length);
    // A kind the settings do not define still gets a row, in a neutral colour.
    const unknown = timeline.rowKinds.find((kind) => !defaultMarkKinds.some((defined) => defined.id === kind.key) && kind.key !== actionsKey);
    expect(unknown?.color).toMatch(/^#/);
  });
});

describe('layoutRows', () => {
  it('stacks rows without overlap and leaves out the kinds the filter hides', () => {
    const all = layoutRows(timeline, new Set());
    for (let index = 1; index < all.rows.length; index += 1) {
      const previous = all.rows[index - 1];
      expect(all.rows[index]?.y).toBeGreaterThanOrEqual((previous?.y ?? 0) + (previous?.height ?? 0));
    }
    expect(all.rows.map((row) => row.key).slice(0, 4)).toEqual(['axis', 'planned', 'actual', 'segments']);
    const hidden = layoutRows(timeline, new Set(['resonance', actionsKey]));
    expect(hidden.rows.some((row) => row.key === 'resonance' || row.key === actionsKey)).toBe(false);
    expect(hidden.height).toBeLessThan(all.height);
    expect(hidden.rows.filter((row) => row.firstOfLane).length).toBeGreaterThan(1);
    expect(all.rows.some((row) => row.kind === 'state')).toBe(false);
  });

  it('adds the client-state lane under the music when the session has state keys', () => {
    const band = { id: 'a', stateId: 'hyperaroused', label: 'Hyperaroused', kind: 'band', color: '#9a6f62', startMs: 0, endMs: 60_000, ended: 'key', wallTime: '', phaseId: null, phaseTitle: null, segment: null, corrected: false } as const;
    const rows = layoutRows({ ...timeline, states: [band] }, new Set()).rows;
    expect(rows.map((row) => row.key).slice(0, 5)).toEqual(['axis', 'planned', 'actual', 'segments', 'client-state']);
  });
});

describe('describeItem', () => {
  it('gives time, kind, phase, track, position, intensity and note', () => {
    const resonance = timeline.items.find((item) => item.kind === 'resonance' && item.row.note !== null);
    expect(resonance).toBeDefined();
    const lines = describeItem(resonance!, 'UTC');
    const labels = lines.map((line) => line.label);
    expect(labels).toEqual(expect.arrayContaining(['Since the dose', 'Mark', 'Phase', 'Playing', 'Position', 'Intensity', 'Note', 'Clock time']));
    expect(lines.find((line) => line.label === 'Note')?.value).toBe(resonance!.row.note);
    expect(lines.find((line) => line.label === 'Clock time')?.value).toMatch(/UTC$/);
  });

  it('adds the integration note written in review', () => {
    const distress = timeline.items.find((item) => item.kind === 'distress');
    expect(describeItem(distress!, 'UTC').find((line) => line.label === 'Integration note')?.value).toBe(distress!.row.integrationNote);
    const vitals = timeline.items.find((item) => item.kind === 'vitals');
    expect(describeItem(vitals!, 'UTC').map((line) => line.label)).not.toContain('Integration note');
  });

  it('lets marks and events with a known segment be replayed, and nothing without one', () => {
    expect(timeline.items.filter((item) => item.lane === 'actions').some(isReplayable)).toBe(true);
    expect(timeline.items.some((item) => item.row.source === 'mark' && isReplayable(item))).toBe(true);
    const unknown = timeline.items.find((item) => item.row.source === 'mark');
    expect(isReplayable({ ...unknown!, row: { ...unknown!.row, segment: { ...unknown!.row.segment!, type: 'unknown' } } })).toBe(false);
    expect(isReplayable({ ...unknown!, row: { ...unknown!.row, positionMs: null } })).toBe(false);
  });
});

describe('authors on the timeline', () => {
  const lastSeq = Math.max(...opened.events.map((event) => event.seq));
  const place = { phaseId: 'onset', segmentId: 'track-a', positionMs: 1000 };
  const signed = [
    { kind: 'co-facilitator', sessionMs: 60_000, payload: { action: 'joined', device: 'main', by: 'MK' } },
    { kind: 'co-facilitator', sessionMs: 90_000, payload: { action: 'joined', device: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', by: 'JS' } },
    { kind: 'mark', sessionMs: 120_000, payload: { markKind: 'resonance', ...place, by: 'MK' } },
    { kind: 'mark', sessionMs: 150_000, payload: { markKind: 'resonance', ...place, by: 'JS', late: true } },
  ].map((event, index) =>
    journalEventSchema.parse({
      ...event,
      id: `00000000-0000-4000-8000-${(0xa0700 + index).toString(16).padStart(12, '0')}`,
      seq: lastSeq + 1 + index,
      wallTime: new Date(Date.parse(opened.meta.createdAt) + event.sessionMs).toISOString(),
    }),
  );
  const coFacilitated = buildTimeline(buildSessionExport({ ...opened, events: [...opened.events, ...signed] }, playlist, defaultMarkKinds));
  const unsignedMarks = timeline.items.filter((item) => item.row.source === 'mark').length;

  it('lists the authors for the filter, only in a co-facilitated session', () => {
    expect(coFacilitated.authors).toEqual([
      { by: 'MK', label: 'MK', count: 1 },
      { by: 'JS', label: 'JS', count: 1 },
      { by: null, label: 'not signed', count: unsignedMarks },
    ]);
    expect(timeline.authors).toEqual([]);
  });

  it('hides the marks of the authors filtered out, keeps every event, and counts what is left per kind', () => {
    const onlyJs = withoutAuthors(coFacilitated, new Set(['MK', null]));
    const marks = onlyJs.items.filter((item) => item.row.source === 'mark');
    expect(marks.map((item) => item.row.author)).toEqual(['JS']);
    expect(onlyJs.items.filter((item) => item.row.source === 'event')).toHaveLength(coFacilitated.items.filter((item) => item.row.source === 'event').length);
    expect(onlyJs.rowKinds.find((kind) => kind.key === 'resonance')?.count).toBe(1);
    expect(onlyJs.itemsByRow.get('resonance')?.items.map((item) => item.row.author)).toEqual(['JS']);
    expect(onlyJs.rowKinds.map((kind) => kind.key)).toEqual(coFacilitated.rowKinds.map((kind) => kind.key));
    expect(onlyJs.domain).toEqual(coFacilitated.domain);
    const unsignedOnly = withoutAuthors(coFacilitated, new Set(['MK', 'JS']));
    expect(unsignedOnly.items.filter((item) => item.row.source === 'mark')).toHaveLength(unsignedMarks);
    expect(withoutAuthors(coFacilitated, new Set())).toBe(coFacilitated);
  });

  it('says who made a mark and that it was sent late', () => {
    const late = coFacilitated.items.find((item) => item.row.author === 'JS');
    const lines = describeItem(late!, 'UTC');
    expect(lines.find((line) => line.label === 'By')?.value).toBe('JS');
    expect(lines.map((line) => line.label)).toContain('Sent late');
    const onTime = coFacilitated.items.find((item) => item.row.author === 'MK');
    expect(describeItem(onTime!, 'UTC').map((line) => line.label)).not.toContain('Sent late');
    const unsigned = timeline.items.find((item) => item.row.source === 'mark');
    expect(describeItem(unsigned!, 'UTC').map((line) => line.label)).not.toContain('By');
  });
});
