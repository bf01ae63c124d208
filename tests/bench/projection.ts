import { performance } from 'node:perf_hooks';
import { buildElasticPlan, ElasticPlanner } from '../../core/elastic-plan';
import type { PlanAction } from '../../core/events';
import { buildPlan, locate } from '../../core/plan';
import { parsePlaylist, type Playlist } from '../../core/playlist';
import { projectSession } from '../../core/projection';
import { median } from './stats';
import { seededRandom } from '../support/seeded-random';

const runs = 50;


export interface PlanScenario {
  readonly playlist: Playlist;
  readonly actions: readonly PlanAction[];
}

/**
 * An 8-hour set (onset 1 h 30, peak 4 h, return 2 h 30) of 120 segments of 3–8 minutes,
 * and 200 facilitator actions about every 2 minutes 20: mostly skips of what is playing,
 * some skips of what is not (ignored), extensions, holds released a few minutes later,
 * and two advances.
 */
export function eightHourScenario(): PlanScenario {
  const next = seededRandom(0x5eed);
  const phaseShapes = [
    { id: 'onset', kind: 'onset', targetMinutes: 90, count: 30 },
    { id: 'peak', kind: 'peak', targetMinutes: 240, count: 50 },
    { id: 'return', kind: 'return', targetMinutes: 150, count: 40 },
  ] as const;
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'eight-hours',
    title: 'Eight hours',
    crossfadeSeconds: 8,
    phases: phaseShapes.map((shape) => ({
      id: shape.id,
      kind: shape.kind,
      title: shape.id,
      targetMinutes: shape.targetMinutes,
      segments: Array.from({ length: shape.count }, (_, index) => {
        const durationSeconds = Math.round(180 + next() * 300);
        const crossfade = index % 9 === 4 ? { crossfadeSeconds: 15 } : {};
        return index % 3 === 0
          ? { type: 'soundscape', id: `${shape.id}-scape-${index}`, preset: 'drone', durationSeconds, ...crossfade }
          : { type: 'file', id: `${shape.id}-track-${index}`, path: `music/${shape.id}-${index}.flac`, durationSeconds, ...crossfade };
      }),
    })),
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  const playlist = parsed.value;

  const planner = new ElasticPlanner(playlist);
  const actions: PlanAction[] = [];
  let heldPhaseId: string | undefined;
  for (let index = 0; index < 200; index += 1) {
    const programMs = Math.round((index + 1) * 140_000 + next() * 20_000);
    const position = locate(planner.plan(), programMs);
    const phaseId = position?.phase.id ?? 'return';
    const playingId = position?.entry.segment.id ?? 'return-track-1';
    let action: PlanAction;
    if (heldPhaseId !== undefined && index % 25 === 6) {
      action = { kind: 'release', phaseId: heldPhaseId, programMs };
      heldPhaseId = undefined;
    } else if (index % 25 === 3) {
      action = { kind: 'hold', phaseId, programMs };
      heldPhaseId = phaseId;
    } else if (index === 40 || index === 150) {
      action = { kind: 'advance', toPhaseId: index === 40 ? 'peak' : 'return', programMs };
    } else if (index % 10 === 0) {
      action = { kind: 'extend', phaseId, byMs: 300_000, programMs };
    } else if (index % 7 === 0) {
      action = { kind: 'skip', segmentId: 'onset-track-1', programMs };
    } else {
      action = { kind: 'skip', segmentId: playingId, programMs };
    }
    planner.apply(action);
    actions.push(action);
  }
  return { playlist, actions };
}

/** buildElasticPlan + projectSession for the 8-hour scenario, next to plain buildPlan of the same playlist. */
export function benchPlanProjection(): string[] {
  const { playlist, actions } = eightHourScenario();
  const segments = playlist.phases.reduce((total, phase) => total + phase.segments.length, 0);
  const nowProgramMs = (actions.at(-1)?.programMs ?? 0) + 60_000;
  let sink = 0;
  const elastic = () => {
    const startedAt = performance.now();
    const plan = buildElasticPlan(playlist, actions);
    const projection = projectSession(plan, { nowProgramMs, nowSessionMs: nowProgramMs + 600_000, playing: true });
    const elapsed = performance.now() - startedAt;
    sink += projection.phases.length + plan.entries.length;
    return elapsed;
  };
  const reference = () => {
    const startedAt = performance.now();
    const plan = buildPlan(playlist);
    const elapsed = performance.now() - startedAt;
    sink += plan.entries.length;
    return elapsed;
  };
  for (let warmup = 0; warmup < 20; warmup += 1) {
    elastic();
    reference();
  }
  const elasticMs: number[] = [];
  const referenceMs: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    elasticMs.push(elastic());
    referenceMs.push(reference());
  }
  if (sink === 0) throw new Error('the benchmark built empty plans');
  const hours = playlist.phases.reduce((total, phase) => total + phase.targetMinutes, 0) / 60;
  return [
    `plan_projection_ms: ${median(elasticMs).toFixed(2)} ms (${hours} h, ${segments} segments, ${actions.length} events; median of ${runs})`,
    `reference_build_plan_ms: ${median(referenceMs).toFixed(2)} ms (buildPlan of the same playlist, no events; median of ${runs})`,
  ];
}
