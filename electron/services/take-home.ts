import { copyFile, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenedSession } from '../../core/contract';
import { buildSessionExport, pathToXspfLocation, takeHomeList, toTakeHomeM3u8, toTakeHomeXspf, type TakeHomeSource, type TakeHomeTrack } from '../../core/exports';
import type { MarkKindDefinition } from '../../core/mark-kinds';
import type { Playlist } from '../../core/playlist';
import { ContractFailure } from '../../core/result';
import { fsyncDirectory } from './durable-fs';
import { nodeErrorCode } from './error-code';
import { safeFileName } from './library/portable-export';

export interface TakeHomeRequest {
  readonly sessionIds: readonly string[];
  /** "Dosing session 1, 2026-11-01" for each session, in the order given. */
  readonly headings: readonly string[];
  readonly clientCode: string;
  /** Also copy the recordings into a new folder here, with the playlists pointing at the copies. */
  readonly destination?: string | undefined;
}

export interface TakeHomeResult {
  readonly fileBase: string;
  readonly m3u8: string;
  readonly xspf: string;
  readonly trackCount: number;
  readonly leftOut: string[];
  /** The folder written, when a destination was given. */
  readonly folder: string | null;
}

export interface TakeHomeSources {
  readonly openSession: (sessionId: string) => Promise<OpenedSession>;
  readonly playlistWithFile: (playlistId: string) => Promise<{ playlist: Playlist; filePath: string }>;
  readonly markKinds: () => readonly MarkKindDefinition[];
}

function resolvedPath(playlistFiles: ReadonlyMap<string, string>, track: TakeHomeTrack): string {
  const playlistFile = playlistFiles.get(track.playlistId) ?? '';
  return path.resolve(path.dirname(playlistFile), track.segment.path);
}

/**
 * The take-home playlist of one or more dosing sessions: the recordings playing at resonance
 * and breakthrough marks, as M3U8 and XSPF with absolute paths, or as a folder of copies that
 * plays anywhere (built aside and renamed into place, so it appears whole or not at all).
 */
export async function exportTakeHome(sources: TakeHomeSources, request: TakeHomeRequest): Promise<TakeHomeResult> {
  const playlistFiles = new Map<string, string>();
  const inputs: TakeHomeSource[] = [];
  for (const [index, sessionId] of request.sessionIds.entries()) {
    const opened = await sources.openSession(sessionId);
    const found = await sources.playlistWithFile(opened.meta.playlistId).catch(() => undefined);
    if (found !== undefined) playlistFiles.set(opened.meta.playlistId, found.filePath);
    inputs.push({ model: buildSessionExport(opened, found?.playlist, sources.markKinds()), playlist: found?.playlist, heading: request.headings[index] ?? sessionId });
  }
  // The same file in two playlists (or a copy of one) is one recording.
  const list = takeHomeList(inputs, { clientCode: request.clientCode, recordingKey: (playlistId, segment) => path.resolve(path.dirname(playlistFiles.get(playlistId) ?? ''), segment.path) });
  const fileBase = safeFileName(`take-home-${request.clientCode === '' ? (request.sessionIds[0] ?? 'session') : request.clientCode}`, 'take-home');
  if (request.destination === undefined) {
    return {
      fileBase,
      m3u8: toTakeHomeM3u8(list, (track) => resolvedPath(playlistFiles, track)),
      xspf: toTakeHomeXspf(list, (track) => pathToXspfLocation(resolvedPath(playlistFiles, track))),
      trackCount: list.tracks.length,
      leftOut: [...list.leftOut],
      folder: null,
    };
  }
  return writeTakeHomeFolder(request.destination, fileBase, list, playlistFiles);
}

async function writeTakeHomeFolder(
  destination: string,
  fileBase: string,
  list: ReturnType<typeof takeHomeList>,
  playlistFiles: ReadonlyMap<string, string>,
): Promise<TakeHomeResult> {
  if (!path.isAbsolute(destination)) throw new ContractFailure('bad-request', 'the destination must be a full path to a folder');
  const destinationStats = await stat(destination).catch(() => undefined);
  if (destinationStats === undefined || !destinationStats.isDirectory()) throw new ContractFailure('not-found', `there is no folder ${destination}`);
  const folder = path.join(destination, fileBase);
  if ((await stat(folder).catch(() => undefined)) !== undefined) throw new ContractFailure('conflict', `${folder} already exists; choose another destination or move it first`);
  const building = path.join(destination, `.${fileBase}.creating`);
  await rm(building, { recursive: true, force: true });
  await mkdir(path.join(building, 'audio'), { recursive: true });
  const leftOut = [...list.leftOut];
  const copied = new Map<TakeHomeTrack, string>();
  try {
    for (const [index, track] of list.tracks.entries()) {
      const source = resolvedPath(playlistFiles, track);
      const name = `${String(index + 1).padStart(3, '0')} - ${safeFileName(track.segment.title ?? path.basename(source, path.extname(source)))}${path.extname(source)}`;
      try {
        await copyFile(await realpath(source), path.join(building, 'audio', name));
        copied.set(track, `audio/${name}`);
      } catch (error) {
        leftOut.push(`${track.segment.title ?? path.basename(source)}: the file could not be copied (${nodeErrorCode(error) ?? 'unknown error'})`);
      }
    }
    const tracks = list.tracks.filter((track) => copied.has(track));
    const portable = { ...list, tracks, leftOut };
    const m3u8 = toTakeHomeM3u8(portable, (track) => copied.get(track) ?? '');
    const xspf = toTakeHomeXspf(portable, (track) => pathToXspfLocation(copied.get(track) ?? ''));
    await writeFile(path.join(building, `${fileBase}.m3u8`), m3u8);
    await writeFile(path.join(building, `${fileBase}.xspf`), xspf);
    await fsyncDirectory(building);
    await rename(building, folder);
    await fsyncDirectory(destination);
    return { fileBase, m3u8, xspf, trackCount: tracks.length, leftOut, folder };
  } catch (error) {
    await rm(building, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof ContractFailure) throw error;
    throw new ContractFailure('write-failed', `the take-home folder could not be written (${nodeErrorCode(error) ?? 'unknown error'}); nothing was left behind`);
  }
}
