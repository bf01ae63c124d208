import { describe, expect, it } from 'vitest';
import { buildElasticPlan } from '../../../core/elastic-plan';
import { locate } from '../../../core/plan';
import { playlistSchema } from '../../../core/playlist';
import { planRequest } from './plan-requests';

const playlist = playlistSchema.parse({
  format: 'attune.playlist',
  version: 1,
  id: 'tide',
  title: 'Tide',
  phases: [
    { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 10, segments: [{ type: 'soundscape', id: 'a', preset: 'breath', durationSeconds: 600 }] },
    { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 10, segments: [{ type: 'soundscape', id: 'b', preset: 'drone', durationSeconds: 600 }] },
  ],
});

describe('planRequest', () => {
  const plan = buildElasticPlan(playlist, []);
  const inOnset = locate(plan, 60_000.4);

  it('asks to hold the current phase, and to release it once it is held', () => {
    expect(planRequest('hold', plan, inOnset, 60_000.4)).toEqual({ kind: 'hold', phaseId: 'onset', programMs: 60_000 });
    const held = buildElasticPlan(playlist, [{ kind: 'hold', phaseId: 'onset', programMs: 60_000 }]);
    expect(planRequest('hold', held, locate(held, 70_000), 70_000)).toEqual({ kind: 'release', phaseId: 'onset', programMs: 70_000 });
  });

  it('extends by the minutes asked, advances to the next phase and skips the segment playing', () => {
    expect(planRequest('extend', plan, inOnset, 60_000, 5)).toEqual({ kind: 'extend', phaseId: 'onset', byMs: 300_000, programMs: 60_000 });
    expect(planRequest('next-phase', plan, inOnset, 60_000)).toEqual({ kind: 'advance', toPhaseId: 'peak', programMs: 60_000 });
    expect(planRequest('skip', plan, inOnset, 60_000)).toEqual({ kind: 'skip', segmentId: 'a', programMs: 60_000 });
  });

  it('says why when there is nothing to go to, and asks nothing before the music has a place', () => {
    expect(planRequest('next-phase', plan, locate(plan, 700_000), 700_000)).toEqual({ refused: 'This is the last phase.' });
    expect(planRequest('return', plan, inOnset, 60_000)).toEqual({ refused: 'This playlist has no return phase.' });
    expect(planRequest('hold', plan, null, 0)).toBeUndefined();
    expect(planRequest('skip', plan, null, 0)).toBeUndefined();
  });
});
