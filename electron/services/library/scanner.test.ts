import { chmod, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scanProgressSchema, scanSummarySchema, type ScanProgress } from '../../../core/library-scan';
import { copyWithTags, makeLibrary, makeLibraryMasters, type LibraryMasters, type TestLibrary } from '../../../tests/support/make-library';
import { LibraryIndex } from './library-index';
import { readTrack, type TrackReader } from './read-track';
import { scanLibrary } from './scanner';

let masters: LibraryMasters;
let library: TestLibrary;
let dataDir: string;

beforeAll(async () => {
  masters = await makeLibraryMasters(1);
});

afterAll(async () => {
  await masters.remove();
});

beforeEach(async () => {
  library = await makeLibrary(masters);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-scan-data-'));
});

afterEach(async () => {
  await library.remove();
  await rm(dataDir, { recursive: true, force: true });
});

const relative = (filePath: string) => path.relative(library.root, filePath);
const at = (relativePath: string) => path.join(library.root, relativePath);
const trackPaths = (index: LibraryIndex) => index.tracks().map((track) => relative(track.path));
const unreadablePaths = (index: LibraryIndex) => index.unreadable().map((file) => relative(file.path));
const sorted = (values: Iterable<string>) => [...values].sort();

/** Reads like the real reader and remembers which files it was asked to read. */
function countingReader(): { reader: TrackReader; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    reader: async (file) => {
      reads.push(relative(file.path));
      return readTrack(file);
    },
  };
}

/** Files the reader is asked about and finds unreadable: they are tried again on every scan. */
const readerUnreadable = () => library.unreadable.filter((file) => !/loop|dangling|pipe/.test(file));

describe('scanLibrary: a first scan', () => {
  it('lists every track with its tags, format and duration, and every unreadable file with its reason', async () => {
    const index = await LibraryIndex.open(dataDir);
    const summary = await scanLibrary([library.root], index);

    expect(scanSummarySchema.parse(summary)).toEqual(summary);
    expect(sorted(trackPaths(index))).toEqual(sorted(Object.keys(library.tracks)));
    expect(sorted(unreadablePaths(index))).toEqual(sorted(library.unreadable));
    for (const ignored of library.ignored) expect(index.get(at(ignored)), ignored).toBeUndefined();
    expect(summary).toMatchObject({ added: Object.keys(library.tracks).length, updated: 0, unchanged: 0, removed: 0, unreadable: library.unreadable.length, rootProblems: [], folderProblems: [], cancelled: false });

    for (const [relativePath, expected] of Object.entries(library.tracks)) {
      const track = index.get(at(relativePath));
      expect(track, relativePath).toMatchObject({ root: library.root, format: expected.format, channels: 2 });
      expect(track?.title, relativePath).toBe(expected.title);
      expect(track?.artist, relativePath).toBe(expected.artist);
      expect(track?.durationSeconds, relativePath).toBeCloseTo(masters.seconds, 1);
      expect(track?.sampleRate, relativePath).toBe(expected.format === 'opus' ? 48000 : 44100);
      if (expected.tagged === undefined) {
        expect(track?.tagged, relativePath).toBeUndefined();
      } else {
        expect(track?.tagged?.source, relativePath).toBe(expected.tagged.source);
        expect(track?.tagged?.integratedLufs, relativePath).toBeCloseTo(expected.tagged.integratedLufs, 2);
        if (expected.tagged.truePeakDbtp === undefined) expect(track?.tagged?.truePeakDbtp, relativePath).toBeUndefined();
        else expect(track?.tagged?.truePeakDbtp, relativePath).toBeCloseTo(expected.tagged.truePeakDbtp, 2);
      }
    }
    expect(index.get(at('日本/曲.mp3'))?.album).toBe('アルバム');
  });

  it('says why each file could not be read, in words', async () => {
    const index = await LibraryIndex.open(dataDir);
    await scanLibrary([library.root], index);
    const reasons = Object.fromEntries(index.unreadable().map((file) => [relative(file.path), file.reason]));
    expect(reasons['Broken/loop.mp3']).toMatch(/points back to itself/);
    expect(reasons['Broken/dangling.mp3']).toMatch(/broken symbolic link/);
    expect(reasons['Broken/not audio.mp3']).toMatch(/not an audio file/);
    expect(reasons['Broken/empty.flac']).toMatch(/empty file/);
    expect(reasons['Broken/truncated.m4a']).toMatch(/damaged MP4/);
    expect(reasons['Broken/really flac.mp3']).toMatch(/rename it to \.flac/);
    expect(reasons['Broken/really m4a.mp3']).toMatch(/rename it to \.m4a/);
    expect(reasons['Broken/flac behind a tag.mp3']).toMatch(/rename it to \.flac/);
    expect(reasons['Broken/pipe.mp3']).toMatch(/not a regular file/);
    if (library.unreadable.includes('Broken/locked.mp3')) expect(reasons['Broken/locked.mp3']).toMatch(/permission denied/);
    for (const reason of Object.values(reasons)) expect(reason).not.toContain(library.root);
  });

  it('lists a folder reached twice (overlapping roots, a link back up) once', async () => {
    const index = await LibraryIndex.open(dataDir);
    const summary = await scanLibrary([library.root, at('Ambient'), `${library.root}/`], index);
    expect(sorted(trackPaths(index))).toEqual(sorted(Object.keys(library.tracks)));
    expect(summary.added).toBe(Object.keys(library.tracks).length);
    expect(index.tracks().every((track) => track.root === library.root)).toBe(true);
  });
});

