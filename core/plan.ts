import { phaseSegments, playedSeconds, type Phase, type PhaseKind, type Playlist, type Segment, type SoundscapeSegment } from './playlist';
import { minutesToMs, secondsToMs, type Milliseconds } from './units';

/**
 * The plan lays a playlist out on program time: music time that advances only while the
 * session plays. Phases follow one another at their target durations; a phase whose music
 * runs out early is filled by a bridge soundscape, and music still playing when a phase
 * ends is crossfaded into the next phase. core/elastic-plan.ts bends it with the
 * facilitators' actions; a held phase then makes its end, and everything after it,
 * `Number.POSITIVE_INFINITY`.
 */
export interface PlannedPhase {
  readonly id: string;
  readonly kind: PhaseKind;
  readonly title: string;
  readonly index: number;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
  /** The playlist's target duration. */
  readonly targetMs: Milliseconds;
  /** Added to the target by `extend` actions; 0 in a plain plan. */
  readonly extendedByMs: Milliseconds;
  /** Held and not released: endMs is Infinity, and so is every later phase's start and end. */
  readonly held: boolean;
  /** Never sounded (advanced past, or ended where it started): startMs === endMs and it has no entries. */
  readonly skipped: boolean;
}

export interface PlannedEntry {
  readonly index: number;
  /** Stays the same across rebuilds of an elastic plan: `${segment.id}@${startMs}`. */
  readonly key: string;
  readonly phaseIndex: number;
  readonly segment: Segment;
  /** When this entry starts to sound (its position 0); it overlaps the previous entry by `fadeInMs`. */
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
  /** Equal-power fade-in from startMs, overlapping the previous entry's fade-out. */
  readonly fadeInMs: Milliseconds;
  /** Fade-out ending at endMs (into the next entry, or to silence at the end of the plan). */
  readonly fadeOutMs: Milliseconds;
  /** True for the soundscape that fills a phase after its own music has run out. */
  readonly bridge: boolean;
}

export interface SessionPlan {
  readonly phases: readonly PlannedPhase[];
  readonly entries: readonly PlannedEntry[];
  /** Infinity while a phase is held. */
  readonly totalMs: Milliseconds;
  /** Segments left out of the plan, with the reason (e.g. a file whose duration is unknown). */
  readonly skipped: readonly { readonly segmentId: string; readonly reason: string }[];
}

export interface PlanPosition {
  readonly phase: PlannedPhase;
  readonly entry: PlannedEntry;
  readonly positionMs: Milliseconds;
  readonly entryRemainingMs: Milliseconds;
  readonly phaseRemainingMs: Milliseconds;
}

/** Segments shorter than this are not worth starting at the tail of a phase. */
export const shortestUsefulEntryMs = 1000;

export function bridgeSegmentFor(phase: Phase, durationSeconds: number): SoundscapeSegment {
  const lastSoundscape = phase.segments.findLast((segment) => segment.type === 'soundscape');
  return {
    type: 'soundscape',
    id: `${phase.id}-bridge`,
    title: `${phase.title} bridge`,
    preset: lastSoundscape?.preset ?? 'breath',
    params: lastSoundscape?.params ?? { intensity: 0.4, brightness: 0.4 },
    durationSeconds,
  };
}

/* The layout below is shared with core/elastic-plan.ts, which rebuilds the future from a point in program time. */

export interface ResolvedSegment {
  readonly segment: Segment;
  /** Undefined when the file's duration is unknown: such a segment is left out. */
  readonly durationMs: Milliseconds | undefined;
  readonly crossfadeMs: Milliseconds;
}

export interface PlanSource {
  readonly playlist: Playlist;
  readonly defaultCrossfadeMs: Milliseconds;
  readonly segments: readonly (readonly ResolvedSegment[])[];
  readonly targetsMs: readonly Milliseconds[];
}

/** A segment's sounding length: the playlist's duration, or the one measured from the media, less trims. */
function playedMs(segment: Segment, knownFileMs: Milliseconds | undefined): Milliseconds | undefined {
  const fileSeconds = segment.durationSeconds ?? (knownFileMs === undefined ? undefined : knownFileMs / 1000);
  const seconds = playedSeconds(segment, fileSeconds);
  return seconds === undefined ? undefined : secondsToMs(seconds);
}

export function planSource(playlist: Playlist, knownDurationsMs: ReadonlyMap<string, Milliseconds>): PlanSource {
  const defaultCrossfadeMs = secondsToMs(playlist.crossfadeSeconds);
  return {
    playlist,
    defaultCrossfadeMs,
    // A phase's extras follow its own segments: they sound only when it has time beyond them.
    segments: playlist.phases.map((phase) =>
      phaseSegments(phase).map((segment) => ({
        segment,
        durationMs: playedMs(segment, knownDurationsMs.get(segment.id)),
        crossfadeMs: segment.crossfadeSeconds !== undefined ? secondsToMs(segment.crossfadeSeconds) : defaultCrossfadeMs,
      })),
    ),
    targetsMs: playlist.phases.map((phase) => minutesToMs(phase.targetMinutes)),
  };
}

