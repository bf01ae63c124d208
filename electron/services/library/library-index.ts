import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import {
  libraryTrackSchema,
  loudnessMeasurementSchema,
  unreadableFileSchema,
  type LibraryTrack,
  type LoudnessMeasurement,
  type UnreadableFile,
} from '../../../core/library';
import { writeFileAtomically } from '../durable-fs';

/** What identifies one version of a file's contents: a measurement holds only while both are unchanged. */
export interface FileStatKey {
  readonly size: number;
  readonly mtimeMs: number;
}

/** A file the last scan could not read, remembered with the root it was found under. */
const storedUnreadableSchema = unreadableFileSchema.extend({ root: z.string() });
type StoredUnreadable = z.infer<typeof storedUnreadableSchema>;

const indexFileSchema = z.object({
  format: z.literal('attune.library-index'),
  version: z.literal(1),
  tracks: z.array(z.unknown()),
  unreadable: z.array(z.unknown()),
});

export const libraryIndexFileName = path.join('library', 'index.json');

const sameStat = (a: FileStatKey, b: FileStatKey) => a.size === b.size && a.mtimeMs === b.mtimeMs;

/** The track as read from its tags, without what analysis added. */
function withoutAnalysis(track: LibraryTrack): LibraryTrack {
  const copy = { ...track };
  delete copy.measured;
  delete copy.analysisProblem;
  delete copy.awaitsPlatformDecode;
  return copy;
}

export interface LibraryIndexOptions {
  /** For the name of a file moved aside. */
  now?: () => Date;
}

/**
 * The library as last scanned, persisted in `<dataDir>/library/index.json`: every track keyed
 * by absolute path with its size and modification time, what its tags say, and our loudness
 * measurement while the file is unchanged; plus the files that could not be read and why.
 *
 * An index file that cannot be read or does not validate is moved aside (kept, never wiped)
 * and the valid records in it are salvaged; the next scan rebuilds the rest. `notice` says so.
 */
export class LibraryIndex {
  private readonly byPath = new Map<string, LibraryTrack>();
  private readonly unreadableByPath = new Map<string, StoredUnreadable>();
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private problem: string | undefined;

  private constructor(readonly filePath: string) {}

  static async open(dataDir: string, options: LibraryIndexOptions = {}): Promise<LibraryIndex> {
    const index = new LibraryIndex(path.join(dataDir, libraryIndexFileName));
    await index.load(options.now ?? (() => new Date()));
    return index;
  }

  /** Set when the stored index could not be used as it was (what happened, where the old file went). */
  get notice(): string | undefined {
    return this.problem;
  }

