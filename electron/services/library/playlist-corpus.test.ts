import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSegmentSchema } from '../../../core/playlist';
import { ContractFailure } from '../../../core/result';
import { generatedAudioAvailable, makeCorpusWorld, type CorpusWorld } from '../../../tests/fixtures/playlist-formats/corpus-library';
import { isInsideFolder } from '../inside-folder';
import { importPlaylistFile, type ImportedPlaylist } from './playlist-import';

if (!generatedAudioAvailable) console.log('SKIP playlist corpus: run `npm run fixtures` first (npm test does).');

/** What each corpus file must give: resolved files (library- or playlists-relative) in order, and each refusal's reason. */
interface Expected {
  readonly title?: string;
  readonly resolved: readonly string[];
  readonly unresolved: readonly (readonly [location: string | RegExp, reason: RegExp])[];
  readonly notes?: readonly RegExp[];
}

const tone = 'library/Calm Artist/Quiet Album/01 Tone.mp3';
const deep = 'library/Drones/Deep/long.opus';
const japanese = 'library/Música Ñ/日本 🎵.ogg';
const cafe = 'library/Café/Crème.mp3';
const local = 'playlists/local.wav';
const notAudio = /^not an audio file/;
const outside = /^outside the playlist's folder and the library folders/;

const corpus: Readonly<Record<string, Expected>> = {
  'bom-crlf.m3u': {
    title: 'Morning set',
    resolved: [tone, deep, local],
    unresolved: [['missing-here.mp3', /^not found$/]],
  },
  'unicode.m3u8': { resolved: [japanese, japanese, cafe], unresolved: [] },
  'windows-paths.m3u': {
    resolved: [tone, tone, deep, japanese, 'library/Drones/Other/long.opus'],
    unresolved: [
      ['C:\\Music\\Twins\\same.m4a', /^not found here \(a Windows path from another computer\); 2 library files share its name, so which one is meant cannot be told$/],
      ['C:\\Music\\Unknown Artist\\missing.mp3', /^not found here \(a Windows path from another computer\)$/],
      ['C:relative-to-drive.mp3', /drive's current folder/],
      ['C:\\Music\\Calm Artist\\cover.jpg', /^not an audio file \("\.jpg"/],
    ],
  },
  'windows-1252.m3u': { resolved: [cafe], unresolved: [], notes: [/read as Windows-1252/] },
  'file-urls.m3u8': {
    resolved: [tone, japanese, deep, cafe, tone],
    unresolved: [
      ['file:///music/caf%E9.mp3', /not UTF-8/],
      ['file:///music/a%2Fb.mp3', /encoded slash/],
    ],
  },
  'winamp.pls': {
    resolved: [tone, deep, japanese],
    unresolved: [['http://radio.example/stream', /^a network address \(http:\); Attune plays only files on this computer$/]],
    notes: [/entry 2 has a title or length but no File2/, /NumberOfEntries says 6, the file lists 4/],
  },
  'no-header.pls': { resolved: [local, cafe], unresolved: [], notes: [/no \[playlist\] header/] },
  'vlc.xspf': {
    title: 'Evening & night',
    resolved: [tone, japanese, local],
    unresolved: [['https://cdn.example/track.mp3', /network address \(https:\)/]],
    notes: [/track 5 \("No location at all"\) has no location/],
  },
  'billion-laughs.xspf': { title: 'billion-laughs', resolved: [], unresolved: [], notes: [/declares a DOCTYPE or entities/] },
  'external-entity.xspf': { resolved: [], unresolved: [], notes: [/declares a DOCTYPE or entities/] },
  'hls-stream.m3u8': {
    resolved: [],
    unresolved: [
      ['segment0.ts', notAudio],
      ['segment1.ts', notAudio],
    ],
    notes: [/HTTP Live Streaming/],
  },
  'hostile.m3u': {
    resolved: [],
    unresolved: [
      ['../../etc/passwd', notAudio],
      ['../../../../../../../../etc/passwd', notAudio],
      ['/etc/passwd', notAudio],
      ['/dev/zero', notAudio],
      ['/proc/self/environ', notAudio],
      ['%2e%2e/outside/secret.mp3', outside],
      ['../outside/secret.mp3', outside],
      ['escape.mp3', /a symbolic link leads out/],
      ['zero.mp3', /^not a regular file$/],
      ['loop.mp3', /loop of symbolic links/],
      ['folder.mp3', /^not a regular file$/],
      ['http://evil.example/track.mp3', /network address \(http:\)/],
      ['javascript:alert(document.cookie)', /"javascript:", not a file/],
      ['data:audio/mpeg;base64,SUQzBAAAAAAA', /"data:", not a file/],
      ['file:///etc/shadow', notAudio],
      ['\\\\evil.example\\share\\payload.mp3', /^not found here/],
      ['C:\\Windows\\System32\\config\\SAM', notAudio],
      ['innocent\uFFFD.mp3', /control character/],
      [/^line\uFFFD\[2Jbreak\.mp3$/, /control character/],
    ],
  },
};

let world: CorpusWorld;
let realRoot: string;

async function importCorpusFile(name: string): Promise<ImportedPlaylist> {
  return importPlaylistFile(path.join(world.playlistsDir, name), { libraryTracks: world.tracks, libraryRoots: [world.libraryDir] });
}

/** Nothing accepted may lie outside the library root or the playlists' folder, by its real path. */
async function expectOnlyAllowedFiles(imported: ImportedPlaylist): Promise<void> {
  for (const segment of imported.segments) {
    expect(fileSegmentSchema.safeParse(segment).success, segment.id).toBe(true);
    const real = await realpath(segment.path);
    expect(isInsideFolder(path.join(realRoot, 'library'), real) || isInsideFolder(path.join(realRoot, 'playlists'), real), real).toBe(true);
  }
}

describe.skipIf(!generatedAudioAvailable)('the playlist corpus', () => {
  beforeAll(async () => {
    world = await makeCorpusWorld(await mkdtemp(path.join(os.tmpdir(), 'attune-corpus-')));
    realRoot = await realpath(world.root);
  });

  afterAll(async () => {
    await rm(world.root, { recursive: true, force: true });
  });

  it('covers every committed playlist file', async () => {
    const names = (await readdir(world.playlistsDir)).filter((name) => /\.(m3u8?|pls|xspf)$/.test(name));
    expect(names.sort()).toEqual(Object.keys(corpus).sort());
  });

  for (const [name, expected] of Object.entries(corpus)) {
    it(`${name}: each entry resolved or reported with its reason, nothing outside the library accepted`, async () => {
      const imported = await importCorpusFile(name);
      await expectOnlyAllowedFiles(imported);
      expect(imported.segments.map((segment) => path.relative(world.root, segment.path))).toEqual(expected.resolved.map((relative) => path.normalize(relative)));
      expect(imported.unresolved).toHaveLength(expected.unresolved.length);
      imported.unresolved.forEach((entry, index) => {
        const [location, reason] = expected.unresolved[index] ?? ['', /^$/];
        if (typeof location === 'string') expect(entry.location).toBe(location);
        else expect(entry.location).toMatch(location);
        expect(entry.reason).toMatch(reason);
      });
      for (const note of expected.notes ?? []) expect(imported.notes.join('\n')).toMatch(note);
      if (expected.title !== undefined) expect(imported.title).toBe(expected.title);
      expect(new Set(imported.segments.map((segment) => segment.id)).size).toBe(imported.segments.length);
    });
  }

  it('gives a library file its tags and loudness, and an unindexed file what the entry says', async () => {
    const imported = await importCorpusFile('bom-crlf.m3u');
    expect(imported.segments[0]).toEqual({
      type: 'file',
      id: 'tone-one-tagged',
      path: path.join(world.libraryDir, 'Calm Artist/Quiet Album/01 Tone.mp3'),
      title: 'Tone One (tagged)',
      artist: 'Calm Artist',
      durationSeconds: 8,
      loudness: { integratedLufs: -18.1, truePeakDbtp: -1.5, rangeLu: 0.2, source: 'measured' },
    });
    expect(imported.segments[1]).toEqual({ type: 'file', id: 'deep-drone', path: path.join(world.libraryDir, 'Drones/Deep/long.opus'), title: 'Deep drone' });
    expect(imported.outsideLibraryRoots).toEqual(['local']);
  });

  it('gives every entry a line number to find it by', async () => {
    const imported = await importCorpusFile('hostile.m3u');
    expect(imported.unresolved.map((entry) => entry.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21]);
  });

  describe('files generated at test time', () => {
    it('refuses 20,000 entries with the limit in the message', async () => {
      const filePath = path.join(world.playlistsDir, 'twenty-thousand.m3u');
      await writeFile(filePath, Array.from({ length: 20_000 }, (_, index) => `../library/track-${index}.mp3`).join('\n'));
      await expect(importCorpusFile('twenty-thousand.m3u')).rejects.toThrow(/more than 10,000 entries; Attune imports at most 10,000/);
    });

    it('reports a 100 KB line as too long, quoting only the start of it', async () => {
      await writeFile(path.join(world.playlistsDir, 'long-line.m3u'), `#EXTINF:1,${'t'.repeat(100_000)}\n${'a/'.repeat(50_000)}x.mp3\n../library/Café/Crème.mp3\n`);
      const imported = await importCorpusFile('long-line.m3u');
      expect(imported.unresolved).toHaveLength(1);
      expect(imported.unresolved[0]?.reason).toBe('the path is longer than 4096 characters');
      expect(imported.unresolved[0]?.location.length).toBeLessThanOrEqual(300);
      expect(imported.segments.map((segment) => path.basename(segment.path))).toEqual(['Crème.mp3']);
    });

    it('refuses a file over 5 MB before reading it', async () => {
      await writeFile(path.join(world.playlistsDir, 'huge.m3u'), Buffer.alloc(6 * 1024 * 1024, 'a'));
      await expect(importCorpusFile('huge.m3u')).rejects.toThrow(/6\.0 MB; Attune imports playlist files of at most 5 MB/);
    });

    it('refuses a named pipe and a link to a device without waiting on them', async () => {
      execFileSync('mkfifo', [path.join(world.playlistsDir, 'pipe.m3u')]);
      await symlink('/dev/zero', path.join(world.playlistsDir, 'zero.m3u'));
      for (const name of ['pipe.m3u', 'zero.m3u']) {
        const failure = await importCorpusFile(name).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ContractFailure);
        expect((failure as ContractFailure).message).toBe('the playlist is not a regular file');
      }
    });

    it('refuses a missing file and one that is not a playlist, as typed failures', async () => {
      await expect(importCorpusFile('nowhere.m3u')).rejects.toMatchObject({ code: 'not-found' });
      await writeFile(path.join(world.playlistsDir, 'notes.txt'), 'just words\n');
      await expect(importCorpusFile('notes.txt')).rejects.toMatchObject({ code: 'invalid-data', message: expect.stringMatching(/not a playlist Attune can import/) });
    });

    it('reads random bytes named .m3u without throwing and accepts nothing outside', async () => {
      for (let round = 0; round < 20; round += 1) {
        const bytes = Buffer.alloc(4096);
        for (let index = 0; index < bytes.length; index += 1) bytes[index] = (index * 7919 + round * 104_729) % 251;
        await writeFile(path.join(world.playlistsDir, 'noise.m3u'), bytes);
        const imported = await importCorpusFile('noise.m3u');
        await expectOnlyAllowedFiles(imported);
      }
    });

    it('reads an empty file as a playlist with no entries', async () => {
      await writeFile(path.join(world.playlistsDir, 'empty.m3u'), '');
      const imported = await importCorpusFile('empty.m3u');
      expect(imported).toMatchObject({ title: 'empty', segments: [], unresolved: [], notes: ['the file lists no entries'] });
    });
  });
});
