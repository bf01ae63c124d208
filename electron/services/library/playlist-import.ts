import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAudioFileName, segmentFromTrack, type LibraryTrack, type UnreadableFile } from '../../../core/library';
import { cleanText } from '../../../core/playlist-formats/entries';
import {
  detectPlaylistFormat,
  describeCandidate,
  maxLocationLength,
  normaliseLocation,
  parsePlaylistFile,
  type LocalPathCandidate,
  type PlaylistEntry,
  type PlaylistFileFormat,
} from '../../../core/playlist-formats/index';
import type { FileSegment } from '../../../core/playlist';
import { ContractFailure } from '../../../core/result';
import { nodeErrorCode } from '../error-code';
import { isInsideFolder } from '../inside-folder';

/** Far above any honest playlist file (10,000 entries of long paths), small enough to read whole. */
export const maxImportBytes = 5 * 1024 * 1024;
export const maxImportEntries = 10_000;

export interface PlaylistImportOptions {
  /** The library index: a file found in it becomes a segment with its tags, duration and loudness. */
  readonly libraryTracks: readonly LibraryTrack[];
  /** Files the library's scan could not read: an entry naming one is refused, not imported to fail in a session. */
  readonly unreadableFiles?: readonly UnreadableFile[];
  /** The music folders the user chose; a file outside the playlist's own folder must lie in one. */
  readonly libraryRoots: readonly string[];
  /** Ids the new segments must not take (those of the playlist they are imported into). */
  readonly reservedIds?: Iterable<string>;
}

export interface UnresolvedEntry {
  /** As written in the file, shortened and with control characters made visible. */
  readonly location: string;
  readonly line?: number;
  readonly reason: string;
}

export interface ImportedPlaylist {
  /** The playlist's own title (XSPF, `#PLAYLIST:`), else its file name. */
  readonly title: string;
  readonly format: PlaylistFileFormat;
  /** In the file's order; paths absolute. */
  readonly segments: FileSegment[];
  /** Every entry that did not become a segment, with the reason. */
  readonly unresolved: UnresolvedEntry[];
  /** About the file as a whole: how it was decoded, lines that were skipped. */
  readonly notes: string[];
  /**
   * Segments whose files lie in the imported playlist's folder but under no library root. Playback
   * serves files only from the library roots and the Attune playlist's own folder, so the caller
   * should offer to add that folder to the library.
   */
  readonly outsideLibraryRoots: string[];
}

function failure(code: 'not-found' | 'invalid-data', message: string): ContractFailure {
  return new ContractFailure(code, message);
}

/**
 * Opened before it is looked at, so the checks apply to what is read: non-blocking, because a
 * named pipe would otherwise hold the open forever; then only a regular file within the limit.
 */
