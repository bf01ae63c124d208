import { trackGain } from '../../../core/loudness';
import { buildElasticPlan } from '../../../core/elastic-plan';
import type { PlanAction } from '../../../core/events';
import { bridgeSegmentFor, type PlannedEntry } from '../../../core/plan';
import type { Playlist, Segment } from '../../../core/playlist';
import type { Milliseconds } from '../../../core/units';
import type { ReplayNeighbour, ReplaySource, ReplaySurroundings } from '../../audio/ReviewPlayer';

/** How far before the mark a replay starts, so the listener hears what led up to it. */
export const replayLeadInMs: Milliseconds = 10_000;

/** A playlist segment by id, bridges included (they are made from the phase, as the plan makes them). */
export function findSegment(playlist: Playlist | undefined, segmentId: string): Segment | undefined {
  for (const phase of playlist?.phases ?? []) {
    const segment = phase.segments.find((candidate) => candidate.id === segmentId);
    if (segment !== undefined) return segment;
  }
  const bridgeOf = playlist?.phases.find((phase) => `${phase.id}-bridge` === segmentId);
  return bridgeOf === undefined ? undefined : bridgeSegmentFor(bridgeOf, 1);
}

/**
 * What the review player needs to sound a segment again: a file through its loudness
 * gain (toward the settings' target, as the session played it), or a soundscape's preset
 * and parameters. Undefined when the playlist no longer has the segment.
 */
export function replaySourceFor(
  playlist: Playlist | undefined,
  segmentId: string,
  targetLufs: number,
  urlFor: (playlistId: string, segmentId: string) => string,
): ReplaySource | undefined {
  const segment = findSegment(playlist, segmentId);
  if (segment === undefined || playlist === undefined) return undefined;
  if (segment.type === 'soundscape') return { type: 'soundscape', preset: segment.preset, params: segment.params };
  return { type: 'file', url: urlFor(playlist.id, segment.id), path: segment.path, gainDb: trackGain(segment, targetLufs).gainDb, mediaStartSeconds: segment.trimStartSeconds ?? 0 };
}

/** Where a replay starts: a little before the mark's position, never before the segment. */
export const replayStartMs = (positionMs: Milliseconds, leadInMs: Milliseconds = replayLeadInMs): Milliseconds => Math.max(0, positionMs - leadInMs);

/**
 * Where an item's replay starts: a mark's with the lead-in (what led up to it), an event's
 * (a pause, a skip, a phase change) at the moment itself, as it is the start of what followed.
 */
export const replayFromMs = (row: { readonly source: 'mark' | 'event'; readonly positionMs: Milliseconds | null }): Milliseconds =>
  row.source === 'mark' ? replayStartMs(row.positionMs ?? 0) : Math.max(0, row.positionMs ?? 0);

/**
 * The marked segment's place in the session's plan (rebuilt from the playlist and the
 * session's holds, advances and skips): how long it sounded and the segments it crossfaded
 * with, so a replay inside a crossfade sounds both sides with the session's fades and gains.
 * Undefined when the plan does not have the segment.
 */
export function replaySurroundingsFor(
  playlist: Playlist | undefined,
  planActions: readonly PlanAction[],
  segmentId: string,
  targetLufs: number,
  urlFor: (playlistId: string, segmentId: string) => string,
): ReplaySurroundings | undefined {
  if (playlist === undefined) return undefined;
  const { entries } = buildElasticPlan(playlist, planActions);
  const index = entries.findIndex((entry) => entry.segment.id === segmentId);
  const marked = entries[index];
  // A held phase's bridge has no end yet: it plays alone.
  if (marked === undefined || !Number.isFinite(marked.endMs)) return undefined;
  const neighbour = (entry: PlannedEntry | undefined, crossfadeMs: number): ReplayNeighbour | undefined => {
    if (entry === undefined || !Number.isFinite(entry.endMs)) return undefined;
    const source = replaySourceFor(playlist, entry.segment.id, targetLufs, urlFor);
    if (source === undefined) return undefined;
    return { source, timing: { playedSeconds: (entry.endMs - entry.startMs) / 1000, crossfadeSeconds: crossfadeMs / 1000 } };
  };
  const previous = neighbour(entries[index - 1], marked.fadeInMs);
  const nextEntry = entries[index + 1];
  const next = neighbour(nextEntry, nextEntry?.fadeInMs ?? 0);
  return {
    playedSeconds: (marked.endMs - marked.startMs) / 1000,
    ...(previous === undefined ? {} : { previous }),
    ...(next === undefined ? {} : { next }),
    ...(nextEntry === undefined && marked.fadeOutMs > 0 ? { endFadeSeconds: marked.fadeOutMs / 1000 } : {}),
  };
}
