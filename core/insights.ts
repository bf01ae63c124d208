import type { JournalEvent } from './events';
import { csvDocument, type CsvValue } from './exports/csv';
import { ProgramClock } from './exports/program-clock';
import { segmentResolver, type SegmentInfo } from './segment-names';
import { foldSession, type FoldedSession } from './fold';
import type { MarkKindDefinition } from './mark-kinds';
import type { Playlist } from './playlist';
import type { SessionMeta } from './session';
import type { Milliseconds } from './units';
import { statesAt } from './client-state-fold';
import { windowStateId } from './client-states';
import { durationToleranceSeconds, RecordingIndex, recordingBasis, recordingPlaces, type RecordingBasis } from './recording-identity';
import type { Segment } from './playlist';
import { segmentFromTrack, type LibraryTrack } from './library';
import { inJournalOrder } from './journal-order';

/** The intensity a mark without one is taken to have: the middle of the 1–5 scale. */
export const unratedIntensity = 3;

/**
 * How much one mark weighs in the insights: its intensity over the middle of the scale, so a
 * mark of intensity 3 (or without one) counts 1, intensity 5 counts 5/3 and intensity 1
 * counts 1/3. Five faint marks weigh what one strong mark and two middle ones do; an unrated
 * mark is not taken for faint.
 */
export function markWeight(intensity: number | undefined): number {
  return (intensity ?? unratedIntensity) / unratedIntensity;
}

/** What one session contributes to the insights: small, so a service can keep one per session. */
export interface SessionDigest {
  readonly sessionId: string;
  readonly playlistId: string;
  readonly playlistTitle: string;
  readonly createdAt: string;
  /** The client's pseudonym ('' when none was given): how many clients stand behind a figure. */
  readonly clientCode?: string;
  readonly segments: readonly SegmentDigest[];
}

/** What sounded while the client was in one state. */
export interface StateDigest {
  /** Session time the segment sounded while the state held (pauses included: the client's state does not pause). */
  readonly ms: Milliseconds;
  readonly marks: Readonly<Record<string, number>>;
  /** The marks by kind, each weighed by its intensity (markWeight); absent in older digests, where each mark weighs 1. */
  readonly weightedMarks?: Readonly<Record<string, number>>;
}

export interface SegmentDigest {
  readonly segmentId: string;
  /** The phase it first started in (absent in digests of marks without a journaled start). */
  readonly phaseId?: string;
  /** Started at least once (a segment can have marks without a journaled start, e.g. after a torn journal). */
  readonly played: boolean;
  /** Program time it sounded: pauses and quiet passages left out, and the time an interrupted app was closed. */
  readonly playedMs: Milliseconds;
  /** Current marks taken while it played, by kind. */
  readonly marks: Readonly<Record<string, number>>;
  /** The same marks weighed by their intensity (markWeight); absent in older digests, where each mark weighs 1. */
  readonly weightedMarks?: Readonly<Record<string, number>>;
  /** By client state (band and span states alike): time under it and marks taken in it. */
  readonly byState?: Readonly<Record<string, StateDigest>>;
  /** Band changes into the window of tolerance, and out of it, while it sounded. */
  readonly movesIntoWindow?: number;
  readonly movesOutOfWindow?: number;
}

interface MutableSegment {
  phaseId: string | undefined;
  played: boolean;
  playedMs: Milliseconds;
  marks: Record<string, number>;
  weightedMarks: Record<string, number>;
  byState: Record<string, { ms: Milliseconds; marks: Record<string, number>; weightedMarks: Record<string, number> }>;
  movesIntoWindow: number;
  movesOutOfWindow: number;
}

/** A stretch of session time one segment sounded in. */
interface Sounding {
  readonly segmentId: string;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}

/** The segment sounding at a moment, from stretches in time order (binary search: a day has hundreds). */
function soundingAt(soundings: readonly Sounding[], sessionMs: Milliseconds): Sounding | undefined {
  let low = 0;
  let high = soundings.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((soundings[middle] as Sounding).startMs <= sessionMs) low = middle + 1;
    else high = middle;
  }
  const found = soundings[low - 1];
  return found !== undefined && sessionMs < found.endMs ? found : undefined;
}