async function readPlaylistBytes(filePath: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(filePath, constants.O_RDONLY | (process.platform === 'win32' ? 0 : constants.O_NONBLOCK));
  } catch (error) {
    const code = nodeErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw failure('not-found', 'the playlist file was not found');
    throw failure('invalid-data', `the playlist file could not be opened (${code ?? 'unknown error'})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw failure('invalid-data', 'the playlist is not a regular file');
    if (stats.size > maxImportBytes) {
      throw failure('invalid-data', `the playlist file is ${(stats.size / 1024 / 1024).toFixed(1)} MB; Attune imports playlist files of at most ${maxImportBytes / 1024 / 1024} MB`);
    }
    // One byte more than allowed tells a file that grew since the check.
    const buffer = Buffer.alloc(maxImportBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxImportBytes) throw failure('invalid-data', `the playlist file is larger than ${maxImportBytes / 1024 / 1024} MB`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof ContractFailure) throw error;
    throw failure('invalid-data', `the playlist file could not be read (${nodeErrorCode(error) ?? 'unknown error'})`);
  } finally {
    await handle.close();
  }
}

interface DecodedText {
  readonly text: string;
  readonly notes: string[];
}

function decodeWith(label: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * UTF-8 first. Classic M3U and PLS files are often Windows-1252 (Winamp, Windows Media Player),
 * so text that is not UTF-8 is read as that and the user told; XML follows its own declaration.
 */
function decodePlaylistText(bytes: Uint8Array, fileName: string): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: decodeWith('utf-16le', bytes) ?? '', notes: [] };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: decodeWith('utf-16be', bytes) ?? '', notes: [] };
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const isXml = /\.xspf$/i.test(fileName) || /^(\uFEFF|\u00EF\u00BB\u00BF)?\s*</.test(head);
  const declared = isXml ? /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head.replace(/^\u00EF\u00BB\u00BF/, ''))?.[1] : undefined;
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) {
    const text = decodeWith(declared, bytes);
    if (text === undefined) throw failure('invalid-data', `the XSPF file declares the encoding "${declared.slice(0, 40)}", which Attune cannot read`);
    return { text, notes: [] };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), notes: [] };
  } catch {
    if (isXml) throw failure('invalid-data', 'the XSPF file is not valid UTF-8 and declares no other encoding');
    const promise = /\.m3u8$/i.test(fileName) ? ', although .m3u8 files should be UTF-8' : '';
    return {
      text: new TextDecoder('windows-1252').decode(bytes),
      notes: [`the file is not valid UTF-8; it was read as Windows-1252 (Western European), as older players write playlists${promise}`],
    };
  }
}

const nameKey = (name: string): string => name.normalize('NFC').toLowerCase();

function displayLocation(location: string): string {
  const visible = location.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
  return visible.length > 300 ? `${visible.slice(0, 299)}…` : visible;
}

function notAudioReason(fileName: string): string {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1];
  return extension === undefined ? 'not an audio file (its name has no extension)' : `not an audio file (".${extension.slice(0, 12)}" is not a format Attune plays)`;
}

/** A slug for segment ids, unique among those already given out and those reserved. */
class SegmentIds {
  private readonly taken: Set<string>;

  constructor(reserved: Iterable<string>) {
    this.taken = new Set(reserved);
  }

  next(title: string): string {
    const base =
      title
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 56)
        .replace(/-+$/, '') || 'track';
    let id = base;
    for (let suffix = 2; this.taken.has(id); suffix += 1) id = `${base}-${suffix}`;
    this.taken.add(id);
    return id;
  }
}

interface IndexedTrack {
  readonly track: LibraryTrack;
  /** Its path's names from the file name upwards, compared case- and normalisation-insensitively. */
  readonly reversedKeys: readonly string[];
}

type Inspection = { readonly ok: true; readonly realPath: string } | { readonly ok: false; readonly missing: boolean; readonly reason: string };

async function inspectFile(filePath: string): Promise<Inspection> {
  let realPath: string;
  try {
    realPath = await realpath(filePath);
  } catch (error) {
    const code = nodeErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true, reason: 'not found' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, missing: false, reason: 'the file cannot be read (permission denied)' };
    if (code === 'ELOOP') return { ok: false, missing: false, reason: 'the path is a loop of symbolic links' };
    return { ok: false, missing: false, reason: `the file could not be read (${code ?? 'unknown error'})` };
  }
  const stats = await stat(realPath).catch(() => undefined);
  if (stats === undefined) return { ok: false, missing: true, reason: 'not found' };
  // A device or a named pipe named .mp3 (a link to /dev/zero) would never end or never answer.
  if (!stats.isFile()) return { ok: false, missing: false, reason: 'not a regular file' };
  return { ok: true, realPath };
}

type Resolution =
  | { readonly ok: true; readonly filePath: string; readonly insideLibraryRoot: boolean; readonly track?: LibraryTrack }
  | { readonly ok: false; readonly reason: string };

const outsideReason = "outside the playlist's folder and the library folders";

/**
 * Finds the local file an entry names, or says why there is none. A path as written is only looked
 * at when it lies in the playlist's folder or a library root; its real path must too (no symbolic
 * link leads out). A path that is not there (another computer's, often Windows) is looked up in the
 * library index by its file name and the folders above it.
 */
class EntryResolver {
  private readonly tracksByPath = new Map<string, LibraryTrack>();
  private readonly tracksByName = new Map<string, IndexedTrack[]>();
  private readonly unreadableByPath: ReadonlyMap<string, string>;

  constructor(
    private readonly playlistFolder: string,
    private readonly realPlaylistFolder: string | undefined,
    private readonly roots: readonly string[],
    private readonly realRoots: readonly string[],
    tracks: readonly LibraryTrack[],
    unreadable: readonly UnreadableFile[],
  ) {
    this.unreadableByPath = new Map(unreadable.map((file) => [file.path, file.reason]));
    for (const track of tracks) {
      if (!path.isAbsolute(track.path) || ![...roots, ...realRoots].some((root) => isInsideFolder(root, track.path))) continue;
      this.tracksByPath.set(track.path, track);
      const reversedKeys = track.path.split(/[\\/]+/).filter((name) => name !== '').map(nameKey).reverse();
      const fileKey = reversedKeys[0];
      if (fileKey === undefined) continue;
      const bucket = this.tracksByName.get(fileKey) ?? [];
      bucket.push({ track, reversedKeys });
      this.tracksByName.set(fileKey, bucket);
    }
  }

  async resolve(candidate: LocalPathCandidate): Promise<Resolution> {
    const fileName = candidate.components.at(-1) ?? '';
    if (!isAudioFileName(fileName)) return { ok: false, reason: notAudioReason(fileName) };
    const local = this.localPath(candidate);
    let reason: string;
    if (local === undefined) {
      reason = `not found here (${candidate.style === 'absolute' ? 'a path' : 'a Windows path'} from another computer)`;
    } else if (local.length > maxLocationLength) {
      return { ok: false, reason: `the path is longer than ${maxLocationLength} characters` };
    } else if (!this.mayLookAt(local)) {
      reason = outsideReason;
    } else {
      const inspected = await inspectFile(local);
      const knownUnreadable = inspected.ok ? (this.unreadableByPath.get(local) ?? this.unreadableByPath.get(inspected.realPath)) : undefined;
      if (knownUnreadable !== undefined) {
        return { ok: false, reason: `the library could not read this file (${knownUnreadable}); rescan the library if it has been replaced since` };
      }
      if (inspected.ok) {
        const accepted = this.accept(local, inspected.realPath, this.tracksByPath.get(local) ?? this.tracksByPath.get(inspected.realPath));
        if (accepted !== undefined) return accepted;
        reason = `${outsideReason} (a symbolic link leads out)`;
      } else if (!inspected.missing) {
        return { ok: false, reason: inspected.reason };
      } else {
        reason = 'not found';
      }
    }
    return this.resolveInLibrary(candidate, reason);
  }

  private async resolveInLibrary(candidate: LocalPathCandidate, reasonSoFar: string): Promise<Resolution> {
    const wanted = candidate.components.filter((name) => name !== '..').map(nameKey).reverse();
    const bucket = this.tracksByName.get(wanted[0] ?? '') ?? [];
    let best = 0;
    let matches: IndexedTrack[] = [];
    for (const indexed of bucket) {
      let shared = 0;
      while (shared < wanted.length && indexed.reversedKeys[shared] === wanted[shared]) shared += 1;
      if (shared > best) {
        best = shared;
        matches = [indexed];
      } else if (shared === best) {
        matches.push(indexed);
      }
    }
    if (matches.length === 0) return { ok: false, reason: reasonSoFar };
    if (matches.length > 1) {
      return { ok: false, reason: `${reasonSoFar}; ${matches.length} library files share its name${best > 1 ? ` and its ${best - 1} innermost folder${best === 2 ? '' : 's'}` : ''}, so which one is meant cannot be told` };
    }
    const track = matches[0]?.track;
    if (track === undefined) return { ok: false, reason: reasonSoFar };
    const inspected = await inspectFile(track.path);
    if (!inspected.ok) return { ok: false, reason: `${reasonSoFar}; the library file with its name (${track.path}): ${inspected.reason}` };
    return this.accept(track.path, inspected.realPath, track) ?? { ok: false, reason: `${reasonSoFar}; the library file with its name leads outside the library folders` };
  }

  /** The path on this computer, or undefined when it belongs to another kind of system. */
  private localPath(candidate: LocalPathCandidate): string | undefined {
    const windows = process.platform === 'win32';
    switch (candidate.style) {
      case 'relative':
        return path.resolve(this.playlistFolder, ...candidate.components);
      case 'absolute':
        // On Windows a path from the root means the root of the current drive: the playlist's.
        return path.resolve(path.parse(this.playlistFolder).root, ...candidate.components);
      case 'windows-drive':
        return windows ? path.win32.join(`${candidate.drive ?? 'C'}:\\`, ...candidate.components) : undefined;
      case 'unc':
        return windows ? describeCandidate(candidate) : undefined;
    }
  }

  private mayLookAt(filePath: string): boolean {
    return [this.playlistFolder, ...(this.realPlaylistFolder === undefined ? [] : [this.realPlaylistFolder]), ...this.roots, ...this.realRoots].some((folder) =>
      isInsideFolder(folder, filePath),
    );
  }

  private accept(filePath: string, realPath: string, track: LibraryTrack | undefined): Resolution | undefined {
    const insideLibraryRoot = this.realRoots.some((root) => isInsideFolder(root, realPath));
    const insidePlaylistFolder = this.realPlaylistFolder !== undefined && isInsideFolder(this.realPlaylistFolder, realPath);
    if (!insideLibraryRoot && !insidePlaylistFolder) return undefined;
    return { ok: true, filePath, insideLibraryRoot, ...(track === undefined ? {} : { track }) };
  }
}

async function realpathOrUndefined(folder: string): Promise<string | undefined> {
  try {
    return await realpath(folder);
  } catch {
    return undefined;
  }
}

const eightHoursSeconds = 8 * 3600;

function entrySegment(entry: PlaylistEntry, filePath: string, id: string): FileSegment {
  const fileTitle = path.basename(filePath).replace(/\.[^.]+$/, '');
  return {
    type: 'file',
    id,
    path: filePath,
    title: entry.title ?? cleanText(fileTitle) ?? fileTitle.slice(0, 300),
    ...(entry.artist === undefined ? {} : { artist: entry.artist }),
    ...(entry.durationSeconds === undefined ? {} : { durationSeconds: Math.min(entry.durationSeconds, eightHoursSeconds) }),
  };
}

/**
 * What the library knows about a track, and what the entry says where the library knows nothing
 * (an untagged file keeps the playlist's title rather than its file name). Library tags are not
 * bound by the schema's lengths; a segment is.
 */
function trackSegment(track: LibraryTrack, entry: PlaylistEntry, id: string): FileSegment {
  const segment = segmentFromTrack(track, id);
  const title = cleanText(track.title) ?? entry.title ?? cleanText(segment.title);
  const artist = cleanText(track.artist) ?? entry.artist;
  const merged: FileSegment = { ...segment };
  delete merged.title;
  delete merged.artist;
  if (title !== undefined) merged.title = title;
  if (artist !== undefined) merged.artist = artist;
  if (merged.durationSeconds === undefined && entry.durationSeconds !== undefined) merged.durationSeconds = Math.min(entry.durationSeconds, eightHoursSeconds);
  return merged;
}

/**
 * Reads an M3U, M3U8, PLS or XSPF file and makes a file segment of every entry that names an
 * audio file Attune may play; every other entry is listed with the reason. Bad entries never
 * throw; a file that cannot be imported at all (missing, not a regular file, too large, too many
 * entries, not a playlist) throws a ContractFailure with a message for the user.
 */
export async function importPlaylistFile(filePath: string, options: PlaylistImportOptions): Promise<ImportedPlaylist> {
  const absoluteFile = path.resolve(filePath);
  const fileName = path.basename(absoluteFile);
  const { text, notes } = decodePlaylistText(await readPlaylistBytes(absoluteFile), fileName);
  const format = detectPlaylistFormat(fileName, text);
  if (format === undefined) throw failure('invalid-data', 'the file is not a playlist Attune can import (M3U, M3U8, PLS or XSPF)');
  const parsed = parsePlaylistFile(format, text, { maxEntries: maxImportEntries });
  if (parsed.tooManyEntries === true) {
    throw failure('invalid-data', `the playlist has more than ${maxImportEntries.toLocaleString('en')} entries; Attune imports at most ${maxImportEntries.toLocaleString('en')} at a time`);
  }
  notes.push(...parsed.problems);
  if (parsed.entries.length === 0) notes.push('the file lists no entries');

  const playlistFolder = path.dirname(absoluteFile);
  const roots = options.libraryRoots.filter((root) => path.isAbsolute(root)).map((root) => path.resolve(root));
  const realRoots = (await Promise.all(roots.map(realpathOrUndefined))).filter((root) => root !== undefined);
  const resolver = new EntryResolver(playlistFolder, await realpathOrUndefined(playlistFolder), roots, realRoots, options.libraryTracks, options.unreadableFiles ?? []);
  const ids = new SegmentIds(options.reservedIds ?? []);
  const segments: FileSegment[] = [];
  const unresolved: UnresolvedEntry[] = [];
  const outsideLibraryRoots: string[] = [];

  for (const entry of parsed.entries) {
    const unresolvable = (reason: string) => unresolved.push({ location: displayLocation(entry.location), ...(entry.line === undefined ? {} : { line: entry.line }), reason });
    const normalised = normaliseLocation(entry.location, { uri: format === 'xspf' });
    if (!normalised.ok) {
      unresolvable(normalised.reason);
      continue;
    }
    let firstFailure: string | undefined;
    let resolved: Extract<Resolution, { ok: true }> | undefined;
    for (const candidate of normalised.candidates) {
      const resolution = await resolver.resolve(candidate);
      if (resolution.ok) {
        resolved = resolution;
        break;
      }
      // "not found" for the literal reading says less than why the decoded one was refused.
      if (firstFailure === undefined || firstFailure === 'not found') firstFailure = resolution.reason;
    }
    if (resolved === undefined) {
      unresolvable(firstFailure ?? 'not found');
      continue;
    }
    const fileTitle = path.basename(resolved.filePath).replace(/\.[^.]+$/, '');
    const id = ids.next(resolved.track?.title ?? entry.title ?? fileTitle);
    segments.push(resolved.track === undefined ? entrySegment(entry, resolved.filePath, id) : trackSegment(resolved.track, entry, id));
    if (!resolved.insideLibraryRoot) outsideLibraryRoots.push(id);
  }

  const title = cleanText(parsed.title, 200) ?? cleanText(fileName.replace(/\.[^.]+$/, ''), 200) ?? 'Imported playlist';
  return { title, format, segments, unresolved, notes, outsideLibraryRoots };
}
