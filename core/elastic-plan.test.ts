import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eightHourScenario } from '../tests/bench/projection';
import { buildElasticPlan, ElasticPlanner, type ElasticSessionPlan } from './elastic-plan';
import type { PlanAction } from './events';
import { buildPlan, locate, type PlannedEntry, type SessionPlan } from './plan';
import { parsePlaylist, parsePlaylistText, type Playlist } from './playlist';
import { secondsToMs } from './units';

type SegmentJson = Record<string, unknown>;

const soundscape = (id: string, durationSeconds: number, extra: SegmentJson = {}): SegmentJson => ({
  type: 'soundscape',
  id,
  preset: 'drone',
  durationSeconds,
  ...extra,
});

function playlistOf(phases: { id: string; kind?: string; targetMinutes: number; segments: SegmentJson[] }[], crossfadeSeconds = 10): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'elastic-test',
    title: 'Elastic test',
    crossfadeSeconds,
    phases: phases.map((phase) => ({ kind: 'peak', title: phase.id, ...phase })),
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function bundledPlaylist(): Playlist {
  const parsed = parsePlaylistText(readFileSync(new URL('../playlists/generative-session.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const minutes = (count: number) => count * 60_000;

/** onset 10 min: a 4 min, b 4 min, then a bridge; peak 10 min: c 400 s, d 400 s (cut); return 10 min: e 700 s (cut). */
const threePhases = playlistOf([
  { id: 'onset', kind: 'onset', targetMinutes: 10, segments: [soundscape('a', 240), soundscape('b', 240)] },
  { id: 'peak', kind: 'peak', targetMinutes: 10, segments: [soundscape('c', 400), soundscape('d', 400)] },
  { id: 'return', kind: 'return', targetMinutes: 10, segments: [soundscape('e', 700)] },
]);

function entryOf(plan: SessionPlan, segmentId: string, nth = 0): PlannedEntry {
  const found = plan.entries.filter((planned) => planned.segment.id === segmentId)[nth];
  if (found === undefined) throw new Error(`no entry ${nth} for ${segmentId}: ${plan.entries.map((planned) => planned.key).join(', ')}`);
  return found;
}

const ids = (plan: SessionPlan) => plan.entries.map((planned) => planned.segment.id);
const phaseSpans = (plan: SessionPlan) => plan.phases.map(({ id, startMs, endMs }) => [id, startMs, endMs]);

function crossfadeOf(playlist: Playlist, entry: PlannedEntry): number {
  const seconds = entry.bridge ? undefined : entry.segment.crossfadeSeconds;
  return secondsToMs(seconds ?? playlist.crossfadeSeconds);
}

/** Everything an engine relies on, for any plan with or without actions. */
function expectWellFormed(plan: SessionPlan, playlist: Playlist): void {
  const { entries, phases } = plan;
  expect(phases[0]?.startMs).toBe(0);
  phases.forEach((phase, index) => {
    expect(phase.endMs, `${phase.id} ends after it starts`).toBeGreaterThanOrEqual(phase.startMs);
    if (index > 0) expect(phase.startMs, `${phase.id} starts where the previous phase ends`).toBe(phases[index - 1]?.endMs);
    if (phase.skipped) expect(entries.some((planned) => planned.phaseIndex === index)).toBe(false);
  });
  expect(plan.totalMs).toBe(phases.at(-1)?.endMs);
  expect(new Set(entries.map((planned) => planned.key)).size).toBe(entries.length);
  if (entries.length === 0) return;
  expect(entries[0]?.startMs).toBe(0);
  // buildPlan leaves out a bridge shorter than 1 s, so the music may stop up to 1 s before the plan ends.
  expect(entries.at(-1)?.endMs).toBeLessThanOrEqual(plan.totalMs);
  expect(entries.at(-1)?.endMs).toBeGreaterThanOrEqual(plan.totalMs - 1000);
  let soundingUntil = 0;
  entries.forEach((planned, index) => {
    expect(planned.index).toBe(index);
    expect(planned.key).toBe(`${planned.segment.id}@${planned.startMs}`);
    expect(planned.endMs, `${planned.key} ends after it starts`).toBeGreaterThanOrEqual(planned.startMs);
    expect(planned.fadeInMs).toBeGreaterThanOrEqual(0);
    expect(planned.fadeOutMs).toBeGreaterThanOrEqual(0);
    const phase = plan.phases[planned.phaseIndex];
    expect(phase?.skipped).toBe(false);
    expect(planned.startMs, `${planned.key} starts before its phase ends`).toBeLessThan(phase?.endMs ?? 0);
    expect(planned.startMs, `${planned.key} starts at most a crossfade (and the 1 s tail rule) before its phase`).toBeGreaterThanOrEqual(
      (phase?.startMs ?? 0) - crossfadeOf(playlist, planned) - 1000,
    );
    if (index === 0) {
      expect(planned.fadeInMs).toBe(0);
    } else {
      const previous = entries[index - 1] as PlannedEntry;
      expect(planned.startMs, 'start times never go backwards').toBeGreaterThanOrEqual(previous.startMs);
      expect(planned.phaseIndex).toBeGreaterThanOrEqual(previous.phaseIndex);
      expect(planned.startMs, `silence before ${planned.key}`).toBeLessThanOrEqual(soundingUntil);
      const overlap = Math.max(0, previous.endMs - planned.startMs);
      expect(overlap, `${previous.key} → ${planned.key} overlap by at most the crossfade`).toBeLessThanOrEqual(crossfadeOf(playlist, planned));
      expect(previous.fadeOutMs, `${previous.key} fades out over the overlap`).toBe(overlap);
      expect(planned.fadeInMs, `${planned.key} fades in over the overlap`).toBe(overlap);
      const beforePrevious = entries[index - 2];
      if (beforePrevious !== undefined) {
        // A crossfade joins two sounds; a third starting while both still sound would be heard as a pile-up.
        expect(planned.startMs, `${beforePrevious.key} still sounds when ${planned.key} starts`).toBeGreaterThanOrEqual(beforePrevious.endMs);
      }
    }
    soundingUntil = Math.max(soundingUntil, planned.endMs);
  });
}

/**
 * No segment is lost: every segment with a known duration is exactly one of
 * - played: one entry, in its own phase, in playlist order among its phase's entries;
 * - skipped before it started sounding (a skip at the moment it would have started);
 * - in a phase that was advanced past (skipped);
 * - left out because its phase was full: the phase ended (at its target, or cut by an
 *   advance or a release) with its earlier music sounding up to within 1 s of the end;
 * - waiting behind an unreleased hold: its phase starts at Infinity.
 */
function expectNoSegmentLost(plan: ElasticSessionPlan, playlist: Playlist): void {
  const skippedAtStart = new Set(
    plan.actions.flatMap((outcome) => (outcome.applied && outcome.action.kind === 'skip' ? [outcome.action.segmentId] : [])),
  );
  playlist.phases.forEach((phase, phaseIndex) => {
    const planned = plan.phases[phaseIndex];
    if (planned === undefined) throw new Error(`no phase ${phase.id}`);
    const own = plan.entries.filter((entry) => entry.phaseIndex === phaseIndex);
    const music = own.filter((entry) => !entry.bridge).map((entry) => entry.segment.id);
    const order = phase.segments.map((segment) => segment.id);
    expect(music, `${phase.id} plays its segments in order, each once`).toEqual([...music].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(new Set(music).size).toBe(music.length);
    for (const entry of plan.entries) {
      if (!entry.bridge && order.includes(entry.segment.id)) expect(entry.phaseIndex).toBe(phaseIndex);
    }
    const lastPlayed = Math.max(-1, ...music.map((id) => order.indexOf(id)));
    phase.segments.forEach((segment, segmentIndex) => {
      if (segment.durationSeconds === undefined || music.includes(segment.id)) return;
      const why = `${segment.id} is accounted for`;
      if (planned.skipped || planned.startMs === Number.POSITIVE_INFINITY) return;
      if (segmentIndex < lastPlayed) {
        expect(skippedAtStart.has(segment.id), why).toBe(true);
        return;
      }
      if (skippedAtStart.has(segment.id)) return;
      expect(Number.isFinite(planned.endMs), why).toBe(true);
      const reached = Math.max(...own.map((entry) => entry.endMs));
      expect(reached, `${why}: ${phase.id} was full`).toBeGreaterThanOrEqual(planned.endMs - 1000);
    });
  });
}

/** What sounded before `programMs` is the same in both plans. */
function expectSameHistory(before: SessionPlan, after: SessionPlan, programMs: number): void {
  const past = (plan: SessionPlan) => plan.entries.filter((planned) => planned.startMs < programMs);
  const afterByKey = new Map(after.entries.map((planned) => [planned.key, planned]));
  expect(past(after).map((planned) => planned.key)).toEqual(past(before).map((planned) => planned.key));
  for (const old of past(before)) {
    const now = afterByKey.get(old.key) as PlannedEntry;
    expect(now.startMs).toBe(old.startMs);
    expect(now.fadeInMs).toBe(old.fadeInMs);
    expect(now.phaseIndex).toBe(old.phaseIndex);
    if (old.endMs - old.fadeOutMs < programMs) {
      expect({ endMs: now.endMs, fadeOutMs: now.fadeOutMs }, `${old.key} had begun fading out`).toEqual({
        endMs: old.endMs,
        fadeOutMs: old.fadeOutMs,
      });
    } else {
      expect(now.endMs - now.fadeOutMs, `${old.key} does not start fading out in the past`).toBeGreaterThanOrEqual(programMs);
    }
  }
  before.phases.forEach((old, index) => {
    const now = after.phases[index];
    if (old.startMs < programMs) expect(now?.startMs, `${old.id} start`).toBe(old.startMs);
    if (old.endMs <= programMs) expect(now?.endMs, `${old.id} end`).toBe(old.endMs);
  });
}

describe('buildElasticPlan without actions', () => {
  it.each([
    ['three phases', threePhases],
    ['the bundled playlist', bundledPlaylist()],
    [
      'phases that cut their music and phases that bridge',
      playlistOf([
        { id: 'onset', targetMinutes: 10, segments: [soundscape('a', 900), soundscape('never', 60)] },
        { id: 'peak', targetMinutes: 3, segments: [soundscape('b', 6), soundscape('c', 8, { crossfadeSeconds: 2 })] },
      ]),
    ],
  ])('equals buildPlan (%s)', (_, playlist) => {
    const plain = buildPlan(playlist);
    const elastic = buildElasticPlan(playlist, []);
    expect(elastic.entries).toEqual(plain.entries);
    expect(elastic.phases).toEqual(plain.phases);
    expect(elastic.totalMs).toBe(plain.totalMs);
    expect(elastic.skipped).toEqual(plain.skipped);
    expect(elastic.actions).toEqual([]);
  });

  it('gives every entry a key from its segment and start', () => {
    expect(buildPlan(threePhases).entries.map((planned) => planned.key)).toEqual([
      'a@0',
      'b@230000',
      'onset-bridge@460000',
      'c@590000',
      'd@980000',
      'e@1190000',
    ]);
  });
});

describe('hold', () => {
  it('plays the rest of the music whole, then the bridge forever; everything after is Infinity', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'hold', phaseId: 'peak', programMs: minutes(12) }]);
    expect(ids(plan)).toEqual(['a', 'b', 'onset-bridge', 'c', 'd', 'peak-bridge']);
    expect(entryOf(plan, 'd')).toMatchObject({ startMs: 980_000, endMs: 1_380_000 });
    expect(entryOf(plan, 'peak-bridge')).toMatchObject({ startMs: 1_370_000, endMs: Number.POSITIVE_INFINITY, fadeInMs: 10_000, bridge: true });
    expect(plan.phases[1]).toMatchObject({ startMs: minutes(10), endMs: Number.POSITIVE_INFINITY, held: true });
    expect(plan.phases[2]).toMatchObject({ startMs: Number.POSITIVE_INFINITY, endMs: Number.POSITIVE_INFINITY, held: false, skipped: false });
    expect(plan.totalMs).toBe(Number.POSITIVE_INFINITY);
    expect(locate(plan, minutes(600))).toMatchObject({ entry: { segment: { id: 'peak-bridge' } }, phaseRemainingMs: Number.POSITIVE_INFINITY });
  });

  it('keeps the bridge already playing: same key, its end moves to Infinity', () => {
    const plain = buildPlan(threePhases);
    const plan = buildElasticPlan(threePhases, [{ kind: 'hold', phaseId: 'onset', programMs: minutes(9) }]);
    expect(entryOf(plan, 'onset-bridge').key).toBe(entryOf(plain, 'onset-bridge').key);
    expect(entryOf(plan, 'onset-bridge').endMs).toBe(Number.POSITIVE_INFINITY);
    expect(ids(plan)).toEqual(['a', 'b', 'onset-bridge']);
  });

  it('is ignored once the phase is crossfading into the next, and for a phase that has ended', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'onset', programMs: 595_000 },
      { kind: 'hold', phaseId: 'onset', programMs: minutes(12) },
    ]);
    expect(plan.actions.map((outcome) => outcome.applied)).toEqual([false, false]);
    expect(plan.actions[0]).toMatchObject({ atMs: minutes(10), reason: 'the phase has ended' });
    expect(plan.entries).toEqual(buildPlan(threePhases).entries);
  });

  it('can be set ahead for a later phase, and cancelled by releasing it before it starts', () => {
    const held = buildElasticPlan(threePhases, [{ kind: 'hold', phaseId: 'return', programMs: minutes(1) }]);
    expect(held.phases[2]).toMatchObject({ startMs: minutes(20), endMs: Number.POSITIVE_INFINITY, held: true });
    expect(entryOf(held, 'e').endMs).toBe(minutes(20) - 10_000 + 700_000);
    const cancelled = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'return', programMs: minutes(1) },
      { kind: 'release', phaseId: 'return', programMs: minutes(2) },
    ]);
    expect(cancelled.entries).toEqual(buildPlan(threePhases).entries);
  });

  it('is ignored when the phase is already held', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'onset', programMs: minutes(1) },
      { kind: 'hold', phaseId: 'onset', programMs: minutes(2) },
    ]);
    expect(plan.actions[1]).toMatchObject({ applied: false, reason: 'already held' });
  });
});

