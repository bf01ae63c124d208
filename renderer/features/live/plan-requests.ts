import type { PlanAction } from '../../../core/events';
import type { PlanPosition, SessionPlan } from '../../../core/plan';

/** What a facilitator's plan key asks of the plan where the music is now: an action, or why there is none. */
export type PlanRequest = PlanAction | { readonly refused: string } | undefined;

export type PlanKey = 'hold' | 'extend' | 'next-phase' | 'return' | 'skip';

/** The plan action for a key at this position (`programMs` rounded, as journaled). */
export function planRequest(key: PlanKey, plan: SessionPlan, position: PlanPosition | null, programMs: number, extendMinutes = 10): PlanRequest {
  const at = Math.round(programMs);
  const phase = position?.phase;
  switch (key) {
    case 'hold':
      if (phase === undefined) return undefined;
      return { kind: phase.held ? 'release' : 'hold', phaseId: phase.id, programMs: at };
    case 'extend':
      if (phase === undefined) return undefined;
      return { kind: 'extend', phaseId: phase.id, byMs: Math.round(extendMinutes * 60_000), programMs: at };
    case 'next-phase': {
      const next = plan.phases.find((candidate) => phase !== undefined && candidate.index > phase.index && !candidate.skipped);
      return next === undefined ? { refused: 'This is the last phase.' } : { kind: 'advance', toPhaseId: next.id, programMs: at };
    }
    case 'return': {
      const target = plan.phases.find((candidate) => candidate.kind === 'return');
      return target === undefined ? { refused: 'This playlist has no return phase.' } : { kind: 'advance', toPhaseId: target.id, programMs: at };
    }
    case 'skip':
      return position === null ? undefined : { kind: 'skip', segmentId: position.entry.segment.id, programMs: at };
  }
}
