import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseByteRange } from './file-response';
import type { HostResponse } from './host-response';
import { audioContentType, createMediaHandler, type MediaHandler } from './media';
import { PlaylistCatalog } from './playlists';

const trackBytes = Buffer.from(Array.from({ length: 1000 }, (_, index) => index % 251));

let base: string;
let playlistsDir: string;
let libraryDir: string;
let outsideDir: string;
let catalog: PlaylistCatalog;
let serveMedia: MediaHandler;

function fileSegment(id: string, filePath: string) {
  return { type: 'file', id, path: filePath };
}

beforeAll(async () => {
  // realpath: on macOS the temp folder is itself behind a symbolic link.
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'attune-media-')));
  playlistsDir = path.join(base, 'playlists');
  libraryDir = path.join(base, 'library');
  outsideDir = path.join(base, 'outside');
  await mkdir(path.join(playlistsDir, 'music', 'folder.mp3'), { recursive: true });
  await mkdir(path.join(libraryDir, 'album'), { recursive: true });
  await mkdir(outsideDir, { recursive: true });
  await writeFile(path.join(playlistsDir, 'music', 'track.mp3'), trackBytes);
  await writeFile(path.join(playlistsDir, 'music', 'empty.mp3'), '');
  await writeFile(path.join(playlistsDir, 'music', 'tone.opus'), 'opus');
  await writeFile(path.join(playlistsDir, 'music', 'notes.txt'), 'not audio');
  await writeFile(path.join(libraryDir, 'album', 'song.flac'), 'flac bytes');
  await writeFile(path.join(outsideDir, 'secret.mp3'), 'not for the renderer');
  await symlink(path.join(outsideDir, 'secret.mp3'), path.join(playlistsDir, 'music', 'link-out.mp3'));
  await symlink('track.mp3', path.join(playlistsDir, 'music', 'link-in.mp3'));
  await symlink(outsideDir, path.join(playlistsDir, 'music', 'outside-folder'));
  await symlink(libraryDir, path.join(base, 'library-link'));

  const playlist = {
    format: 'attune.playlist',
    version: 1,
    id: 'set',
    title: 'Media test set',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 60,
        segments: [
          { type: 'soundscape', id: 'opening', preset: 'breath', durationSeconds: 60 },
          fileSegment('track', 'music/track.mp3'),
          fileSegment('empty', 'music/empty.mp3'),
          fileSegment('opus', 'music/tone.opus'),
          fileSegment('roundabout', 'music/../music/track.mp3'),
          fileSegment('escape', '../outside/secret.mp3'),
          fileSegment('absolute-outside', path.join(outsideDir, 'secret.mp3')),
          fileSegment('absolute-outside-missing', path.join(outsideDir, 'nothing-here.mp3')),
          fileSegment('in-library', path.join(libraryDir, 'album', 'song.flac')),
          fileSegment('link-out', 'music/link-out.mp3'),
          fileSegment('link-in', 'music/link-in.mp3'),
          fileSegment('through-linked-folder', 'music/outside-folder/secret.mp3'),
          fileSegment('missing', 'music/missing.mp3'),
          fileSegment('folder', 'music/folder.mp3'),
          fileSegment('not-audio', 'music/notes.txt'),
          fileSegment('system-file', '/etc/passwd'),
        ],
      },
    ],
  };
  await writeFile(path.join(playlistsDir, 'set.json'), JSON.stringify(playlist));
  catalog = new PlaylistCatalog([{ kind: 'user', directory: playlistsDir }]);
  serveMedia = createMediaHandler({ playlists: catalog, libraryRoots: async () => [libraryDir] });
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The bytes a host would send for this answer. */
async function bodyOf(answer: HostResponse): Promise<Buffer> {
  const { body } = answer;
  if (body.kind === 'none') return Buffer.alloc(0);
  if (body.kind === 'text') return Buffer.from(body.text);
  return (await readFile(body.filePath)).subarray(body.start, body.end + 1);
}

