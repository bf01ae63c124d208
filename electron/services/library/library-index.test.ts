import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryTrack, LoudnessMeasurement } from '../../../core/library';
import { LibraryIndex } from './library-index';

let dataDir: string;
let indexFile: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-library-index-'));
  indexFile = path.join(dataDir, 'library', 'index.json');
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const root = '/music';
const fixedNow = () => new Date('2026-03-01T10:00:00.000Z');

function track(name: string, overrides: Partial<LibraryTrack> = {}): LibraryTrack {
  return { path: `${root}/${name}`, root, size: 1000, mtimeMs: 1_700_000_000_000.5, format: 'flac', title: name, durationSeconds: 300, ...overrides };
}

const measurement: LoudnessMeasurement = { integratedLufs: -16.2, truePeakDbtp: -1.1, rangeLu: 7.5, durationSeconds: 301 };

async function filesInLibraryFolder(): Promise<string[]> {
  return (await readdir(path.dirname(indexFile))).sort();
}

describe('LibraryIndex persistence', () => {
  it('starts empty without a file, and reads back what it saved', async () => {
    const index = await LibraryIndex.open(dataDir);
    expect(index.tracks()).toEqual([]);
    expect(index.notice).toBeUndefined();

    index.putTrack(track('b.flac', { tagged: { integratedLufs: -14, truePeakDbtp: -0.5, source: 'replaygain' } }));
    index.putTrack(track('a.flac'));
    index.setMeasurement(`${root}/a.flac`, track('a.flac'), measurement);
    index.putUnreadable(root, { path: `${root}/broken.mp3`, reason: 'empty file (0 bytes)' });
    await index.save();

    const reopened = await LibraryIndex.open(dataDir);
    expect(reopened.tracks()).toEqual(index.tracks());
    expect(reopened.tracks().map((stored) => stored.title)).toEqual(['a.flac', 'b.flac']);
    expect(reopened.get(`${root}/a.flac`)?.measured).toEqual(measurement);
    expect(reopened.unreadable()).toEqual([{ path: `${root}/broken.mp3`, reason: 'empty file (0 bytes)' }]);
    expect(reopened.entries()).toContainEqual({ path: `${root}/broken.mp3`, root });
    expect(reopened.notice).toBeUndefined();
  });

  it('writes through a temporary file and leaves none behind; saves in the order asked', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('one.flac'));
    const first = index.save();
    index.putTrack(track('two.flac'));
    const second = index.save();
    index.remove(`${root}/one.flac`);
    await Promise.all([first, second, index.save()]);
    expect(await filesInLibraryFolder()).toEqual(['index.json']);
    expect((await LibraryIndex.open(dataDir)).tracks().map((stored) => stored.title)).toEqual(['two.flac']);
    expect(index.hasUnsavedChanges).toBe(false);
  });

  it('moves a file that is not JSON aside, keeps it byte for byte, and starts empty', async () => {
    await mkdir(path.dirname(indexFile), { recursive: true });
    await writeFile(indexFile, '{"format":"attune.library-index","version":1,"tracks":[{"pa');
    const index = await LibraryIndex.open(dataDir, { now: fixedNow });
    expect(index.tracks()).toEqual([]);
    expect(index.notice).toMatch(/was not valid JSON.*kept as .*index\.json\.unreadable-2026-03-01T10-00-00-000Z.*next scan rebuilds/);
    expect(await readFile(`${indexFile}.unreadable-2026-03-01T10-00-00-000Z`, 'utf8')).toBe('{"format":"attune.library-index","version":1,"tracks":[{"pa');

    index.putTrack(track('rebuilt.flac'));
    await index.save();
    expect((await LibraryIndex.open(dataDir)).tracks()).toHaveLength(1);
  });

  it('moves aside JSON that is not a library index', async () => {
    await mkdir(path.dirname(indexFile), { recursive: true });
    await writeFile(indexFile, JSON.stringify({ format: 'attune.library-index', version: 2, tracks: [], unreadable: [] }));
    const index = await LibraryIndex.open(dataDir, { now: fixedNow });
    expect(index.notice).toMatch(/not a library index this version of Attune reads/);
    expect(await filesInLibraryFolder()).toEqual(['index.json.unreadable-2026-03-01T10-00-00-000Z']);
  });

  it('keeps the valid records of a partly damaged index, and the damaged file aside', async () => {
    await mkdir(path.dirname(indexFile), { recursive: true });
    const good = track('good.flac', { measured: measurement });
    await writeFile(
      indexFile,
      JSON.stringify({
        format: 'attune.library-index',
        version: 1,
        tracks: [good, { ...track('bad.flac'), size: -5 }, 'nonsense'],
        unreadable: [{ path: `${root}/x.mp3`, reason: 'empty file (0 bytes)', root }, { path: 3 }],
      }),
    );
    const index = await LibraryIndex.open(dataDir, { now: fixedNow });
    expect(index.tracks()).toEqual([good]);
    expect(index.unreadable()).toEqual([{ path: `${root}/x.mp3`, reason: 'empty file (0 bytes)' }]);
    expect(index.notice).toMatch(/had 3 records that did not validate; the others were kept/);
    await index.save();
    expect(await filesInLibraryFolder()).toEqual(['index.json', 'index.json.unreadable-2026-03-01T10-00-00-000Z']);
    expect((await LibraryIndex.open(dataDir)).notice).toBeUndefined();
  });

  it('opens (empty, with a notice) when the index path cannot be read as a file', async () => {
    await mkdir(indexFile, { recursive: true });
    const index = await LibraryIndex.open(dataDir, { now: fixedNow });
    expect(index.tracks()).toEqual([]);
    expect(index.notice).toMatch(/could not be read \(EISDIR\)/);
  });

  it('keeps its changes when a save fails, and saves them once it can', async () => {
    await writeFile(path.join(dataDir, 'library'), 'a file where the folder should be');
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('kept.flac'));
    await expect(index.save()).rejects.toThrow();
    expect(index.hasUnsavedChanges).toBe(true);

    await rm(path.join(dataDir, 'library'));
    await index.save();
    expect((await LibraryIndex.open(dataDir)).tracks().map((stored) => stored.title)).toEqual(['kept.flac']);
  });

  it('does not write when nothing changed', async () => {
    const index = await LibraryIndex.open(dataDir);
    await index.save();
    await expect(readdir(path.dirname(indexFile))).rejects.toThrow(/ENOENT/);
  });
});

