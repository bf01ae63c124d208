import type { PhaseKind } from './playlist';
import type { PlannedPhase, SessionPlan } from './plan';
import type { Milliseconds } from './units';

/** A phase-started event from the journal: when (in session time) a phase really began. */
export interface PhaseStart {
  readonly phaseId: string;
  readonly startedAtSessionMs: Milliseconds;
}

export interface ProjectionInput {
  readonly nowProgramMs: Milliseconds;
  /** Time since the dose. */
  readonly nowSessionMs: Milliseconds;
  /** False while paused or quiet: program time stands still while session time runs on. */
  readonly playing: boolean;
  /** What to compare each phase's projected duration with, by phase id; by default the playlist's target. */
  readonly targetsMs?: Readonly<Record<string, Milliseconds>>;
  /** Journaled phase starts; past phases without one are placed as if nothing had paused since. */
  readonly phaseStarts?: readonly PhaseStart[];
}

export interface PhaseProjection {
  readonly id: string;
  readonly kind: PhaseKind;
  readonly title: string;
  readonly index: number;
  readonly status: 'past' | 'current' | 'future';
  /** Program time, always finite: a held phase is projected as if released now. */
  readonly startProgramMs: Milliseconds;
  readonly endProgramMs: Milliseconds;
  /** Session time (since the dose): journaled for the past, now + remaining program time for the future. */
  readonly startSessionMs: Milliseconds;
  readonly endSessionMs: Milliseconds;
  readonly targetMs: Milliseconds;
  /** endSessionMs - startSessionMs: pauses and quiet breaks inside the phase count. */
  readonly projectedDurationMs: Milliseconds;
  readonly deltaFromTargetMs: Milliseconds;
  readonly held: boolean;
  readonly skipped: boolean;
}

export interface SessionProjection {
  readonly phases: readonly PhaseProjection[];
  /** Index of the phase playing now; undefined once the plan has ended. */
  readonly currentPhaseIndex: number | undefined;
  readonly projectedEndProgramMs: Milliseconds;
  readonly projectedEndSessionMs: Milliseconds;
  /**
   * Program time until the current phase ends (as projected: 0 for a held phase past its
   * target); while not playing it does not count down. Null once the plan has ended.
   */
  readonly nextPhaseChangeInMs: Milliseconds | null;
  readonly playing: boolean;
}

/**
 * Projects the plan onto session time. Program time runs at the rate of session time
 * while playing, so the future is now + (program time to go); a pause or quiet break moves
 * every future phase later by its length. A held, unreleased phase is projected as if it
 * were released now (ending at its target end, or now if that has passed), and later
 * phases follow at their targets.
 */
export function projectSession(plan: SessionPlan, input: ProjectionInput): SessionProjection {
  const { nowProgramMs, nowSessionMs, playing } = input;
  const count = plan.phases.length;
  const startsProgram: Milliseconds[] = [];
  const endsProgram: Milliseconds[] = [];
  let previousEndMs = 0;
  for (const phase of plan.phases) {
    const startMs = Number.isFinite(phase.startMs) ? phase.startMs : previousEndMs;
    let endMs = phase.endMs;
    if (!Number.isFinite(endMs)) {
      const targetEndMs = startMs + phase.targetMs + phase.extendedByMs;
      endMs = startMs <= nowProgramMs ? Math.max(targetEndMs, nowProgramMs) : targetEndMs;
    }
    startsProgram.push(startMs);
    endsProgram.push(endMs);
    previousEndMs = endMs;
  }

  const journaled = new Map<string, Milliseconds>();
  for (const start of input.phaseStarts ?? []) {
    if (!journaled.has(start.phaseId)) journaled.set(start.phaseId, start.startedAtSessionMs);
  }
  const toSession = (programMs: Milliseconds) => nowSessionMs + (programMs - nowProgramMs);
  // Session time of each boundary: a phase's start, or the plan's end at index `count`.
  const boundaries: Milliseconds[] = new Array<Milliseconds>(count + 1);
  boundaries[count] = toSession(previousEndMs);
  for (let index = count - 1; index >= 0; index -= 1) {
    const programMs = startsProgram[index] as Milliseconds;
    if (programMs > nowProgramMs) {
      boundaries[index] = toSession(programMs);
      continue;
    }
    // Skipped phases share their boundary with the next phase, which may have been journaled.
    const sharesNext = index + 1 < count && startsProgram[index + 1] === programMs;
    boundaries[index] =
      journaled.get((plan.phases[index] as PlannedPhase).id) ??
      (sharesNext ? (boundaries[index + 1] as Milliseconds) : Math.min(nowSessionMs, toSession(programMs)));
  }
  for (let index = 1; index <= count; index += 1) {
    boundaries[index] = Math.max(boundaries[index] as Milliseconds, boundaries[index - 1] as Milliseconds);
  }

  let currentPhaseIndex: number | undefined;
  const phases = plan.phases.map((phase, index): PhaseProjection => {
    const current = phase.startMs <= nowProgramMs && nowProgramMs < phase.endMs;
    if (current) currentPhaseIndex = index;
    const startSessionMs = boundaries[index] as Milliseconds;
    const endSessionMs = boundaries[index + 1] as Milliseconds;
    const targetMs = input.targetsMs?.[phase.id] ?? phase.targetMs;
    const projectedDurationMs = endSessionMs - startSessionMs;
    return {
      id: phase.id,
      kind: phase.kind,
      title: phase.title,
      index,
      status: current ? 'current' : (endsProgram[index] as Milliseconds) <= nowProgramMs ? 'past' : 'future',
      startProgramMs: startsProgram[index] as Milliseconds,
      endProgramMs: endsProgram[index] as Milliseconds,
      startSessionMs,
      endSessionMs,
      targetMs,
      projectedDurationMs,
      deltaFromTargetMs: projectedDurationMs - targetMs,
      held: phase.held,
      skipped: phase.skipped,
    };
  });

  return {
    phases,
    currentPhaseIndex,
    projectedEndProgramMs: previousEndMs,
    projectedEndSessionMs: boundaries[count] as Milliseconds,
    nextPhaseChangeInMs: currentPhaseIndex === undefined ? null : (endsProgram[currentPhaseIndex] as Milliseconds) - nowProgramMs,
    playing,
  };
}