describe('media Range answers', () => {
  it('sends the whole file with 200 when there is no Range header', async () => {
    const answer = await serveMedia('set/track');
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'accept-ranges': 'bytes',
      'content-length': '1000',
      'content-type': 'audio/mpeg',
      'cache-control': 'no-store',
    });
    expect(answer.headers['content-range']).toBeUndefined();
    expect(await bodyOf(answer)).toEqual(trackBytes);
  });

  it.each([
    ['bytes=0-', 0, 999],
    ['bytes=100-199', 100, 199],
    ['bytes=0-0', 0, 0],
    ['bytes=-500', 500, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=900-', 900, 999],
    ['bytes=900-5000', 900, 999],
    ['bytes=999-999', 999, 999],
    ['Bytes = 10-19', 10, 19],
  ])('answers %s with 206 and bytes %i–%i', async (range, start, end) => {
    const answer = await serveMedia('set/track', range);
    expect(answer.status).toBe(206);
    expect(answer.headers).toMatchObject({
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${end}/1000`,
      'content-length': String(end - start + 1),
      'content-type': 'audio/mpeg',
      'cache-control': 'no-store',
    });
    expect(await bodyOf(answer)).toEqual(trackBytes.subarray(start, end + 1));
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('answers %s with 416 and the size', async (range) => {
    const answer = await serveMedia('set/track', range);
    expect(answer.status).toBe(416);
    expect(answer.headers['content-range']).toBe('bytes */1000');
    expect(answer.headers['accept-ranges']).toBe('bytes');
    expect(answer.body).toMatchObject({ kind: 'text' });
  });

  it.each([
    ['several ranges', 'bytes=0-9,20-29'],
    ['a range whose end is before its start', 'bytes=500-100'],
    ['another unit', 'items=0-9'],
    ['no numbers', 'bytes=-'],
    ['garbage', 'bytes=abc'],
  ])('ignores %s and sends the whole file with 200', async (_case, range) => {
    const answer = await serveMedia('set/track', range);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe('1000');
    expect(await bodyOf(answer)).toEqual(trackBytes);
  });

  it('answers an empty file with 200 and no body, and any range of it with 416', async () => {
    const whole = await serveMedia('set/empty');
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe('0');
    expect(whole.body).toEqual({ kind: 'none' });
    const ranged = await serveMedia('set/empty', 'bytes=0-');
    expect(ranged.status).toBe(416);
    expect(ranged.headers['content-range']).toBe('bytes */0');
  });

  it('chooses ranges as the RFC says for the edge cases', () => {
    expect(chooseByteRange(undefined, 10)).toEqual({ kind: 'whole' });
    expect(chooseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(chooseByteRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(chooseByteRange('bytes=5-, ', 10)).toEqual({ kind: 'partial', start: 5, end: 9 });
    expect(chooseByteRange('bytes=0-99999999999999999999', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
  });
});

describe('media content types', () => {
  it('names each audio format by its extension', () => {
    expect(
      ['a.mp3', 'a.m4a', 'a.aac', 'a.flac', 'a.ogg', 'a.opus', 'a.wav', 'A.MP3', 'a.txt'].map(audioContentType),
    ).toEqual(['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/flac', 'audio/ogg', 'audio/ogg', 'audio/wav', 'audio/mpeg', 'application/octet-stream']);
  });

  it('sends the type of the path the playlist names', async () => {
    expect((await serveMedia('set/opus')).headers['content-type']).toBe('audio/ogg');
    expect((await serveMedia('set/in-library')).headers['content-type']).toBe('audio/flac');
  });
});

describe('media locations', () => {
  it('serves a path that wanders out and back into the playlist folder', async () => {
    const answer = await serveMedia('set/roundabout');
    expect(answer.status).toBe(200);
    expect(await bodyOf(answer)).toEqual(trackBytes);
  });

  it('refuses ".." leading out of the playlist folder', async () => {
    const answer = await serveMedia('set/escape');
    expect(answer.status).toBe(403);
    expect(String(await bodyOf(answer))).toContain('outside');
  });

  it('refuses an absolute path outside the playlist folder and the library roots', async () => {
    expect((await serveMedia('set/absolute-outside')).status).toBe(403);
  });

  it('refuses a path outside without looking, so a missing file there is not told apart from a present one', async () => {
    expect((await serveMedia('set/absolute-outside-missing')).status).toBe(403);
  });

  it('serves an absolute path inside a library root, and refuses it when that root is not chosen', async () => {
    const answer = await serveMedia('set/in-library');
    expect(answer.status).toBe(200);
    expect(String(await bodyOf(answer))).toBe('flac bytes');
    const withoutRoots = createMediaHandler({ playlists: catalog, libraryRoots: async () => [] });
    expect((await withoutRoots('set/in-library')).status).toBe(403);
  });

  it('accepts a library root that is itself a symbolic link', async () => {
    const throughLink = createMediaHandler({ playlists: catalog, libraryRoots: async () => [path.join(base, 'library-link')] });
    expect((await throughLink('set/in-library')).status).toBe(200);
  });

  it('serves audio files only, as the library route does, even inside the playlist folder', async () => {
    const answer = await serveMedia('set/not-audio');
    expect(answer.status).toBe(403);
    expect(String(await bodyOf(answer))).toContain('only audio files');
  });

  it('ignores a library root that is a whole disk, so "/" in a settings file written by hand opens nothing', async () => {
    const wholeDisk = createMediaHandler({ playlists: catalog, libraryRoots: async () => [path.parse(base).root] });
    expect((await wholeDisk('set/absolute-outside')).status).toBe(403);
    expect((await wholeDisk('set/system-file')).status).toBe(403);
    expect((await wholeDisk('set/track')).status).toBe(200);
  });

  it('ignores a library root that is not an absolute path', async () => {
    const relativeRoot = createMediaHandler({ playlists: catalog, libraryRoots: async () => [path.relative(process.cwd(), outsideDir)] });
    expect((await relativeRoot('set/absolute-outside')).status).toBe(403);
  });

  it('refuses a symbolic link inside the playlist folder that points outside', async () => {
    expect((await serveMedia('set/link-out')).status).toBe(403);
    expect((await serveMedia('set/through-linked-folder')).status).toBe(403);
  });

  it('serves a symbolic link that stays inside the playlist folder', async () => {
    const answer = await serveMedia('set/link-in', 'bytes=0-9');
    expect(answer.status).toBe(206);
    expect(await bodyOf(answer)).toEqual(trackBytes.subarray(0, 10));
  });
});

describe('media requests that find nothing', () => {
  it.each([
    ['..%2f..', 'set/..%2f..'],
    ['..%2f.. as the playlist', '..%2f../track'],
    ['%2e%2e', '%2e%2e/track'],
    ['an upper-case id', 'Set/track'],
    ['an empty id', 'set/'],
    ['broken percent-encoding', 'set/%E0%A4%A'],
    ['too many parts', 'set/track/extra'],
    ['too few parts', 'set'],
  ])('answers %s with 400', async (_case, mediaPath) => {
    const answer = await serveMedia(mediaPath);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ kind: 'text' });
  });

  it('answers an unknown playlist or segment with 404', async () => {
    const playlist = await serveMedia('no-such-set/track');
    expect(playlist.status).toBe(404);
    expect(String(await bodyOf(playlist))).toContain('no-such-set');
    const segment = await serveMedia('set/no-such-segment');
    expect(segment.status).toBe(404);
    expect(String(await bodyOf(segment))).toContain('no-such-segment');
  });

  it('answers a soundscape segment with 404', async () => {
    const answer = await serveMedia('set/opening');
    expect(answer.status).toBe(404);
    expect(String(await bodyOf(answer))).toContain('soundscape');
  });

  it('answers a missing file with 404 naming the path', async () => {
    const answer = await serveMedia('set/missing');
    expect(answer.status).toBe(404);
    expect(String(await bodyOf(answer))).toBe('the file of segment "missing" was not found');
  });

  it('answers a folder with 404', async () => {
    expect((await serveMedia('set/folder')).status).toBe(404);
  });
});

describe('PlaylistCatalog.getWithFile', () => {
  it('returns the playlist with the absolute path of its file', async () => {
    const located = await catalog.getWithFile('set');
    expect(located.filePath).toBe(path.join(playlistsDir, 'set.json'));
    expect(located.playlist.id).toBe('set');
  });
});

describe('library tracks by path (the curator preview)', () => {
  const fileUrl = (filePath: string) => `~file/${Buffer.from(filePath, 'utf8').toString('base64url')}`;

  it('serves an audio file inside a library root, with Range', async () => {
    const answer = await serveMedia(fileUrl(path.join(libraryDir, 'album', 'song.flac')), 'bytes=0-3');
    expect(answer.status).toBe(206);
    expect(answer.headers['content-type']).toBe('audio/flac');
  });

  it('refuses files outside the library roots, by path or through a link', async () => {
    expect((await serveMedia(fileUrl(path.join(outsideDir, 'secret.mp3')))).status).toBe(403);
    expect((await serveMedia(fileUrl(path.join(libraryDir, '..', 'outside', 'secret.mp3')))).status).toBe(403);
    await symlink(path.join(outsideDir, 'secret.mp3'), path.join(libraryDir, 'album', 'sneaky.mp3'));
    expect((await serveMedia(fileUrl(path.join(libraryDir, 'album', 'sneaky.mp3')))).status).toBe(403);
  });

  it('refuses what is not an absolute path to an audio file', async () => {
    expect((await serveMedia(fileUrl('album/song.flac'))).status).toBe(400);
    expect((await serveMedia('~file/not base64!')).status).toBe(400);
    await writeFile(path.join(libraryDir, 'album', 'notes.txt'), 'private');
    expect((await serveMedia(fileUrl(path.join(libraryDir, 'album', 'notes.txt')))).status).toBe(403);
    expect((await serveMedia(fileUrl(path.join(libraryDir, 'album', 'gone.mp3')))).status).toBe(404);
  });
});
