import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isAudioFileName } from '../../../core/library';
import { exportM3u8 } from '../../../core/playlist-formats/m3u';
import { allSegments, parsePlaylist, type FileSegment, type Playlist, type Segment } from '../../../core/playlist';
import { ContractFailure } from '../../../core/result';
import { writeFileAtomically } from '../durable-fs';
import { nodeErrorCode } from '../error-code';
import { isInsideFolder } from '../inside-folder';

export interface PortableExportProgress {
  readonly bytesCopied: number;
  readonly totalBytes: number;
  readonly filesCopied: number;
  readonly totalFiles: number;
}

export interface PortableExportOptions {
  /** Aborting stops the copy and removes what was written; the promise rejects with the abort reason. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: PortableExportProgress) => void;
}

export interface MissingSource {
  /** The audio file as the playlist resolves it (absolute). */
  readonly path: string;
  /** The segments that use it; in the exported JSON they keep this absolute path. */
  readonly segmentIds: string[];
  readonly reason: string;
}

export interface PortableExportResult {
  /** `<destination>/<playlist id>`. */
  readonly folder: string;
  readonly playlistFile: string;
  readonly m3u8File: string;
  readonly copiedFiles: number;
  readonly bytesCopied: number;
  /** Files that could not be copied: the folder is incomplete, and its playlist points at them where they were. */
  readonly missing: MissingSource[];
  /** What the M3U8 leaves out (soundscapes, extras), and a line on the missing files. */
  readonly notes: string[];
}

export interface M3u8FileResult {
  readonly entryCount: number;
  readonly notes: string[];
}

const portablePlaylistName = 'playlist.json';
const portableM3u8Name = 'playlist.m3u8';
const audioFolderName = 'audio';
/** Most file systems allow 255 bytes per name; this leaves room for the number and the extension. */
const maxNameBytes = 180;

function fileSegmentsOf(playlist: Playlist): FileSegment[] {
  const all: Segment[] = allSegments(playlist);
  return all.filter((segment): segment is FileSegment => segment.type === 'file');
}

/** A segment's path is relative to its playlist file's folder, or absolute. */
function sourcePath(segment: FileSegment, playlistFilePath: string): string {
  return path.resolve(path.dirname(path.resolve(playlistFilePath)), segment.path);
}

/** Safe on Windows, macOS and Linux file systems: none of `<>:"/\|?*`, no control characters, no trailing dot or space. */
export function safeFileName(text: string, fallback = 'track'): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let clipped = '';
  for (const character of cleaned) {
    if (Buffer.byteLength(clipped + character) > maxNameBytes) break;
    clipped += character;
  }
  const withoutTrailing = clipped.replace(/[. ]+$/, '').replace(/^[. ]+/, '');
  return withoutTrailing === '' ? fallback : withoutTrailing;
}

interface PlannedCopy {
  readonly source: string;
  readonly realSource: string;
  readonly size: number;
  readonly relativeTarget: string;
  readonly segmentIds: string[];
}

type SourceCheck = { readonly ok: true; readonly realSource: string; readonly size: number } | { readonly ok: false; readonly reason: string };

async function checkSource(source: string): Promise<SourceCheck> {
  if (!isAudioFileName(source)) return { ok: false, reason: 'not an audio file' };
  let realSource: string;
  try {
    realSource = await realpath(source);
  } catch (error) {
    const code = nodeErrorCode(error);
    return { ok: false, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : `cannot be read (${code ?? 'unknown error'})` };
  }
  const stats = await stat(realSource).catch(() => undefined);
  if (stats === undefined) return { ok: false, reason: 'not found' };
  // A device or a pipe (a link to /dev/zero named .mp3) would be copied forever.
  if (!stats.isFile()) return { ok: false, reason: 'not a regular file' };
  return { ok: true, realSource, size: stats.size };
}

async function isEmptyOrAbsent(folder: string): Promise<'absent' | 'empty' | 'not-empty' | 'not-a-folder'> {
  try {
    const stats = await stat(folder);
    if (!stats.isDirectory()) return 'not-a-folder';
    return (await readdir(folder)).length === 0 ? 'empty' : 'not-empty';
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return 'absent';
    throw error;
  }
}

/**
 * Writes `<destination>/<playlist id>/` holding the playlist (`playlist.json`, its file segments
 * pointing at `audio/NNN - <name>.<ext>`), copies of its audio files, and `playlist.m3u8` with the
 * same relative paths: a folder that opens anywhere. An existing folder of that name must be
 * empty. A file that cannot be copied is reported and its segments keep its absolute path; the
 * rest is still written.
 */
