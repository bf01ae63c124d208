import type { ExportRow, ExportSegment, ExportStateSpan, SessionExport } from '../../../core/exports';
import { formatPosition, formatSessionTime, formatWallTime } from '../../../core/exports/time';
import type { Milliseconds } from '../../../core/units';
import { minimumSpanMs, type TimeRange } from './timeline-scale';

export type TimelineLane = 'marks' | 'protocol' | 'actions';

/** The filter key and row of every facilitator and playback event. */
export const actionsKey = 'actions';

/** One thing drawn on a lane: a mark (a pin, or a bar for a span) or an event (a tick). */
export interface TimelineItem {
  /** The journal event's id. */
  readonly key: string;
  readonly lane: TimelineLane;
  /** The mark kind, or `event:…`. */
  readonly kind: string;
  /** The row it is drawn in (and the filter that hides it): its mark kind, or `actions`. */
  readonly rowKey: string;
  readonly label: string;
  readonly color: string;
  readonly startMs: Milliseconds;
  /** Equal to startMs for a point; a span's end (the end of the session while it is open). */
  readonly endMs: Milliseconds;
  readonly row: ExportRow;
}

export interface PhaseBand {
  readonly id: string;
  readonly title: string;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}

export interface PlannedPhaseBand extends PhaseBand {
  readonly targetMs: Milliseconds;
}

export interface ActualPhaseBand extends PhaseBand {
  readonly targetMs: Milliseconds | null;
  readonly extendedByMs: Milliseconds;
  readonly held: boolean;
}

/** A row of pins: one per mark kind the session uses, and one for every facilitator action. */
export interface TimelineRowKind {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly lane: TimelineLane;
  readonly count: number;
}

/** A row's items, sorted by start. */
export interface RowItems {
  readonly items: readonly TimelineItem[];
  /** The row's longest item, for clipping spans that start before the view. */
  readonly longestMs: Milliseconds;
}

/** Whose marks a filter toggle shows: a facilitator's initials, or null for the marks no one signed. */
export interface TimelineAuthor {
  readonly by: string | null;
  readonly label: string;
  readonly count: number;
}

export interface TimelineModel {
  /** From the dose (or the earliest event, if that was before it) to the end of the session. */
  readonly domain: TimeRange;
  /** The playlist's targets laid end to end from the first phase's start. */
  readonly plannedPhases: readonly PlannedPhaseBand[];
  /** As journaled. */
  readonly actualPhases: readonly ActualPhaseBand[];
  readonly segments: readonly ExportSegment[];
  /** The client's state over the day: band stretches and span states, by start. */
  readonly states: readonly ExportStateSpan[];
  /** Sorted by start. */
  readonly items: readonly TimelineItem[];
  readonly rowKinds: readonly TimelineRowKind[];
  /** Who made the marks, facilitators in order of joining then the unsigned marks; empty without co-facilitation. */
  readonly authors: readonly TimelineAuthor[];
  /** The longest item, for clipping spans that start before the view. */
  readonly longestMs: Milliseconds;
  /** The items of each row, by its key (a mark kind, or `actions`). */
  readonly itemsByRow: ReadonlyMap<string, RowItems>;
  readonly itemByKey: ReadonlyMap<string, TimelineItem>;
}

const fallbackColour = '#7b828d';
const actionColour = '#8d939c';
const problemColour = '#b49a5e';

