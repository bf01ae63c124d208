import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan, type PlannedEntry } from '../../core/plan';
import type { Playlist } from '../../core/playlist';
import { replayLayerGain, replayLayout, transitionWindow, type ReplayLayer } from './transition-window';
import { equalPowerGain } from './units';

const base = { leadSeconds: 6, tailSeconds: 4 };

describe('transitionWindow', () => {
  it('plays the lead before the crossfade, the crossfade, then the tail of the next piece', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 300, toPlayedSeconds: 240, crossfadeSeconds: 8 });
    // The first piece ends at 300 s; the crossfade starts 8 s earlier, the preview 6 s before that.
    expect(window.fromOffsetSeconds).toBe(286);
    expect(window.crossfadeAtSeconds).toBe(6);
    expect(window.crossfadeSeconds).toBe(8);
    expect(window.endAtSeconds).toBe(18);
  });

  it('caps the crossfade at half of the shorter piece, as a session plays it', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 300, toPlayedSeconds: 10, crossfadeSeconds: 8 });
    expect(window.crossfadeSeconds).toBe(5);
    // The tail is what is left of the next piece after the crossfade.
    expect(window.endAtSeconds - window.crossfadeAtSeconds).toBe(5 + 4);
  });

  it('starts a short first piece at its beginning', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 9, toPlayedSeconds: 120, crossfadeSeconds: 8 });
    expect(window.crossfadeSeconds).toBe(4.5);
    expect(window.fromOffsetSeconds).toBe(0);
    expect(window.crossfadeAtSeconds).toBe(4.5);
  });

  it('without a crossfade, the next piece starts where the first ends', () => {
    const window = transitionWindow({ ...base, fromPlayedSeconds: 60, toPlayedSeconds: 60, crossfadeSeconds: 0 });
    expect(window.fromOffsetSeconds + window.crossfadeAtSeconds).toBe(60);
    expect(window.endAtSeconds).toBe(window.crossfadeAtSeconds + 4);
  });

  it('always ends the first piece exactly where the crossfade ends and never reads outside either piece', () => {
    const seconds = fc.double({ min: 0, max: 3600, noNaN: true });
    fc.assert(
      fc.property(seconds, seconds, fc.double({ min: 0, max: 60, noNaN: true }), (fromPlayed, toPlayed, crossfade) => {
        const window = transitionWindow({ ...base, fromPlayedSeconds: fromPlayed, toPlayedSeconds: toPlayed, crossfadeSeconds: crossfade });
        expect(window.fromOffsetSeconds).toBeGreaterThanOrEqual(0);
        expect(window.fromOffsetSeconds + window.crossfadeAtSeconds + window.crossfadeSeconds).toBeCloseTo(fromPlayed, 6);
        expect(window.crossfadeSeconds).toBeLessThanOrEqual(Math.min(crossfade, fromPlayed / 2, toPlayed / 2) + 1e-9);
        expect(window.endAtSeconds - window.crossfadeAtSeconds).toBeLessThanOrEqual(toPlayed + 1e-9);
        expect(window.crossfadeAtSeconds).toBeLessThanOrEqual(base.leadSeconds + 1e-9);
      }),
    );
  });
});

/** The deck gain live playback gives an entry at a program time (SessionPlayer's envelope). */
function liveGain(entry: PlannedEntry, programMs: number): number {
  if (programMs < entry.startMs || programMs >= entry.endMs) return 0;
  if (entry.fadeInMs > 0 && programMs < entry.startMs + entry.fadeInMs) return equalPowerGain('in', (programMs - entry.startMs) / entry.fadeInMs);
  const fadeOutStart = entry.endMs - entry.fadeOutMs;
  if (entry.fadeOutMs > 0 && programMs >= fadeOutStart) return equalPowerGain('out', (programMs - fadeOutStart) / entry.fadeOutMs);
  return 1;
}