/**
 * One session's play time and marks per segment. A segment sounds from its journaled
 * start to the next segment's start (or the end of the session), in program time; a
 * resume after the app was closed ends the interval at the last event before it and
 * reopens it where the music was put back. A mark belongs to the segment it was taken in.
 * The client's state: each segment's session time under each state, the marks taken in it,
 * and the band's moves into and out of the window while it sounded.
 */
export function digestSession(meta: SessionMeta, events: readonly JournalEvent[], folded: FoldedSession = foldSession(events)): SessionDigest {
  const ordered = inJournalOrder(events);
  const clock = new ProgramClock(ordered);
  const bySegment = new Map<string, MutableSegment>();
  const segment = (segmentId: string) => {
    let found = bySegment.get(segmentId);
    if (found === undefined) {
      found = { phaseId: undefined, played: false, playedMs: 0, marks: {}, weightedMarks: {}, byState: {}, movesIntoWindow: 0, movesOutOfWindow: 0 };
      bySegment.set(segmentId, found);
    }
    return found;
  };
  // Marks taken under the closing sound, after the music, say nothing about a track.
  const musicEndedAtMs = ordered.find((event) => event.kind === 'closing-started')?.sessionMs ?? Number.POSITIVE_INFINITY;
  const soundings: Sounding[] = [];
  let open: { segmentId: string; startProgramMs: Milliseconds; startSessionMs: Milliseconds } | undefined;
  const close = (atProgramMs: Milliseconds, atSessionMs: Milliseconds) => {
    if (open === undefined) return;
    segment(open.segmentId).playedMs += Math.max(0, atProgramMs - open.startProgramMs);
    const endMs = Math.min(atSessionMs, musicEndedAtMs);
    if (endMs > open.startSessionMs) soundings.push({ segmentId: open.segmentId, startMs: open.startSessionMs, endMs });
  };
  let lastSessionMs = 0;
  for (const event of ordered) {
    if (event.kind === 'segment-started') {
      close(event.payload.programMs, event.sessionMs);
      open = { segmentId: event.payload.segmentId, startProgramMs: event.payload.programMs, startSessionMs: event.sessionMs };
      const started = segment(event.payload.segmentId);
      started.played = true;
      started.phaseId ??= event.payload.phaseId;
    } else if (event.kind === 'session-resumed' && open !== undefined) {
      close(clock.programAt(lastSessionMs), lastSessionMs);
      open = { segmentId: open.segmentId, startProgramMs: event.payload.programMs, startSessionMs: event.sessionMs };
    }
    lastSessionMs = Math.max(lastSessionMs, event.sessionMs);
  }
  const endSessionMs = folded.ended?.sessionMs ?? folded.lastSessionMs;
  close(clock.programAt(endSessionMs), endSessionMs);
  soundings.sort((a, b) => a.startMs - b.startMs);

  const states = folded.stateSpans;
  for (const mark of folded.marks) {
    if (mark.sessionMs >= musicEndedAtMs) continue;
    const inSegment = segment(mark.segmentId);
    inSegment.phaseId ??= mark.phaseId;
    const weight = markWeight(mark.intensity);
    inSegment.marks[mark.markKind] = (inSegment.marks[mark.markKind] ?? 0) + 1;
    inSegment.weightedMarks[mark.markKind] = (inSegment.weightedMarks[mark.markKind] ?? 0) + weight;
    for (const state of statesAt(states, mark.sessionMs)) {
      const under = (inSegment.byState[state.stateId] ??= { ms: 0, marks: {}, weightedMarks: {} });
      under.marks[mark.markKind] = (under.marks[mark.markKind] ?? 0) + 1;
      under.weightedMarks[mark.markKind] = (under.weightedMarks[mark.markKind] ?? 0) + weight;
    }
  }
  if (states.length > 0) {
    for (const state of states) {
      const stateEnd = state.endMs ?? endSessionMs;
      for (const sounding of soundings) {
        if (sounding.startMs >= stateEnd) break;
        const overlap = Math.min(stateEnd, sounding.endMs) - Math.max(state.startMs, sounding.startMs);
        if (overlap <= 0) continue;
        const under = (segment(sounding.segmentId).byState[state.stateId] ??= { ms: 0, marks: {}, weightedMarks: {} });
        under.ms += overlap;
      }
    }
    const bands = states.filter((state) => state.kind === 'band');
    bands.forEach((band, index) => {
      const before = bands[index - 1];
      if (before === undefined || before.endMs !== band.startMs) return;
      const into = band.stateId === windowStateId && before.stateId !== windowStateId;
      const outOf = before.stateId === windowStateId && band.stateId !== windowStateId;
      const sounding = into || outOf ? soundingAt(soundings, band.startMs) : undefined;
      if (sounding === undefined) return;
      if (into) segment(sounding.segmentId).movesIntoWindow += 1;
      else segment(sounding.segmentId).movesOutOfWindow += 1;
    });
  }
  return {
    sessionId: meta.id,
    playlistId: meta.playlistId,
    playlistTitle: meta.playlistTitle,
    createdAt: meta.createdAt,
    clientCode: meta.clientCode,
    segments: [...bySegment.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([segmentId, found]): SegmentDigest => ({
        segmentId,
        ...(found.phaseId === undefined ? {} : { phaseId: found.phaseId }),
        played: found.played,
        playedMs: found.playedMs,
        marks: found.marks,
        weightedMarks: found.weightedMarks,
        ...(Object.keys(found.byState).length === 0 ? {} : { byState: found.byState }),
        ...(found.movesIntoWindow === 0 ? {} : { movesIntoWindow: found.movesIntoWindow }),
        ...(found.movesOutOfWindow === 0 ? {} : { movesOutOfWindow: found.movesOutOfWindow }),
      })),
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

/** Fewer sessions than this stand behind a figure: it is shown, but not as a trend. */
export const trendMinimumSessions = 3;

/** One place a recording sat: a playlist's segment. */
export interface RecordingPlacement {
  readonly playlistId: string;
  readonly playlistTitle: string;
  readonly segmentId: string;
}

export interface PhaseInsight {
  readonly playedMs: Milliseconds;
  readonly marks: Readonly<Record<string, number>>;
  /** The marks weighed by intensity (markWeight). */
  readonly weightedMarks: Readonly<Record<string, number>>;
}

export interface StateInsight {
  /** Session time it sounded while the client was in this state. */
  readonly ms: Milliseconds;
  readonly marks: Readonly<Record<string, number>>;
  /** The marks weighed by intensity (markWeight). */
  readonly weightedMarks: Readonly<Record<string, number>>;
}

/**
 * One recording across every playlist and copy it sat in (core/recording-identity.ts). The
 * SegmentInfo, `playlistId` and `segmentId` are its first placement's (by playlist and segment id).
 */
export interface TrackInsight extends SegmentInfo {
  readonly recordingKey: string;
  readonly identifiedBy: RecordingBasis;
  /** The file's duration as its first placement knows it (absent for a soundscape or an unknown one): how a library track is matched to the row. */
  readonly durationSeconds?: number;
  readonly placements: readonly RecordingPlacement[];
  readonly playlistId: string;
  /** Every playlist it sat in, by title, joined with " · ". */
  readonly playlistTitle: string;
  readonly segmentId: string;
  /** Sessions in which it was started (a session that played it twice counts once). */
  readonly sessions: number;
  /** Different clients (by client code; a session without one counts as its own client). */
  readonly clients: number;
  readonly playedMs: Milliseconds;
  readonly minutesPlayed: number;
  readonly marks: Readonly<Record<string, number>>;
  /** Marks of each kind per hour it played; null when it never played. */
  readonly marksPerHour: Readonly<Record<string, number | null>>;
  /** The marks of each kind weighed by their intensity (markWeight: intensity 3 or none counts 1, 5 counts 5/3, 1 counts 1/3). */
  readonly weightedMarks: Readonly<Record<string, number>>;
  /** Weighed marks per hour it played; null when it never played. */
  readonly weightedPerHour: Readonly<Record<string, number | null>>;
  /** By the kind of phase it played in (onset, peak, return; a phase id when the playlist is gone). */
  readonly byPhase: Readonly<Record<string, PhaseInsight>>;
  /** By the client's state while it sounded. */
  readonly byState: Readonly<Record<string, StateInsight>>;
  readonly movesIntoWindow: number;
  readonly movesOutOfWindow: number;
}

interface RecordingTotal {
  key: string;
  basis: RecordingBasis;
  placements: Map<string, { playlistId: string; segmentId: string; segment: Segment | undefined }>;
  sessionIds: Set<string>;
  clients: Set<string>;
  playedMs: number;
  marks: Record<string, number>;
  weightedMarks: Record<string, number>;
  byPhase: Record<string, { playedMs: number; marks: Record<string, number>; weightedMarks: Record<string, number> }>;
  byState: Record<string, { ms: number; marks: Record<string, number>; weightedMarks: Record<string, number> }>;
  movesIntoWindow: number;
  movesOutOfWindow: number;
}

const addCounts = (into: Record<string, number>, from: Readonly<Record<string, number>>) => {
  for (const [kind, count] of Object.entries(from)) into[kind] = (into[kind] ?? 0) + count;
};

/**
 * Insights per recording (files by their tags and duration, soundscapes by preset and
 * parameters; see core/recording-identity.ts) across the sessions the filter lets through,
 * merged over every playlist and "Duplicate to edit" copy, in name order. Titles come from
 * the playlists as they are now; a segment whose playlist is gone stays its own row, named by id.
 */
export function computeInsights(
  digests: readonly SessionDigest[],
  playlists: ReadonlyMap<string, Playlist>,
  filter: InsightsFilter = {},
): TrackInsight[] {
  const playlistTitles = new Map<string, { title: string; createdAt: string }>();
  const chosen = digests.filter((digest) => matchesFilter(digest, filter));
  for (const digest of chosen) {
    const known = playlistTitles.get(digest.playlistId);
    if (known === undefined || known.createdAt < digest.createdAt) playlistTitles.set(digest.playlistId, { title: digest.playlistTitle, createdAt: digest.createdAt });
  }
  // Each (playlist, segment) is identified once, in a fixed order, so the same corpus gives the same keys.
  const places = new Map<string, ReturnType<typeof recordingPlaces>>();
  const placeOf = (playlistId: string) => {
    let resolve = places.get(playlistId);
    if (resolve === undefined) {
      resolve = recordingPlaces(playlists.get(playlistId));
      places.set(playlistId, resolve);
    }
    return resolve;
  };
  const pairs = new Set<string>();
  for (const digest of chosen) for (const segment of digest.segments) pairs.add(`${digest.playlistId}\u0000${segment.segmentId}`);
  const index = new RecordingIndex();
  const recordingOf = new Map<string, { key: string; basis: RecordingBasis; segment: Segment | undefined; phaseKind: string | undefined }>();
  for (const pair of [...pairs].sort()) {
    const [playlistId = '', segmentId = ''] = pair.split('\u0000');
    const place = placeOf(playlistId)(segmentId);
    recordingOf.set(pair, { ...index.identify(place.segment, playlistId, segmentId), segment: place.segment, phaseKind: place.phaseKind });
  }

  const totals = new Map<string, RecordingTotal>();
  for (const digest of chosen) {
    for (const segment of digest.segments) {
      const pair = `${digest.playlistId}\u0000${segment.segmentId}`;
      const recording = recordingOf.get(pair);
      if (recording === undefined) continue;
      let total = totals.get(recording.key);
      if (total === undefined) {
        total = { key: recording.key, basis: recording.basis, placements: new Map(), sessionIds: new Set(), clients: new Set(), playedMs: 0, marks: {}, weightedMarks: {}, byPhase: {}, byState: {}, movesIntoWindow: 0, movesOutOfWindow: 0 };
        totals.set(recording.key, total);
      }
      if (!total.placements.has(pair)) total.placements.set(pair, { playlistId: digest.playlistId, segmentId: segment.segmentId, segment: recording.segment });
      if (segment.played) {
        total.sessionIds.add(digest.sessionId);
        total.clients.add(digest.clientCode === undefined || digest.clientCode === '' ? `session:${digest.sessionId}` : `client:${digest.clientCode}`);
      }
      total.playedMs += segment.playedMs;
      addCounts(total.marks, segment.marks);
      const weighted = segment.weightedMarks ?? segment.marks;
      addCounts(total.weightedMarks, weighted);
      const phase = recording.phaseKind ?? segment.phaseId ?? 'unknown';
      const inPhase = (total.byPhase[phase] ??= { playedMs: 0, marks: {}, weightedMarks: {} });
      inPhase.playedMs += segment.playedMs;
      addCounts(inPhase.marks, segment.marks);
      addCounts(inPhase.weightedMarks, weighted);
      for (const [stateId, under] of Object.entries(segment.byState ?? {})) {
        const inState = (total.byState[stateId] ??= { ms: 0, marks: {}, weightedMarks: {} });
        inState.ms += under.ms;
        addCounts(inState.marks, under.marks);
        addCounts(inState.weightedMarks, under.weightedMarks ?? under.marks);
      }
      total.movesIntoWindow += segment.movesIntoWindow ?? 0;
      total.movesOutOfWindow += segment.movesOutOfWindow ?? 0;
    }
  }

  const titleOf = (playlistId: string) => playlists.get(playlistId)?.title ?? playlistTitles.get(playlistId)?.title ?? playlistId;
  const rows = [...totals.values()].map((total): TrackInsight => {
    const hours = total.playedMs / 3_600_000;
    const placements = [...total.placements.values()].sort((a, b) => compareText(a.playlistId, b.playlistId) || compareText(a.segmentId, b.segmentId));
    const first = placements[0] as { playlistId: string; segmentId: string; segment: Segment | undefined };
    const info = first.segment === undefined ? segmentResolver(undefined)(first.segmentId) : segmentResolver(playlists.get(first.playlistId))(first.segmentId);
    const playlistIds = [...new Set(placements.map((placement) => placement.playlistId))];
    const durationSeconds = first.segment?.type === 'file' ? first.segment.durationSeconds : undefined;
    return {
      ...info,
      recordingKey: total.key,
      identifiedBy: total.basis,
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      placements: placements.map(({ playlistId, segmentId }) => ({ playlistId, playlistTitle: titleOf(playlistId), segmentId })),
      playlistId: first.playlistId,
      playlistTitle: playlistIds.map(titleOf).join(' · '),
      segmentId: first.segmentId,
      sessions: total.sessionIds.size,
      clients: total.clients.size,
      playedMs: total.playedMs,
      minutesPlayed: total.playedMs / 60_000,
      marks: sortedRecord(total.marks),
      marksPerHour: Object.fromEntries(Object.entries(sortedRecord(total.marks)).map(([kind, count]) => [kind, hours > 0 ? count / hours : null])),
      weightedMarks: sortedRecord(total.weightedMarks),
      weightedPerHour: Object.fromEntries(Object.entries(sortedRecord(total.weightedMarks)).map(([kind, weight]) => [kind, hours > 0 ? weight / hours : null])),
      byPhase: total.byPhase,
      byState: total.byState,
      movesIntoWindow: total.movesIntoWindow,
      movesOutOfWindow: total.movesOutOfWindow,
    };
  });
  return sortInsights(rows, 'name', 'asc');
}

/**
 * Finds the row of the recording a segment holds (a library track made into a segment with
 * segmentFromTrack, or a playlist's segment), as computeInsights recognised recordings: the
 * same title and artist (or file name) and a duration within the tolerance, the nearest when
 * several are; a soundscape by its preset and settings. undefined when no session played it.
 */
export function insightsLookup(rows: readonly TrackInsight[]): (segment: Segment) => TrackInsight | undefined {
  const byBasis = new Map<string, TrackInsight[]>();
  for (const row of rows) {
    // The key is the basis, then the duration of the recording's first sighting (recording-identity.ts).
    const basisKey = row.durationSeconds === undefined ? row.recordingKey : row.recordingKey.slice(0, row.recordingKey.lastIndexOf('\u0000'));
    byBasis.set(basisKey, [...(byBasis.get(basisKey) ?? []), row]);
  }
  return (segment) => {
    const { key, durationSeconds } = recordingBasis(segment, '', segment.id);
    const candidates = byBasis.get(key) ?? [];
    if (durationSeconds === undefined) return candidates.find((row) => row.durationSeconds === undefined);
    let nearest: TrackInsight | undefined;
    for (const row of candidates) {
      if (row.durationSeconds === undefined) continue;
      const apart = Math.abs(row.durationSeconds - durationSeconds);
      if (apart <= durationToleranceSeconds && (nearest?.durationSeconds === undefined || apart < Math.abs(nearest.durationSeconds - durationSeconds))) nearest = row;
    }
    return nearest;
  };
}

/**
 * The row of a library track's recording. A track without a title tag sits in playlists
 * either under its file name as the title (added from the library) or with no title at all
 * (imported from M3U): both are tried.
 */
export function libraryTrackInsight(lookup: (segment: Segment) => TrackInsight | undefined, track: LibraryTrack): TrackInsight | undefined {
  const asAdded = segmentFromTrack(track, 'library-track');
  if (track.title !== undefined && track.title.trim() !== '') return lookup(asAdded);
  const untitled: Segment = {
    type: 'file',
    id: asAdded.id,
    path: asAdded.path,
    ...(asAdded.artist === undefined ? {} : { artist: asAdded.artist }),
    ...(asAdded.durationSeconds === undefined ? {} : { durationSeconds: asAdded.durationSeconds }),
  };
  return lookup(asAdded) ?? lookup(untitled);
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
  | { readonly kind: string; readonly measure: 'count' | 'perHour' | 'weightedPerHour' };

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
  else if (key.measure === 'perHour') compare = numeric((row) => (row.playedMs > 0 ? (row.marksPerHour[key.kind] ?? 0) : null));
  else compare = numeric((row) => (row.playedMs > 0 ? (row.weightedPerHour[key.kind] ?? 0) : null));
  return [...rows].sort((a, b) => compare(a, b) || tieBreak(a, b));
}

/** The mark kinds the rows use: in the settings' order first, then any others by id. */
export function insightsKinds(rows: readonly TrackInsight[], kinds: readonly MarkKindDefinition[] = []): string[] {
  const used = new Set(rows.flatMap((row) => Object.keys(row.marks)));
  const ordered = kinds.map((kind) => kind.id).filter((id) => used.has(id));
  return [...ordered, ...[...used].filter((id) => !ordered.includes(id)).sort()];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

const describeCounts = (record: Readonly<Record<string, number>>) =>
  Object.entries(record)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');

/**
 * RFC 4180, one record per recording: how it was identified, every playlist and segment it
 * sat in (`;`-separated), `<kind>_marks`, `<kind>_per_hour` and `<kind>_weighted_per_hour`
 * (marks weighed by intensity, markWeight) for each kind in `kindOrder`
 * (by default every kind the rows use), then the breakdowns as text: minutes and marks by
 * phase (`peak: 12.0 min (resonance 2); …`) and by client state. Minutes have one decimal,
 * rates two; a rate is empty for a recording that never played.
 */
export function insightsToCsv(rows: readonly TrackInsight[], kindOrder: readonly string[] = insightsKinds(rows)): string {
  const header = [
    'recording',
    'identified_by',
    'playlist_ids',
    'playlist_titles',
    'segment_ids',
    'segment_type',
    'title',
    'artist',
    'name',
    'sessions',
    'clients',
    'minutes_played',
    ...kindOrder.flatMap((kind) => [`${kind}_marks`, `${kind}_per_hour`, `${kind}_weighted_per_hour`]),
    'moves_into_window',
    'moves_out_of_window',
    'by_phase',
    'by_state',
  ];
  const breakdown = (record: Readonly<Record<string, { readonly marks: Readonly<Record<string, number>> }>>, minutesOf: (key: string) => number) =>
    Object.keys(record)
      .sort()
      .map((key) => {
        const marks = describeCounts(record[key]?.marks ?? {});
        return `${key}: ${round(minutesOf(key), 1).toFixed(1)} min${marks === '' ? '' : ` (${marks})`}`;
      })
      .join('; ');
  return csvDocument(
    header,
    rows.map((row): CsvValue[] => [
      row.recordingKey.replaceAll('\u0000', '|'),
      row.identifiedBy,
      [...new Set(row.placements.map((placement) => placement.playlistId))].join(';'),
      row.playlistTitle,
      row.placements.map((placement) => `${placement.playlistId}/${placement.segmentId}`).join(';'),
      row.type,
      row.title,
      row.artist,
      row.name,
      row.sessions,
      row.clients,
      round(row.minutesPlayed, 1),
      ...kindOrder.flatMap((kind) => {
        const perHour = row.playedMs > 0 ? (row.marksPerHour[kind] ?? 0) : null;
        const weightedPerHour = row.playedMs > 0 ? (row.weightedPerHour[kind] ?? 0) : null;
        return [row.marks[kind] ?? 0, perHour === null ? null : round(perHour, 2), weightedPerHour === null ? null : round(weightedPerHour, 2)];
      }),
      row.movesIntoWindow,
      row.movesOutOfWindow,
      breakdown(row.byPhase, (key) => (row.byPhase[key]?.playedMs ?? 0) / 60_000),
      breakdown(row.byState, (key) => (row.byState[key]?.ms ?? 0) / 60_000),
    ]),
  );
}
