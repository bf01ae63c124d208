import type { JournalEvent } from './events';
import { csvDocument, type CsvValue } from './exports/csv';
import { ProgramClock } from './exports/program-clock';
import { segmentResolver, type SegmentInfo } from './exports/session-export';
import { foldSession, type FoldedSession } from './fold';
import type { MarkKindDefinition } from './mark-kinds';
import type { Playlist } from './playlist';
import type { SessionMeta } from './session';
import type { Milliseconds } from './units';

/** What one session contributes to the insights: small, so a service can keep one per session. */
export interface SessionDigest {
  readonly sessionId: string;
  readonly playlistId: string;
  readonly playlistTitle: string;
  readonly createdAt: string;
  readonly segments: readonly SegmentDigest[];
}

export interface SegmentDigest {
  readonly segmentId: string;
  /** Started at least once (a segment can have marks without a journaled start, e.g. after a torn journal). */
  readonly played: boolean;
  /** Program time it sounded: pauses and quiet passages left out, and the time an interrupted app was closed. */
  readonly playedMs: Milliseconds;
  /** Current marks taken while it played, by kind. */
  readonly marks: Readonly<Record<string, number>>;
}

interface MutableSegment {
  played: boolean;
  playedMs: Milliseconds;
  marks: Record<string, number>;
}

/**
 * One session's play time and marks per segment. A segment sounds from its journaled
 * start to the next segment's start (or the end of the session), in program time; a
 * resume after the app was closed ends the interval at the last event before it and
 * reopens it where the music was put back. A mark belongs to the segment it was taken in.
 */
export function digestSession(meta: SessionMeta, events: readonly JournalEvent[], folded: FoldedSession = foldSession(events)): SessionDigest {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const clock = new ProgramClock(ordered);
  const bySegment = new Map<string, MutableSegment>();
  const segment = (segmentId: string) => {
    let found = bySegment.get(segmentId);
    if (found === undefined) {
      found = { played: false, playedMs: 0, marks: {} };
      bySegment.set(segmentId, found);
    }
    return found;
  };
  let open: { segmentId: string; startProgramMs: Milliseconds } | undefined;
  const close = (atProgramMs: Milliseconds) => {
    if (open !== undefined) segment(open.segmentId).playedMs += Math.max(0, atProgramMs - open.startProgramMs);
  };
  let lastSessionMs = 0;
  for (const event of ordered) {
    if (event.kind === 'segment-started') {
      close(event.payload.programMs);
      open = { segmentId: event.payload.segmentId, startProgramMs: event.payload.programMs };
      segment(event.payload.segmentId).played = true;
    } else if (event.kind === 'session-resumed' && open !== undefined) {
      close(clock.programAt(lastSessionMs));
      open = { segmentId: open.segmentId, startProgramMs: event.payload.programMs };
    }
    lastSessionMs = Math.max(lastSessionMs, event.sessionMs);
  }
  close(clock.programAt(folded.ended?.sessionMs ?? folded.lastSessionMs));
  // Marks taken under the closing sound, after the music, say nothing about a track.
  const musicEndedAtMs = ordered.find((event) => event.kind === 'closing-started')?.sessionMs ?? Number.POSITIVE_INFINITY;
  for (const mark of folded.marks) {
    if (mark.sessionMs >= musicEndedAtMs) continue;
    const marks = segment(mark.segmentId).marks;
    marks[mark.markKind] = (marks[mark.markKind] ?? 0) + 1;
  }
  return {
    sessionId: meta.id,
    playlistId: meta.playlistId,
    playlistTitle: meta.playlistTitle,
    createdAt: meta.createdAt,
    segments: [...bySegment.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([segmentId, { played, playedMs, marks }]) => ({ segmentId, played, playedMs, marks })),
  };
}

