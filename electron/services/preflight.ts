import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { PreflightHostFacts } from '../../core/contract';
import { allSegments, type Playlist } from '../../core/playlist';
import type { LibraryService } from './library/library-service';
import { readTrack } from './library/read-track';
import type { PlaylistCatalog } from './playlists';

const fileSegmentsOf = (playlist: Playlist) => allSegments(playlist).filter((segment) => segment.type === 'file');

/**
 * Whether each file of a playlist is there and reads as audio. A file the library index
 * knows, unchanged since it was read, is not opened again; others have their headers read.
 */
async function checkFiles(playlist: Playlist, playlistFile: string, library: LibraryService): Promise<PreflightHostFacts['files']> {
  const index = await library.index();
  const folder = path.dirname(playlistFile);
  return Promise.all(
    fileSegmentsOf(playlist).map(async (segment): Promise<PreflightHostFacts['files'][number]> => {
      const filePath = path.resolve(folder, segment.path);
      const stats = await stat(filePath).catch(() => undefined);
      if (stats === undefined) return { segmentId: segment.id, status: 'missing', reason: `${segment.path} was not found` };
      if (!stats.isFile()) return { segmentId: segment.id, status: 'unreadable', reason: `${segment.path} is not a file` };
      const known = index.get(filePath);
      if (known !== undefined && known.size === stats.size && known.mtimeMs === stats.mtimeMs) {
        return { segmentId: segment.id, status: 'ok', ...(known.durationSeconds === undefined ? {} : { durationSeconds: known.durationSeconds }) };
      }
      const read = await readTrack({ path: filePath, root: folder, size: stats.size, mtimeMs: stats.mtimeMs });
      if (!read.ok) return { segmentId: segment.id, status: 'unreadable', reason: read.reason };
      return { segmentId: segment.id, status: 'ok', ...(read.track.durationSeconds === undefined ? {} : { durationSeconds: read.track.durationSeconds }) };
    }),
  );
}

async function freeBytes(folder: string): Promise<number | null> {
  try {
    const stats = await statfs(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

export interface PreflightFactsSources {
  readonly library: LibraryService;
  readonly playlists: PlaylistCatalog;
  /** Where the journal is written, for the free-space check. */
  readonly dataDir: string;
  readonly keepAwakeAvailable: boolean;
}

/** What only the host can tell the pre-flight check about a playlist: its files, the disk, the sleep blocker. */
export async function preflightFacts(playlistId: string, { library, playlists, dataDir, keepAwakeAvailable }: PreflightFactsSources): Promise<PreflightHostFacts> {
  const { playlist, filePath } = await playlists.getWithFile(playlistId);
  return {
    files: await checkFiles(playlist, filePath, library),
    freeDiskBytes: await freeBytes(dataDir),
    keepAwakeAvailable,
  };
}