function threeTrackPlaylist(seconds: readonly [number, number, number], crossfades: readonly [number, number]): Playlist {
  const file = (id: string, durationSeconds: number, crossfadeSeconds?: number) => ({
    type: 'file' as const,
    id,
    path: `${id}.flac`,
    durationSeconds,
    ...(crossfadeSeconds === undefined ? {} : { crossfadeSeconds }),
  });
  const segments = [file('first', seconds[0]), file('marked', seconds[1], crossfades[0]), file('last', seconds[2], crossfades[1])];
  return {
    format: 'attune.playlist',
    version: 1,
    id: 'replay',
    title: 'Replay',
    crossfadeSeconds: 8,
    phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: seconds.reduce((sum, value) => sum + value, 0) / 60, segments }],
  };
}

/** Lays out a replay of the plan's middle entry, from `fromSeconds` into it, as the review screen asks for it. */
function layoutFromPlan(previous: PlannedEntry, marked: PlannedEntry, next: PlannedEntry, fromSeconds: number) {
  const playedSeconds = (entry: PlannedEntry) => (entry.endMs - entry.startMs) / 1000;
  return replayLayout({
    fromSeconds,
    playedSeconds: playedSeconds(marked),
    previous: { playedSeconds: playedSeconds(previous), crossfadeSeconds: marked.fadeInMs / 1000 },
    next: { playedSeconds: playedSeconds(next), crossfadeSeconds: next.fadeInMs / 1000 },
  });
}