describe('release', () => {
  const hold: PlanAction = { kind: 'hold', phaseId: 'onset', programMs: minutes(5) };

  it('before the target end: the phase ends at its target, as if never held', () => {
    const plan = buildElasticPlan(threePhases, [hold, { kind: 'release', phaseId: 'onset', programMs: minutes(8) }]);
    expect(plan.entries).toEqual(buildPlan(threePhases).entries);
    expect(plan.phases.map((phase) => phase.held)).toEqual([false, false, false]);
  });

  it('after the target end: the next phase starts at the release with a crossfade out of the bridge', () => {
    const plan = buildElasticPlan(threePhases, [hold, { kind: 'release', phaseId: 'onset', programMs: minutes(25) }]);
    expect(phaseSpans(plan)).toEqual([
      ['onset', 0, minutes(25)],
      ['peak', minutes(25), minutes(35)],
      ['return', minutes(35), minutes(45)],
    ]);
    expect(entryOf(plan, 'onset-bridge')).toMatchObject({ startMs: 460_000, endMs: minutes(25) + 10_000, fadeOutMs: 10_000 });
    expect(entryOf(plan, 'c')).toMatchObject({ startMs: minutes(25), fadeInMs: 10_000, phaseIndex: 1 });
    expect(plan.totalMs).toBe(minutes(45));
  });

  it('after the target end while the music still plays: the music is cut at the release', () => {
    const long = playlistOf([
      { id: 'onset', targetMinutes: 5, segments: [soundscape('a', 240), soundscape('b', 240)] },
      { id: 'peak', targetMinutes: 5, segments: [soundscape('c', 200)] },
    ]);
    const plan = buildElasticPlan(long, [
      { kind: 'hold', phaseId: 'onset', programMs: minutes(3) },
      { kind: 'release', phaseId: 'onset', programMs: minutes(6) },
    ]);
    expect(entryOf(plan, 'b')).toMatchObject({ startMs: 230_000, endMs: minutes(6) + 10_000 });
    expect(entryOf(plan, 'c')).toMatchObject({ startMs: minutes(6), fadeInMs: 10_000 });
    expect(ids(plan)).toEqual(['a', 'b', 'c', 'peak-bridge']);
  });

  it('of the last phase past its target: the music fades to silence from the release, and the plan ends a crossfade later', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'return', programMs: minutes(25) },
      { kind: 'release', phaseId: 'return', programMs: minutes(40) },
    ]);
    expect(entryOf(plan, 'return-bridge')).toMatchObject({ endMs: minutes(40) + 10_000, fadeOutMs: 10_000 });
    expect(plan.phases[2]).toMatchObject({ endMs: minutes(40) + 10_000, held: false });
    expect(plan.totalMs).toBe(minutes(40) + 10_000);
  });

  it('is ignored for a phase that is not held', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'release', phaseId: 'onset', programMs: minutes(5) }]);
    expect(plan.actions[0]).toMatchObject({ applied: false, reason: 'not held' });
  });
});

