import { execFileSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlaylist, parsePlaylistText, type FileSegment, type Playlist } from '../../../core/playlist';
import { parseM3u } from '../../../core/playlist-formats/m3u';
import { generatedAudioAvailable, generatedDir } from '../../../tests/fixtures/playlist-formats/corpus-library';
import { importPlaylistFile } from './playlist-import';
import { exportM3u8File, exportPortableFolder, safeFileName, type PortableExportProgress } from './portable-export';

if (!generatedAudioAvailable) console.log('SKIP portable export: run `npm run fixtures` first (npm test does).');

let root: string;
let musicDir: string;
let playlistFile: string;

const sources = {
  tone: 'tone-440hz-normal.mp3',
  noise: 'pink-noise-normal.flac',
  vorbis: 'tone-440hz-normal.ogg',
  wave: 'tone-440hz-normal.wav',
} as const;

/**
 * A three-phase playlist in `<root>/playlists/`: relative and absolute paths, a soundscape, an
 * extra, one file used twice, a hostile title, a missing file and a text file.
 */
function samplePlaylist(): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'portable-set',
    title: 'Portable set',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 30,
        segments: [
          { type: 'soundscape', id: 'bed', preset: 'breath', durationSeconds: 120 },
          { type: 'file', id: 'tone', path: '../music/Calm Artist/tone.mp3', title: 'Tone', artist: 'Calm Artist', durationSeconds: 8 },
          { type: 'file', id: 'noise', path: path.join(musicDir, 'noise.flac'), title: '../../etc/passwd: CON*?<>|"', durationSeconds: 8 },
        ],
        extras: [{ type: 'file', id: 'spare', path: '../music/spare.ogg', title: 'Spare ✨ 日本' }],
      },
      {
        id: 'peak',
        kind: 'peak',
        title: 'Peak',
        targetMinutes: 60,
        segments: [
          { type: 'file', id: 'wave', path: '../music/wave.wav', durationSeconds: 8, gainDb: -2, notes: 'kept' },
          { type: 'file', id: 'tone-again', path: '../music/Calm Artist/tone.mp3', title: 'Tone' },
          { type: 'file', id: 'gone', path: '../music/gone.mp3', title: 'Gone' },
        ],
      },
      {
        id: 'return',
        kind: 'return',
        title: 'Return',
        targetMinutes: 30,
        segments: [{ type: 'file', id: 'text', path: '../music/readme.txt', title: 'Not audio' }],
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function fileSegments(playlist: Playlist): FileSegment[] {
  return playlist.phases.flatMap((phase) => [...phase.segments, ...(phase.extras ?? [])]).filter((segment): segment is FileSegment => segment.type === 'file');
}

async function emptyFolder(name: string): Promise<string> {
  const folder = path.join(root, name);
  await mkdir(folder, { recursive: true });
  return folder;
}

describe.skipIf(!generatedAudioAvailable)('portable export', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'attune-portable-'));
    musicDir = path.join(root, 'music');
    await mkdir(path.join(musicDir, 'Calm Artist'), { recursive: true });
    await copyFile(path.join(generatedDir, sources.tone), path.join(musicDir, 'Calm Artist', 'tone.mp3'));
    await copyFile(path.join(generatedDir, sources.noise), path.join(musicDir, 'noise.flac'));
    await copyFile(path.join(generatedDir, sources.vorbis), path.join(musicDir, 'spare.ogg'));
    await copyFile(path.join(generatedDir, sources.wave), path.join(musicDir, 'wave.wav'));
    await writeFile(path.join(musicDir, 'readme.txt'), 'private words\n');
    await mkdir(path.join(root, 'playlists'));
    playlistFile = path.join(root, 'playlists', 'portable-set.json');
    await writeFile(playlistFile, JSON.stringify(samplePlaylist(), null, 2));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the playlist, numbered copies of its audio and an M3U8, and reports what it could not copy', async () => {
    const destination = await emptyFolder('export-1');
    const result = await exportPortableFolder(samplePlaylist(), playlistFile, destination);
    expect(result.folder).toBe(path.join(destination, 'portable-set'));
    expect((await readdir(path.join(result.folder, 'audio'))).sort()).toEqual([
      '001 - Tone.mp3',
      '002 - etc passwd CON.flac',
      '003 - Spare ✨ 日本.ogg',
      '004 - wave.wav',
    ]);
    expect(result.copiedFiles).toBe(4);
    expect(result.missing).toEqual([
      { path: path.join(musicDir, 'gone.mp3'), segmentIds: ['gone'], reason: 'not found' },
      { path: path.join(musicDir, 'readme.txt'), segmentIds: ['text'], reason: 'not an audio file' },
    ]);
    expect(result.notes[0]).toBe('2 audio files were not copied; the exported playlist still points at them where they were');

    const exported = parsePlaylistText(await readFile(result.playlistFile, 'utf8'));
    if (!exported.ok) throw new Error(exported.error.message);
    expect(Object.fromEntries(fileSegments(exported.value).map((segment) => [segment.id, segment.path]))).toEqual({
      tone: 'audio/001 - Tone.mp3',
      'tone-again': 'audio/001 - Tone.mp3',
      noise: 'audio/002 - etc passwd CON.flac',
      spare: 'audio/003 - Spare ✨ 日本.ogg',
      wave: 'audio/004 - wave.wav',
      gone: path.join(musicDir, 'gone.mp3'),
      text: path.join(musicDir, 'readme.txt'),
    });
    // Everything but the paths is the same playlist.
    const withoutPaths = (playlist: Playlist) => JSON.stringify(playlist, (key, value: unknown) => (key === 'path' ? undefined : value));
    expect(withoutPaths(exported.value)).toBe(withoutPaths(samplePlaylist()));
    expect(await readFile(path.join(result.folder, 'audio', '002 - etc passwd CON.flac'))).toEqual(await readFile(path.join(musicDir, 'noise.flac')));
    await expect(readdir(path.join(result.folder, 'audio'))).resolves.not.toContain('readme.txt');

    const m3u8 = parseM3u(await readFile(result.m3u8File, 'utf8'));
    expect(m3u8.entries.map((entry) => entry.location)).toEqual([
      'audio/001 - Tone.mp3',
      'audio/002 - etc passwd CON.flac',
      'audio/004 - wave.wav',
      'audio/001 - Tone.mp3',
      path.join(musicDir, 'gone.mp3'),
      path.join(musicDir, 'readme.txt'),
    ]);
  });

  it('opens on another machine: copied elsewhere, every copied path resolves to the same bytes', async () => {
    const destination = await emptyFolder('export-2');
    const result = await exportPortableFolder(samplePlaylist(), playlistFile, destination);
    const elsewhere = path.join(await mkdtemp(path.join(os.tmpdir(), 'attune-elsewhere-')), 'usb-stick');
    try {
      await cp(result.folder, elsewhere, { recursive: true });
      const moved = parsePlaylistText(await readFile(path.join(elsewhere, 'playlist.json'), 'utf8'));
      if (!moved.ok) throw new Error(moved.error.message);
      const original = new Map(fileSegments(samplePlaylist()).map((segment) => [segment.id, path.resolve(path.dirname(playlistFile), segment.path)]));
      const copied = fileSegments(moved.value).filter((segment) => !path.isAbsolute(segment.path));
      expect(copied.map((segment) => segment.id).sort()).toEqual(['noise', 'spare', 'tone', 'tone-again', 'wave']);
      for (const segment of copied) {
        const resolved = path.resolve(elsewhere, segment.path);
        expect(resolved.startsWith(elsewhere + path.sep)).toBe(true);
        expect(await readFile(resolved)).toEqual(await readFile(original.get(segment.id) ?? ''));
      }

      // Its M3U8 imports there with no library at all: the files lie beside it.
      const imported = await importPlaylistFile(path.join(elsewhere, 'playlist.m3u8'), { libraryTracks: [], libraryRoots: [] });
      expect(imported.segments.map((segment) => path.relative(elsewhere, segment.path))).toEqual([
        path.join('audio', '001 - Tone.mp3'),
        path.join('audio', '002 - etc passwd CON.flac'),
        path.join('audio', '004 - wave.wav'),
        path.join('audio', '001 - Tone.mp3'),
      ]);
      expect(imported.unresolved.map((entry) => entry.reason)).toEqual([
        "outside the playlist's folder and the library folders",
        'not an audio file (".txt" is not a format Attune plays)',
      ]);
    } finally {
      await rm(path.dirname(elsewhere), { recursive: true, force: true });
    }
  });

  it('reports progress by bytes, ending at the total of the copied files', async () => {
    const progress: PortableExportProgress[] = [];
    const result = await exportPortableFolder(samplePlaylist(), playlistFile, await emptyFolder('export-3'), { onProgress: (update) => progress.push(update) });
    const sizes = await Promise.all(['Calm Artist/tone.mp3', 'noise.flac', 'spare.ogg', 'wave.wav'].map(async (name) => (await stat(path.join(musicDir, name))).size));
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(progress.length).toBeGreaterThan(4);
    expect(progress.every((update) => update.totalBytes === total && update.totalFiles === 4)).toBe(true);
    expect(progress.map((update) => update.bytesCopied)).toEqual([...progress.map((update) => update.bytesCopied)].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ bytesCopied: total, totalBytes: total, filesCopied: 4, totalFiles: 4 });
    expect(result.bytesCopied).toBe(total);
  });

  it('stops when cancelled and leaves nothing behind', async () => {
    const destination = await emptyFolder('export-4');
    const controller = new AbortController();
    const exporting = exportPortableFolder(samplePlaylist(), playlistFile, destination, {
      signal: controller.signal,
      onProgress: (update) => {
        if (update.bytesCopied > 0) controller.abort();
      },
    });
    await expect(exporting).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(destination)).toEqual([]);
  });

  it('refuses to write into a folder of that name that holds anything, and uses an empty one', async () => {
    const destination = await emptyFolder('export-5');
    await mkdir(path.join(destination, 'portable-set'));
    await writeFile(path.join(destination, 'portable-set', 'mine.txt'), 'keep me');
    await expect(exportPortableFolder(samplePlaylist(), playlistFile, destination)).rejects.toMatchObject({ code: 'conflict' });
    expect(await readFile(path.join(destination, 'portable-set', 'mine.txt'), 'utf8')).toBe('keep me');

    const other = await emptyFolder('export-6');
    await mkdir(path.join(other, 'portable-set'));
    const result = await exportPortableFolder(samplePlaylist(), playlistFile, other);
    expect(result.copiedFiles).toBe(4);
    await expect(exportPortableFolder(samplePlaylist(), playlistFile, path.join(root, 'no-such-folder'))).rejects.toMatchObject({ code: 'not-found' });
  });

  it('copies neither a device nor a pipe named like audio', async () => {
    const trapDir = path.join(root, 'traps');
    await mkdir(trapDir);
    await symlink('/dev/zero', path.join(trapDir, 'zero.mp3'));
    execFileSync('mkfifo', [path.join(trapDir, 'pipe.ogg')]);
    const playlist = samplePlaylist();
    const peak = playlist.phases[1];
    if (peak === undefined) throw new Error('no peak');
    peak.segments = [
      { type: 'file', id: 'zero', path: path.join(trapDir, 'zero.mp3') },
      { type: 'file', id: 'pipe', path: path.join(trapDir, 'pipe.ogg') },
    ];
    const result = await exportPortableFolder(playlist, playlistFile, await emptyFolder('export-7'));
    expect(result.missing.filter((entry) => entry.segmentIds[0] === 'zero' || entry.segmentIds[0] === 'pipe').map((entry) => entry.reason)).toEqual(['not a regular file', 'not a regular file']);
  });
});

