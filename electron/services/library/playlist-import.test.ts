import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryTrack } from '../../../core/library';
import { slugId } from '../../../core/playlist';
import { importPlaylistFile, type PlaylistImportOptions } from './playlist-import';

let root: string;
let libraryDir: string;
let playlistsDir: string;
let outsideDir: string;

/** A tenth of a second of silence: a real WAV file, though the import only looks at names. */
function silentWav(): Buffer {
  const samples = 4410;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples * 2, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(44_100, 24);
  header.writeUInt32LE(88_200, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples * 2, 40);
  return Buffer.concat([header, Buffer.alloc(samples * 2)]);
}

async function audioFile(filePath: string): Promise<string> {
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFile(filePath, silentWav());
  return filePath;
}

function track(filePath: string, extra: Partial<LibraryTrack> = {}): LibraryTrack {
  return { path: filePath, root: libraryDir, size: 8864, mtimeMs: 0, format: 'wav', ...extra };
}

async function importText(name: string, text: string | Buffer, options: Partial<PlaylistImportOptions> = {}) {
  const filePath = path.join(playlistsDir, name);
  await writeFile(filePath, text);
  return importPlaylistFile(filePath, { libraryTracks: [], libraryRoots: [libraryDir], ...options });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'attune-import-'));
  libraryDir = path.join(root, 'library');
  playlistsDir = path.join(root, 'playlists');
  outsideDir = path.join(root, 'outside');
  await mkdir(playlistsDir, { recursive: true });
  await mkdir(outsideDir, { recursive: true });
  await mkdir(libraryDir, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('importPlaylistFile', () => {
  it('accepts absolute paths inside a library root and refuses existing files outside it', async () => {
    const inside = await audioFile(path.join(libraryDir, 'Artist', 'song.wav'));
    const outside = await audioFile(path.join(outsideDir, 'private.wav'));
    const imported = await importText('absolute.m3u', `${inside}\n${outside}\n`);
    expect(imported.segments.map((segment) => segment.path)).toEqual([inside]);
    expect(imported.unresolved).toEqual([{ location: outside, line: 2, reason: "outside the playlist's folder and the library folders" }]);
  });

  it('takes the library index\'s tags for a file it knows, and the entry\'s where the index has none', async () => {
    const tagged = await audioFile(path.join(libraryDir, 'tagged.wav'));
    const untagged = await audioFile(path.join(libraryDir, 'untagged.wav'));
    const imported = await importText('tags.m3u', `#EXTINF:99,Entry Artist - Entry Title\n${tagged}\n#EXTINF:42,Entry Artist - Only Here\n${untagged}\n`, {
      libraryTracks: [track(tagged, { title: 'Tag Title', artist: 'Tag Artist', durationSeconds: 12, tagged: { integratedLufs: -14, truePeakDbtp: -1, source: 'replaygain' } }), track(untagged)],
    });
    expect(imported.segments).toEqual([
      { type: 'file', id: 'tag-title', path: tagged, title: 'Tag Title', artist: 'Tag Artist', durationSeconds: 12, loudness: { integratedLufs: -14, truePeakDbtp: -1, source: 'replaygain' } },
      { type: 'file', id: 'only-here', path: untagged, title: 'Only Here', artist: 'Entry Artist', durationSeconds: 42 },
    ]);
  });

  it('follows a library root that is a symbolic link, but no link inside it that leads out', async () => {
    const realLibrary = path.join(root, 'disk', 'music');
    const song = await audioFile(path.join(realLibrary, 'song.wav'));
    await audioFile(path.join(outsideDir, 'secret.wav'));
    const linkedRoot = path.join(root, 'linked-music');
    await symlink(realLibrary, linkedRoot);
    await symlink(path.join(outsideDir, 'secret.wav'), path.join(realLibrary, 'innocent.wav'));
    const imported = await importText('linked.m3u', `${path.join(linkedRoot, 'song.wav')}\n${song}\n${path.join(linkedRoot, 'innocent.wav')}\n`, { libraryRoots: [linkedRoot] });
    expect(imported.segments.map((segment) => segment.path)).toEqual([path.join(linkedRoot, 'song.wav'), song]);
    expect(imported.unresolved.map((entry) => entry.reason)).toEqual(["outside the playlist's folder and the library folders (a symbolic link leads out)"]);
  });

  it('matches a foreign path by its longest trailing folders, and only against tracks under a given root', async () => {
    const live = await audioFile(path.join(libraryDir, 'Artist', 'Live', 'song.wav'));
    const studio = await audioFile(path.join(libraryDir, 'Artist', 'Studio', 'song.wav'));
    const staleRoot = path.join(root, 'removed-root');
    const stale = await audioFile(path.join(staleRoot, 'only-there.wav'));
    const imported = await importText('foreign.m3u', 'C:\\Music\\Artist\\Studio\\song.wav\nD:\\Elsewhere\\Live\\song.wav\nC:\\Music\\only-there.wav\n', {
      libraryTracks: [track(live), track(studio), track(stale, { root: staleRoot })],
    });
    expect(imported.segments.map((segment) => segment.path)).toEqual([studio, live]);
    expect(imported.unresolved.map((entry) => entry.reason)).toEqual(['not found here (a Windows path from another computer)']);
  });

  it('reports a library match whose file has gone since the scan', async () => {
    const gone = await audioFile(path.join(libraryDir, 'gone.wav'));
    const libraryTracks = [track(gone)];
    await unlink(gone);
    const imported = await importText('gone.m3u', 'C:\\Music\\gone.wav\n', { libraryTracks });
    expect(imported.unresolved[0]?.reason).toBe(`not found here (a Windows path from another computer); the library file with its name (${gone}): not found`);
  });

  it('refuses a file the library index already knows it cannot read, saying why, and keeps the entries beside it', async () => {
    const broken = await audioFile(path.join(libraryDir, 'cut-off.mp3'));
    const good = await audioFile(path.join(libraryDir, 'whole.wav'));
    const unreadableFiles = [{ path: broken, reason: 'the file ends in the middle of an MPEG frame' }];
    const imported = await importText('mixed.m3u', `${broken}\n${good}\n`, { libraryTracks: [track(good)], unreadableFiles });
    expect(imported.segments.map((segment) => segment.path)).toEqual([good]);
    expect(imported.unresolved).toEqual([
      {
        location: broken,
        line: 1,
        reason: 'the library could not read this file (the file ends in the middle of an MPEG frame); rescan the library if it has been replaced since',
      },
    ]);
    // Without the index's finding, the same file would have been taken.
    expect((await importText('mixed.m3u', `${broken}\n`)).segments.map((segment) => segment.path)).toEqual([broken]);
  });

  it('gives unique slug ids from titles, avoiding reserved ones', async () => {
    await audioFile(path.join(playlistsDir, 'a.wav'));
    const long = 'A very long title that goes on and on well past sixty-four characters in all';
    const text = ['Same', 'Same', 'Café Crème', '日本', long, 'Taken'].map((title) => `#EXTINF:1,${title}\na.wav`).join('\n');
    const imported = await importText('ids.m3u', text, { reservedIds: ['taken', 'same'] });
    const ids = imported.segments.map((segment) => segment.id);
    expect(ids).toEqual(['same-2', 'same-3', 'cafe-creme', 'track', 'a-very-long-title-that-goes-on-and-on-well-past-sixty-fo', 'taken-2']);
    for (const id of ids) expect(slugId.safeParse(id).success, id).toBe(true);
  });

  it('names the playlist from #PLAYLIST, XSPF <title> or else the file name', async () => {
    expect((await importText('My Set.m3u8', '#EXTM3U\n')).title).toBe('My Set');
    expect((await importText('x.m3u8', '#EXTM3U\n#PLAYLIST:Named\n')).title).toBe('Named');
    expect((await importText('x.xspf', '<playlist><title>From XML</title><trackList/></playlist>')).title).toBe('From XML');
  });

  it('caps a stated duration at the eight hours a segment may last', async () => {
    await audioFile(path.join(playlistsDir, 'long.wav'));
    const imported = await importText('long.m3u', '#EXTINF:99999,Long\nlong.wav\n');
    expect(imported.segments[0]?.durationSeconds).toBe(8 * 3600);
  });

  describe('encodings', () => {
    it('reads UTF-16 with a byte order mark', async () => {
      await audioFile(path.join(playlistsDir, 'Crème.wav'));
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('#EXTM3U\r\n#EXTINF:1,Crème\r\nCrème.wav\r\n', 'utf16le')]);
      const imported = await importText('utf16.m3u', utf16);
      expect(imported.segments.map((segment) => segment.title)).toEqual(['Crème']);
      expect(imported.notes).toEqual([]);
    });

    it('reads a .m3u8 that is not UTF-8 as Windows-1252 and says the file breaks its promise', async () => {
      await audioFile(path.join(playlistsDir, 'Crème €.wav'));
      const imported = await importText('legacy.m3u8', Buffer.from('Cr\xe8me \x80.wav\n', 'latin1'));
      expect(imported.segments.map((segment) => path.basename(segment.path))).toEqual(['Crème €.wav']);
      expect(imported.notes).toEqual(['the file is not valid UTF-8; it was read as Windows-1252 (Western European), as older players write playlists, although .m3u8 files should be UTF-8']);
    });

    it('follows the encoding an XSPF file declares, and refuses XML that is not UTF-8 without saying so', async () => {
      await audioFile(path.join(playlistsDir, 'Crème.wav'));
      const declared = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><playlist><title>Caf\xe9</title><trackList><track><location>Cr%C3%A8me.wav</location></track></trackList></playlist>', 'latin1');
      const imported = await importText('declared.xspf', declared);
      expect(imported.title).toBe('Café');
      expect(imported.segments).toHaveLength(1);
      await expect(importText('undeclared.xspf', Buffer.from('<playlist><title>Caf\xe9</title></playlist>', 'latin1'))).rejects.toMatchObject({
        code: 'invalid-data',
        message: 'the XSPF file is not valid UTF-8 and declares no other encoding',
      });
    });
  });
});