describe('extend', () => {
  it('lengthens the bridge already playing and moves every later phase', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'extend', phaseId: 'onset', byMs: minutes(2), programMs: minutes(9) }]);
    expect(plan.phases[0]).toMatchObject({ endMs: minutes(12), extendedByMs: minutes(2), targetMs: minutes(10) });
    expect(entryOf(plan, 'onset-bridge')).toMatchObject({ key: 'onset-bridge@460000', endMs: minutes(12) });
    expect(entryOf(plan, 'c').startMs).toBe(minutes(12) - 10_000);
    expect(plan.totalMs).toBe(minutes(32));
  });

  it('fills the extra time with the music that was going to be cut, then the bridge', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'extend', phaseId: 'peak', byMs: minutes(5), programMs: minutes(11) }]);
    // d used to be cut at 20:00; it now plays whole (to 1 380 s) and a bridge runs to 25:00.
    expect(entryOf(plan, 'd')).toMatchObject({ startMs: 980_000, endMs: 1_380_000 });
    expect(entryOf(plan, 'peak-bridge')).toMatchObject({ startMs: 1_370_000, endMs: minutes(25) });
    expect(plan.phases[1]?.endMs).toBe(minutes(25));
  });

  it('adds up, and counts toward the end of a released hold', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'onset', programMs: minutes(1) },
      { kind: 'extend', phaseId: 'onset', byMs: minutes(3), programMs: minutes(2) },
      { kind: 'extend', phaseId: 'onset', byMs: minutes(2), programMs: minutes(3) },
      { kind: 'release', phaseId: 'onset', programMs: minutes(12) },
    ]);
    expect(plan.phases[0]).toMatchObject({ endMs: minutes(15), extendedByMs: minutes(5), held: false });
  });
});

