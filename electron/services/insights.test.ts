import { appendFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  corpusMarksAt,
  corpusPlaylist,
  corpusSegmentAt,
  corpusSegmentIds,
  corpusSegmentsPerSession,
  corpusSessionFiles,
  corpusSessionId,
  writeCorpusSession,
} from '../../tests/support/insights-corpus';
import { InsightsService } from './insights';
import { PlaylistCatalog } from './playlists';

const minute = 60_000;
const sessionCount = 500;
const segmentIds = corpusSegmentIds;
const segmentsPerSession = corpusSegmentsPerSession;
const playlist = corpusPlaylist;
const sessionId = corpusSessionId;
const segmentAt = corpusSegmentAt;
const marksAt = corpusMarksAt;
const sessionFiles = corpusSessionFiles;

let dataDir: string;
let playlistsDir: string;

const writeSession = (index: number) => writeCorpusSession(dataDir, index);

function newService() {
  return new InsightsService({ dataDir, playlists: new PlaylistCatalog([{ kind: 'user', directory: playlistsDir }]) });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-insights-'));
  playlistsDir = path.join(dataDir, 'playlists');
  await mkdir(playlistsDir, { recursive: true });
  await writeFile(path.join(playlistsDir, 'bench.json'), JSON.stringify(playlist));
  for (let start = 0; start < sessionCount; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, sessionCount - start) }, (_, offset) => writeSession(start + offset)));
  }
}, 60_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('InsightsService', () => {
  it(`answers for ${sessionCount} sessions, correctly, and faster the second time (times printed, not asserted)`, async () => {
    const expected = new Map<string, { sessions: Set<number>; minutes: number; resonance: number; distress: number }>();
    for (let session = 0; session < sessionCount; session += 1) {
      for (let slot = 0; slot < segmentsPerSession; slot += 1) {
        const id = segmentAt(session, slot);
        const entry = expected.get(id) ?? { sessions: new Set<number>(), minutes: 0, resonance: 0, distress: 0 };
        entry.sessions.add(session);
        entry.minutes += 5;
        for (const kind of marksAt(session, slot)) entry[kind as 'resonance' | 'distress'] += 1;
        expected.set(id, entry);
      }
    }

    const service = newService();
    const coldStart = performance.now();
    const cold = await service.compute();
    const coldMs = performance.now() - coldStart;
    const warmStart = performance.now();
    const warm = await service.compute();
    const warmMs = performance.now() - warmStart;
    console.log(`insights over ${sessionCount} sessions: first call ${coldMs.toFixed(0)} ms, second call (cached) ${warmMs.toFixed(0)} ms`);

    expect(cold.sessionCount).toBe(sessionCount);
    expect(cold.skipped).toEqual([]);
    expect(cold.rows).toHaveLength(segmentIds.length);
    for (const row of cold.rows) {
      const entry = expected.get(row.segmentId);
      expect(row.playlistTitle).toBe('Bench set');
      expect(row.sessions).toBe(entry?.sessions.size);
      expect(row.minutesPlayed).toBeCloseTo(entry?.minutes ?? -1, 6);
      expect(row.marks.resonance ?? 0).toBe(entry?.resonance);
      expect(row.marks.distress ?? 0).toBe(entry?.distress);
      expect(row.marksPerHour.resonance ?? 0).toBeCloseTo(((entry?.resonance ?? 0) / (entry?.minutes ?? 1)) * 60, 9);
    }
    expect(cold.rows.find((row) => row.segmentId === 'seg-0')).toMatchObject({ type: 'soundscape', name: 'drone soundscape' });
    expect(cold.rows.find((row) => row.segmentId === 'seg-1')).toMatchObject({ type: 'file', title: 'Track 1', artist: 'Artist' });
    expect(cold.kinds.sort()).toEqual(['distress', 'resonance']);
    expect(warm).toEqual(cold);
  }, 60_000);

  it('filters by playlist and date range', async () => {
    const service = newService();
    const inJanuary = Array.from({ length: sessionCount }, (_, index) => sessionId(index)).filter((id) => id.startsWith('202601')).length;
    expect(inJanuary).toBeGreaterThan(0);
    const january = await service.compute({ from: '2026-01-01', to: '2026-02-01' });
    expect(january.sessionCount).toBe(inJanuary);
    expect(january.rows.reduce((total, row) => total + row.minutesPlayed, 0)).toBeCloseTo(inJanuary * segmentsPerSession * 5, 6);
    const none = await service.compute({ playlistIds: ['other'] });
    expect(none).toMatchObject({ sessionCount: 0, rows: [] });
  });

  it('re-reads a session whose journal changed, keeps the digest of one whose size and time did not, and weighs a mark by its edited intensity', async () => {
    const { meta, events } = sessionFiles(0);
    const journalPath = path.join(dataDir, 'sessions', meta.id, 'events.jsonl');
    const original = await readFile(journalPath, 'utf8');
    // Whole seconds, so the time set again below is exactly the same.
    const fixedTime = new Date('2026-01-02T00:00:00.000Z');
    await utimes(journalPath, fixedTime, fixedTime);
    const service = newService();
    const before = await service.compute();
    try {
      // Same size, same modification time, different content: the cache is trusted, so nothing changes.
      const changed = original.replace('"seg-0"', '"seg-9"');
      expect(changed.length).toBe(original.length);
      await writeFile(journalPath, changed);
      await utimes(journalPath, fixedTime, fixedTime);
      expect((await service.compute()).rows).toEqual(before.rows);
      expect((await newService().compute()).rows).not.toEqual(before.rows);

      // An appended mark changes the size: the session is read again.
      const mark = {
        id: '00000000-0000-4000-8000-ffffffffffff',
        seq: events.length,
        kind: 'mark',
        sessionMs: 2 * minute,
        wallTime: '2026-01-01T09:02:00.000Z',
        payload: { markKind: 'chills', phaseId: 'onset', segmentId: 'seg-0', positionMs: 0, reactionOffsetMs: 0 },
      };
      await writeFile(journalPath, original);
      await appendFile(journalPath, `${JSON.stringify(mark)}\n`);
      const after = await service.compute();
      expect(after.rows.find((row) => row.segmentId === 'seg-0')?.marks.chills).toBe(1);
      expect(after.rows.find((row) => row.segmentId === 'seg-0')?.weightedMarks.chills).toBe(1);
      expect(after.kinds).toContain('chills');

      // Its intensity set to 5 afterwards (an edit, journaled later): it weighs 5/3 from then on, still one mark.
      const edit = {
        id: '00000000-0000-4000-8000-fffffffffffe',
        seq: events.length + 1,
        kind: 'mark-edited',
        sessionMs: 3 * minute,
        wallTime: '2026-01-01T09:03:00.000Z',
        payload: { markId: mark.id, intensity: 5, from: 'review' },
      };
      await appendFile(journalPath, `${JSON.stringify(edit)}\n`);
      const edited = (await service.compute()).rows.find((row) => row.segmentId === 'seg-0');
      expect(edited?.marks.chills).toBe(1);
      expect(edited?.weightedMarks.chills).toBeCloseTo(5 / 3, 10);
    } finally {
      await writeFile(journalPath, original);
    }
  });

  it('reports damaged sessions, ignores what is not a session, and forgets removed ones', async () => {
    const service = newService();
    const damagedId = '20261231-235959-broken';
    const damagedDir = path.join(dataDir, 'sessions', damagedId);
    await mkdir(damagedDir, { recursive: true });
    await writeFile(path.join(damagedDir, 'session.json'), '{ not json');
    await writeFile(path.join(damagedDir, 'events.jsonl'), '');
    await mkdir(path.join(dataDir, 'sessions', 'not-a-session'), { recursive: true });
    await mkdir(path.join(dataDir, 'sessions', '20261231-235959-empty0'), { recursive: true });
    try {
      const report = await service.compute();
      expect(report.skipped).toEqual([{ sessionId: damagedId, reason: 'its metadata is not valid JSON' }]);
      expect(report.sessionCount).toBe(sessionCount);
    } finally {
      await rm(damagedDir, { recursive: true, force: true });
      await rm(path.join(dataDir, 'sessions', 'not-a-session'), { recursive: true, force: true });
      await rm(path.join(dataDir, 'sessions', '20261231-235959-empty0'), { recursive: true, force: true });
    }
    const removed = sessionFiles(sessionCount - 1).meta.id;
    await rm(path.join(dataDir, 'sessions', removed), { recursive: true, force: true });
    try {
      expect((await service.compute()).sessionCount).toBe(sessionCount - 1);
    } finally {
      await writeSession(sessionCount - 1);
    }
  });

  it('answers with nothing when there are no sessions yet', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'attune-insights-empty-'));
    try {
      const service = new InsightsService({ dataDir: empty, playlists: new PlaylistCatalog([]) });
      expect(await service.compute()).toEqual({ rows: [], kinds: [], sessionCount: 0, skipped: [] });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