export function buildTimeline(model: SessionExport): TimelineModel {
  const { facts } = model;
  const endMs = facts.durationMs;
  const kindById = new Map(model.kinds.map((kind) => [kind.id, kind]));

  const items = model.rows
    .map((row): TimelineItem => {
      if (row.source === 'event') {
        return {
          key: row.id,
          lane: 'actions',
          kind: row.kind,
          rowKey: actionsKey,
          label: row.kindLabel,
          color: row.kind === 'event:playback-problem' ? problemColour : actionColour,
          startMs: row.sessionMs,
          endMs: row.sessionMs,
          row,
        };
      }
      const kind = kindById.get(row.kind);
      return {
        key: row.id,
        lane: row.category === 'protocol' ? 'protocol' : 'marks',
        kind: row.kind,
        rowKey: row.kind,
        label: row.kindLabel,
        color: kind?.color ?? fallbackColour,
        startMs: row.sessionMs,
        endMs: row.span === null ? row.sessionMs : Math.max(row.sessionMs, row.spanEndMs ?? endMs),
        row,
      };
    })
    .sort((a, b) => a.startMs - b.startMs);

  const itemsByRow = rowsOf(items);
  const counts = new Map([...itemsByRow].map(([key, row]) => [key, row.items.length]));
  const rowKinds: TimelineRowKind[] = [];
  for (const lane of ['marks', 'protocol'] as const) {
    for (const kind of model.kinds) {
      const count = counts.get(kind.id);
      if (count === undefined || (kind.category === 'protocol') !== (lane === 'protocol')) continue;
      rowKinds.push({ key: kind.id, label: kind.label, color: kind.color ?? fallbackColour, lane, count });
    }
  }
  const actionCount = counts.get(actionsKey);
  if (actionCount !== undefined) rowKinds.push({ key: actionsKey, label: 'Facilitator actions', color: actionColour, lane: 'actions', count: actionCount });

  const actualPhases = model.phases.flatMap((phase): ActualPhaseBand[] =>
    phase.startMs === null || phase.endMs === null
      ? []
      : [{ id: phase.id, title: phase.title, startMs: phase.startMs, endMs: Math.max(phase.startMs, phase.endMs), targetMs: phase.targetMs, extendedByMs: phase.extendedByMs, held: phase.held }],
  );
  const plannedPhases: PlannedPhaseBand[] = [];
  let plannedStart = actualPhases[0]?.startMs ?? 0;
  for (const phase of model.phases) {
    if (phase.targetMs === null) continue;
    plannedPhases.push({ id: phase.id, title: phase.title, startMs: plannedStart, endMs: plannedStart + phase.targetMs, targetMs: phase.targetMs });
    plannedStart += phase.targetMs;
  }

  const starts = [0, ...items.map((item) => item.startMs), ...model.segments.map((segment) => segment.startMs), ...actualPhases.map((phase) => phase.startMs)];
  const startMs = Math.min(...starts);
  const ends = [endMs, ...items.map((item) => item.endMs), ...model.segments.map((segment) => segment.endMs), ...actualPhases.map((phase) => phase.endMs)];
  const domainEnd = Math.max(startMs + minimumSpanMs, ...ends);
  return {
    domain: { startMs, endMs: domainEnd },
    plannedPhases,
    actualPhases,
    segments: model.segments,
    states: model.states,
    items,
    rowKinds,
    authors: facts.markCountsByAuthor.map((count) => ({ by: count.by, label: count.by ?? 'not signed', count: count.count })),
    longestMs: items.reduce((longest, item) => Math.max(longest, item.endMs - item.startMs), 0),
    itemsByRow,
    itemByKey: new Map(items.map((item) => [item.key, item])),
  };
}

/** Items by row key, each row's in start order (items come sorted). */
function rowsOf(items: readonly TimelineItem[]): Map<string, RowItems> {
  const itemsByRow = new Map<string, { items: TimelineItem[]; longestMs: Milliseconds }>();
  for (const item of items) {
    let row = itemsByRow.get(item.rowKey);
    if (row === undefined) {
      row = { items: [], longestMs: 0 };
      itemsByRow.set(item.rowKey, row);
    }
    row.items.push(item);
    row.longestMs = Math.max(row.longestMs, item.endMs - item.startMs);
  }
  return itemsByRow;
}

/**
 * The timeline without the marks of some authors (null: the unsigned marks). Events stay: they
 * are nobody's marks. Rows and the time span stay as they were, so the drawing does not jump;
 * each kind's count says how many marks are left on it.
 */
export function withoutAuthors(model: TimelineModel, hidden: ReadonlySet<string | null>): TimelineModel {
  if (hidden.size === 0) return model;
  const items = model.items.filter((item) => item.row.source !== 'mark' || !hidden.has(item.row.author));
  const itemsByRow = rowsOf(items);
  return {
    ...model,
    items,
    rowKinds: model.rowKinds.map((kind) => ({ ...kind, count: itemsByRow.get(kind.key)?.items.length ?? 0 })),
    itemsByRow,
    itemByKey: new Map(items.map((item) => [item.key, item])),
    longestMs: items.reduce((longest, item) => Math.max(longest, item.endMs - item.startMs), 0),
  };
}

export interface DetailLine {
  readonly label: string;
  readonly value: string;
}

