import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isAudioFileName, type UnreadableFile } from '../../../core/library';
import type { ScanProblem, ScanProgress, ScanSummary } from '../../../core/library-scan';
import type { LibraryIndex } from './library-index';
import { createTrackReader, describeFileError, type FoundFile, type TrackReader } from './read-track';

export type { ScanProgress, ScanSummary } from '../../../core/library-scan';

export interface ScanOptions {
  /** Aborting stops the scan between files; what was read so far is kept and saved. */
  readonly signal?: AbortSignal;
  /** Called at most every `progressIntervalMs`, and always at each phase change and at the end. */
  readonly onProgress?: (progress: ScanProgress) => void;
  readonly progressIntervalMs?: number;
  /** Files read at once: reading is mostly waiting on the disk, so a few overlap well. */
  readonly concurrency?: number;
  /** Reads one file's tags; replaceable so tests can see which files were read. */
  readonly readTrack?: TrackReader;
  /** How often a long reading phase saves what it has so far, so a crash loses little. */
  readonly saveEveryMs?: number;
}

/** Files and problems one walk of the roots found. */
interface Listing {
  readonly files: FoundFile[];
  /** Found but not readable before any reading: broken links, pipes and devices with audio names. */
  readonly unreadable: { root: string; file: UnreadableFile }[];
  readonly rootProblems: { root: string; reason: string }[];
  readonly folderProblems: ScanProblem[];
  /** Roots (and folders) whose contents are unknown this time: what the index holds under them is kept. */
  readonly unknownAreas: string[];
}

class ProgressReporter {
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private current: ScanProgress = { phase: 'listing', found: 0, read: 0, total: 0 };

