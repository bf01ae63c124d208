import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildElasticPlan } from './elastic-plan';
import type { PlanAction } from './events';
import { buildPlan } from './plan';
import { parsePlaylist, type Playlist } from './playlist';
import { projectSession, type SessionProjection } from './projection';

const minutes = (count: number) => count * 60_000;

function playlistOf(targets: readonly number[]): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'projection-test',
    title: 'Projection test',
    crossfadeSeconds: 10,
    phases: ['onset', 'peak', 'return'].slice(0, targets.length).map((id, index) => ({
      id,
      kind: id,
      title: id,
      targetMinutes: targets[index],
      segments: [{ type: 'soundscape', id: `${id}-a`, preset: 'drone', durationSeconds: 600 }],
    })),
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** onset 60 min, peak 120 min, return 60 min. */
const playlist = playlistOf([60, 120, 60]);

const spans = (projection: SessionProjection) =>
  projection.phases.map(({ id, startSessionMs, endSessionMs }) => [id, startSessionMs / 60_000, endSessionMs / 60_000]);

describe('projectSession of a plain plan, playing without a pause', () => {
  const projection = projectSession(buildPlan(playlist), { nowProgramMs: minutes(30), nowSessionMs: minutes(30), playing: true });

  it('places every phase at its program time', () => {
    expect(spans(projection)).toEqual([
      ['onset', 0, 60],
      ['peak', 60, 180],
      ['return', 180, 240],
    ]);
    expect(projection.phases.map((phase) => phase.status)).toEqual(['current', 'future', 'future']);
    expect(projection.currentPhaseIndex).toBe(0);
  });

  it('projects each phase at its target, the end of the session and the next phase change', () => {
    expect(projection.phases.map((phase) => phase.deltaFromTargetMs)).toEqual([0, 0, 0]);
    expect(projection.phases.map((phase) => phase.projectedDurationMs)).toEqual([minutes(60), minutes(120), minutes(60)]);
    expect(projection.projectedEndSessionMs).toBe(minutes(240));
    expect(projection.nextPhaseChangeInMs).toBe(minutes(30));
  });
});

describe('pause and quiet', () => {
  const plan = buildPlan(playlist);

  it('move every future phase later by the time spent not playing, and keep the past', () => {
    const phaseStarts = [
      { phaseId: 'onset', startedAtSessionMs: 0 },
      { phaseId: 'peak', startedAtSessionMs: minutes(60) },
    ];
    const before = projectSession(plan, { nowProgramMs: minutes(70), nowSessionMs: minutes(70), playing: false, phaseStarts });
    const later = projectSession(plan, { nowProgramMs: minutes(70), nowSessionMs: minutes(85), playing: false, phaseStarts });
    expect(spans(later)).toEqual([
      ['onset', 0, 60],
      ['peak', 60, 195],
      ['return', 195, 255],
    ]);
    expect(later.projectedEndSessionMs - before.projectedEndSessionMs).toBe(minutes(15));
    expect(later.nextPhaseChangeInMs).toBe(before.nextPhaseChangeInMs);
    expect(later.playing).toBe(false);
  });

  it('count inside the phase they happened in: it runs over its target by the pause', () => {
    const phaseStarts = [{ phaseId: 'peak', startedAtSessionMs: minutes(60) }];
    const projection = projectSession(plan, { nowProgramMs: minutes(70), nowSessionMs: minutes(85), playing: true, phaseStarts });
    expect(projection.phases[1]).toMatchObject({ projectedDurationMs: minutes(135), deltaFromTargetMs: minutes(15), status: 'current' });
  });

  it('shift the future by exactly the difference in session time, whatever the plan (property)', () => {
    const actions: PlanAction[] = [
      { kind: 'extend', phaseId: 'onset', byMs: minutes(10), programMs: minutes(5) },
      { kind: 'hold', phaseId: 'peak', programMs: minutes(80) },
    ];
    const elastic = buildElasticPlan(playlist, actions);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: minutes(400) }),
        fc.integer({ min: 0, max: minutes(60) }),
        fc.integer({ min: 0, max: minutes(120) }),
        (nowProgramMs, lead, pausedMs) => {
          const nowSessionMs = nowProgramMs + lead;
          const first = projectSession(elastic, { nowProgramMs, nowSessionMs, playing: false });
          const second = projectSession(elastic, { nowProgramMs, nowSessionMs: nowSessionMs + pausedMs, playing: false });
          first.phases.forEach((phase, index) => {
            const moved = second.phases[index];
            if (phase.startProgramMs > nowProgramMs) expect(moved?.startSessionMs).toBe(phase.startSessionMs + pausedMs);
            if (phase.endProgramMs > nowProgramMs) expect(moved?.endSessionMs).toBe(phase.endSessionMs + pausedMs);
            expect(moved?.startSessionMs).toBeGreaterThanOrEqual(index === 0 ? 0 : (second.phases[index - 1]?.endSessionMs ?? 0));
          });
        },
      ),
    );
  });
});