/** What hover and focus show about an item: time, kind, what was playing and where, intensity, note. */
export function describeItem(item: TimelineItem, timeZone?: string): DetailLine[] {
  const { row } = item;
  const lines: DetailLine[] = [
    {
      label: 'Since the dose',
      value:
        formatSessionTime(item.startMs) +
        (row.span === null ? '' : row.span === 'open' ? ' – still open' : ` – ${formatSessionTime(item.endMs)}${row.span === 'auto-closed' ? ' (closed at the end)' : ''}`),
    },
    { label: row.source === 'mark' ? 'Mark' : 'Event', value: row.kindLabel },
  ];
  if (row.author !== null) lines.push({ label: 'By', value: row.author });
  if (row.late) lines.push({ label: 'Sent late', value: 'from a paired device when its link came back; shown at the time it was made' });
  if (row.phaseTitle !== null) lines.push({ label: 'Phase', value: row.phaseTitle });
  if (row.segment !== null) lines.push({ label: 'Playing', value: row.segment.name });
  if (row.positionMs !== null) lines.push({ label: 'Position', value: formatPosition(row.positionMs) });
  if (row.source === 'mark') lines.push({ label: 'Intensity', value: row.intensity === null ? '—' : String(row.intensity) });
  if (row.vitalsText !== '') lines.push({ label: 'Vitals', value: row.vitalsText });
  if (row.note !== null) lines.push({ label: row.source === 'mark' ? 'Note' : 'What happened', value: row.note });
  if (row.integrationNote !== null) lines.push({ label: 'Integration note', value: row.integrationNote });
  if (row.fromMemory) lines.push({ label: 'From memory', value: `written ${row.writtenAt === null ? '' : formatWallTime(row.writtenAt, timeZone)}` });
  if (row.movedFromMs !== null) lines.push({ label: 'Moved from', value: formatSessionTime(row.movedFromMs) });
  if (row.originalKindLabel !== null) lines.push({ label: 'Kind at first', value: row.originalKindLabel });
  if (!row.fromMemory) lines.push({ label: 'Clock time', value: formatWallTime(row.wallTime, timeZone) });
  return lines;
}

/** Any item with something known playing at it can be replayed: a mark, or a facilitator or playback event. */
export function isReplayable(item: TimelineItem): boolean {
  return item.row.segment !== null && item.row.segment.type !== 'unknown' && item.row.positionMs !== null;
}

/** The row layout of the drawing, top to bottom; heights in pixels. */
export interface TimelineRow {
  readonly key: string;
  readonly label: string;
  readonly kind: 'axis' | 'planned' | 'actual' | 'segments' | 'state' | TimelineLane;
  readonly y: number;
  readonly height: number;
  readonly color?: string;
  /** The first row of a lane draws a separator above it. */
  readonly firstOfLane: boolean;
}

export interface RowHeights {
  readonly axis: number;
  readonly phase: number;
  readonly segments: number;
  readonly kind: number;
  readonly actions: number;
  readonly laneGap: number;
}

/** Mark and action rows are at least 24 px tall: each pin's hit area is that high. */
export const defaultRowHeights: RowHeights = { axis: 26, phase: 22, segments: 34, kind: 26, actions: 24, laneGap: 8 };

/** The state lane sits under the music, as tall as a phase row: a continuous band, span states as a stripe in it. */
const stateRowKey = 'client-state';

/** Rows for the kinds left visible by the filter; a kind hidden by it has no row. */
export function layoutRows(model: Pick<TimelineModel, 'rowKinds'> & Partial<Pick<TimelineModel, 'states'>>, hidden: ReadonlySet<string>, heights: RowHeights = defaultRowHeights): { rows: TimelineRow[]; height: number } {
  const rows: TimelineRow[] = [];
  let y = 0;
  const add = (row: Omit<TimelineRow, 'y'>, gapBefore = 0) => {
    y += gapBefore;
    rows.push({ ...row, y });
    y += row.height;
  };
  add({ key: 'axis', label: 'Since the dose', kind: 'axis', height: heights.axis, firstOfLane: true });
  add({ key: 'planned', label: 'Phases planned', kind: 'planned', height: heights.phase, firstOfLane: true }, heights.laneGap / 2);
  add({ key: 'actual', label: 'Phases played', kind: 'actual', height: heights.phase, firstOfLane: false });
  add({ key: 'segments', label: 'Music', kind: 'segments', height: heights.segments, firstOfLane: true }, heights.laneGap);
  if ((model.states?.length ?? 0) > 0) add({ key: stateRowKey, label: 'Client state', kind: 'state', height: heights.phase, firstOfLane: false });
  let previousLane: TimelineLane | undefined;
  for (const kind of model.rowKinds) {
    if (hidden.has(kind.key)) continue;
    const first = kind.lane !== previousLane;
    add({ key: kind.key, label: kind.label, kind: kind.lane, height: kind.lane === 'actions' ? heights.actions : heights.kind, color: kind.color, firstOfLane: first }, first ? heights.laneGap : 0);
    previousLane = kind.lane;
  }
  return { rows, height: y + heights.laneGap };
}