describe('advance', () => {
  it('crossfades into the next phase now; that phase runs its full target', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'advance', toPhaseId: 'peak', programMs: 100_000 }]);
    expect(phaseSpans(plan)).toEqual([
      ['onset', 0, 100_000],
      ['peak', 100_000, 700_000],
      ['return', 700_000, 1_300_000],
    ]);
    expect(entryOf(plan, 'a')).toMatchObject({ startMs: 0, endMs: 110_000, fadeOutMs: 10_000 });
    expect(entryOf(plan, 'c')).toMatchObject({ startMs: 100_000, fadeInMs: 10_000, phaseIndex: 1 });
    expect(ids(plan)).toEqual(['a', 'c', 'd', 'e']);
    expect(plan.actions[0]).toMatchObject({ applied: true, atMs: 100_000 });
  });

  it('waits for a crossfade in progress to finish before cutting', () => {
    // b fades in from 230 s to 240 s.
    const plan = buildElasticPlan(threePhases, [{ kind: 'advance', toPhaseId: 'peak', programMs: 235_000 }]);
    expect(plan.actions[0]).toMatchObject({ applied: true, atMs: 240_000 });
    expect(entryOf(plan, 'a').endMs).toBe(240_000);
    expect(entryOf(plan, 'b')).toMatchObject({ startMs: 230_000, endMs: 250_000, fadeInMs: 10_000, fadeOutMs: 10_000 });
    expect(entryOf(plan, 'c').startMs).toBe(240_000);
  });

  it('is ignored toward the current or an earlier phase', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'advance', toPhaseId: 'peak', programMs: minutes(12) },
      { kind: 'advance', toPhaseId: 'onset', programMs: minutes(13) },
    ]);
    expect(plan.actions.map((outcome) => outcome.applied)).toEqual([false, false]);
    expect(plan.entries).toEqual(buildPlan(threePhases).entries);
  });

  it('ends a held phase', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'onset', programMs: minutes(5) },
      { kind: 'advance', toPhaseId: 'peak', programMs: minutes(30) },
    ]);
    expect(plan.phases[0]).toMatchObject({ endMs: minutes(30), held: false });
    expect(plan.totalMs).toBe(minutes(50));
    expect(entryOf(plan, 'onset-bridge').endMs).toBe(minutes(30) + 10_000);
  });
});