describe('replayLayout: a replay sounds as the session did', () => {
  it('from inside the crossfade into the marked piece: the previous piece fades out under it, as live', () => {
    const layers = replayLayout({ fromSeconds: 3, playedSeconds: 200, previous: { playedSeconds: 300, crossfadeSeconds: 8 }, next: { playedSeconds: 100, crossfadeSeconds: 6 } });
    expect(layers.map((layer) => layer.role)).toEqual(['previous', 'marked', 'next']);
    const [previous, marked, next] = layers as [ReplayLayer, ReplayLayer, ReplayLayer];
    // 3 s into the 8 s crossfade: the previous piece is 5 s from its end.
    expect(previous.offsetSeconds).toBe(295);
    expect(previous.stopAtSeconds).toBe(5);
    expect(replayLayerGain(previous, 0)).toBeCloseTo(Math.cos((3 / 8) * (Math.PI / 2)), 9);
    expect(replayLayerGain(marked, 0)).toBeCloseTo(Math.sin((3 / 8) * (Math.PI / 2)), 9);
    // Equal power through the crossfade.
    for (const at of [0, 1, 2.5, 4.9]) expect(replayLayerGain(previous, at) ** 2 + replayLayerGain(marked, at) ** 2).toBeCloseTo(1, 9);
    expect(replayLayerGain(marked, 5)).toBe(1);
    // The next piece comes in 6 s before the marked one ends, from its own start.
    expect(next.startAtSeconds).toBe(200 - 6 - 3);
    expect(next.offsetSeconds).toBe(0);
    expect(marked.stopAtSeconds).toBe(197);
  });

  it('from inside the crossfade out of the marked piece: the next piece is already part-way in', () => {
    const layers = replayLayout({ fromSeconds: 196, playedSeconds: 200, previous: { playedSeconds: 300, crossfadeSeconds: 8 }, next: { playedSeconds: 100, crossfadeSeconds: 6 } });
    expect(layers.map((layer) => layer.role)).toEqual(['marked', 'next']);
    const [marked, next] = layers as [ReplayLayer, ReplayLayer];
    expect(next.startAtSeconds).toBe(0);
    expect(next.offsetSeconds).toBe(2);
    expect(replayLayerGain(next, 0)).toBeCloseTo(equalPowerGain('in', 2 / 6), 9);
    expect(replayLayerGain(marked, 0)).toBeCloseTo(equalPowerGain('out', 2 / 6), 9);
    expect(replayLayerGain(marked, 4)).toBe(0);
    expect(replayLayerGain(next, 4)).toBe(1);
  });

  it('far from any crossfade, only the marked piece plays, at full gain, until the next one comes in', () => {
    const layers = replayLayout({ fromSeconds: 100, playedSeconds: 200, previous: { playedSeconds: 300, crossfadeSeconds: 8 }, next: { playedSeconds: 100, crossfadeSeconds: 6 } });
    expect(layers.map((layer) => layer.role)).toEqual(['marked', 'next']);
    expect(replayLayerGain(layers[0] as ReplayLayer, 0)).toBe(1);
    expect(replayLayerGain(layers[1] as ReplayLayer, 0)).toBe(0);
  });

  it('caps each crossfade at half of the shorter piece, as the plan does', () => {
    const layers = replayLayout({ fromSeconds: 1, playedSeconds: 10, previous: { playedSeconds: 300, crossfadeSeconds: 8 } });
    const previous = layers[0] as ReplayLayer;
    expect(previous.fades[0]?.seconds).toBe(5);
    expect(previous.stopAtSeconds).toBe(4);
  });

  it('a butt join (0 s) switches from one piece to the next at the join, with no overlap', () => {
    const layers = replayLayout({ fromSeconds: 50, playedSeconds: 60, next: { playedSeconds: 60, crossfadeSeconds: 0 } });
    const [marked, next] = layers as [ReplayLayer, ReplayLayer];
    expect(replayLayerGain(marked, 9.999)).toBe(1);
    expect(replayLayerGain(next, 9.999)).toBe(0);
    expect(replayLayerGain(marked, 10)).toBe(0);
    expect(replayLayerGain(next, 10)).toBe(1);
  });

  it('gives every layer, at every moment, the gain and the position the live session gave its entry', () => {
    const seconds = fc.integer({ min: 4, max: 600 });
    fc.assert(
      fc.property(
        fc.tuple(seconds, seconds, seconds),
        fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (durations, crossfades, where) => {
          const plan = buildPlan(threeTrackPlaylist(durations, crossfades));
          const [previous, marked, next] = plan.entries as [PlannedEntry, PlannedEntry, PlannedEntry];
          const fromSeconds = (where * (marked.endMs - marked.startMs)) / 1000;
          const layers = layoutFromPlan(previous, marked, next, fromSeconds);
          const entryOf = { previous, marked, next };
          const replayStartMs = marked.startMs + fromSeconds * 1000;
          // The replay lays out three pieces; the next one's own fade at its end is past what it models.
          const modelledUntilMs = next.endMs - next.fadeOutMs;
          const spanSeconds = (modelledUntilMs - replayStartMs) / 1000;
          // Moments spread over the whole replay, and close together inside both crossfades.
          const inCrossfade = (entry: PlannedEntry) => Array.from({ length: 11 }, (_, step) => (entry.startMs + (entry.fadeInMs * step) / 10 - replayStartMs) / 1000);
          const moments = [...Array.from({ length: 97 }, (_, step) => (step / 97) * spanSeconds), ...inCrossfade(marked), ...inCrossfade(next)];
          // At a butt join the gain steps from 1 to 0: a moment a rounding error away from it could read either side.
          const joins = [previous.endMs, marked.startMs, marked.endMs, next.startMs];
          const awayFromJoins = (moment: number) => joins.every((join) => Math.abs(replayStartMs + moment * 1000 - join) > 1e-3);
          for (const at of moments.filter((moment) => moment >= 0 && moment < spanSeconds && awayFromJoins(moment))) {
            const programMs = replayStartMs + at * 1000;
            for (const role of ['previous', 'marked', 'next'] as const) {
              const layer = layers.find((candidate) => candidate.role === role);
              const gain = layer === undefined ? 0 : replayLayerGain(layer, at);
              expect(gain, `${role} at ${at.toFixed(3)} s`).toBeCloseTo(liveGain(entryOf[role], programMs), 6);
              if (layer !== undefined && gain > 0) {
                // Where in its file the layer is: where the live entry was.
                expect(layer.offsetSeconds + at - layer.startAtSeconds).toBeCloseTo((programMs - entryOf[role].startMs) / 1000, 6);
              }
            }
          }
        },
      ),
      { numRuns: 200, examples: [[[4, 4, 4], [0, 0], 0.03124999999267436]] },
    );
  });
});
