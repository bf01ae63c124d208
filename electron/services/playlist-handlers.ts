import path from 'node:path';
import type { Channel } from '../../core/channels';
import type { Handlers } from '../../core/contract';
import { exportM3u8 } from '../../core/playlist-formats';
import { ContractFailure } from '../../core/result';
import { isInsideFolder } from './inside-folder';
import type { LibraryService } from './library/library-service';
import { importPlaylistFile } from './library/playlist-import';
import { exportPortableFolder } from './library/portable-export';
import type { PlaylistStore } from './playlist-store';
import type { PlaylistCatalog } from './playlists';

/** Every `playlists:*` channel of the contract. */
export type PlaylistChannel = Extract<Channel, `playlists:${string}`>;

export interface PlaylistServices {
  readonly playlists: PlaylistCatalog;
  readonly playlistStore: PlaylistStore;
  /** Imports resolve against the library's tracks; a portable folder joins its folders; exports run as its job. */
  readonly library: LibraryService;
}

export function createPlaylistHandlers({ playlists, playlistStore, library }: PlaylistServices): Pick<Handlers, PlaylistChannel> {
  return {
    'playlists:list': () => playlists.list(),
    'playlists:get': ({ playlistId }) => playlists.get(playlistId),
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
  };
}