describe('jump to return', () => {
  const plan = buildElasticPlan(threePhases, [{ kind: 'advance', toPhaseId: 'return', programMs: minutes(3) }]);

  it('skips the phases in between: they start and end at the jump and have no entries', () => {
    expect(plan.phases[1]).toMatchObject({ startMs: minutes(3), endMs: minutes(3), skipped: true });
    expect(plan.entries.some((planned) => planned.phaseIndex === 1)).toBe(false);
    expect(plan.phases[2]).toMatchObject({ startMs: minutes(3), endMs: minutes(13), skipped: false });
  });

  it('crossfades from what plays now into the first segment of return', () => {
    expect(ids(plan)).toEqual(['a', 'e']);
    expect(entryOf(plan, 'a')).toMatchObject({ endMs: minutes(3) + 10_000, fadeOutMs: 10_000 });
    expect(entryOf(plan, 'e')).toMatchObject({ startMs: minutes(3), fadeInMs: 10_000, endMs: minutes(13) });
    expect(plan.totalMs).toBe(minutes(13));
  });

  it('then ignores a hold or an extension of a skipped phase', () => {
    const later = buildElasticPlan(threePhases, [
      { kind: 'advance', toPhaseId: 'return', programMs: minutes(3) },
      { kind: 'hold', phaseId: 'peak', programMs: minutes(4) },
      { kind: 'extend', phaseId: 'peak', byMs: minutes(5), programMs: minutes(4) },
    ]);
    expect(later.actions.map((outcome) => outcome.applied)).toEqual([true, false, false]);
  });
});

describe('skip', () => {
  it('crossfades from the segment playing into the next one now', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'skip', segmentId: 'a', programMs: 100_000 }]);
    expect(entryOf(plan, 'a')).toMatchObject({ startMs: 0, endMs: 110_000, fadeOutMs: 10_000 });
    expect(entryOf(plan, 'b')).toMatchObject({ startMs: 100_000, endMs: 340_000, fadeInMs: 10_000 });
    expect(entryOf(plan, 'onset-bridge')).toMatchObject({ startMs: 330_000, endMs: minutes(10) });
    expect(plan.phases[0]?.endMs).toBe(minutes(10));
  });

  it('bridges to the phase end when the last segment is skipped', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'skip', segmentId: 'b', programMs: 300_000 }]);
    expect(entryOf(plan, 'b')).toMatchObject({ endMs: 310_000, fadeOutMs: 10_000 });
    expect(entryOf(plan, 'onset-bridge')).toMatchObject({ key: 'onset-bridge@300000', startMs: 300_000, endMs: minutes(10), fadeInMs: 10_000 });
  });

  it('replaces a bridge with a fresh one when the bridge itself is skipped', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'skip', segmentId: 'onset-bridge', programMs: 500_000 }]);
    expect(plan.entries.filter((planned) => planned.bridge && planned.phaseIndex === 0).map((planned) => planned.key)).toEqual([
      'onset-bridge@460000',
      'onset-bridge@500000',
    ]);
  });

  it('is ignored for a segment that is not playing', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'skip', segmentId: 'b', programMs: 100_000 },
      { kind: 'skip', segmentId: 'nowhere', programMs: 100_000 },
    ]);
    expect(plan.actions.map((outcome) => (outcome.applied ? 'applied' : outcome.reason))).toEqual([
      '"b" is not playing',
      '"nowhere" is not playing',
    ]);
    expect(plan.entries).toEqual(buildPlan(threePhases).entries);
  });

  it('leaves a segment out entirely when it is skipped at the moment it starts', () => {
    const plan = buildElasticPlan(threePhases, [{ kind: 'skip', segmentId: 'a', programMs: 0 }]);
    expect(ids(plan)).toEqual(['b', 'onset-bridge', 'c', 'd', 'e']);
    expect(entryOf(plan, 'b')).toMatchObject({ startMs: 0, fadeInMs: 0 });
  });

  it('skips the music of a held phase and goes on to the bridge, still held', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'peak', programMs: minutes(11) },
      { kind: 'skip', segmentId: 'c', programMs: minutes(12) },
      { kind: 'skip', segmentId: 'd', programMs: minutes(13) },
    ]);
    expect(ids(plan).slice(3)).toEqual(['c', 'd', 'peak-bridge']);
    expect(entryOf(plan, 'peak-bridge')).toMatchObject({ startMs: minutes(13), endMs: Number.POSITIVE_INFINITY });
  });
});