export async function exportPortableFolder(
  playlist: Playlist,
  playlistFilePath: string,
  destinationDir: string,
  options: PortableExportOptions = {},
): Promise<PortableExportResult> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const destination = path.resolve(destinationDir);
  const destinationState = await isEmptyOrAbsent(destination);
  if (destinationState === 'absent' || destinationState === 'not-a-folder') throw new ContractFailure('not-found', 'the destination folder does not exist');
  const folder = path.join(destination, playlist.id);
  const folderState = await isEmptyOrAbsent(folder);
  if (folderState === 'not-empty' || folderState === 'not-a-folder') {
    throw new ContractFailure('conflict', `"${playlist.id}" already exists in the destination and is not an empty folder; choose another destination or remove it`);
  }

  const planned = new Map<string, PlannedCopy>();
  const missing = new Map<string, MissingSource>();
  const segments = fileSegmentsOf(playlist);
  const numberWidth = Math.max(3, String(segments.length).length);
  for (const segment of segments) {
    const source = sourcePath(segment, playlistFilePath);
    const known = planned.get(source) ?? missing.get(source);
    if (known !== undefined) {
      known.segmentIds.push(segment.id);
      continue;
    }
    const checked = await checkSource(source);
    if (!checked.ok) {
      missing.set(source, { path: source, segmentIds: [segment.id], reason: checked.reason });
      continue;
    }
    const number = String(planned.size + 1).padStart(numberWidth, '0');
    const extension = path.extname(source).toLowerCase();
    const name = safeFileName(segment.title ?? path.basename(source, path.extname(source)));
    planned.set(source, { source, realSource: checked.realSource, size: checked.size, relativeTarget: `${audioFolderName}/${number} - ${name}${extension}`, segmentIds: [segment.id] });
  }

  const copies = [...planned.values()];
  const totalBytes = copies.reduce((sum, copy) => sum + copy.size, 0);
  let bytesCopied = 0;
  let filesCopied = 0;
  const report = () => onProgress?.({ bytesCopied, totalBytes, filesCopied, totalFiles: copies.length });

  const createdFolder = folderState === 'absent';
  try {
    await mkdir(path.join(folder, audioFolderName), { recursive: true });
    report();
    for (const copy of copies) {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytesCopied += chunk.length;
          report();
          callback(null, chunk);
        },
      });
      await pipeline(createReadStream(copy.realSource), counter, createWriteStream(path.join(folder, copy.relativeTarget), { flags: 'wx' }), { signal });
      filesCopied += 1;
      report();
    }
    signal?.throwIfAborted();

    const targetBySource = new Map(copies.map((copy) => [copy.source, copy.relativeTarget]));
    const portablePath = (segment: FileSegment): string => {
      const source = sourcePath(segment, playlistFilePath);
      return targetBySource.get(source) ?? source;
    };
    const rewrite = (segment: Segment): Segment => (segment.type === 'file' ? { ...segment, path: portablePath(segment) } : segment);
    const portable = parsePlaylist({
      ...playlist,
      phases: playlist.phases.map((phase) => ({
        ...phase,
        segments: phase.segments.map(rewrite),
        ...(phase.extras === undefined ? {} : { extras: phase.extras.map(rewrite) }),
      })),
    });
    if (!portable.ok) throw new ContractFailure('invalid-data', `the exported playlist would not be valid: ${portable.error.message}`);
    const playlistFile = path.join(folder, portablePlaylistName);
    await writeFileAtomically(playlistFile, `${JSON.stringify(portable.value, null, 2)}\n`);
    const m3u8 = exportM3u8(portable.value, { pathFor: (segment) => segment.path });
    if (!m3u8.ok) throw new ContractFailure(m3u8.error.code, m3u8.error.message);
    const m3u8File = path.join(folder, portableM3u8Name);
    await writeFileAtomically(m3u8File, m3u8.value.text);

    const missingList = [...missing.values()];
    const notes = [...m3u8.value.notes];
    if (missingList.length > 0) {
      notes.unshift(`${missingList.length} audio file${missingList.length === 1 ? ' was' : 's were'} not copied; the exported playlist still points at ${missingList.length === 1 ? 'it' : 'them'} where ${missingList.length === 1 ? 'it was' : 'they were'}`);
    }
    return { folder, playlistFile, m3u8File, copiedFiles: filesCopied, bytesCopied, missing: missingList, notes };
  } catch (error) {
    // Half a folder would look like an export: what this call wrote goes.
    if (createdFolder) {
      await rm(folder, { recursive: true, force: true });
    } else {
      for (const name of [audioFolderName, portablePlaylistName, portableM3u8Name]) await rm(path.join(folder, name), { recursive: true, force: true });
    }
    if (signal?.aborted === true) throw signal.reason;
    if (error instanceof ContractFailure) throw error;
    throw new ContractFailure('write-failed', `the portable folder could not be written (${nodeErrorCode(error) ?? 'unknown error'})`);
  }
}

/**
 * An M3U8 of the playlist (or one phase) at a path the user chose. Files inside that file's
 * folder are written relative to it (the two can move together); others absolute.
 */
export async function exportM3u8File(playlist: Playlist, playlistFilePath: string, outputPath: string, options: { readonly phaseId?: string } = {}): Promise<M3u8FileResult> {
  const outputFolder = path.dirname(path.resolve(outputPath));
  const exported = exportM3u8(playlist, {
    ...(options.phaseId === undefined ? {} : { phaseId: options.phaseId }),
    pathFor: (segment) => {
      const source = sourcePath(segment, playlistFilePath);
      return isInsideFolder(outputFolder, source) ? path.relative(outputFolder, source).split(path.sep).join('/') : source;
    },
  });
  if (!exported.ok) throw new ContractFailure(exported.error.code, exported.error.message);
  try {
    await writeFileAtomically(path.resolve(outputPath), exported.value.text);
  } catch (error) {
    throw new ContractFailure('write-failed', `the M3U8 file could not be written (${nodeErrorCode(error) ?? 'unknown error'})`);
  }
  return { entryCount: exported.value.entryCount, notes: exported.value.notes };
}
