import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPlan, locate, type PlannedEntry, type SessionPlan } from './plan';
import { parsePlaylist, parsePlaylistText, type Playlist } from './playlist';

type SegmentJson = Record<string, unknown>;

const soundscape = (id: string, durationSeconds: number, extra: SegmentJson = {}): SegmentJson => ({
  type: 'soundscape',
  id,
  preset: 'drone',
  durationSeconds,
  ...extra,
});

const file = (id: string, extra: SegmentJson = {}): SegmentJson => ({ type: 'file', id, path: `${id}.flac`, ...extra });

function playlistOf(
  phases: { id: string; kind?: string; targetMinutes: number; segments: SegmentJson[] }[],
  crossfadeSeconds = 10,
): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'plan-test',
    title: 'Plan test',
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

function entry(plan: SessionPlan, index: number): PlannedEntry {
  const found = plan.entries[index];
  if (found === undefined) throw new Error(`no entry ${index}; the plan has ${plan.entries.length}`);
  return found;
}

const ids = (plan: SessionPlan) => plan.entries.map((planned) => planned.segment.id);

/** Every moment of the plan has some entry sounding, and the last one ends with the plan. */
function expectNoSilence(plan: SessionPlan): void {
  for (let index = 1; index < plan.entries.length; index += 1) {
    expect(entry(plan, index).startMs, `entry ${index} starts after the previous one ended`).toBeLessThanOrEqual(entry(plan, index - 1).endMs);
  }
  expect(plan.entries[0]?.startMs).toBe(0);
  expect(plan.entries.at(-1)?.endMs).toBe(plan.totalMs);
}

describe('buildPlan phases', () => {
  it('tile one after another at their target durations', () => {
    const plan = buildPlan(
      playlistOf([
        { id: 'onset', kind: 'onset', targetMinutes: 30, segments: [soundscape('a', 600)] },
        { id: 'peak', kind: 'peak', targetMinutes: 90, segments: [soundscape('b', 600)] },
        { id: 'return', kind: 'return', targetMinutes: 45, segments: [soundscape('c', 600)] },
      ]),
    );
    expect(plan.phases.map(({ id, kind, index, startMs, endMs }) => ({ id, kind, index, startMs, endMs }))).toEqual([
      { id: 'onset', kind: 'onset', index: 0, startMs: 0, endMs: 30 * 60_000 },
      { id: 'peak', kind: 'peak', index: 1, startMs: 30 * 60_000, endMs: 120 * 60_000 },
      { id: 'return', kind: 'return', index: 2, startMs: 120 * 60_000, endMs: 165 * 60_000 },
    ]);
    expect(plan.totalMs).toBe(165 * 60_000);
  });
});

describe('buildPlan crossfades', () => {
  const plan = buildPlan(playlistOf([{ id: 'peak', targetMinutes: 10, segments: [soundscape('a', 120), soundscape('b', 180), soundscape('c', 300)] }]));

  it('starts each entry one crossfade before the previous one ends', () => {
    expect(entry(plan, 0)).toMatchObject({ startMs: 0, endMs: 120_000 });
    expect(entry(plan, 1)).toMatchObject({ startMs: 110_000, endMs: 290_000 });
    expect(entry(plan, 2)).toMatchObject({ startMs: 280_000, endMs: 580_000 });
  });

  it('fades each entry in and the previous one out over the overlap', () => {
    expect(entry(plan, 0).fadeInMs).toBe(0);
    expect(entry(plan, 0).fadeOutMs).toBe(10_000);
    expect(entry(plan, 1).fadeInMs).toBe(10_000);
    expect(entry(plan, 1).fadeOutMs).toBe(10_000);
    expect(entry(plan, 2).fadeInMs).toBe(10_000);
  });

  it('fades the last entry to silence at the end of the plan', () => {
    const last = plan.entries.at(-1);
    expect(last?.endMs).toBe(plan.totalMs);
    expect(last?.fadeOutMs).toBe(10_000);
  });

  it("uses a segment's own crossfade over the playlist's", () => {
    const custom = buildPlan(
      playlistOf([{ id: 'peak', targetMinutes: 10, segments: [soundscape('a', 120), soundscape('b', 480, { crossfadeSeconds: 4 })] }]),
    );
    expect(entry(custom, 1).startMs).toBe(116_000);
    expect(entry(custom, 1).fadeInMs).toBe(4_000);
    expect(entry(custom, 0).fadeOutMs).toBe(4_000);
  });

  it('never lets a crossfade take more than half of the shorter neighbour', () => {
    const short = buildPlan(
      playlistOf([{ id: 'peak', targetMinutes: 10, segments: [soundscape('a', 6), soundscape('b', 120), soundscape('c', 8), soundscape('d', 600)] }], 20),
    );
    expect(entry(short, 1).startMs).toBe(3_000);
    expect(entry(short, 1).fadeInMs).toBe(3_000);
    // c is 8 s long: it may overlap each neighbour by 4 s at most.
    expect(entry(short, 2).startMs).toBe(entry(short, 1).endMs - 4_000);
    expect(entry(short, 3).startMs).toBe(entry(short, 2).endMs - 4_000);
  });

  it('gives an entry cut at its phase end a fade-in of at most half of what sounds, so no three entries sound at once', () => {
    const cut = buildPlan(
      playlistOf(
        [
          { id: 'onset', targetMinutes: 10, segments: [soundscape('a', 595), soundscape('b', 100)] },
          { id: 'peak', targetMinutes: 10, segments: [soundscape('c', 600)] },
        ],
        10,
      ),
    );
    // b has 5 s before the phase ends after a: it fades in over 5 s and sounds 10 s.
    expect(entry(cut, 1)).toMatchObject({ startMs: 590_000, endMs: 600_000, fadeInMs: 5_000 });
    expect(entry(cut, 2).startMs).toBeGreaterThanOrEqual(entry(cut, 0).endMs);
  });

  it('plays with no crossfade when it is zero', () => {
    const hard = buildPlan(playlistOf([{ id: 'peak', targetMinutes: 4, segments: [soundscape('a', 120), soundscape('b', 120)] }], 0));
    expect(entry(hard, 1).startMs).toBe(120_000);
    expect(entry(hard, 1).fadeInMs).toBe(0);
    expect(entry(hard, 0).fadeOutMs).toBe(0);
  });
});