describe('phases shorter and longer than their target', () => {
  it('a shortened phase (advanced early) and a lengthened one (held, then released late) tile the session', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'advance', toPhaseId: 'peak', programMs: minutes(4) },
      { kind: 'hold', phaseId: 'peak', programMs: minutes(6) },
      { kind: 'release', phaseId: 'peak', programMs: minutes(40) },
    ]);
    expect(phaseSpans(plan)).toEqual([
      ['onset', 0, minutes(4)],
      ['peak', minutes(4), minutes(40)],
      ['return', minutes(40), minutes(50)],
    ]);
    expectWellFormed(plan, threePhases);
  });

  it('music longer than its phase is cut at the phase end; music shorter is bridged', () => {
    const plan = buildElasticPlan(threePhases, []);
    expect(entryOf(plan, 'e').endMs).toBe(minutes(30));
    expect(entryOf(plan, 'onset-bridge').bridge).toBe(true);
  });
});

describe('timing rules', () => {
  it('takes an action stamped before the previous one at the previous one’s time', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'skip', segmentId: 'a', programMs: 100_000 },
      { kind: 'skip', segmentId: 'b', programMs: 50_000 },
    ]);
    // b fades in until 110 s: the second skip waits for that.
    expect(plan.actions[1]).toMatchObject({ applied: true, atMs: 110_000 });
    expect(entryOf(plan, 'b')).toMatchObject({ startMs: 100_000, endMs: 120_000 });
  });

  it('ignores actions after the end of the plan or during its final fade', () => {
    const plan = buildElasticPlan(threePhases, [
      { kind: 'skip', segmentId: 'e', programMs: minutes(30) - 5_000 },
      { kind: 'extend', phaseId: 'return', byMs: minutes(1), programMs: minutes(31) },
    ]);
    expect(plan.actions.map((outcome) => (outcome.applied ? 'applied' : outcome.reason))).toEqual(['the plan is fading out', 'the plan has ended']);
  });

  it('keeps the keys of entries that were already playing, so the engine can tell them apart', () => {
    const before = buildElasticPlan(threePhases, [{ kind: 'hold', phaseId: 'peak', programMs: minutes(11) }]);
    const after = buildElasticPlan(threePhases, [
      { kind: 'hold', phaseId: 'peak', programMs: minutes(11) },
      { kind: 'skip', segmentId: 'c', programMs: minutes(12) },
    ]);
    expect(entryOf(after, 'c').key).toBe(entryOf(before, 'c').key);
    expect(entryOf(after, 'd').key).not.toBe(entryOf(before, 'd').key);
  });

  it('applies one action at a time with ElasticPlanner, as buildElasticPlan does', () => {
    const actions: PlanAction[] = [
      { kind: 'skip', segmentId: 'a', programMs: 60_000 },
      { kind: 'hold', phaseId: 'onset', programMs: 200_000 },
      { kind: 'release', phaseId: 'onset', programMs: 900_000 },
    ];
    const planner = new ElasticPlanner(threePhases);
    const outcomes = actions.map((action) => planner.apply(action));
    expect(outcomes.every((outcome) => outcome.applied)).toBe(true);
    expect(planner.plan()).toEqual(buildElasticPlan(threePhases, actions));
  });
});

describe('files', () => {
  const withFiles = playlistOf([
    {
      id: 'onset',
      targetMinutes: 20,
      segments: [
        soundscape('a', 240),
        { type: 'file', id: 'unmeasured', path: 'unmeasured.flac' },
        { type: 'file', id: 'measured', path: 'measured.flac' },
        soundscape('b', 240),
      ],
    },
  ]);
  const known = new Map([['measured', 300_000]]);

  it('uses the durations supplied, and lists a file of unknown duration once however often the plan is rebuilt', () => {
    const plan = buildElasticPlan(
      withFiles,
      [
        { kind: 'extend', phaseId: 'onset', byMs: minutes(1), programMs: 60_000 },
        { kind: 'skip', segmentId: 'a', programMs: 120_000 },
        { kind: 'skip', segmentId: 'measured', programMs: 200_000 },
      ],
      known,
    );
    expect(ids(plan)).toEqual(['a', 'measured', 'b', 'onset-bridge']);
    expect(entryOf(plan, 'measured')).toMatchObject({ startMs: 120_000, endMs: 210_000 });
    expect(plan.skipped).toEqual([{ segmentId: 'unmeasured', reason: 'duration unknown' }]);
  });
});

