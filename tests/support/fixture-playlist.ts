import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Playlist } from '../../core/playlist';

export const generatedDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'generated');

/**
 * Puts the generated fixture playlist in a data folder's user playlists, with absolute
 * paths, and makes the fixture folder a library root so the host may serve it.
 */
export async function installFixturePlaylist(dataDir: string, change: (playlist: Playlist) => Playlist = (playlist) => playlist): Promise<Playlist> {
  const original = JSON.parse(await readFile(path.join(generatedDir, 'fixture-playlist.json'), 'utf8')) as Playlist;
  const absolute: Playlist = {
    ...original,
    phases: original.phases.map((phase) => ({
      ...phase,
      segments: phase.segments.map((segment) => (segment.type === 'file' ? { ...segment, path: path.join(generatedDir, segment.path) } : segment)),
    })),
  };
  const playlist = change(absolute);
  await mkdir(path.join(dataDir, 'playlists'), { recursive: true });
  await writeFile(path.join(dataDir, 'playlists', `${playlist.id}.json`), JSON.stringify(playlist, null, 2));
  await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ libraryRoots: [generatedDir] }));
  return playlist;
}
