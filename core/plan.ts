import type { Phase, PhaseKind, Playlist, Segment, SoundscapeSegment } from './playlist';
import { minutesToMs, secondsToMs, type Milliseconds } from './units';

/**
 * The plan lays a playlist out on program time: music time that advances only while the
 * session plays. Phases follow one another at their target durations; a phase whose music
 * runs out early is filled by a bridge soundscape, and music still playing when a phase
 * ends is crossfaded into the next phase.
 */
export interface PlannedPhase {
  readonly id: string;
  readonly kind: PhaseKind;
  readonly title: string;
  readonly index: number;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}

export interface PlannedEntry {
  readonly index: number;
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
const shortestUsefulEntryMs = 1000;

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

interface Span {
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}

interface Placement {
  readonly phaseIndex: number;
  readonly segment: Segment;
  readonly crossfadeMs: Milliseconds;
  readonly bridge: boolean;
  readonly span: Span;
}

/**
 * Each entry starts `crossfade` before the previous one ends, so files play whole and
 * `programMs - startMs` is the position inside the file. A crossfade never takes more
 * than half of either neighbour. Music that would run past its phase's end is cut there;
 * a bridge always runs to it.
 */
function spanAfter(
  previous: Span | undefined,
  phaseStartMs: Milliseconds,
  phaseEndMs: Milliseconds,
  durationMs: Milliseconds,
  crossfadeMs: Milliseconds,
  bridge: boolean,
): Span {
  let startMs = phaseStartMs;
  if (previous !== undefined) {
    const overlap = Math.min(crossfadeMs, (previous.endMs - previous.startMs) / 2, durationMs / 2);
    startMs = Math.max(previous.startMs, previous.endMs - overlap);
  }
  const endMs = bridge ? phaseEndMs : Math.min(startMs + durationMs, phaseEndMs);
  return { startMs: Math.round(startMs), endMs: Math.round(Math.max(endMs, startMs)) };
}

function toEntries(placements: readonly Placement[]): PlannedEntry[] {
  return placements.map((placement, index) => {
    const { span } = placement;
    const previous = placements[index - 1]?.span;
    const next = placements[index + 1]?.span;
    const fadeOutToSilence = Math.min(placement.crossfadeMs, (span.endMs - span.startMs) / 2);
    return {
      index,
      phaseIndex: placement.phaseIndex,
      segment: placement.segment,
      startMs: span.startMs,
      endMs: span.endMs,
      fadeInMs: previous === undefined ? 0 : Math.max(0, previous.endMs - span.startMs),
      fadeOutMs: next === undefined ? Math.round(fadeOutToSilence) : Math.max(0, span.endMs - next.startMs),
      bridge: placement.bridge,
    };
  });
}

export function buildPlan(playlist: Playlist, knownDurationsMs: ReadonlyMap<string, Milliseconds> = new Map()): SessionPlan {
  const phases: PlannedPhase[] = [];
  const placements: Placement[] = [];
  const skipped: { segmentId: string; reason: string }[] = [];
  const defaultCrossfadeMs = secondsToMs(playlist.crossfadeSeconds);
  let phaseStartMs = 0;

  playlist.phases.forEach((phase, phaseIndex) => {
    const phaseEndMs = phaseStartMs + minutesToMs(phase.targetMinutes);
    phases.push({ id: phase.id, kind: phase.kind, title: phase.title, index: phaseIndex, startMs: phaseStartMs, endMs: phaseEndMs });
    // Where this phase's music stops sounding: the overlaps shorten it, so summing durations would leave a silent gap.
    let cursorMs = phaseStartMs;
    for (const segment of phase.segments) {
      if (phaseEndMs - cursorMs < shortestUsefulEntryMs) break;
      const durationMs =
        segment.durationSeconds !== undefined ? secondsToMs(segment.durationSeconds) : knownDurationsMs.get(segment.id);
      if (durationMs === undefined || durationMs <= 0) {
        skipped.push({ segmentId: segment.id, reason: 'duration unknown' });
        continue;
      }
      const crossfadeMs = segment.crossfadeSeconds !== undefined ? secondsToMs(segment.crossfadeSeconds) : defaultCrossfadeMs;
      const span = spanAfter(placements.at(-1)?.span, phaseStartMs, phaseEndMs, durationMs, crossfadeMs, false);
      placements.push({ phaseIndex, segment, crossfadeMs, bridge: false, span });
      cursorMs = span.endMs;
    }
    if (phaseEndMs - cursorMs >= shortestUsefulEntryMs) {
      const span = spanAfter(placements.at(-1)?.span, phaseStartMs, phaseEndMs, phaseEndMs - cursorMs, defaultCrossfadeMs, true);
      placements.push({
        phaseIndex,
        segment: bridgeSegmentFor(phase, (span.endMs - span.startMs) / 1000),
        crossfadeMs: defaultCrossfadeMs,
        bridge: true,
        span,
      });
    }
    phaseStartMs = phaseEndMs;
  });

  return { phases, entries: toEntries(placements), totalMs: phaseStartMs, skipped };
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
