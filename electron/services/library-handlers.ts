import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Handlers, PreflightHostFacts } from '../../core/contract';
import { exportM3u8 } from '../../core/playlist-formats';
import { allSegments, type Playlist } from '../../core/playlist';
import { ContractFailure } from '../../core/result';
import { isInsideFolder } from './inside-folder';
import type { LibraryService } from './library/library-service';
import { importPlaylistFile } from './library/playlist-import';
import { exportPortableFolder } from './library/portable-export';
import { readTrack } from './library/read-track';
import type { PlaylistStore } from './playlist-store';
import type { PlaylistCatalog } from './playlists';

export type ChoosePurpose = 'library-folder' | 'playlist-file' | 'export-folder' | 'portable-folder';

export interface LibraryServices {
  readonly library: LibraryService;
  readonly playlists: PlaylistCatalog;
  readonly playlistStore: PlaylistStore;
  /** Where the journal is written, for the free-space check. */
  readonly dataDir: string;
  readonly keepAwakeAvailable: boolean;
  /** The desktop host's native pickers; the web host has none (the path is typed). */
  readonly choosePath: ((purpose: ChoosePurpose) => Promise<string | null>) | undefined;
}

export type LibraryChannel =
  | 'library:get'
  | 'library:add-root'
  | 'library:remove-root'
  | 'library:scan'
  | 'library:analyse'
  | 'library:job'
  | 'library:cancel'
  | 'dialog:choose'
  | 'playlists:save'
  | 'playlists:create'
  | 'playlists:duplicate'
  | 'playlists:delete'
  | 'playlists:import'
  | 'playlists:export-m3u8'
  | 'playlists:export-folder'
  | 'playlists:open-portable'
  | 'preflight:facts';

const fileSegmentsOf = (playlist: Playlist) =>
  allSegments(playlist).filter((segment) => segment.type === 'file');

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

export function createLibraryHandlers({ library, playlists, playlistStore, dataDir, keepAwakeAvailable, choosePath }: LibraryServices): Pick<Handlers, LibraryChannel> {
  return {
    'library:get': () => library.view(),
    'library:add-root': ({ path: folder }) => library.addRoot(folder),
    'library:remove-root': ({ path: folder }) => library.removeRoot(folder),
    'library:scan': async ({ analyse }) => library.scan(analyse),
    'library:analyse': async ({ paths }) => library.analyse(paths),
    'library:job': async () => library.jobs.status(),
    'library:cancel': async () => library.jobs.cancel(),
    'dialog:choose': async ({ purpose }) => {
      if (choosePath === undefined) throw new ContractFailure('unsupported', 'type the full path here; the browser cannot open a folder picker for Attune');
      return { path: await choosePath(purpose) };
    },
    'playlists:save': ({ playlist }) => playlistStore.save(playlist),
    'playlists:create': ({ title }) => playlistStore.create(title),
    'playlists:duplicate': ({ playlistId, title }) => playlistStore.duplicate(playlistId, title),
    'playlists:delete': async ({ playlistId }) => {
      await playlistStore.delete(playlistId);
      return { deleted: true };
    },
    'playlists:import': async ({ path: filePath }) => {
      const index = await library.index();
      const imported = await importPlaylistFile(filePath, { libraryTracks: index.tracks(), unreadableFiles: index.unreadable(), libraryRoots: library.roots() });
      const outside = imported.outsideLibraryRoots;
      return {
        title: imported.title,
        format: imported.format,
        segments: imported.segments,
        unresolved: imported.unresolved.map((entry) => ({ ...entry })),
        notes: [
          ...imported.notes,
          ...(outside.length === 0 ? [] : [`${outside.length} file(s) lie outside the library folders; add their folder to the library so they can play.`]),
        ],
      };
    },
    'playlists:export-m3u8': async ({ playlistId, phaseId }) => {
      const { playlist, filePath } = await playlists.getWithFile(playlistId);
      const folder = path.dirname(filePath);
      // Absolute paths: the downloaded file may be saved anywhere, and other players need to find the music.
      const exported = exportM3u8(playlist, { ...(phaseId === undefined ? {} : { phaseId }), pathFor: (segment) => path.resolve(folder, segment.path) });
      if (!exported.ok) throw new ContractFailure(exported.error.code, exported.error.message);
      const phaseSuffix = phaseId === undefined ? '' : `-${phaseId}`;
      return { fileName: `${playlist.id}${phaseSuffix}.m3u8`, text: exported.value.text };
    },
    'playlists:export-folder': async ({ playlistId, destination }) => {
      const { playlist, filePath } = await playlists.getWithFile(playlistId);
      return library.jobs.start('export-folder', 'Copying audio files', async (control) => {
        const result = await exportPortableFolder(playlist, filePath, destination, {
          signal: control.signal,
          onProgress: (progress) => control.report({ done: progress.filesCopied, total: progress.totalFiles }),
        });
        const missing = result.missing.length === 0 ? '' : ` ${result.missing.length} file(s) were missing and are not in the folder.`;
        return `Exported to ${result.folder}: ${result.copiedFiles} file(s) copied.${missing}`;
      });
    },
    'playlists:open-portable': async ({ path: folder }) => {
      const playlist = await playlistStore.adoptPortable(path.resolve(folder));
      const notes: string[] = [];
      // The folder joins the library so media may serve its audio; inside an existing folder it already is.
      const roots = library.roots();
      if (!roots.some((root) => isInsideFolder(root, path.resolve(folder)))) {
        try {
          await library.addRoot(path.resolve(folder));
          notes.push(`${path.resolve(folder)} was added to the library folders so its audio can play.`);
        } catch (error) {
          notes.push(`Its folder could not be added to the library (${error instanceof Error ? error.message : String(error)}); add it on the Library screen so its audio can play.`);
        }
      }
      return { playlist, notes };
    },
    'preflight:facts': async ({ playlistId }) => {
      const { playlist, filePath } = await playlists.getWithFile(playlistId);
      return {
        files: await checkFiles(playlist, filePath, library),
        freeDiskBytes: await freeBytes(dataDir),
        keepAwakeAvailable,
      };
    },
  };
}