describe('an 8-hour plan with 120 segments and 200 actions', () => {
  const { playlist, actions } = eightHourScenario();
  const plan = buildElasticPlan(playlist, actions);

  it('is the scenario the benchmark claims', () => {
    expect(playlist.phases.reduce((total, phase) => total + phase.segments.length, 0)).toBe(120);
    expect(playlist.phases.reduce((total, phase) => total + phase.targetMinutes, 0)).toBe(480);
    expect(actions).toHaveLength(200);
    const kinds = new Set(plan.actions.filter((outcome) => outcome.applied).map((outcome) => outcome.action.kind));
    expect([...kinds].sort()).toEqual(['advance', 'extend', 'hold', 'release', 'skip']);
    expect(plan.actions.filter((outcome) => outcome.applied).length).toBeGreaterThan(150);
  });

  it('stays well formed and finite, and loses no segment', () => {
    expectWellFormed(plan, playlist);
    expectNoSegmentLost(plan, playlist);
    expect(Number.isFinite(plan.totalMs)).toBe(true);
  });

  it('keeps history: every prefix of the actions agrees with the whole before the next action', () => {
    for (let count = 0; count < actions.length; count += 20) {
      const prefix = buildElasticPlan(playlist, actions.slice(0, count));
      expectSameHistory(prefix, plan, (actions[count] as PlanAction).programMs);
    }
  });
});

/* Property tests: random playlists, and random action sequences made valid by looking at what plays. */

interface SegmentShape {
  readonly type: 'soundscape' | 'file' | 'unknown-file';
  readonly seconds: number;
  readonly crossfadeSeconds: number | undefined;
}

interface PlaylistShape {
  readonly crossfadeSeconds: number;
  readonly phases: readonly { readonly targetMinutes: number; readonly segments: readonly SegmentShape[] }[];
}

const segmentShape: fc.Arbitrary<SegmentShape> = fc.record({
  type: fc.constantFrom<SegmentShape['type']>('soundscape', 'soundscape', 'file', 'unknown-file'),
  seconds: fc.integer({ min: 5, max: 1800 }),
  crossfadeSeconds: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
});

const playlistShape: fc.Arbitrary<PlaylistShape> = fc.record({
  crossfadeSeconds: fc.integer({ min: 0, max: 20 }),
  phases: fc.array(
    fc.record({ targetMinutes: fc.integer({ min: 1, max: 60 }), segments: fc.array(segmentShape, { minLength: 1, maxLength: 6 }) }),
    { minLength: 1, maxLength: 4 },
  ),
});

function playlistFromShape(shape: PlaylistShape): Playlist {
  return playlistOf(
    shape.phases.map((phase, phaseIndex) => ({
      id: `phase-${phaseIndex}`,
      targetMinutes: phase.targetMinutes,
      segments: phase.segments.map((segment, segmentIndex) => {
        const id = `p${phaseIndex}-s${segmentIndex}`;
        const crossfade = segment.crossfadeSeconds === undefined ? {} : { crossfadeSeconds: segment.crossfadeSeconds };
        if (segment.type === 'soundscape') return soundscape(id, segment.seconds, crossfade);
        return { type: 'file', id, path: `${id}.flac`, ...(segment.type === 'file' ? { durationSeconds: segment.seconds } : {}), ...crossfade };
      }),
    })),
    shape.crossfadeSeconds,
  );
}

type Intent = 'hold' | 'release' | 'extend' | 'advance' | 'jump' | 'skip' | 'skip-other';

interface IntentShape {
  readonly gapMs: number;
  readonly intent: Intent;
  readonly pick: number;
  readonly byMinutes: number;
}

const intents: fc.Arbitrary<IntentShape[]> = fc.array(
  fc.record({
    gapMs: fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 40 * 60_000 })),
    intent: fc.constantFrom<Intent>('hold', 'release', 'extend', 'advance', 'jump', 'skip', 'skip', 'skip-other'),
    pick: fc.nat(),
    byMinutes: fc.integer({ min: 1, max: 30 }),
  }),
  { maxLength: 12 },
);

