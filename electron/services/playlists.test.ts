import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlaylistSummary } from '../../core/contract';
import { ContractFailure } from '../../core/result';
import { maxPlaylistBytes, PlaylistCatalog } from './playlists';

const bundledDir = fileURLToPath(new URL('../../playlists/', import.meta.url));

let userDir: string;
let catalog: PlaylistCatalog;

beforeEach(async () => {
  userDir = await mkdtemp(path.join(os.tmpdir(), 'attune-playlists-'));
  catalog = new PlaylistCatalog([
    { kind: 'bundled', directory: bundledDir },
    { kind: 'user', directory: userDir },
  ]);
});

afterEach(async () => {
  await rm(userDir, { recursive: true, force: true });
});

function userPlaylist(id: string, targetMinutes = 60) {
  return {
    format: 'attune.playlist',
    version: 1,
    id,
    title: `Playlist ${id}`,
    phases: [
      { id: 'onset', kind: 'onset', title: 'Arrival', targetMinutes, segments: [{ type: 'soundscape', id: 'onset-breath', preset: 'breath', durationSeconds: 600 }] },
    ],
  };
}

const byFile = (summaries: PlaylistSummary[], fileName: string) => summaries.find((summary) => summary.fileName === fileName);

describe('PlaylistCatalog.list', () => {
  it('lists the bundled playlist with its phases and total length', async () => {
    const summaries = await catalog.list();
    expect(byFile(summaries, 'generative-session.json')).toEqual({
      id: 'generative-session',
      title: 'Generative session',
      source: 'bundled',
      fileName: 'generative-session.json',
      totalTargetMinutes: 420,
      phaseTitles: ['Onset', 'Peak', 'Return'],
    });
  });

  it("lists the user's playlists after the bundled ones", async () => {
    await writeFile(path.join(userDir, 'mine.json'), JSON.stringify(userPlaylist('mine', 45)));
    const summaries = await catalog.list();
    expect(summaries.map((summary) => [summary.source, summary.id])).toEqual([
      ['bundled', 'generative-session'],
      ['user', 'mine'],
    ]);
    expect(byFile(summaries, 'mine.json')).toMatchObject({ totalTargetMinutes: 45, phaseTitles: ['Arrival'] });
    expect(byFile(summaries, 'mine.json')?.problem).toBeUndefined();
  });

  it('ignores files that are not .json and a user folder that does not exist', async () => {
    await writeFile(path.join(userDir, 'notes.txt'), 'not a playlist');
    await writeFile(path.join(userDir, 'mine.json.bak'), '{');
    expect((await catalog.list()).map((summary) => summary.fileName)).toEqual(['generative-session.json']);

    const withoutUserFolder = new PlaylistCatalog([
      { kind: 'bundled', directory: bundledDir },
      { kind: 'user', directory: path.join(userDir, 'missing') },
    ]);
    expect((await withoutUserFolder.list()).map((summary) => summary.id)).toEqual(['generative-session']);
  });

  it('lists a malformed playlist with a problem naming the field, without hiding the others', async () => {
    const broken = userPlaylist('broken');
    (broken.phases[0] as Record<string, unknown>).targetMinutes = 'ninety';
    await writeFile(path.join(userDir, 'a-broken.json'), JSON.stringify(broken));
    await writeFile(path.join(userDir, 'b-fine.json'), JSON.stringify(userPlaylist('fine')));

    const summaries = await catalog.list();
    expect(summaries.map((summary) => summary.fileName)).toEqual(['generative-session.json', 'a-broken.json', 'b-fine.json']);
    const problem = byFile(summaries, 'a-broken.json');
    expect(problem?.source).toBe('user');
    expect(problem?.problem).toContain('phases[0].targetMinutes');
    expect(byFile(summaries, 'b-fine.json')?.problem).toBeUndefined();
    expect(byFile(summaries, 'generative-session.json')?.problem).toBeUndefined();
  });

  it('reports a file that is not JSON', async () => {
    await writeFile(path.join(userDir, 'half.json'), '{"format": "attune.playlist", ');
    expect(byFile(await catalog.list(), 'half.json')?.problem).toMatch(/JSON/);
  });

  it('reports a file that is not valid UTF-8', async () => {
    const text = Buffer.from(JSON.stringify(userPlaylist('latin')), 'utf8');
    await writeFile(path.join(userDir, 'latin.json'), Buffer.concat([text.subarray(0, 20), Buffer.from([0xe9, 0xff]), text.subarray(20)]));
    const summaries = await catalog.list();
    expect(byFile(summaries, 'latin.json')?.problem).toMatch(/UTF-8/);
    expect(byFile(summaries, 'generative-session.json')?.problem).toBeUndefined();
  });

  it('reports a file larger than 5 MB without parsing it', async () => {
    const padding = ' '.repeat(maxPlaylistBytes);
    await writeFile(path.join(userDir, 'huge.json'), `${JSON.stringify(userPlaylist('huge'))}${padding}`);
    const summaries = await catalog.list();
    expect(byFile(summaries, 'huge.json')?.problem).toMatch(/5 MB/);
    expect(byFile(summaries, 'huge.json')?.id).not.toBe('huge');
    await expect(catalog.get('huge')).rejects.toBeInstanceOf(ContractFailure);
  });

  it('accepts a file of exactly 5 MB', async () => {
    const json = JSON.stringify(userPlaylist('large'));
    await writeFile(path.join(userDir, 'large.json'), json.padEnd(maxPlaylistBytes, ' '));
    expect(byFile(await catalog.list(), 'large.json')).toMatchObject({ id: 'large' });
    expect(byFile(await catalog.list(), 'large.json')?.problem).toBeUndefined();
  });

  it('reports an entry that cannot be read as a file, without hiding the others', async () => {
    await mkdir(path.join(userDir, 'folder.json'));
    await symlink(path.join(userDir, 'nowhere'), path.join(userDir, 'dangling.json'));
    await writeFile(path.join(userDir, 'fine.json'), JSON.stringify(userPlaylist('fine')));

    const summaries = await catalog.list();
    expect(summaries.map((summary) => summary.fileName)).toEqual(['generative-session.json', 'dangling.json', 'fine.json', 'folder.json']);
    expect(byFile(summaries, 'folder.json')?.problem).toBeTruthy();
    expect(byFile(summaries, 'dangling.json')?.problem).toBeTruthy();
    expect(byFile(summaries, 'fine.json')?.problem).toBeUndefined();
    expect((await catalog.get('fine')).id).toBe('fine');
  });
});

