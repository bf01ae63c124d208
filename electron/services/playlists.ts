import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PlaylistSummary } from '../../core/contract';
import { parsePlaylistText, playlistTargetMinutes, type Playlist } from '../../core/playlist';
import { ContractFailure, fail, type Result } from '../../core/result';

/** Larger than any honest playlist (2,000 segments of text), small enough to read safely. */
export const maxPlaylistBytes = 5 * 1024 * 1024;

interface Loaded {
  readonly summary: PlaylistSummary;
  readonly playlist?: Playlist;
  readonly filePath: string;
}

export interface PlaylistWithFile {
  readonly playlist: Playlist;
  /** Absolute; a file segment's relative `path` is resolved against this file's folder. */
  readonly filePath: string;
}

export interface PlaylistSource {
  readonly kind: 'bundled' | 'user';
  readonly directory: string;
}

function problemSummary(source: PlaylistSource, fileName: string, problem: string): PlaylistSummary {
  return { id: fileName, title: fileName, source: source.kind, fileName, totalTargetMinutes: 0, phaseTitles: [], problem };
}

/** A playlist file's bytes as a playlist: UTF-8 text, then the schema; the failure says which. */
export function playlistFromBytes(bytes: Uint8Array): Result<Playlist> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('invalid-data', 'the file is not valid UTF-8 text');
  }
  return parsePlaylistText(text);
}

function validate(source: PlaylistSource, fileName: string, filePath: string, bytes: Buffer): Loaded {
  const unreadable = (problem: string): Loaded => ({ filePath, summary: problemSummary(source, fileName, problem) });
  const parsed = playlistFromBytes(bytes);
  if (!parsed.ok) return unreadable(parsed.error.message);
  const playlist = parsed.value;
  return {
    filePath,
    playlist,
    summary: {
      id: playlist.id,
      title: playlist.title,
      source: source.kind,
      fileName,
      totalTargetMinutes: playlistTargetMinutes(playlist),
      phaseTitles: playlist.phases.map((phase) => phase.title),
    },
  };
}

/**
 * Playlists from the bundled folder (read-only) and the user's folder. Every call looks at
 * the folders again; a file is read and validated again whenever it changed (the media
 * route asks for every seek, so unchanged files are not re-parsed).
 */
export class PlaylistCatalog {
  private readonly parsed = new Map<string, { readonly version: string; readonly loaded: Loaded }>();

  constructor(private readonly sources: readonly PlaylistSource[]) {}

  private async loadFile(source: PlaylistSource, fileName: string): Promise<Loaded> {
    const filePath = path.join(source.directory, fileName);
    const unreadable = (problem: string): Loaded => ({ filePath, summary: problemSummary(source, fileName, problem) });
    try {
      const stats = await stat(filePath);
      // Reading a FIFO would wait forever, and a device (a link to /dev/zero) would never end.
      if (!stats.isFile()) return unreadable('it is not a regular file');
      if (stats.size > maxPlaylistBytes) return unreadable(`the file is ${(stats.size / 1024 / 1024).toFixed(1)} MB; playlists are at most ${maxPlaylistBytes / 1024 / 1024} MB`);
      const version = `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
      const cached = this.parsed.get(filePath);
      if (cached?.version === version) return cached.loaded;
      const loaded = validate(source, fileName, filePath, await readFile(filePath));
      this.parsed.set(filePath, { version, loaded });
      return loaded;
    } catch (error) {
      // One unreadable entry (a folder, a dangling link, a file removed meanwhile) must not hide the others.
      const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
      return unreadable(`the file could not be read (${reason})`);
    }
  }

  private async loadAll(): Promise<Loaded[]> {
    const loaded: Loaded[] = [];
    const fileById = new Map<string, string>();
    for (const source of this.sources) {
      let names: string[];
      try {
        names = await readdir(source.directory);
      } catch {
        continue;
      }
      for (const name of names.filter((fileName) => fileName.endsWith('.json')).sort()) {
        const entry = await this.loadFile(source, name);
        const id = entry.playlist?.id;
        const earlier = id === undefined ? undefined : fileById.get(id);
        if (id !== undefined && earlier === undefined) fileById.set(id, `${name} (${source.kind})`);
        // Starting a playlist by id must never start another file than the one chosen.
        loaded.push(earlier === undefined ? entry : { filePath: entry.filePath, summary: problemSummary(source, name, `its id "${id}" is already used by ${earlier}`) });
      }
    }
    return loaded;
  }

  async list(): Promise<PlaylistSummary[]> {
    return (await this.loadAll()).map((entry) => entry.summary);
  }

  async get(playlistId: string): Promise<Playlist> {
    return (await this.getWithFile(playlistId)).playlist;
  }

  async getWithFile(playlistId: string): Promise<PlaylistWithFile> {
    const found = (await this.loadAll()).find((entry) => entry.playlist?.id === playlistId);
    if (found?.playlist === undefined) throw new ContractFailure('not-found', `there is no playlist "${playlistId}"`);
    return { playlist: found.playlist, filePath: path.resolve(found.filePath) };
  }
}
