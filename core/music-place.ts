import { locate, type PlannedEntry, type SessionPlan } from './plan';
import type { Milliseconds } from './units';

export interface MusicPlace {
  readonly phaseId: string;
  readonly segmentId: string;
  /** Position inside the segment: from its start in the plan, whatever paused, resumed or bent the plan since. */
  readonly positionMs: Milliseconds;
}

/** The latest entry of this segment sounding at `programMs` (under a crossfade the outgoing one still sounds). */
function entryOfSegmentAt(plan: SessionPlan, segmentId: string, programMs: Milliseconds): PlannedEntry | undefined {
  let found: PlannedEntry | undefined;
  for (const entry of plan.entries) {
    if (entry.startMs > programMs) break;
    if (entry.segment.id === segmentId && programMs <= entry.endMs) found = entry;
  }
  return found;
}

/**
 * Where the music was at `programMs` of the plan: the one position function for every
 * event, live and in review. Positions count from the entry's start in the plan (the plan
 * as bent by the facilitators: what sounded before an action never moves), never from the
 * moment a resume or a pause picked the music up again. With `segmentId` (a skip names the
 * segment it cut, a playback problem the one that failed) the place is in that segment
 * when it was sounding then, even under the crossfade into the next one. Past the end of
 * the plan: the end of its last entry.
 */
export function musicPlaceAt(plan: SessionPlan, programMs: Milliseconds, segmentId?: string): MusicPlace | undefined {
  const clamped = Math.max(0, Math.min(programMs, plan.totalMs - 1));
  const entry =
    (segmentId === undefined ? undefined : entryOfSegmentAt(plan, segmentId, clamped)) ?? locate(plan, clamped)?.entry ?? plan.entries.at(-1);
  const phase = entry === undefined ? undefined : plan.phases[entry.phaseIndex];
  if (entry === undefined || phase === undefined) return undefined;
  return { phaseId: phase.id, segmentId: entry.segment.id, positionMs: Math.max(0, Math.round(Math.min(programMs, entry.endMs) - entry.startMs)) };
}