  constructor(
    private readonly listener: ((progress: ScanProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {}

  update(patch: Partial<ScanProgress>, force = false): void {
    const next: ScanProgress = { ...this.current, ...patch };
    // The current path stays until another replaces it; a new phase starts without one.
    if (patch.phase !== undefined && patch.currentPath === undefined) delete next.currentPath;
    this.current = next;
    if (this.listener === undefined) return;
    const now = performance.now();
    if (!force && now - this.lastEmitAt < this.intervalMs) return;
    this.lastEmitAt = now;
    this.listener({ ...next });
  }

  get progress(): ScanProgress {
    return this.current;
  }
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const isInside = (filePath: string, folder: string) => filePath.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);

/** Why a root cannot be scanned, in words for the library screen. */
function describeRootError(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'folder not found (moved, renamed, or on a drive that is not connected)';
    case 'ENOTDIR':
      return 'not a folder';
    default:
      return describeFileError(error) ?? `could not be read (${(error as Error).message})`;
  }
}

/**
 * Walks the roots for audio files. Symbolic links are followed (to files and to folders); a
 * folder already visited (same device and inode, by any path) is not entered again, which ends
 * link loops and keeps overlapping roots from listing a folder twice. Names starting with a dot
 * are skipped: hidden folders (.Trash, .git) hold no library, and the "._Song.mp3" files macOS
 * leaves on USB drives are not audio.
 */
async function listRoots(roots: readonly string[], signal: AbortSignal | undefined, progress: ProgressReporter): Promise<Listing> {
  const listing: Listing = { files: [], unreadable: [], rootProblems: [], folderProblems: [], unknownAreas: [] };
  const visitedFolders = new Set<string>();
  const unreadable = (root: string, file: UnreadableFile) => {
    listing.unreadable.push({ root, file });
    progress.update({ found: listing.files.length + listing.unreadable.length });
  };

  const enterFolder = async (folder: string): Promise<boolean> => {
    const info = await stat(folder, { bigint: true });
    if (!info.isDirectory()) return false;
    const key = `${info.dev}:${info.ino}`;
    if (visitedFolders.has(key)) return false;
    visitedFolders.add(key);
    return true;
  };

  const walk = async (root: string, folder: string): Promise<void> => {
    if (signal?.aborted) return;
    progress.update({ currentPath: folder });
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (folder === root) listing.rootProblems.push({ root, reason: describeRootError(error) });
      else listing.folderProblems.push({ path: folder, reason: describeRootError(error) });
      listing.unknownAreas.push(folder);
      return;
    }
    const subfolders: string[] = [];
    await Promise.all(
      entries.sort(byName).map(async (entry) => {
        if (entry.name.startsWith('.')) return;
        const entryPath = path.join(folder, entry.name);
        const audioName = isAudioFileName(entry.name);
        if (entry.isDirectory()) {
          subfolders.push(entryPath);
          return;
        }
        if (!entry.isSymbolicLink() && !(audioName && entry.isFile())) {
          if (audioName) unreadable(root, { path: entryPath, reason: 'not a regular file (a pipe, socket or device)' });
          return;
        }
        let info;
        try {
          info = await stat(entryPath);
        } catch (error) {
          if (!audioName) return;
          const code = (error as NodeJS.ErrnoException).code;
          const reason = code === 'ENOENT' ? 'broken symbolic link (its target does not exist)' : (describeFileError(error) ?? (error as Error).message);
          unreadable(root, { path: entryPath, reason });
          return;
        }
        if (info.isDirectory()) {
          subfolders.push(entryPath);
        } else if (audioName && info.isFile()) {
          listing.files.push({ path: entryPath, root, size: info.size, mtimeMs: info.mtimeMs });
          progress.update({ found: listing.files.length + listing.unreadable.length });
        } else if (audioName) {
          unreadable(root, { path: entryPath, reason: 'not a regular file (a pipe, socket or device)' });
        }
      }),
    );
    for (const subfolder of subfolders.sort()) {
      if (signal?.aborted) return;
      let enter: boolean;
      try {
        enter = await enterFolder(subfolder);
      } catch (error) {
        listing.folderProblems.push({ path: subfolder, reason: describeRootError(error) });
        listing.unknownAreas.push(subfolder);
        continue;
      }
      if (enter) await walk(root, subfolder);
    }
  };

  for (const root of roots) {
    if (signal?.aborted) break;
    if (!path.isAbsolute(root)) {
      listing.rootProblems.push({ root, reason: 'not an absolute path' });
      listing.unknownAreas.push(root);
      continue;
    }
    let enter: boolean;
    try {
      const info = await stat(root);
      if (!info.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      enter = await enterFolder(root);
    } catch (error) {
      listing.rootProblems.push({ root, reason: describeRootError(error) });
      listing.unknownAreas.push(root);
      continue;
    }
    if (enter) await walk(root, root);
  }
  return listing;
}

/** Runs `work` over `items` with at most `limit` at a time, stopping early when `signal` aborts. */
async function forEachBounded<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

const scansInProgress = new WeakSet<LibraryIndex>();

/**
 * Scans the library roots into the index: new and changed files (by size and modification
 * time) are read, unchanged ones are not, files that are gone are dropped. Files that cannot be
 * read are recorded with the reason and never stop the scan; a root that cannot be read is
 * reported in the summary and what the index holds under it is kept (a drive that is not
 * connected must not wipe its tracks and their measurements). The index is saved at the end,
 * also when cancelled.
 */
export async function scanLibrary(roots: readonly string[], index: LibraryIndex, options: ScanOptions = {}): Promise<ScanSummary> {
  if (scansInProgress.has(index)) throw new Error('a scan of this library is already running');
  scansInProgress.add(index);
  try {
    return await scan(roots, index, options);
  } finally {
    scansInProgress.delete(index);
  }
}

async function scan(roots: readonly string[], index: LibraryIndex, options: ScanOptions): Promise<ScanSummary> {
  const started = performance.now();
  const { signal } = options;
  const concurrency = options.concurrency ?? 4;
  const reader = options.readTrack ?? createTrackReader({ keepBuffers: concurrency });
  const progress = new ProgressReporter(options.onProgress, options.progressIntervalMs ?? 100);
  const uniqueRoots = [...new Set(roots.map((root) => (path.isAbsolute(root) ? path.resolve(root) : root)))];
  const counts = { added: 0, updated: 0, unchanged: 0, removed: 0, unreadable: 0 };

  progress.update({ phase: 'listing' }, true);
  const listing = await listRoots(uniqueRoots, signal, progress);

  const finish = async (): Promise<ScanSummary> => {
    let saveProblem: string | undefined;
    try {
      await index.save();
    } catch (error) {
      saveProblem = `the library index could not be saved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    const cancelled = signal?.aborted === true;
    progress.update({ phase: cancelled ? 'cancelled' : 'done' }, true);
    return {
      ...counts,
      rootProblems: listing.rootProblems,
      folderProblems: listing.folderProblems,
      cancelled,
      ...(saveProblem === undefined ? {} : { saveProblem }),
      elapsedMs: performance.now() - started,
    };
  };

  // A listing cut short says nothing about what is gone, so nothing changes.
  if (signal?.aborted) return finish();

  const foundPaths = new Set([...listing.files.map((file) => file.path), ...listing.unreadable.map(({ file }) => file.path)]);
  const currentRoots = new Set(uniqueRoots);
  for (const entry of index.entries()) {
    if (foundPaths.has(entry.path)) continue;
    const unknown = listing.unknownAreas.some((area) => entry.root === area || isInside(entry.path, area));
    if (unknown && currentRoots.has(entry.root)) continue;
    if (index.remove(entry.path)) counts.removed += 1;
  }
  for (const { root, file } of listing.unreadable) index.putUnreadable(root, file);
  counts.unreadable += listing.unreadable.length;

  const toRead: FoundFile[] = [];
  for (const file of listing.files) {
    if (index.isCurrent(file.path, file)) {
      index.setRoot(file.path, file.root);
      counts.unchanged += 1;
    } else {
      toRead.push(file);
    }
  }
  toRead.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  let read = 0;
  let lastSave = performance.now();
  const saveEveryMs = options.saveEveryMs ?? 15_000;
  progress.update({ phase: 'reading', total: toRead.length, read: 0 }, true);
  await forEachBounded(toRead, concurrency, signal, async (file) => {
    progress.update({ currentPath: file.path });
    const known = index.get(file.path) !== undefined;
    let result;
    try {
      result = await reader(file);
    } catch (error) {
      // A reader must not throw; if one does, the file is still listed rather than the scan lost.
      result = { ok: false as const, reason: `could not be read (${error instanceof Error ? error.message : String(error)})` };
    }
    if (result.ok) {
      index.putTrack(result.track);
      if (known) counts.updated += 1;
      else counts.added += 1;
    } else {
      index.putUnreadable(file.root, { path: file.path, reason: result.reason });
      counts.unreadable += 1;
    }
    read += 1;
    progress.update({ read, currentPath: file.path });
    if (performance.now() - lastSave >= saveEveryMs) {
      lastSave = performance.now();
      await index.save().catch(() => undefined); // the final save reports the problem if it persists
    }
  });
  return finish();
}