export interface PhaseSpan {
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
  readonly extendedByMs: Milliseconds;
  readonly held: boolean;
  readonly skipped: boolean;
}

/** One entry while the plan is being laid out; its end may still move when the next entry is placed. */
export interface Placement {
  readonly phaseIndex: number;
  /** Index in the phase's segments; a bridge has the phase's segment count. */
  readonly segmentIndex: number;
  /** Undefined for a bridge. */
  readonly source: ResolvedSegment | undefined;
  readonly crossfadeMs: Milliseconds;
  readonly startMs: Milliseconds;
  /** Where it stops if nothing follows: the end of its media, cut at its phase's end (a bridge runs to that end). */
  limitEndMs: Milliseconds;
  /** Where it stops sounding: limitEndMs, or later when the next entry could not start before the layout's floor. */
  endMs: Milliseconds;
  /** Unrounded start + duration; Infinity for a bridge. */
  readonly mediaEndMs: Milliseconds;
  /** For the plan's last entry: a fade to silence shorter than the usual one, so it does not begin before the floor. */
  silenceFadeMs?: Milliseconds;
}

export interface SkippedSegment {
  readonly segmentId: string;
  readonly reason: string;
  readonly phaseIndex: number;
  readonly segmentIndex: number;
}

/**
 * A layout in progress: placements so far, and where to continue (phase, segment, and the
 * cursor — where the phase's music so far stops sounding). Nothing may start before `floorMs`.
 */
export interface Layout {
  readonly source: PlanSource;
  spans: readonly PhaseSpan[];
  readonly placements: Placement[];
  readonly skipped: SkippedSegment[];
  readonly excludedSegmentIds: ReadonlySet<string>;
  floorMs: Milliseconds;
  phaseIndex: number;
  segmentIndex: number;
  cursorMs: Milliseconds;
  done: boolean;
}

export function targetSpans(source: PlanSource): PhaseSpan[] {
  let startMs = 0;
  return source.targetsMs.map((targetMs) => {
    const span = { startMs, endMs: startMs + targetMs, extendedByMs: 0, held: false, skipped: false };
    startMs = span.endMs;
    return span;
  });
}

export function createLayout(source: PlanSource, spans: readonly PhaseSpan[], excludedSegmentIds: ReadonlySet<string> = new Set()): Layout {
  return {
    source,
    spans,
    placements: [],
    skipped: [],
    excludedSegmentIds,
    floorMs: 0,
    phaseIndex: 0,
    segmentIndex: 0,
    cursorMs: spans[0]?.startMs ?? 0,
    done: false,
  };
}

/**
 * Each entry starts `crossfade` before the previous one ends, so files play whole and
 * `programMs - startMs` is the position inside the file. A crossfade never takes more
 * than half of either neighbour (for one cut at its phase's end, half of what sounds), so at
 * most two entries sound at once. Music that would run past its phase's end is cut there;
 * a bridge always runs to it. When that start would fall before the floor (the moment an
 * action was made), the entry starts at the floor instead and the previous entry keeps
 * sounding for the crossfade after it.
 */
function place(layout: Layout, source: ResolvedSegment | undefined, durationMs: Milliseconds, crossfadeMs: Milliseconds): Placement {
  const { phaseIndex, segmentIndex } = layout;
  const span = layout.spans[phaseIndex] as PhaseSpan;
  const previous = layout.placements.at(-1);
  const bridge = source === undefined;
  let startMs = span.startMs;
  if (previous !== undefined) {
    // An entry cut at its phase's end sounds only until then: its fade-in may take at most half
    // of that, or the entry after it would start while the one before still sounds.
    const roomBeforePhaseEnd = Math.max(0, span.endMs - previous.limitEndMs);
    const overlap = Math.min(crossfadeMs, (previous.limitEndMs - previous.startMs) / 2, durationMs / 2, roomBeforePhaseEnd);
    startMs = Math.max(previous.startMs, previous.limitEndMs - overlap);
  }
  let endMs = bridge ? span.endMs : Math.min(startMs + durationMs, span.endMs);
  let start = Math.round(startMs);
  let end = Math.round(Math.max(endMs, startMs));
  let mediaEndMs = bridge ? Number.POSITIVE_INFINITY : startMs + durationMs;
  if (previous !== undefined && start < layout.floorMs) {
    start = layout.floorMs;
    mediaEndMs = bridge ? Number.POSITIVE_INFINITY : start + durationMs;
    endMs = bridge ? span.endMs : Math.min(mediaEndMs, span.endMs);
    end = Math.round(Math.max(endMs, start));
    const overlap = Math.max(0, Math.min(crossfadeMs, previous.mediaEndMs - start, (end - start) / 2));
    previous.endMs = Math.round(start + overlap);
  }
  return { phaseIndex, segmentIndex, source, crossfadeMs, startMs: start, limitEndMs: end, endMs: end, mediaEndMs };
}