describe('held phases', () => {
  const held = buildElasticPlan(playlist, [{ kind: 'hold', phaseId: 'peak', programMs: minutes(90) }]);

  it('project a held phase as if released now: at its target end while that is ahead', () => {
    const projection = projectSession(held, { nowProgramMs: minutes(100), nowSessionMs: minutes(100), playing: true });
    expect(projection.phases[1]).toMatchObject({ held: true, endProgramMs: minutes(180), status: 'current' });
    expect(projection.phases[2]).toMatchObject({ startProgramMs: minutes(180), endProgramMs: minutes(240), held: false });
    expect(projection.projectedEndSessionMs).toBe(minutes(240));
    expect(Number.isFinite(projection.projectedEndProgramMs)).toBe(true);
  });

  it('and at now once the target has passed: the next phase could start now', () => {
    const projection = projectSession(held, { nowProgramMs: minutes(200), nowSessionMs: minutes(210), playing: true });
    expect(projection.phases[1]).toMatchObject({ held: true, status: 'current', endProgramMs: minutes(200), endSessionMs: minutes(210) });
    // No journaled start: peak is placed as if nothing had paused since it began (session 70 min); 140 min against 120.
    expect(projection.phases[1]).toMatchObject({ startSessionMs: minutes(70), deltaFromTargetMs: minutes(20) });
    expect(projection.nextPhaseChangeInMs).toBe(0);
    expect(projection.phases[2]).toMatchObject({ startSessionMs: minutes(210), endSessionMs: minutes(270) });
  });

  it('then the released plan projects the same future as the projection said', () => {
    const released = buildElasticPlan(playlist, [
      { kind: 'hold', phaseId: 'peak', programMs: minutes(90) },
      { kind: 'release', phaseId: 'peak', programMs: minutes(200) },
    ]);
    const projection = projectSession(released, { nowProgramMs: minutes(200), nowSessionMs: minutes(210), playing: true });
    expect(projection.phases[1]).toMatchObject({ held: false, endProgramMs: minutes(200) });
    expect(projection.projectedEndSessionMs).toBe(minutes(270));
  });
});

describe('phases shorter and longer than their target', () => {
  it('reports how far each phase is from its target: advanced early, extended, and as planned', () => {
    const plan = buildElasticPlan(playlist, [
      { kind: 'advance', toPhaseId: 'peak', programMs: minutes(45) },
      { kind: 'extend', phaseId: 'peak', byMs: minutes(30), programMs: minutes(50) },
    ]);
    const projection = projectSession(plan, { nowProgramMs: minutes(50), nowSessionMs: minutes(50), playing: true });
    expect(projection.phases.map((phase) => phase.deltaFromTargetMs)).toEqual([-minutes(15), minutes(30), 0]);
    expect(projection.phases[1]).toMatchObject({ targetMs: minutes(120), projectedDurationMs: minutes(150) });
  });

  it('compares with the targets given instead, when there are some', () => {
    const projection = projectSession(buildPlan(playlist), {
      nowProgramMs: 0,
      nowSessionMs: 0,
      playing: true,
      targetsMs: { peak: minutes(100) },
    });
    expect(projection.phases.map((phase) => phase.deltaFromTargetMs)).toEqual([0, minutes(20), 0]);
  });

  it('gives a skipped phase no duration and keeps the journaled start of the phase jumped to', () => {
    const plan = buildElasticPlan(playlist, [{ kind: 'advance', toPhaseId: 'return', programMs: minutes(20) }]);
    const projection = projectSession(plan, {
      nowProgramMs: minutes(30),
      nowSessionMs: minutes(38),
      playing: true,
      phaseStarts: [
        { phaseId: 'onset', startedAtSessionMs: 0 },
        { phaseId: 'return', startedAtSessionMs: minutes(25) },
      ],
    });
    expect(spans(projection)).toEqual([
      ['onset', 0, 25],
      ['peak', 25, 25],
      ['return', 25, 38 + 50],
    ]);
    expect(projection.phases[1]).toMatchObject({ skipped: true, projectedDurationMs: 0, deltaFromTargetMs: -minutes(120), status: 'past' });
  });
});

describe('the end of the session', () => {
  it('has every phase in the past and no next phase change', () => {
    const projection = projectSession(buildPlan(playlist), { nowProgramMs: minutes(240), nowSessionMs: minutes(250), playing: false });
    expect(projection.phases.map((phase) => phase.status)).toEqual(['past', 'past', 'past']);
    expect(projection.currentPhaseIndex).toBeUndefined();
    expect(projection.nextPhaseChangeInMs).toBeNull();
    expect(projection.projectedEndSessionMs).toBe(minutes(250));
  });
});
