import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMarkKinds } from '../../core/mark-kinds';
import { parsePlaylist, type Playlist } from '../../core/playlist';
import { ContractFailure } from '../../core/result';
import { sessionSetupSchema } from '../../core/session';
import { SessionStore } from './sessions';
import { exportTakeHome, type TakeHomeSources } from './take-home';

let dataDir: string;
let musicDir: string;
let sessions: SessionStore;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-take-home-'));
  musicDir = path.join(dataDir, 'music');
  await mkdir(musicDir);
  await writeFile(path.join(musicDir, 'cello.flac'), 'cello bytes');
  await writeFile(path.join(musicDir, 'harp.flac'), 'harp bytes');
  sessions = new SessionStore(dataDir);
});

afterEach(async () => {
  await sessions.close();
  await rm(dataDir, { recursive: true, force: true });
});

function playlist(id: string): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id,
    title: 'Strings',
    phases: [
      {
        id: 'peak',
        kind: 'peak',
        title: 'Peak',
        targetMinutes: 60,
        segments: [
          { type: 'file', id: 'cello', path: 'cello.flac', title: 'Cello Suite', artist: 'Bach', durationSeconds: 300 },
          { type: 'file', id: 'harp', path: 'harp.flac', title: 'Harp', durationSeconds: 300 },
          { type: 'soundscape', id: 'drone', preset: 'drone', durationSeconds: 600 },
        ],
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const sources = (): TakeHomeSources => ({
  openSession: (sessionId) => sessions.open(sessionId),
  // Both playlists sit beside the music: the same file in two playlists is one recording.
  playlistWithFile: async (playlistId) => ({ playlist: playlist(playlistId), filePath: path.join(musicDir, `${playlistId}.json`) }),
  markKinds: () => defaultMarkKinds,
});

async function sessionWithMarks(playlistId: string, marks: readonly [string, string, number][]): Promise<string> {
  const meta = await sessions.start(playlist(playlistId), sessionSetupSchema.parse({ clientCode: 'C-07' }));
  let sessionMs = 1000;
  for (const [markKind, segmentId, positionMs] of marks) {
    sessionMs += 60_000;
    await sessions.append(meta.id, { id: randomUUID(), kind: 'mark', sessionMs, payload: { markKind, phaseId: 'peak', segmentId, positionMs, reactionOffsetMs: 0 } });
  }
  return meta.id;
}

describe('exportTakeHome', () => {
  it('lists each recording once across sessions and playlists, in session order, with absolute paths', async () => {
    const first = await sessionWithMarks('strings', [
      ['distress', 'cello', 1000],
      ['breakthrough', 'harp', 65_000],
      ['resonance', 'cello', 125_000],
      ['resonance', 'drone', 5000],
    ]);
    const second = await sessionWithMarks('strings-copy', [['resonance', 'cello', 30_000]]);
    const result = await exportTakeHome(sources(), { sessionIds: [first, second], headings: ['Dosing session 1', 'Dosing session 2'], clientCode: 'C-07' });
    expect(result.trackCount).toBe(2);
    const entries = result.m3u8.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(entries).toEqual([path.join(musicDir, 'harp.flac'), path.join(musicDir, 'cello.flac')]);
    expect(result.m3u8).toContain('# Resonance at 2:05 of the track (0:03:01 since the dose, Dosing session 1)');
    expect(result.m3u8).toContain('# Resonance at 0:30 of the track (0:01:01 since the dose, Dosing session 2)');
    expect(result.leftOut).toEqual([expect.stringMatching(/soundscape \(drone\)/)]);
    expect(result.xspf).toContain(`<location>file://${path.join(musicDir, 'harp.flac')}</location>`);
    expect(result.folder).toBeNull();
  });

  it('writes a portable folder of copies with relative paths, and refuses to overwrite one', async () => {
    const sessionId = await sessionWithMarks('strings', [['resonance', 'cello', 1000]]);
    const destination = path.join(dataDir, 'out');
    await mkdir(destination);
    const result = await exportTakeHome(sources(), { sessionIds: [sessionId], headings: ['Dosing session 1'], clientCode: 'C-07', destination });
    expect(result.folder).toBe(path.join(destination, 'take-home-C-07'));
    expect((await readdir(path.join(destination, 'take-home-C-07'))).sort()).toEqual(['audio', 'take-home-C-07.m3u8', 'take-home-C-07.xspf']);
    expect(await readFile(path.join(destination, 'take-home-C-07', 'audio', '001 - Cello Suite.flac'), 'utf8')).toBe('cello bytes');
    expect(await readFile(path.join(destination, 'take-home-C-07', 'take-home-C-07.m3u8'), 'utf8')).toContain('\naudio/001 - Cello Suite.flac\n');
    const again = await exportTakeHome(sources(), { sessionIds: [sessionId], headings: ['x'], clientCode: 'C-07', destination }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(ContractFailure);
    expect((again as ContractFailure).code).toBe('conflict');
    expect(await readdir(destination)).toEqual(['take-home-C-07']);
  });
});