describe('scanLibrary: rescans', () => {
  it('reads only new and changed files, drops deleted ones, and keeps measurements of unchanged ones', async () => {
    const index = await LibraryIndex.open(dataDir);
    await scanLibrary([library.root], index);
    const measurement = { integratedLufs: -14, truePeakDbtp: -1, rangeLu: 3, durationSeconds: 1 };
    const unchanged = index.get(at('Ambient/room tone.wav'));
    const retagged = index.get(at('日本/曲.mp3'));
    if (unchanged === undefined || retagged === undefined) throw new Error('the first scan missed a track');
    expect(index.setMeasurement(unchanged.path, unchanged, measurement)).toBe(true);
    expect(index.setMeasurement(retagged.path, retagged, measurement)).toBe(true);

    await copyWithTags(masters.files.mp3, at('日本/曲.mp3'), { title: '曲 (remaster)', gain: '-1.00 dB', peak: '0.9' }); // new size and time
    const touched = new Date(Date.now() + 60_000);
    await utimes(at('Ambient/LOUD.MP3'), touched, touched); // same bytes, new time
    await rm(at('Ambient/river.opus'));
    await copyWithTags(masters.files.flac, at('Ólafur Arnalds/Nýtt.flac'), { title: 'Nýtt' });

    const { reader, reads } = countingReader();
    const summary = await scanLibrary([library.root], index, { readTrack: reader });

    expect(sorted(reads)).toEqual(sorted(['日本/曲.mp3', 'Ambient/LOUD.MP3', 'Ólafur Arnalds/Nýtt.flac', ...readerUnreadable()]));
    expect(summary).toMatchObject({ added: 1, updated: 2, removed: 1, unchanged: Object.keys(library.tracks).length - 3, unreadable: library.unreadable.length });
    expect(index.get(at('Ambient/river.opus'))).toBeUndefined();
    expect(index.get(at('Ólafur Arnalds/Nýtt.flac'))?.title).toBe('Nýtt');
    expect(index.get(at('日本/曲.mp3'))).toMatchObject({ title: '曲 (remaster)', tagged: { integratedLufs: -17, source: 'replaygain' } });
    expect(index.get(at('日本/曲.mp3'))?.measured).toBeUndefined();
    expect(index.get(at('Ambient/room tone.wav'))?.measured).toEqual(measurement);

    const again = countingReader();
    const quiet = await scanLibrary([library.root], index, { readTrack: again.reader });
    expect(sorted(again.reads)).toEqual(sorted(readerUnreadable()));
    expect(quiet).toMatchObject({ added: 0, updated: 0, removed: 0, unchanged: Object.keys(library.tracks).length });
  });

  it('remembers across restarts: a scan with a reopened index reads nothing unchanged', async () => {
    await scanLibrary([library.root], await LibraryIndex.open(dataDir));
    const { reader, reads } = countingReader();
    const reopened = await LibraryIndex.open(dataDir);
    const summary = await scanLibrary([library.root], reopened, { readTrack: reader });
    expect(sorted(reads)).toEqual(sorted(readerUnreadable()));
    expect(summary.unchanged).toBe(Object.keys(library.tracks).length);
  });

  it('turns a track that became unreadable into an unreadable file, and back once it is fixed', async () => {
    const index = await LibraryIndex.open(dataDir);
    await scanLibrary([library.root], index);
    await writeFile(at('Ambient/LOUD.MP3'), 'overwritten by mistake');
    await scanLibrary([library.root], index);
    expect(index.get(at('Ambient/LOUD.MP3'))).toBeUndefined();
    expect(index.unreadable().find((file) => file.path === at('Ambient/LOUD.MP3'))?.reason).toMatch(/not an audio file/);

    await copyWithTags(masters.files.mp3, at('Ambient/LOUD.MP3'), {});
    const summary = await scanLibrary([library.root], index);
    expect(index.get(at('Ambient/LOUD.MP3'))?.format).toBe('mp3');
    expect(unreadablePaths(index)).not.toContain('Ambient/LOUD.MP3');
    expect(summary.added).toBe(1);
  });
});