  private async load(now: () => Date): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await this.moveAside(now, `could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      await this.moveAside(now, 'was not valid JSON');
      return;
    }
    const file = indexFileSchema.safeParse(json);
    if (!file.success) {
      await this.moveAside(now, 'was not a library index this version of Attune reads');
      return;
    }
    let dropped = 0;
    for (const candidate of file.data.tracks) {
      const track = libraryTrackSchema.safeParse(candidate);
      if (track.success) this.byPath.set(track.data.path, track.data);
      else dropped += 1;
    }
    for (const candidate of file.data.unreadable) {
      const unreadable = storedUnreadableSchema.safeParse(candidate);
      if (unreadable.success && !this.byPath.has(unreadable.data.path)) this.unreadableByPath.set(unreadable.data.path, unreadable.data);
      else if (!unreadable.success) dropped += 1;
    }
    if (dropped > 0) {
      await this.moveAside(now, `had ${dropped} record${dropped === 1 ? '' : 's'} that did not validate; the others were kept`);
      this.dirty = true;
    }
  }

  private async moveAside(now: () => Date, what: string): Promise<void> {
    const keptAt = `${this.filePath}.unreadable-${now().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.filePath, keptAt);
      this.problem = `The library index ${what}. The old file was kept as ${keptAt}; the next scan rebuilds the index.`;
    } catch (error) {
      this.problem = `The library index ${what}, and it could not be moved aside (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the next scan rebuilds the index.`;
    }
  }

  /** Every readable track, by path. */
  tracks(): LibraryTrack[] {
    return [...this.byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Every file found that could not be read, with the reason, by path. */
  unreadable(): UnreadableFile[] {
    return [...this.unreadableByPath.values()]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map(({ path: filePath, reason }) => ({ path: filePath, reason }));
  }

  get(filePath: string): LibraryTrack | undefined {
    return this.byPath.get(filePath);
  }

  /** Every path the index knows (tracks and unreadable files) with the root it was found under. */
  entries(): { path: string; root: string }[] {
    return [...this.byPath.values(), ...this.unreadableByPath.values()].map(({ path: filePath, root }) => ({ path: filePath, root }));
  }

  /** True when the path is a known track whose size and modification time are still `stat`: reading it again would find nothing new. */
  isCurrent(filePath: string, stat: FileStatKey): boolean {
    const track = this.byPath.get(filePath);
    return track !== undefined && sameStat(track, stat);
  }

  /**
   * Records a track as just read. A measurement or analysis problem of the same file version
   * (same size and modification time) is kept; of an older version, dropped.
   */
  putTrack(track: LibraryTrack): void {
    const parsed = libraryTrackSchema.parse(track);
    const read = withoutAnalysis(parsed);
    const previous = this.byPath.get(parsed.path);
    const keep = previous !== undefined && sameStat(previous, parsed);
    this.byPath.set(parsed.path, {
      ...read,
      ...(keep && previous.measured !== undefined ? { measured: previous.measured } : {}),
      ...(keep && previous.analysisProblem !== undefined ? { analysisProblem: previous.analysisProblem } : {}),
      ...(keep && previous.awaitsPlatformDecode === true ? { awaitsPlatformDecode: true as const } : {}),
    });
    this.unreadableByPath.delete(parsed.path);
    this.dirty = true;
  }

  /** Moves a known track to another root without reading it (roots that overlap, or a root renamed). */
  setRoot(filePath: string, root: string): void {
    const track = this.byPath.get(filePath);
    if (track === undefined || track.root === root) return;
    this.byPath.set(filePath, { ...track, root });
    this.dirty = true;
  }

  /** Records a file that could not be read; it replaces any track at that path. */
  putUnreadable(root: string, file: UnreadableFile): void {
    const previous = this.unreadableByPath.get(file.path);
    if (previous?.root === root && previous.reason === file.reason && !this.byPath.has(file.path)) return;
    this.byPath.delete(file.path);
    this.unreadableByPath.set(file.path, { path: file.path, reason: file.reason, root });
    this.dirty = true;
  }

  /** Forgets a path (track or unreadable file); false when it was not known. */
  remove(filePath: string): boolean {
    const removed = this.byPath.delete(filePath) || this.unreadableByPath.delete(filePath);
    if (removed) this.dirty = true;
    return removed;
  }

  /**
   * Stores our loudness measurement of the file version `stat` describes. Ignored (false) when the
   * track is unknown or has changed since it was measured, so a stale result never sticks to new
   * contents. Fills in the duration when the tags had none (an MP3 without a Xing header).
   */
  setMeasurement(filePath: string, stat: FileStatKey, measurement: LoudnessMeasurement): boolean {
    const track = this.byPath.get(filePath);
    if (track === undefined || !sameStat(track, stat)) return false;
    const measured = loudnessMeasurementSchema.parse(measurement);
    this.byPath.set(filePath, { ...withoutAnalysis(track), measured, durationSeconds: track.durationSeconds ?? measured.durationSeconds });
    this.dirty = true;
    return true;
  }

  /** Stores why analysing the file version `stat` describes failed; false when the track is unknown or changed. */
  setAnalysisProblem(filePath: string, stat: FileStatKey, reason: string): boolean {
    const track = this.byPath.get(filePath);
    if (track === undefined || !sameStat(track, stat)) return false;
    this.byPath.set(filePath, { ...withoutAnalysis(track), analysisProblem: reason });
    this.dirty = true;
    return true;
  }

  /** Marks the file version `stat` describes for the app's own decoder (the host has none for it); false when unknown or changed. */
  setAwaitsPlatformDecode(filePath: string, stat: FileStatKey): boolean {
    const track = this.byPath.get(filePath);
    if (track === undefined || !sameStat(track, stat)) return false;
    if (track.awaitsPlatformDecode === true && track.measured === undefined && track.analysisProblem === undefined) return true;
    this.byPath.set(filePath, { ...withoutAnalysis(track), awaitsPlatformDecode: true });
    this.dirty = true;
    return true;
  }

  /** True when there are changes not yet saved. */
  get hasUnsavedChanges(): boolean {
    return this.dirty;
  }

  /**
   * Writes the index atomically (temporary file, fsync, rename) when it changed. Calls are
   * serialised, so an earlier slow save never overwrites a later one.
   */
  save(): Promise<void> {
    const next = this.saving.then(() => this.writeIfChanged());
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async writeIfChanged(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const contents = JSON.stringify({
      format: 'attune.library-index',
      version: 1,
      tracks: this.tracks(),
      unreadable: [...this.unreadableByPath.values()],
    });
    try {
      await mkdir(path.dirname(this.filePath), { recursive: true });
      await writeFileAtomically(this.filePath, contents);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }
}
