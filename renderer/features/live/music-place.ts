import { locate, type SessionPlan } from '../../../core/plan';
import type { Milliseconds } from '../../../core/units';

export interface MusicPlace {
  readonly phaseId: string;
  readonly segmentId: string;
  /** Position inside the segment. */
  readonly positionMs: Milliseconds;
}

/** What was sounding at `programMs` of the plan, and where in it; past the end, the last entry. */
export function musicPlaceAt(plan: SessionPlan, programMs: Milliseconds): MusicPlace | undefined {
  const clamped = Math.max(0, Math.min(programMs, plan.totalMs - 1));
  const entry = locate(plan, clamped)?.entry ?? plan.entries.at(-1);
  const phase = entry === undefined ? undefined : plan.phases[entry.phaseIndex];
  if (entry === undefined || phase === undefined) return undefined;
  return { phaseId: phase.id, segmentId: entry.segment.id, positionMs: Math.max(0, Math.round(programMs - entry.startMs)) };
}