describe('scanLibrary: roots', () => {
  it('reports a missing root, a root that is a file and a relative root, and scans the others', async () => {
    const index = await LibraryIndex.open(dataDir);
    const missing = path.join(library.dir, 'Unplugged drive');
    const file = at('notes.txt');
    const summary = await scanLibrary([missing, library.root, file, 'Music'], index);
    expect(summary.rootProblems).toEqual([
      { root: missing, reason: expect.stringMatching(/not found/) },
      { root: file, reason: 'not a folder' },
      { root: 'Music', reason: 'not an absolute path' },
    ]);
    expect(sorted(trackPaths(index))).toEqual(sorted(Object.keys(library.tracks)));
  });

  it('keeps the tracks (and measurements) of a root that is not there now, and drops those of a root no longer in the list', async () => {
    const index = await LibraryIndex.open(dataDir);
    await scanLibrary([library.root], index);
    const track = index.get(at('Ambient/room tone.wav'));
    if (track === undefined) throw new Error('the first scan missed a track');
    index.setMeasurement(track.path, track, { integratedLufs: -20, truePeakDbtp: -3, rangeLu: 1, durationSeconds: 1 });

    const unplugged = `${library.root} (unplugged)`;
    await rename(library.root, unplugged);
    const whileAway = await scanLibrary([library.root], index);
    expect(whileAway.rootProblems).toHaveLength(1);
    expect(whileAway.removed).toBe(0);
    expect(trackPaths(index)).toHaveLength(Object.keys(library.tracks).length);

    await rename(unplugged, library.root);
    const back = countingReader();
    await scanLibrary([library.root], index, { readTrack: back.reader });
    expect(sorted(back.reads)).toEqual(sorted(readerUnreadable()));
    expect(index.get(track.path)?.measured?.integratedLufs).toBe(-20);

    const removed = await scanLibrary([], index);
    expect(removed.removed).toBe(Object.keys(library.tracks).length + library.unreadable.length);
    expect(index.tracks()).toEqual([]);
    expect(index.unreadable()).toEqual([]);
  });
});

describe('scanLibrary: folders', () => {
  // Root reads every folder whatever its mode (the tests run as root here), so this runs for other users only.
  it.skipIf(process.getuid?.() === 0)('reports a folder it may not list and keeps the tracks known under it', async () => {
    const index = await LibraryIndex.open(dataDir);
    await scanLibrary([library.root], index);
    await chmod(at('Ambient/Deep'), 0o000);
    try {
      const summary = await scanLibrary([library.root], index);
      expect(summary.folderProblems).toEqual([{ path: at('Ambient/Deep'), reason: 'permission denied' }]);
      expect(summary.removed).toBe(0);
      expect(index.get(at('Ambient/Deep/Nested/drone.ogg'))).toBeDefined();
    } finally {
      await chmod(at('Ambient/Deep'), 0o755);
    }
  });
});

