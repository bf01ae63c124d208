import { describe, expect, it } from 'vitest';
import { PlaybackWatchdog, type PlaybackWatchdogEvents, type WatchedPlayhead } from './PlaybackWatchdog';

/** A watchdog on a hand-turned clock and level, checked every 200 ms as the player ticks. */
function rig() {
  let nowMs = 0;
  let levelDb = -20;
  let levelReads = 0;
  const watchdog = new PlaybackWatchdog({
    now: () => nowMs,
    programLevelDb: () => {
      levelReads += 1;
      return levelDb;
    },
  });
  const stalls: PlaybackWatchdogEvents['stalled'][] = [];
  const silences: PlaybackWatchdogEvents['silent'][] = [];
  watchdog.on('stalled', (event) => stalls.push(event));
  watchdog.on('silent', (event) => silences.push(event));
  return {
    watchdog,
    stalls,
    silences,
    levelReads: () => levelReads,
    setLevel: (db: number) => (levelDb = db),
    /** Advances the clock in 200 ms ticks, checking at each. */
    run(ms: number, playheads: (atMs: number) => WatchedPlayhead[] = () => [], soundExpected = true) {
      for (let elapsed = 0; elapsed < ms; elapsed += 200) {
        nowMs += 200;
        watchdog.check({ playheads: playheads(nowMs), soundExpected });
      }
    },
    nowMs: () => nowMs,
  };
}

describe('PlaybackWatchdog: stalls', () => {
  it('reports a playhead that stands still for 3 s, once, naming where it stopped', () => {
    const { run, stalls, nowMs } = rig();
    run(2000, (at) => [{ key: 'a', positionSeconds: at / 1000 }]);
    const stoppedAtMs = nowMs();
    run(2800, () => [{ key: 'a', positionSeconds: stoppedAtMs / 1000 }]);
    expect(stalls).toEqual([]);
    run(200, () => [{ key: 'a', positionSeconds: stoppedAtMs / 1000 }]);
    expect(stalls).toEqual([{ key: 'a', positionSeconds: 2, stuckForMs: 3000 }]);
    run(5000, () => [{ key: 'a', positionSeconds: stoppedAtMs / 1000 }]);
    expect(stalls).toHaveLength(1);
  });

  it('never reports a playhead that keeps moving, however slowly', () => {
    const { run, stalls } = rig();
    run(20_000, (at) => [{ key: 'a', positionSeconds: at / 100_000 }]);
    expect(stalls).toEqual([]);
  });

  it('re-arms when the playhead moves again, and watches each file on its own', () => {
    const { run, stalls } = rig();
    // First seen at 200 ms: standing still from there, 3 s later it has stalled.
    run(3200, (at) => [
      { key: 'a', positionSeconds: 1 },
      { key: 'b', positionSeconds: at / 1000 },
    ]);
    expect(stalls.map((stall) => stall.key)).toEqual(['a']);
    run(1000, (at) => [{ key: 'a', positionSeconds: at / 1000 }]);
    run(3200, () => [{ key: 'a', positionSeconds: 99 }]);
    expect(stalls.map((stall) => stall.key)).toEqual(['a', 'a']);
  });

  it('forgets a file the player stops naming (paused, fading out, done), so standing still then is no stall', () => {
    const { run, stalls } = rig();
    run(2000, () => [{ key: 'a', positionSeconds: 4 }]);
    run(10_000, () => []);
    run(2800, () => [{ key: 'a', positionSeconds: 4 }]);
    expect(stalls).toEqual([]);
  });

  it('starts afresh after reset (a resume after a pause)', () => {
    const { run, stalls, watchdog } = rig();
    run(2800, () => [{ key: 'a', positionSeconds: 4 }]);
    watchdog.reset();
    run(2800, () => [{ key: 'a', positionSeconds: 4 }]);
    expect(stalls).toEqual([]);
  });
});

describe('PlaybackWatchdog: silence', () => {
  it('reports a programme under −60 dBFS for 2 s while sound is expected, once per silent spell', () => {
    const { run, silences, setLevel } = rig();
    run(1000);
    setLevel(-Infinity);
    // First read silent 200 ms later; 2 s from that reading it is reported.
    run(2000);
    expect(silences).toEqual([]);
    run(200);
    expect(silences).toEqual([{ silentForMs: 2000, levelDb: -Infinity }]);
    run(4000);
    expect(silences).toHaveLength(1);
    setLevel(-30);
    run(200);
    setLevel(-75);
    run(2200);
    expect(silences).toHaveLength(2);
  });

  it('takes −59 dBFS for sound and a silence broken by one loud reading as two short ones', () => {
    const { run, silences, setLevel } = rig();
    setLevel(-59);
    run(5000);
    setLevel(-80);
    run(1800);
    setLevel(-40);
    run(200);
    setLevel(-80);
    run(1800);
    expect(silences).toEqual([]);
  });

  it('never reports silence where none is expected (a quiet segment, a fade), and does not even read the level then', () => {
    const { run, silences, setLevel, levelReads } = rig();
    setLevel(-Infinity);
    const before = levelReads();
    run(10_000, () => [], false);
    expect(silences).toEqual([]);
    expect(levelReads()).toBe(before);
    // Expected again: the 2 s count from here, not from when the quiet segment began.
    run(2000);
    expect(silences).toEqual([]);
    run(200);
    expect(silences).toHaveLength(1);
  });

  it('reads an unreadable level (NaN) as sound rather than raising a false alarm', () => {
    const { run, silences, setLevel } = rig();
    setLevel(Number.NaN);
    run(5000);
    expect(silences).toEqual([]);
  });
});

describe('PlaybackWatchdog: dispose', () => {
  it('stops reporting and drops its listeners', () => {
    const { run, stalls, silences, setLevel, watchdog } = rig();
    setLevel(-Infinity);
    run(1000, () => [{ key: 'a', positionSeconds: 1 }]);
    watchdog.dispose();
    run(10_000, () => [{ key: 'a', positionSeconds: 1 }]);
    expect(stalls).toEqual([]);
    expect(silences).toEqual([]);
  });
});