export interface InsightsFilter {
  /** Only sessions of these playlists; all when absent or empty. */
  readonly playlistIds?: readonly string[];
  /** Sessions started at or after this instant (ISO 8601; a bare date is midnight UTC). */
  readonly from?: string;
  /** Sessions started before this instant. */
  readonly to?: string;
}

export function matchesFilter(digest: SessionDigest, filter: InsightsFilter): boolean {
  if (filter.playlistIds !== undefined && filter.playlistIds.length > 0 && !filter.playlistIds.includes(digest.playlistId)) return false;
  const startedMs = Date.parse(digest.createdAt);
  if (filter.from !== undefined && startedMs < Date.parse(filter.from)) return false;
  if (filter.to !== undefined && startedMs >= Date.parse(filter.to)) return false;
  return true;
}

export interface TrackInsight extends SegmentInfo {
  readonly playlistId: string;
  readonly playlistTitle: string;
  readonly segmentId: string;
  /** Sessions in which it was started. */
  readonly sessions: number;
  readonly playedMs: Milliseconds;
  readonly minutesPlayed: number;
  readonly marks: Readonly<Record<string, number>>;
  /** Marks of each kind per hour it played; null when it never played. */
  readonly marksPerHour: Readonly<Record<string, number | null>>;
}

/**
 * Insights per track (file segments, soundscapes and bridges alike, keyed by playlist and
 * segment id) across the sessions the filter lets through, in name order. Titles come from
 * the playlist as it is now; a segment it no longer has keeps its id as its name.
 */
export function computeInsights(
  digests: readonly SessionDigest[],
  playlists: ReadonlyMap<string, Playlist>,
  filter: InsightsFilter = {},
): TrackInsight[] {
  const totals = new Map<string, { playlistId: string; segmentId: string; sessions: number; playedMs: number; marks: Record<string, number> }>();
  const playlistTitles = new Map<string, { title: string; createdAt: string }>();
  for (const digest of digests) {
    if (!matchesFilter(digest, filter)) continue;
    const known = playlistTitles.get(digest.playlistId);
    if (known === undefined || known.createdAt < digest.createdAt) playlistTitles.set(digest.playlistId, { title: digest.playlistTitle, createdAt: digest.createdAt });
    for (const segment of digest.segments) {
      const key = `${digest.playlistId}\u0000${segment.segmentId}`;
      let total = totals.get(key);
      if (total === undefined) {
        total = { playlistId: digest.playlistId, segmentId: segment.segmentId, sessions: 0, playedMs: 0, marks: {} };
        totals.set(key, total);
      }
      if (segment.played) total.sessions += 1;
      total.playedMs += segment.playedMs;
      for (const [kind, count] of Object.entries(segment.marks)) total.marks[kind] = (total.marks[kind] ?? 0) + count;
    }
  }
  const resolvers = new Map<string, (segmentId: string) => SegmentInfo>();
  const resolverFor = (playlistId: string) => {
    let resolve = resolvers.get(playlistId);
    if (resolve === undefined) {
      resolve = segmentResolver(playlists.get(playlistId));
      resolvers.set(playlistId, resolve);
    }
    return resolve;
  };
  const rows = [...totals.values()].map((total): TrackInsight => {
    const hours = total.playedMs / 3_600_000;
    return {
      ...resolverFor(total.playlistId)(total.segmentId),
      playlistId: total.playlistId,
      playlistTitle: playlists.get(total.playlistId)?.title ?? playlistTitles.get(total.playlistId)?.title ?? total.playlistId,
      segmentId: total.segmentId,
      sessions: total.sessions,
      playedMs: total.playedMs,
      minutesPlayed: total.playedMs / 60_000,
      marks: sortedRecord(total.marks),
      marksPerHour: Object.fromEntries(Object.entries(sortedRecord(total.marks)).map(([kind, count]) => [kind, hours > 0 ? count / hours : null])),
    };
  });
  return sortInsights(rows, 'name', 'asc');
}