describe('scanLibrary: progress and cancellation', () => {
  it('reports progress whose counts add up: found, then read of total, then done', async () => {
    const index = await LibraryIndex.open(dataDir);
    const events: ScanProgress[] = [];
    const summary = await scanLibrary([library.root], index, { onProgress: (progress) => events.push(progress), progressIntervalMs: 0 });

    for (const event of events) expect(scanProgressSchema.parse(event)).toEqual(event);
    const phases = events.map((event) => event.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['listing', 'reading', 'done']);
    const found = events.map((event) => event.found);
    expect(found).toEqual([...found].sort((a, b) => a - b));
    const reading = events.filter((event) => event.phase === 'reading');
    const reads = reading.map((event) => event.read);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    for (const event of reading) {
      expect(event.read).toBeLessThanOrEqual(event.total);
      if (event.read > 0) expect(event.currentPath?.startsWith(library.root)).toBe(true);
    }
    const last = events.at(-1);
    const filesRead = summary.added + summary.updated + summary.unreadable - 3; // loop, dangling and pipe are judged while listing
    expect(last).toMatchObject({ phase: 'done', found: Object.keys(library.tracks).length + library.unreadable.length, read: filesRead, total: filesRead });
    expect(last?.currentPath).toBeUndefined();
  });

  it('throttles progress: with a long interval only the phase changes are reported', async () => {
    const events: ScanProgress[] = [];
    await scanLibrary([library.root], await LibraryIndex.open(dataDir), { onProgress: (progress) => events.push(progress), progressIntervalMs: 60_000 });
    expect(events.map((event) => event.phase)).toEqual(['listing', 'reading', 'done']);
  });

  it('stops reading promptly when cancelled, keeps and saves what was read, and the next scan reads only the rest', async () => {
    const index = await LibraryIndex.open(dataDir);
    const controller = new AbortController();
    const { reads } = countingReader();
    const events: ScanProgress[] = [];
    const summary = await scanLibrary([library.root], index, {
      signal: controller.signal,
      concurrency: 1,
      progressIntervalMs: 0,
      onProgress: (progress) => events.push(progress),
      readTrack: async (file) => {
        reads.push(relative(file.path));
        if (reads.length === 3) controller.abort();
        return readTrack(file);
      },
    });
    expect(summary.cancelled).toBe(true);
    expect(reads).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ phase: 'cancelled', read: 3 });

    const reopened = await LibraryIndex.open(dataDir);
    const kept = [...trackPaths(reopened), ...unreadablePaths(reopened)];
    for (const file of reads) expect(kept).toContain(file);

    const rest = countingReader();
    await scanLibrary([library.root], reopened, { readTrack: rest.reader });
    const readTracks = reads.filter((file) => file in library.tracks);
    for (const file of readTracks) expect(rest.reads).not.toContain(file);
    expect(sorted(trackPaths(reopened))).toEqual(sorted(Object.keys(library.tracks)));
  });

  it('removes nothing when cancelled while still listing', async () => {
    const index = await LibraryIndex.open(dataDir);
    await scanLibrary([library.root], index);
    const controller = new AbortController();
    await rm(at('Ambient/LOUD.MP3'));
    const summary = await scanLibrary([library.root], index, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (progress) => {
        if (progress.phase === 'listing') controller.abort();
      },
    });
    expect(summary).toMatchObject({ cancelled: true, removed: 0, added: 0, updated: 0 });
    expect(index.get(at('Ambient/LOUD.MP3'))).toBeDefined();
  });

  it('returns at once for a signal already aborted', async () => {
    const { reader, reads } = countingReader();
    const summary = await scanLibrary([library.root], await LibraryIndex.open(dataDir), { signal: AbortSignal.abort(), readTrack: reader });
    expect(summary.cancelled).toBe(true);
    expect(reads).toEqual([]);
  });
});

describe('scanLibrary: failures around the scan', () => {
  it('still scans when the index cannot be saved, and says so in the summary', async () => {
    await writeFile(path.join(dataDir, 'library'), 'a file where the library folder should be');
    const index = await LibraryIndex.open(dataDir);
    const summary = await scanLibrary([library.root], index);
    expect(summary.saveProblem).toMatch(/could not be saved/);
    expect(trackPaths(index)).toHaveLength(Object.keys(library.tracks).length);
  });

  it('lists a file whose reader throws as unreadable and goes on', async () => {
    const index = await LibraryIndex.open(dataDir);
    const summary = await scanLibrary([library.root], index, {
      readTrack: async (file) => {
        if (file.path.endsWith('drone.ogg')) throw new Error('reader bug');
        return readTrack(file);
      },
    });
    expect(index.unreadable().find((file) => file.path.endsWith('drone.ogg'))?.reason).toMatch(/reader bug/);
    expect(summary.added).toBe(Object.keys(library.tracks).length - 1);
  });

  it('refuses a second scan of the same index while one runs', async () => {
    const index = await LibraryIndex.open(dataDir);
    const first = scanLibrary([library.root], index);
    await expect(scanLibrary([library.root], index)).rejects.toThrow(/already running/);
    await first;
  });
});