/** Turns intents into actions at increasing program times, aimed at what plays then (so most apply). */
function actionsFor(playlist: Playlist, planned: readonly IntentShape[]): PlanAction[] {
  const planner = new ElasticPlanner(playlist);
  const actions: PlanAction[] = [];
  const phaseIds = playlist.phases.map((phase) => phase.id);
  const segmentIds = playlist.phases.flatMap((phase) => phase.segments.map((segment) => segment.id));
  let programMs = 0;
  for (const { gapMs, intent, pick, byMinutes } of planned) {
    programMs += gapMs;
    const plan = planner.plan();
    const position = locate(plan, programMs);
    const phaseIndex = position?.phase.index ?? 0;
    const phaseId = pick % 4 === 0 ? (phaseIds[pick % phaseIds.length] as string) : (phaseIds[phaseIndex] as string);
    let action: PlanAction;
    switch (intent) {
      case 'hold':
        action = { kind: 'hold', phaseId, programMs };
        break;
      case 'release':
        action = { kind: 'release', phaseId: plan.phases.find((phase) => phase.held)?.id ?? phaseId, programMs };
        break;
      case 'extend':
        action = { kind: 'extend', phaseId, byMs: minutes(byMinutes), programMs };
        break;
      case 'advance':
        action = { kind: 'advance', toPhaseId: phaseIds[Math.min(phaseIndex + 1, phaseIds.length - 1)] as string, programMs };
        break;
      case 'jump':
        action = { kind: 'advance', toPhaseId: phaseIds.at(-1) as string, programMs };
        break;
      case 'skip':
        action = { kind: 'skip', segmentId: position?.entry.segment.id ?? 'nothing', programMs };
        break;
      case 'skip-other':
        action = { kind: 'skip', segmentId: segmentIds[pick % segmentIds.length] as string, programMs };
        break;
    }
    planner.apply(action);
    actions.push(action);
  }
  return actions;
}

const scenarios = playlistShape.chain((shape) => {
  const playlist = playlistFromShape(shape);
  return intents.map((planned) => ({ playlist, actions: actionsFor(playlist, planned) }));
});

const runs = Number(process.env.ATTUNE_PROPERTY_RUNS ?? 100);

describe('properties', () => {
  it('without actions, the elastic plan is the plain plan', () => {
    fc.assert(
      fc.property(playlistShape, (shape) => {
        const playlist = playlistFromShape(shape);
        const { actions, ...elastic } = buildElasticPlan(playlist, []);
        expect(actions).toEqual([]);
        expect(elastic).toEqual(buildPlan(playlist));
      }),
      { numRuns: runs },
    );
  });

  it('plans stay well formed: start times never go backwards, overlaps stay within the crossfade, fades match, phases tile', () => {
    fc.assert(
      fc.property(scenarios, ({ playlist, actions }) => {
        expectWellFormed(buildElasticPlan(playlist, actions), playlist);
      }),
      { numRuns: runs },
    );
  });

  it('never loses a segment', () => {
    fc.assert(
      fc.property(scenarios, ({ playlist, actions }) => {
        expectNoSegmentLost(buildElasticPlan(playlist, actions), playlist);
      }),
      { numRuns: runs },
    );
  });

  it('never changes what sounded before the last action', () => {
    fc.assert(
      fc.property(scenarios, ({ playlist, actions }) => {
        const last = actions.at(-1);
        if (last === undefined) return;
        expectSameHistory(buildElasticPlan(playlist, actions.slice(0, -1)), buildElasticPlan(playlist, actions), last.programMs);
      }),
      { numRuns: runs },
    );
  });

  it('is finite unless a hold is still open, and locates an entry at every point of a finite plan', () => {
    fc.assert(
      fc.property(scenarios, ({ playlist, actions }) => {
        const plan = buildElasticPlan(playlist, actions);
        expect(Number.isFinite(plan.totalMs)).toBe(!plan.phases.some((phase) => phase.held));
        if (!Number.isFinite(plan.totalMs)) return;
        for (let programMs = 0; programMs < plan.totalMs; programMs += Math.max(1000, Math.floor(plan.totalMs / 50))) {
          const position = locate(plan, programMs);
          expect(position?.entryRemainingMs).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs },
    );
  });
});

describe('extra segments', () => {
  it('fill an extension before the bridge, and stay silent otherwise', async () => {
    const { parsePlaylist } = await import('./playlist');
    const parsed = parsePlaylist({
      format: 'attune.playlist',
      version: 1,
      id: 'with-extras',
      title: 'With extras',
      crossfadeSeconds: 0,
      phases: [
        {
          id: 'onset',
          kind: 'onset',
          title: 'Onset',
          targetMinutes: 10,
          segments: [{ type: 'soundscape', id: 'main', preset: 'breath', durationSeconds: 600 }],
          extras: [{ type: 'soundscape', id: 'extra', preset: 'drone', durationSeconds: 300 }],
        },
        { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 10, segments: [{ type: 'soundscape', id: 'p', preset: 'drone', durationSeconds: 600 }] },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const plain = buildElasticPlan(parsed.value, []);
    expect(plain.entries.map((entry) => entry.segment.id)).toEqual(['main', 'p']);
    const extended = buildElasticPlan(parsed.value, [{ kind: 'extend', phaseId: 'onset', byMs: 10 * 60_000, programMs: 60_000 }]);
    expect(extended.entries.map((entry) => entry.segment.id)).toEqual(['main', 'extra', 'onset-bridge', 'p']);
  });
});