describe('buildPlan bridges', () => {
  it('fills a phase whose music runs out with a bridge up to the phase end', () => {
    const plan = buildPlan(
      playlistOf([
        { id: 'onset', targetMinutes: 10, segments: [soundscape('a', 240, { preset: 'earth', params: { intensity: 0.2, brightness: 0.3 } })] },
        { id: 'peak', targetMinutes: 10, segments: [soundscape('b', 600)] },
      ]),
    );
    expect(ids(plan).slice(0, 2)).toEqual(['a', 'onset-bridge']);
    const bridge = entry(plan, 1);
    expect(bridge.bridge).toBe(true);
    expect(bridge.phaseIndex).toBe(0);
    expect(bridge.startMs).toBe(230_000);
    expect(bridge.endMs).toBe(600_000);
    expect(bridge.segment).toMatchObject({ type: 'soundscape', preset: 'earth', params: { intensity: 0.2, brightness: 0.3 } });
    expect(plan.entries.filter((planned) => planned.bridge && planned.phaseIndex === 0)).toHaveLength(1);
  });

  it('marks ordinary entries as not bridges', () => {
    const plan = buildPlan(playlistOf([{ id: 'peak', targetMinutes: 2, segments: [soundscape('a', 120)] }]));
    expect(plan.entries.map((planned) => planned.bridge)).toEqual([false]);
  });

  it('bridges a phase that has no playable music at all', () => {
    const plan = buildPlan(playlistOf([{ id: 'onset', targetMinutes: 5, segments: [file('unknown-length')] }]));
    expect(ids(plan)).toEqual(['onset-bridge']);
    expect(entry(plan, 0)).toMatchObject({ startMs: 0, endMs: 300_000, bridge: true });
  });

  it('leaves no silence when the durations add up to the phase exactly (crossfades shorten the music)', () => {
    const plan = buildPlan(
      playlistOf([
        { id: 'onset', targetMinutes: 10, segments: [soundscape('a', 300), soundscape('b', 300)] },
        { id: 'peak', targetMinutes: 10, segments: [soundscape('c', 300), soundscape('d', 300)] },
      ]),
    );
    expectNoSilence(plan);
    const lastOfOnset = plan.entries.filter((planned) => planned.phaseIndex === 0).at(-1);
    expect(lastOfOnset?.endMs).toBe(600_000);
  });
});

describe('buildPlan cutting', () => {
  it('cuts a segment that runs past its phase at the phase end and drops the rest of the phase', () => {
    const plan = buildPlan(
      playlistOf([
        { id: 'onset', targetMinutes: 10, segments: [soundscape('a', 900), soundscape('never', 60)] },
        { id: 'peak', targetMinutes: 10, segments: [soundscape('b', 600)] },
      ]),
    );
    expect(ids(plan).slice(0, 2)).toEqual(['a', 'b']);
    expect(ids(plan)).not.toContain('never');
    expect(ids(plan)).not.toContain('onset-bridge');
    expect(entry(plan, 0).endMs).toBe(600_000);
    expect(entry(plan, 1).startMs).toBe(590_000);
    expect(entry(plan, 1).phaseIndex).toBe(1);
  });
});

