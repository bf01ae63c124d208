import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePlaylistText } from '../../core/playlist';
import { PlaylistStore } from './playlist-store';
import { PlaylistCatalog } from './playlists';

const bundledDir = fileURLToPath(new URL('../../playlists/', import.meta.url));

let userDir: string;
let catalog: PlaylistCatalog;
let store: PlaylistStore;

beforeEach(async () => {
  userDir = await mkdtemp(path.join(os.tmpdir(), 'attune-user-playlists-'));
  catalog = new PlaylistCatalog([
    { kind: 'bundled', directory: bundledDir },
    { kind: 'user', directory: userDir },
  ]);
  store = new PlaylistStore(catalog, userDir);
});

afterEach(async () => {
  await rm(userDir, { recursive: true, force: true });
});

describe('PlaylistStore', () => {
  it('creates a playable three-phase playlist with an id from its title', async () => {
    const created = await store.create('Ölfus Morning Set');
    expect(created.id).toBe('olfus-morning-set');
    expect(created.phases.map((phase) => phase.kind)).toEqual(['onset', 'peak', 'return']);
    expect((await catalog.get(created.id)).title).toBe('Ölfus Morning Set');
    expect((await store.create('Ölfus Morning Set')).id).toBe('olfus-morning-set-2');
  });

  it('saves edits to the same file, atomically, as valid playlist JSON', async () => {
    const created = await store.create('Evening');
    const edited = { ...created, title: 'Evening, revised' };
    const summary = await store.save(edited);
    expect(summary).toMatchObject({ id: 'evening', source: 'user', fileName: 'evening.json' });
    const files = (await readdir(userDir)).filter((name) => !name.startsWith('.'));
    expect(files).toEqual(['evening.json']);
    const reread = parsePlaylistText(await readFile(path.join(userDir, 'evening.json'), 'utf8'));
    expect(reread.ok && reread.value.title).toBe('Evening, revised');
  });

  it('keeps a user playlist in the file it was found in', async () => {
    const created = await store.create('Kept');
    await rm(path.join(userDir, 'kept.json'));
    await writeFile(path.join(userDir, 'my own name.json'), JSON.stringify(created));
    await store.save({ ...created, title: 'Kept, edited' });
    expect((await readdir(userDir)).sort()).toEqual(['my own name.json']);
  });

  it('never writes a bundled playlist, and duplicates it with absolute paths to its music', async () => {
    const shippedDir = await mkdtemp(path.join(os.tmpdir(), 'attune-shipped-'));
    try {
      const shipped = {
        format: 'attune.playlist',
        version: 1,
        id: 'shipped',
        title: 'Shipped set',
        phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 30, segments: [{ type: 'file', id: 'a', path: 'music/a.mp3' }] }],
      };
      await writeFile(path.join(shippedDir, 'shipped.json'), JSON.stringify(shipped));
      const withShipped = new PlaylistCatalog([
        { kind: 'bundled', directory: shippedDir },
        { kind: 'user', directory: userDir },
      ]);
      const shippedStore = new PlaylistStore(withShipped, userDir);
      await expect(shippedStore.save(await withShipped.get('shipped'))).rejects.toMatchObject({ code: 'conflict' });

      const copy = await shippedStore.duplicate('shipped');
      expect(copy).toMatchObject({ id: 'copy-of-shipped-set', title: 'Copy of Shipped set' });
      expect(copy.phases[0]?.segments[0]).toMatchObject({ type: 'file', path: path.join(shippedDir, 'music', 'a.mp3') });
      expect((await withShipped.getWithFile(copy.id)).filePath.startsWith(userDir)).toBe(true);
      expect((await withShipped.get('shipped')).phases[0]?.segments[0]).toMatchObject({ path: 'music/a.mp3' });
    } finally {
      await rm(shippedDir, { recursive: true, force: true });
    }
  });

  it('moves a deleted playlist aside rather than erasing it', async () => {
    const created = await store.create('Gone soon');
    await store.delete(created.id);
    await expect(catalog.get(created.id)).rejects.toMatchObject({ code: 'not-found' });
    const kept = await readdir(path.join(userDir, 'deleted'));
    expect(kept).toHaveLength(1);
    expect(await readFile(path.join(userDir, 'deleted', kept[0] ?? ''), 'utf8')).toContain('Gone soon');
    await expect(store.delete(created.id)).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('PlaylistStore.adoptPortable', () => {
  it('makes a portable folder\'s playlist one of the user\'s, with absolute paths inside the folder and a free id', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'attune-portable-'));
    try {
      const portable = {
        format: 'attune.playlist',
        version: 1,
        id: 'evening',
        title: 'Evening',
        phases: [
          {
            id: 'onset',
            kind: 'onset',
            title: 'Onset',
            targetMinutes: 30,
            segments: [
              { type: 'file', id: 'a', path: 'audio/001 - A.flac' },
              { type: 'file', id: 'b', path: '/elsewhere/b.flac' },
            ],
          },
        ],
      };
      await writeFile(path.join(folder, 'playlist.json'), JSON.stringify(portable));
      await store.create('Evening');
      const adopted = await store.adoptPortable(folder);
      expect(adopted.id).toBe('evening-2');
      expect(adopted.phases[0]?.segments.map((segment) => (segment.type === 'file' ? segment.path : ''))).toEqual([
        path.join(folder, 'audio', '001 - A.flac'),
        '/elsewhere/b.flac',
      ]);
      expect((await catalog.get('evening-2')).title).toBe('Evening');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('says what is wrong with a folder that is not a portable export, and saves nothing', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'attune-not-portable-'));
    try {
      await expect(store.adoptPortable(folder)).rejects.toThrow(/no playlist\.json/);
      await writeFile(path.join(folder, 'playlist.json'), '{"format":"attune.playlist"');
      await expect(store.adoptPortable(folder)).rejects.toMatchObject({ code: 'invalid-data' });
      expect(await readdir(userDir)).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