describe('PlaylistCatalog.get', () => {
  it('returns the parsed bundled playlist', async () => {
    const playlist = await catalog.get('generative-session');
    expect(playlist.phases.map((phase) => phase.id)).toEqual(['onset', 'peak', 'return']);
    expect(playlist).toEqual(JSON.parse(await readFile(path.join(bundledDir, 'generative-session.json'), 'utf8')));
  });

  it('returns a user playlist with its defaults filled in', async () => {
    await writeFile(path.join(userDir, 'mine.json'), JSON.stringify(userPlaylist('mine')));
    const playlist = await catalog.get('mine');
    expect(playlist.crossfadeSeconds).toBe(8);
  });

  it('answers not-found for an id no playlist has', async () => {
    const error = await catalog.get('no-such-playlist').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ContractFailure);
    expect((error as ContractFailure).code).toBe('not-found');
    expect((error as ContractFailure).message).toContain('no-such-playlist');
  });

  it('answers not-found for a playlist whose file is broken', async () => {
    const broken = { ...userPlaylist('broken'), phases: [] };
    await writeFile(path.join(userDir, 'broken.json'), JSON.stringify(broken));
    await expect(catalog.get('broken')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('PlaylistCatalog reading again', () => {
  it('sees a playlist edited, broken or removed since the last call', async () => {
    const file = path.join(userDir, 'mine.json');
    await writeFile(file, JSON.stringify(userPlaylist('mine', 60)));
    expect(byFile(await catalog.list(), 'mine.json')?.totalTargetMinutes).toBe(60);

    await writeFile(file, JSON.stringify(userPlaylist('mine', 75)));
    expect(byFile(await catalog.list(), 'mine.json')?.totalTargetMinutes).toBe(75);
    expect((await catalog.get('mine')).phases[0]?.targetMinutes).toBe(75);

    await writeFile(file, '{"format":');
    expect(byFile(await catalog.list(), 'mine.json')?.problem).toMatch(/not valid JSON/);

    await rm(file);
    expect(byFile(await catalog.list(), 'mine.json')).toBeUndefined();
    await expect(catalog.get('mine')).rejects.toMatchObject({ code: 'not-found' });
  });
});