describe.skipIf(!generatedAudioAvailable)('M3U8 export to a chosen file, and back', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'attune-m3u8-'));
    musicDir = path.join(root, 'music');
    await mkdir(path.join(musicDir, 'Calm Artist'), { recursive: true });
    await copyFile(path.join(generatedDir, sources.tone), path.join(musicDir, 'Calm Artist', 'tone.mp3'));
    await copyFile(path.join(generatedDir, sources.noise), path.join(musicDir, 'noise.flac'));
    await copyFile(path.join(generatedDir, sources.vorbis), path.join(musicDir, 'spare.ogg'));
    await copyFile(path.join(generatedDir, sources.wave), path.join(musicDir, 'wave.wav'));
    await mkdir(path.join(root, 'playlists'));
    playlistFile = path.join(root, 'playlists', 'portable-set.json');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const present = (playlist: Playlist) => fileSegments(playlist).filter((segment) => !['gone', 'text', 'spare'].includes(segment.id));

  it('writes paths relative to the M3U8 inside its folder and absolute outside it', async () => {
    const inside = path.join(musicDir, 'set.m3u8');
    await exportM3u8File(samplePlaylist(), playlistFile, inside, { phaseId: 'onset' });
    expect(parseM3u(await readFile(inside, 'utf8')).entries.map((entry) => entry.location)).toEqual(['Calm Artist/tone.mp3', 'noise.flac']);
    const outside = path.join(root, 'elsewhere', 'set.m3u8');
    await mkdir(path.dirname(outside));
    await exportM3u8File(samplePlaylist(), playlistFile, outside, { phaseId: 'onset' });
    expect(parseM3u(await readFile(outside, 'utf8')).entries.map((entry) => entry.location)).toEqual([path.join(musicDir, 'Calm Artist/tone.mp3'), path.join(musicDir, 'noise.flac')]);
  });

  it('imports the whole playlist and each phase back as the same files, titles and durations', async () => {
    const playlist = samplePlaylist();
    const expectSameFiles = (imported: FileSegment[], original: FileSegment[]) => {
      expect(imported.map((segment) => segment.path)).toEqual(original.map((segment) => path.resolve(path.dirname(playlistFile), segment.path)));
      expect(imported.map((segment) => segment.durationSeconds)).toEqual(original.map((segment) => segment.durationSeconds));
      expect(imported.map((segment) => segment.artist)).toEqual(original.map((segment) => segment.artist));
    };
    for (const target of [path.join(musicDir, 'whole.m3u8'), path.join(root, 'whole-absolute.m3u8')]) {
      const written = await exportM3u8File(playlist, playlistFile, target);
      expect(written.entryCount).toBe(6);
      const imported = await importPlaylistFile(target, { libraryTracks: [], libraryRoots: [musicDir] });
      expect(imported.title).toBe('Portable set');
      expectSameFiles(imported.segments, present(playlist));
      expect(imported.unresolved.map((entry) => entry.reason)).toEqual(['not found', 'not an audio file (".txt" is not a format Attune plays)']);
    }
    for (const phase of playlist.phases) {
      const target = path.join(musicDir, `${phase.id}.m3u8`);
      await exportM3u8File(playlist, playlistFile, target, { phaseId: phase.id });
      const imported = await importPlaylistFile(target, { libraryTracks: [], libraryRoots: [musicDir] });
      expectSameFiles(imported.segments, present({ ...playlist, phases: [phase] }));
      expect(imported.segments.map((segment) => segment.title)).toEqual(
        present({ ...playlist, phases: [phase] }).map((segment) => segment.title ?? path.basename(segment.path, path.extname(segment.path))),
      );
    }
  });

  it('refuses a phase the playlist does not have, writing nothing', async () => {
    const target = path.join(root, 'nothing.m3u8');
    await expect(exportM3u8File(samplePlaylist(), playlistFile, target, { phaseId: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('safeFileName', () => {
  it('keeps letters of any script and removes what a file system refuses', () => {
    expect(safeFileName('Spare ✨ 日本')).toBe('Spare ✨ 日本');
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j')).toBe('a b c d e f g h i j');
    expect(safeFileName('../..')).toBe('track');
    expect(safeFileName(' trailing dots... ')).toBe('trailing dots');
    expect(safeFileName('line\nbreak\u0000nul')).toBe('line break nul');
    expect(safeFileName('')).toBe('track');
  });

  it('stays within 180 bytes of UTF-8 without splitting a character', () => {
    const name = safeFileName('🎵'.repeat(100));
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(180);
    expect(name).toBe('🎵'.repeat(45));
  });
});