function sortedRecord(record: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface InsightsSession {
  readonly meta: SessionMeta;
  readonly events: readonly JournalEvent[];
  /** Folded from the events when absent. */
  readonly folded?: FoldedSession;
}

/** Digests and aggregates in one step (a service that caches digests calls the two halves itself). */
export function buildInsights(sessions: readonly InsightsSession[], playlists: ReadonlyMap<string, Playlist>, filter: InsightsFilter = {}): TrackInsight[] {
  return computeInsights(
    sessions.map((session) => digestSession(session.meta, session.events, session.folded)),
    playlists,
    filter,
  );
}

export type InsightsSortKey =
  | 'name'
  | 'playlist'
  | 'sessions'
  | 'minutes'
  | { readonly kind: string; readonly measure: 'count' | 'perHour' };

const compareText = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
const tieBreak = (a: TrackInsight, b: TrackInsight) => compareText(a.playlistId, b.playlistId) || compareText(a.segmentId, b.segmentId);

/** A sorted copy; ties fall back to playlist and segment id, so the order is stable. Tracks that never played sort last by rate. */
export function sortInsights(rows: readonly TrackInsight[], key: InsightsSortKey, direction: 'asc' | 'desc' = 'desc'): TrackInsight[] {
  const sign = direction === 'asc' ? 1 : -1;
  const numeric = (value: (row: TrackInsight) => number | null) => (a: TrackInsight, b: TrackInsight) => {
    const left = value(a);
    const right = value(b);
    if (left === null || right === null) return left === right ? 0 : left === null ? 1 : -1;
    return sign * (left - right);
  };
  let compare: (a: TrackInsight, b: TrackInsight) => number;
  if (key === 'name') compare = (a, b) => sign * compareText(a.name, b.name);
  else if (key === 'playlist') compare = (a, b) => sign * compareText(a.playlistTitle, b.playlistTitle);
  else if (key === 'sessions') compare = numeric((row) => row.sessions);
  else if (key === 'minutes') compare = numeric((row) => row.playedMs);
  else if (key.measure === 'count') compare = numeric((row) => row.marks[key.kind] ?? 0);
  else compare = numeric((row) => (row.playedMs > 0 ? (row.marksPerHour[key.kind] ?? 0) : null));
  return [...rows].sort((a, b) => compare(a, b) || tieBreak(a, b));
}

/** The mark kinds the rows use: in the settings' order first, then any others by id. */
export function insightsKinds(rows: readonly TrackInsight[], kinds: readonly MarkKindDefinition[] = []): string[] {
  const used = new Set(rows.flatMap((row) => Object.keys(row.marks)));
  const ordered = kinds.map((kind) => kind.id).filter((id) => used.has(id));
  return [...ordered, ...[...used].filter((id) => !ordered.includes(id)).sort()];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * RFC 4180, one record per track: `<kind>_marks` and `<kind>_per_hour` for each kind in
 * `kindOrder` (by default every kind the rows use). Minutes have one decimal, rates two;
 * a rate is empty for a track that never played.
 */
export function insightsToCsv(rows: readonly TrackInsight[], kindOrder: readonly string[] = insightsKinds(rows)): string {
  const header = [
    'playlist_id',
    'playlist_title',
    'segment_id',
    'segment_type',
    'title',
    'artist',
    'name',
    'sessions',
    'minutes_played',
    ...kindOrder.flatMap((kind) => [`${kind}_marks`, `${kind}_per_hour`]),
  ];
  return csvDocument(
    header,
    rows.map((row): CsvValue[] => [
      row.playlistId,
      row.playlistTitle,
      row.segmentId,
      row.type,
      row.title,
      row.artist,
      row.name,
      row.sessions,
      round(row.minutesPlayed, 1),
      ...kindOrder.flatMap((kind) => {
        const perHour = row.playedMs > 0 ? (row.marksPerHour[kind] ?? 0) : null;
        return [row.marks[kind] ?? 0, perHour === null ? null : round(perHour, 2)];
      }),
    ]),
  );
}