/** Places the next entry; false once the layout is complete (or waits behind a held phase). */
function step(layout: Layout): boolean {
  const { source, spans } = layout;
  while (layout.phaseIndex < spans.length) {
    const span = spans[layout.phaseIndex] as PhaseSpan;
    if (span.startMs === Number.POSITIVE_INFINITY) break;
    const segments = source.segments[layout.phaseIndex] as readonly ResolvedSegment[];
    if (!span.skipped && layout.segmentIndex <= segments.length) {
      if (span.endMs - layout.cursorMs < shortestUsefulEntryMs) {
        layout.segmentIndex = segments.length + 1;
        continue;
      }
      const resolved = segments[layout.segmentIndex];
      if (resolved !== undefined) {
        if (layout.excludedSegmentIds.has(resolved.segment.id)) {
          layout.segmentIndex += 1;
          continue;
        }
        if (resolved.durationMs === undefined || resolved.durationMs <= 0) {
          const { phaseIndex, segmentIndex } = layout;
          layout.skipped.push({ segmentId: resolved.segment.id, reason: 'duration unknown', phaseIndex, segmentIndex });
          layout.segmentIndex += 1;
          continue;
        }
        const placement = place(layout, resolved, resolved.durationMs, resolved.crossfadeMs);
        layout.placements.push(placement);
        layout.segmentIndex += 1;
        layout.cursorMs = placement.limitEndMs;
        return true;
      }
      // Its own music has run out: a bridge fills the phase to its end.
      const placement = place(layout, undefined, span.endMs - layout.cursorMs, source.defaultCrossfadeMs);
      layout.placements.push(placement);
      layout.segmentIndex += 1;
      layout.cursorMs = placement.limitEndMs;
      return true;
    }
    layout.phaseIndex += 1;
    layout.segmentIndex = 0;
    layout.cursorMs = spans[layout.phaseIndex]?.startMs ?? layout.cursorMs;
  }
  layout.done = true;
  return false;
}

/** Lays out every entry that starts at or before `programMs`, and the one after it. */
export function layOutUntil(layout: Layout, programMs: Milliseconds): void {
  while (!layout.done) {
    const last = layout.placements.at(-1);
    if (last !== undefined && last.startMs > programMs) return;
    step(layout);
  }
}

export function fadeToSilenceMs(placement: Placement): Milliseconds {
  return Math.round(Math.min(placement.crossfadeMs, (placement.endMs - placement.startMs) / 2));
}

export function materialize(layout: Layout): SessionPlan {
  layOutUntil(layout, Number.POSITIVE_INFINITY);
  const { playlist } = layout.source;
  const { placements, spans } = layout;
  const entries = placements.map((placement, index): PlannedEntry => {
    const previous = placements[index - 1];
    const next = placements[index + 1];
    const { startMs, endMs } = placement;
    const segment = placement.source?.segment ?? bridgeSegmentFor(playlist.phases[placement.phaseIndex] as Phase, (endMs - startMs) / 1000);
    return {
      index,
      key: `${segment.id}@${startMs}`,
      phaseIndex: placement.phaseIndex,
      segment,
      startMs,
      endMs,
      fadeInMs: previous === undefined ? 0 : Math.max(0, previous.endMs - startMs),
      fadeOutMs: next === undefined ? (placement.silenceFadeMs ?? fadeToSilenceMs(placement)) : Math.max(0, endMs - next.startMs),
      bridge: placement.source === undefined,
    };
  });
  const sounded = new Set(placements.map((placement) => placement.phaseIndex));
  const phases = playlist.phases.map((phase, index): PlannedPhase => {
    const span = spans[index] as PhaseSpan;
    return {
      id: phase.id,
      kind: phase.kind,
      title: phase.title,
      index,
      startMs: span.startMs,
      endMs: span.endMs,
      targetMs: layout.source.targetsMs[index] as Milliseconds,
      extendedByMs: span.extendedByMs,
      held: span.held,
      skipped: span.skipped || (span.startMs === span.endMs && span.startMs !== Number.POSITIVE_INFINITY && !sounded.has(index)),
    };
  });
  return {
    phases,
    entries,
    totalMs: spans.at(-1)?.endMs ?? 0,
    skipped: layout.skipped.map(({ segmentId, reason }) => ({ segmentId, reason })),
  };
}

export function buildPlan(playlist: Playlist, knownDurationsMs: ReadonlyMap<string, Milliseconds> = new Map()): SessionPlan {
  const source = planSource(playlist, knownDurationsMs);
  return materialize(createLayout(source, targetSpans(source)));
}

/** Where the plan is at a program time; null once the plan has ended. */
export function locate(plan: SessionPlan, programMs: Milliseconds): PlanPosition | null {
  if (programMs < 0 || programMs >= plan.totalMs) return null;
  let low = 0;
  let high = plan.entries.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((plan.entries[middle] as PlannedEntry).startMs <= programMs) low = middle;
    else high = middle - 1;
  }
  const entry = plan.entries[low];
  if (entry === undefined) return null;
  const phase = plan.phases[entry.phaseIndex] as PlannedPhase;
  return {
    phase,
    entry,
    positionMs: programMs - entry.startMs,
    entryRemainingMs: entry.endMs - programMs,
    phaseRemainingMs: phase.endMs - programMs,
  };
}
