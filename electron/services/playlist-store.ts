import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PlaylistSummary } from '../../core/contract';
import { allSegments, playlistTargetMinutes, playlistSchema, type Playlist } from '../../core/playlist';
import { duplicatePlaylist, newPlaylist } from '../../core/playlist-edit';
import { uniqueSlug } from '../../core/slugs';
import { ContractFailure } from '../../core/result';
import { writeFileAtomically } from './durable-fs';
import { maxPlaylistBytes, playlistFromBytes, type PlaylistCatalog } from './playlists';

/**
 * Makes a playlist's relative file paths absolute against `folder` (where its file was), for a
 * copy saved elsewhere; absolute paths stay as written.
 */
function resolveFilePaths(playlist: Playlist, folder: string): void {
  for (const segment of allSegments(playlist)) {
    if (segment.type === 'file') segment.path = path.resolve(folder, segment.path);
  }
}

const starterPresets = { onset: 'breath', peak: 'drone', return: 'earth' } as const;

/**
 * A fresh playlist: core's onset/peak/return phases, each opening with a ten-minute soundscape,
 * so it is a valid playlist from the first save and plays from the first minute.
 */
export function starterPlaylist(title: string, takenPlaylistIds: ReadonlySet<string>): Playlist {
  const draft = newPlaylist({ title, takenPlaylistIds });
  return playlistSchema.parse({
    ...draft,
    phases: draft.phases.map((phase) => ({
      ...phase,
      segments: [{ type: 'soundscape', id: `${phase.id}-soundscape`, preset: starterPresets[phase.kind], durationSeconds: 600 }],
    })),
  });
}

/**
 * Writes the user's own playlists (`<dataDir>/playlists/<id>.json`): the editor's autosave,
 * new playlists, copies of bundled ones. Bundled playlists are never written.
 */
export class PlaylistStore {
  constructor(
    private readonly catalog: PlaylistCatalog,
    private readonly userDirectory: string,
  ) {}

  private async takenIds(): Promise<Set<string>> {
    return new Set((await this.catalog.list()).map((summary) => summary.id));
  }

  async save(playlist: Playlist): Promise<PlaylistSummary> {
    const existing = (await this.catalog.list()).filter((summary) => summary.id === playlist.id && summary.problem === undefined);
    if (existing.some((summary) => summary.source === 'bundled')) {
      throw new ContractFailure('conflict', `"${playlist.title}" is a bundled playlist and cannot be changed; duplicate it to edit`);
    }
    // A playlist keeps the file it was found in, so saving never leaves two files with one id.
    const fileName = existing[0]?.fileName ?? `${playlist.id}.json`;
    await mkdir(this.userDirectory, { recursive: true });
    try {
      await writeFileAtomically(path.join(this.userDirectory, fileName), `${JSON.stringify(playlist, null, 2)}\n`);
    } catch {
      throw new ContractFailure('write-failed', `"${playlist.title}" could not be saved; check that the data folder is writable and has space`);
    }
    return {
      id: playlist.id,
      title: playlist.title,
      source: 'user',
      fileName,
      totalTargetMinutes: playlistTargetMinutes(playlist),
      phaseTitles: playlist.phases.map((phase) => phase.title),
    };
  }

  async create(title: string): Promise<Playlist> {
    const playlist = starterPlaylist(title, await this.takenIds());
    await this.save(playlist);
    return playlist;
  }

  /**
   * A user copy to edit. File paths become absolute, since the copy lives in another folder
   * than the original and its relative paths would no longer lead to the music.
   */
  async duplicate(playlistId: string, title?: string): Promise<Playlist> {
    const { playlist, filePath } = await this.catalog.getWithFile(playlistId);
    const taken = await this.takenIds();
    const copy: Playlist = structuredClone(duplicatePlaylist(playlist, taken));
    if (title !== undefined) Object.assign(copy, { title, id: uniqueSlug(title, taken, 'playlist') });
    resolveFilePaths(copy, path.dirname(filePath));
    await this.save(copy);
    return copy;
  }

  /**
   * A portable folder's playlist as one of the user's own: relative paths become absolute
   * inside the folder (a path that leads out of it is left as written, and media will refuse
   * it), and the id changes when one like it is taken.
   */
  async adoptPortable(folder: string): Promise<Playlist> {
    const playlistFile = path.join(folder, 'playlist.json');
    const stats = await stat(playlistFile).catch(() => undefined);
    if (stats === undefined) throw new ContractFailure('not-found', `${folder} has no playlist.json; choose the folder an Attune portable export made`);
    if (!stats.isFile() || stats.size > maxPlaylistBytes) throw new ContractFailure('invalid-data', `${playlistFile} is not a playlist file Attune can read`);
    const parsed = playlistFromBytes(await readFile(playlistFile));
    if (!parsed.ok) throw new ContractFailure('invalid-data', `${playlistFile}: ${parsed.error.message}`);
    const playlist = structuredClone(parsed.value);
    resolveFilePaths(playlist, folder);
    const taken = await this.takenIds();
    if (taken.has(playlist.id)) playlist.id = uniqueSlug(playlist.id, taken, 'playlist');
    await this.save(playlist);
    return playlist;
  }

  /** Moves the file into `playlists/deleted/`: a playlist removed by mistake can be put back by hand. */
  async delete(playlistId: string): Promise<void> {
    const summary = (await this.catalog.list()).find((candidate) => candidate.id === playlistId && candidate.problem === undefined);
    if (summary === undefined) throw new ContractFailure('not-found', `there is no playlist "${playlistId}"`);
    if (summary.source === 'bundled') throw new ContractFailure('conflict', `"${summary.title}" is a bundled playlist and cannot be deleted`);
    const deletedDirectory = path.join(this.userDirectory, 'deleted');
    await mkdir(deletedDirectory, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await rename(path.join(this.userDirectory, summary.fileName), path.join(deletedDirectory, `${stamp}-${summary.fileName}`));
  }
}
