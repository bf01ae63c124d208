import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../core/plan';
import type { Playlist } from '../../../core/playlist';
import { crossfadeStarts, zeroCrossfadeJoins } from './GaplessJoins';

function playlist(segments: Playlist['phases'][number]['segments'], crossfadeSeconds: number): Playlist {
  const seconds = segments.reduce((sum, segment) => sum + (segment.durationSeconds ?? 0), 0);
  return { format: 'attune.playlist', version: 1, id: 'joins', title: 'Joins', crossfadeSeconds, phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: seconds / 60, segments }] };
}

const file = (id: string, durationSeconds = 120, crossfadeSeconds?: number) => ({
  type: 'file' as const,
  id,
  path: `${id}.flac`,
  durationSeconds,
  ...(crossfadeSeconds === undefined ? {} : { crossfadeSeconds }),
});

describe('zeroCrossfadeJoins', () => {
  it('pairs neighbouring files that meet with a 0 s crossfade', () => {
    const plan = buildPlan(playlist([file('a'), file('b'), file('c')], 0));
    expect(zeroCrossfadeJoins(plan.entries).map(([from, to]) => `${from.segment.id}→${to.segment.id}`)).toEqual(['a→b', 'b→c']);
  });

  it('leaves crossfaded joins to the decks’ equal-power fades', () => {
    const plan = buildPlan(playlist([file('a'), file('b', 120, 0), file('c')], 6));
    // The crossfade into a segment is its own: only b is joined without one.
    expect(zeroCrossfadeJoins(plan.entries).map(([from, to]) => `${from.segment.id}→${to.segment.id}`)).toEqual(['a→b']);
  });

  it('joins no soundscape, and no segment shorter than its side of the bridge', () => {
    const soundscape = { type: 'soundscape' as const, id: 'bed', preset: 'breath' as const, params: { intensity: 0.5, brightness: 0.5 }, durationSeconds: 60 };
    const plan = buildPlan(playlist([file('a'), soundscape, file('b'), file('short', 0.5), file('c')], 0));
    expect(zeroCrossfadeJoins(plan.entries)).toEqual([]);
  });
});

describe('crossfadeStarts', () => {
  it('bridges the start of every file that fades in and lasts past the bridge’s head', () => {
    const soundscape = { type: 'soundscape' as const, id: 'bed', preset: 'breath' as const, params: { intensity: 0.5, brightness: 0.5 }, durationSeconds: 60 };
    const plan = buildPlan(playlist([file('a'), file('b'), soundscape, file('c'), file('short', 0.5), file('d', 120, 0)], 6));
    // a begins the set (no fade-in); the soundscape is no file; short is over before a bridge's second; d meets its neighbour with 0 s.
    expect(crossfadeStarts(plan.entries).map((entry) => entry.segment.id)).toEqual(['b', 'c']);
  });

  it('leaves 0 s joins to the gapless joins', () => {
    const plan = buildPlan(playlist([file('a'), file('b'), file('c')], 0));
    expect(crossfadeStarts(plan.entries)).toEqual([]);
  });
});