describe('buildPlan files', () => {
  const playlist = playlistOf([
    { id: 'peak', targetMinutes: 20, segments: [file('known', { durationSeconds: 200 }), file('measured'), file('unmeasured')] },
  ]);

  it('skips a file whose duration is unknown and says why', () => {
    const plan = buildPlan(playlist);
    expect(ids(plan)).toEqual(['known', 'peak-bridge']);
    expect(plan.skipped.map((skip) => skip.segmentId)).toEqual(['measured', 'unmeasured']);
    expect(plan.skipped[0]?.reason).toMatch(/duration/);
  });

  it('uses a duration supplied in the map', () => {
    const plan = buildPlan(playlist, new Map([['measured', 300_000]]));
    expect(ids(plan)).toEqual(['known', 'measured', 'peak-bridge']);
    expect(entry(plan, 1)).toMatchObject({ startMs: 190_000, endMs: 490_000 });
    expect(plan.skipped.map((skip) => skip.segmentId)).toEqual(['unmeasured']);
  });

  it("prefers the playlist's own duration over the map", () => {
    const plan = buildPlan(playlist, new Map([['known', 50_000]]));
    expect(entry(plan, 0).endMs).toBe(200_000);
  });

  it("shortens a file's planned length by its start and end trims, and the next entry follows the trimmed end", () => {
    const trimmed = playlistOf([
      {
        id: 'peak',
        targetMinutes: 20,
        segments: [file('silent-ends', { durationSeconds: 300, trimStartSeconds: 20, trimEndSeconds: 40 }), file('next', { durationSeconds: 200 })],
      },
    ]);
    const plan = buildPlan(trimmed);
    expect(entry(plan, 0)).toMatchObject({ startMs: 0, endMs: 240_000 });
    expect(entry(plan, 1).startMs).toBe(230_000);
  });
});

describe('locate', () => {
  const plan = buildPlan(
    playlistOf([
      { id: 'onset', targetMinutes: 10, segments: [soundscape('a', 300), soundscape('b', 400)] },
      { id: 'peak', targetMinutes: 10, segments: [soundscape('c', 700)] },
    ]),
  );
  const b = entry(plan, 1);
  const c = entry(plan, 2);

  it('starts at the first entry', () => {
    expect(locate(plan, 0)).toMatchObject({ phase: { id: 'onset' }, entry: { index: 0 }, positionMs: 0, entryRemainingMs: 300_000 });
  });

  it('moves to the next entry exactly when it starts', () => {
    expect(locate(plan, b.startMs - 1)?.entry.index).toBe(0);
    const atStart = locate(plan, b.startMs);
    expect(atStart?.entry.segment.id).toBe('b');
    expect(atStart?.positionMs).toBe(0);
  });

  it('gives the position inside the entry and the time left in it and in the phase', () => {
    const position = locate(plan, b.startMs + 65_000);
    expect(position?.positionMs).toBe(65_000);
    expect(position?.entryRemainingMs).toBe(b.endMs - (b.startMs + 65_000));
    expect(position?.phaseRemainingMs).toBe(600_000 - (b.startMs + 65_000));
  });

  it('is in the next phase at its start', () => {
    const position = locate(plan, 600_000);
    expect(position?.phase.id).toBe('peak');
    expect(position?.entry.segment.id).toBe('c');
    expect(position?.positionMs).toBe(600_000 - c.startMs);
    expect(position?.phaseRemainingMs).toBe(600_000);
  });

  it('is in the last entry just before the end, and nowhere at or after the end or before 0', () => {
    expect(locate(plan, plan.totalMs - 1)).toMatchObject({ phase: { id: 'peak' }, entryRemainingMs: 1, phaseRemainingMs: 1 });
    expect(locate(plan, plan.totalMs)).toBeNull();
    expect(locate(plan, plan.totalMs + 60_000)).toBeNull();
    expect(locate(plan, -1)).toBeNull();
  });

  it('returns null for an empty plan', () => {
    expect(locate({ phases: [], entries: [], totalMs: 0, skipped: [] }, 0)).toBeNull();
  });
});

describe('the bundled playlist plan', () => {
  const plan = buildPlan(bundledPlaylist());

  it('has entry start times that never go backwards', () => {
    for (let index = 1; index < plan.entries.length; index += 1) {
      expect(entry(plan, index).startMs).toBeGreaterThanOrEqual(entry(plan, index - 1).startMs);
      expect(entry(plan, index).index).toBe(index);
    }
  });

  it('keeps music sounding from the first second to the last', () => {
    expectNoSilence(plan);
    expect(plan.skipped).toEqual([]);
  });

  it('locates a sounding entry at every minute of the session', () => {
    for (let programMs = 0; programMs < plan.totalMs; programMs += 60_000) {
      const position = locate(plan, programMs);
      expect(position, `at ${programMs} ms`).not.toBeNull();
      expect(position?.positionMs).toBeGreaterThanOrEqual(0);
      expect(position?.entryRemainingMs, `at ${programMs} ms`).toBeGreaterThan(0);
    }
  });
});
