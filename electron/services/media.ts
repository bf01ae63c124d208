import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAudioFileName } from '../../core/library';
import { slugId, type Playlist, type Segment } from '../../core/playlist';
import { ContractFailure } from '../../core/result';
import { nodeErrorCode } from './error-code';
import { fileResponse } from './file-response';
import { textResponse, type HostResponse } from './host-response';
import { isInsideFolder } from './inside-folder';
import { isUsableLibraryRoot } from './library-roots';
import type { PlaylistCatalog, PlaylistWithFile } from './playlists';

/** Both hosts answer `<origin>/media/<playlistId>/<segmentId>` with the segment's file. */
export const mediaUrlPrefix = '/media/';

/** The music folders the user chose; settings will supply them. */
export type LibraryRoots = () => Promise<readonly string[]>;

export interface MediaSources {
  readonly playlists: Pick<PlaylistCatalog, 'getWithFile'>;
  readonly libraryRoots: LibraryRoots;
}

/**
 * `media/~file/<base64url of an absolute path>`: a library track by its path, for the curator's
 * preview. `~` cannot start a playlist id, so the two forms never collide.
 */
export const fileMediaPrefix = '~file/';

/** `mediaPath` is the URL path after `/media/`, still percent-encoded. */
export type MediaHandler = (mediaPath: string, rangeHeader?: string) => Promise<HostResponse>;

const audioContentTypes: Readonly<Record<string, string>> = {
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.aac': 'audio/aac',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  // Opus files are Ogg streams; audio/ogg is the type browsers recognise for them.
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
};

const mediaHeaders = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export function audioContentType(filePath: string): string {
  return audioContentTypes[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

function parseIds(mediaPath: string): { playlistId: string; segmentId: string } | HostResponse {
  const parts = mediaPath.split('/');
  if (parts.length !== 2) return textResponse(400, 'expected media/<playlistId>/<segmentId>');
  const ids: string[] = [];
  for (const [index, part] of parts.entries()) {
    const label = index === 0 ? 'playlist id' : 'segment id';
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return textResponse(400, `the ${label} is not valid percent-encoding`);
    }
    const parsed = slugId.safeParse(decoded);
    if (!parsed.success) return textResponse(400, `the ${label} is not valid: ${parsed.error.issues[0]?.message ?? 'bad id'}`);
    ids.push(parsed.data);
  }
  const [playlistId = '', segmentId = ''] = ids;
  return { playlistId, segmentId };
}

function findSegment(phases: Playlist['phases'], segmentId: string): Segment | undefined {
  for (const phase of phases) {
    const segment = phase.segments.find((candidate) => candidate.id === segmentId);
    if (segment !== undefined) return segment;
  }
  return undefined;
}

async function realpathOrUndefined(filePath: string): Promise<string | undefined> {
  try {
    return await realpath(filePath);
  } catch {
    return undefined;
  }
}

/**
 * Serves the files of file segments, and only from the folder of their playlist file or from a
 * library root: the check runs on the path as written (so nothing outside is even looked at) and
 * again on its real path (so a symbolic link cannot lead out).
 */
export function createMediaHandler({ playlists, libraryRoots }: MediaSources): MediaHandler {
  return async (mediaPath, rangeHeader) => {
    if (mediaPath.startsWith(fileMediaPrefix)) return serveLibraryFile(mediaPath.slice(fileMediaPrefix.length), libraryRoots, rangeHeader);
    const ids = parseIds(mediaPath);
    if ('status' in ids) return ids;
    const { playlistId, segmentId } = ids;

    let located: PlaylistWithFile;
    try {
      located = await playlists.getWithFile(playlistId);
    } catch (error) {
      if (error instanceof ContractFailure && error.code === 'not-found') return textResponse(404, error.message);
      throw error;
    }
    const segment = findSegment(located.playlist.phases, segmentId);
    if (segment === undefined) return textResponse(404, `playlist "${playlistId}" has no segment "${segmentId}"`);
    if (segment.type !== 'file') return textResponse(404, `segment "${segmentId}" is a soundscape; it has no file`);

    const playlistFolder = path.dirname(located.filePath);
    return serveInsideRoots(path.resolve(playlistFolder, segment.path), [playlistFolder, ...(await libraryRoots())], `segment "${segmentId}"`, segment.path, rangeHeader, {
      // The same rule as a library track's: a playlist can name any file, but only audio is served.
      audioOnly: true,
    });
  };
}

/**
 * Streams `requested` when it lies inside one of `allowedRoots`: checked on the path as written
 * (so nothing outside is even looked at) and again on its real path (so a link cannot lead out).
 */
async function serveInsideRoots(
  requested: string,
  allowedRoots: readonly string[],
  label: string,
  shownPath: string,
  rangeHeader: string | undefined,
  { audioOnly = false }: { readonly audioOnly?: boolean } = {},
): Promise<HostResponse> {
  const roots = allowedRoots.filter(isUsableLibraryRoot).map((root) => path.resolve(root));
  const realRoots = (await Promise.all(roots.map(realpathOrUndefined))).filter((root) => root !== undefined);
  const outside = textResponse(403, `the file of ${label} is outside the playlist's folder and the library folders: ${shownPath}`);
  if (![...roots, ...realRoots].some((root) => isInsideFolder(root, requested))) return outside;

  let realFile: string;
  try {
    realFile = await realpath(requested);
  } catch (error) {
    const code = nodeErrorCode(error);
    if (code === 'EACCES' || code === 'EPERM') return textResponse(403, `the file of ${label} cannot be read: ${shownPath}`);
    return textResponse(404, `the file of ${label} was not found`);
  }
  if (!realRoots.some((root) => isInsideFolder(root, realFile))) return outside;

  const stats = await stat(realFile).catch(() => undefined);
  if (stats === undefined) return textResponse(404, `the file of ${label} was not found`);
  if (!stats.isFile()) return textResponse(404, `the path of ${label} is not a file: ${shownPath}`);
  if (audioOnly && !(isAudioFileName(requested) && isAudioFileName(realFile))) return textResponse(403, `only audio files are served; ${label} names another kind of file: ${shownPath}`);
  const unreadable = await access(realFile, constants.R_OK).then(
    () => false,
    () => true,
  );
  // Checked now because once a 200 is on its way, a failed read can only cut the answer short.
  if (unreadable) return textResponse(403, `the file of ${label} cannot be read: ${shownPath}`);
  // The real path is what gets streamed, so swapping the link afterwards cannot redirect the read.
  return fileResponse({ filePath: realFile, size: stats.size, contentType: audioContentType(shownPath), headers: mediaHeaders }, rangeHeader);
}

/** A library track for preview: only an audio file inside a library root. */
async function serveLibraryFile(encodedPath: string, libraryRoots: LibraryRoots, rangeHeader: string | undefined): Promise<HostResponse> {
  const filePath = Buffer.from(encodedPath, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]+$/.test(encodedPath) || !path.isAbsolute(filePath) || filePath.includes('\0')) {
    return textResponse(400, 'expected media/~file/<base64url of an absolute path>');
  }
  if (!isAudioFileName(filePath)) return textResponse(403, 'only audio files are served');
  return serveInsideRoots(path.resolve(filePath), await libraryRoots(), 'this track', path.basename(filePath), rangeHeader);
}
