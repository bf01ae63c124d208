import type { InsightsReportResponse } from '../../../core/contract';
import { trendMinimumSessions } from '../../../core/insights';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { phaseSegments, type Segment } from '../../../core/playlist';
import type { PlaylistDraft } from '../../../core/playlist-edit';
import { durationToleranceSeconds, recordingBasis } from '../../../core/recording-identity';

type InsightRow = InsightsReportResponse['rows'][number];

export interface SegmentMarkCount {
  readonly kind: string;
  readonly label: string;
  readonly count: number;
  /** Marks per hour it played; null when it never played. */
  readonly perHour: number | null;
}

/** What the sessions say about one segment's recording, as the editor shows it beside the segment. */
export type SegmentInsight =
  | {
      /** At least `trendMinimumSessions` sessions played it: its figures may be read as a trend. */
      readonly kind: 'trend';
      readonly sessions: number;
      readonly clients: number;
      /** Observation marks (not protocol events) by kind, most first. */
      readonly marks: readonly SegmentMarkCount[];
      readonly minutesPlayed: number;
      /** Playlists (and copies) it sat in when it was played. */
      readonly playlists: number;
    }
  | {
      /** Too few sessions for a trend: only how many there were is shown. */
      readonly kind: 'too-few';
      readonly sessions: number;
      readonly clients: number;
    };

/** How a key RecordingIndex made for a file (`<basis key>\0<rounded seconds>s`) ends. */
const roundedSeconds = /\u0000(\d+)s$/;

/**
 * Finds the insights row of each segment of the draft: by its recording as the draft has it
 * now (core's identity: the same tags or file name within the duration tolerance, or the same
 * soundscape), so a track just added, or a copy never played, shows what the recording did in
 * other playlists; else by the playlist and segment it was played as (a segment renamed since,
 * or one without a duration).
 */
export function rowsBySegment(draft: PlaylistDraft, rows: readonly InsightRow[]): Map<string, InsightRow> {
  const byPlacement = new Map<string, InsightRow>();
  const byRecording = new Map<string, InsightRow[]>();
  for (const row of rows) {
    for (const placement of row.placements) byPlacement.set(`${placement.playlistId}\u0000${placement.segmentId}`, row);
    const basis = row.recordingKey.replace(roundedSeconds, '');
    const same = byRecording.get(basis);
    if (same === undefined) byRecording.set(basis, [row]);
    else same.push(row);
  }
  const found = new Map<string, InsightRow>();
  for (const phase of draft.phases) {
    for (const segment of phaseSegments(phase)) {
      const row = sameRecording(segment, draft.id, byRecording) ?? byPlacement.get(`${draft.id}\u0000${segment.id}`);
      if (row !== undefined) found.set(segment.id, row);
    }
  }
  return found;
}

function sameRecording(segment: Segment, playlistId: string, byRecording: ReadonlyMap<string, readonly InsightRow[]>): InsightRow | undefined {
  const { basis, key, durationSeconds } = recordingBasis(segment, playlistId, segment.id);
  if (basis === 'segment') return undefined;
  const candidates = byRecording.get(key) ?? [];
  if (durationSeconds === undefined) return candidates.find((row) => row.recordingKey === key);
  let best: { row: InsightRow; off: number } | undefined;
  for (const row of candidates) {
    const seconds = roundedSeconds.exec(row.recordingKey)?.[1];
    if (seconds === undefined) continue;
    // The key carries the first duration seen, rounded: half a second more leeway than the index's own.
    const off = Math.abs(Number(seconds) - durationSeconds);
    if (off <= durationToleranceSeconds + 0.5 && (best === undefined || off < best.off)) best = { row, off };
  }
  return best?.row;
}

/** The figures one segment's row allows: a trend from enough sessions, else only the count of sessions. */
export function segmentInsight(row: InsightRow | undefined, kinds: readonly MarkKindDefinition[]): SegmentInsight {
  if (row === undefined || row.sessions < trendMinimumSessions) return { kind: 'too-few', sessions: row?.sessions ?? 0, clients: row?.clients ?? 0 };
  const definitions = new Map(kinds.map((kind) => [kind.id, kind]));
  const marks = Object.entries(row.marks)
    .filter(([kind, count]) => count > 0 && definitions.get(kind)?.category !== 'protocol')
    .map(([kind, count]) => ({ kind, label: definitions.get(kind)?.label ?? kind, count, perHour: row.marksPerHour[kind] ?? null }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  return {
    kind: 'trend',
    sessions: row.sessions,
    clients: row.clients,
    marks,
    minutesPlayed: row.minutesPlayed,
    playlists: new Set(row.placements.map((placement) => placement.playlistId)).size,
  };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The quiet line beside a segment: "7 sessions · 4 clients · Resonance 5 · Distress 1", or "too few sessions (2)". */
export function insightBadgeText(insight: SegmentInsight): string {
  if (insight.kind === 'too-few') return `too few sessions (${insight.sessions === 0 ? 'none yet' : insight.sessions})`;
  const marks = insight.marks.slice(0, 3).map((mark) => `${mark.label} ${mark.count}`);
  return [plural(insight.sessions, 'session', 'sessions'), plural(insight.clients, 'client', 'clients'), ...(marks.length === 0 ? ['no marks'] : marks)].join(' · ');
}

/** The full detail, for hover and focus, one line each. */
export function insightDetailLines(insight: SegmentInsight): string[] {
  const behind = `${plural(insight.sessions, 'session', 'sessions')}, ${plural(insight.clients, 'client', 'clients')}`;
  if (insight.kind === 'too-few') {
    return [
      insight.sessions === 0 ? 'Not played in any session yet.' : `Played in ${behind}.`,
      `Too few sessions for a trend: figures show from ${trendMinimumSessions} sessions.`,
    ];
  }
  const hours = insight.minutesPlayed / 60;
  return [
    `Played in ${behind}, ${hours >= 1 ? `${hours.toFixed(1)} h` : `${Math.round(insight.minutesPlayed)} min`} in all${insight.playlists > 1 ? `, across ${insight.playlists} playlists` : ''}.`,
    ...(insight.marks.length === 0
      ? ['No marks while it played.']
      : insight.marks.map((mark) => `${mark.label}: ${mark.count}${mark.perHour === null ? '' : ` (${mark.perHour.toFixed(1)} per hour played)`}`)),
  ];
}