describe('LibraryIndex measurements follow the file version', () => {
  it('stores a measurement only for the size and modification time it was made of', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('a.flac'));
    expect(index.setMeasurement(`${root}/a.flac`, { size: 1000, mtimeMs: 1_700_000_999_999 }, measurement)).toBe(false);
    expect(index.setMeasurement(`${root}/a.flac`, { size: 999, mtimeMs: 1_700_000_000_000.5 }, measurement)).toBe(false);
    expect(index.setMeasurement(`${root}/missing.flac`, track('missing.flac'), measurement)).toBe(false);
    expect(index.get(`${root}/a.flac`)?.measured).toBeUndefined();
    expect(index.setMeasurement(`${root}/a.flac`, { size: 1000, mtimeMs: 1_700_000_000_000.5 }, measurement)).toBe(true);
    expect(index.get(`${root}/a.flac`)?.measured).toEqual(measurement);
  });

  it('keeps the measurement when the same file version is read again, and drops it when the file changed', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('a.flac'));
    index.setMeasurement(`${root}/a.flac`, track('a.flac'), measurement);

    index.putTrack(track('a.flac', { title: 'Read again' }));
    expect(index.get(`${root}/a.flac`)).toMatchObject({ title: 'Read again', measured: measurement });
    expect(index.isCurrent(`${root}/a.flac`, track('a.flac'))).toBe(true);

    index.putTrack(track('a.flac', { mtimeMs: 1_800_000_000_000 }));
    expect(index.get(`${root}/a.flac`)?.measured).toBeUndefined();
    expect(index.isCurrent(`${root}/a.flac`, track('a.flac'))).toBe(false);
  });

  it('fills in a duration the tags did not give, and never replaces one they did', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('vbr.mp3', { durationSeconds: undefined, format: 'mp3' }));
    index.putTrack(track('tagged.flac'));
    index.setMeasurement(`${root}/vbr.mp3`, track('vbr.mp3'), measurement);
    index.setMeasurement(`${root}/tagged.flac`, track('tagged.flac'), measurement);
    expect(index.get(`${root}/vbr.mp3`)?.durationSeconds).toBe(301);
    expect(index.get(`${root}/tagged.flac`)?.durationSeconds).toBe(300);
  });

  it('an analysis problem replaces the measurement, and a later measurement clears the problem', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('a.flac'));
    index.setMeasurement(`${root}/a.flac`, track('a.flac'), measurement);
    expect(index.setAnalysisProblem(`${root}/a.flac`, track('a.flac'), 'decoder failed at 2:31')).toBe(true);
    expect(index.get(`${root}/a.flac`)).toMatchObject({ analysisProblem: 'decoder failed at 2:31' });
    expect(index.get(`${root}/a.flac`)?.measured).toBeUndefined();
    expect(index.setAnalysisProblem(`${root}/a.flac`, { size: 1, mtimeMs: 1 }, 'stale')).toBe(false);

    index.setMeasurement(`${root}/a.flac`, track('a.flac'), measurement);
    expect(index.get(`${root}/a.flac`)?.analysisProblem).toBeUndefined();
  });

  it('rejects a measurement outside the schema with a clear error, changing nothing', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('a.flac'));
    expect(() => index.setMeasurement(`${root}/a.flac`, track('a.flac'), { ...measurement, integratedLufs: Number.NaN })).toThrow(/integratedLufs/);
    expect(index.get(`${root}/a.flac`)?.measured).toBeUndefined();
  });
});

describe('LibraryIndex tracks and unreadable files', () => {
  it('a path is either a track or unreadable, never both', async () => {
    const index = await LibraryIndex.open(dataDir);
    index.putTrack(track('a.flac'));
    index.putUnreadable(root, { path: `${root}/a.flac`, reason: 'damaged FLAC file' });
    expect(index.get(`${root}/a.flac`)).toBeUndefined();
    expect(index.unreadable()).toHaveLength(1);
    index.putTrack(track('a.flac'));
    expect(index.unreadable()).toEqual([]);
    expect(index.entries()).toEqual([{ path: `${root}/a.flac`, root }]);
    expect(index.remove(`${root}/a.flac`)).toBe(true);
    expect(index.remove(`${root}/a.flac`)).toBe(false);
  });
});
