import { stat } from 'node:fs/promises';
import path from 'node:path';
import { hasTrustworthyTags, type LibraryJob, type LibraryTrack, type LibraryView, type LoudnessMeasurement } from '../../../core/library';
import type { ScanSummary } from '../../../core/library-scan';
import type { PlatformDecodeOutcome, PlatformDecodeTask } from '../../../core/contract';
import { ContractFailure } from '../../../core/result';
import type { SettingsService } from '../settings';
import { isInsideFolder } from '../inside-folder';
import { checkLibraryRoots } from '../library-roots';
import { JobRunner, type JobControl } from './jobs';
import { LibraryIndex } from './library-index';
import { LoudnessAnalysisError } from './loudness-analyzer';
import { scanLibrary } from './scanner';

/** What the library needs of the loudness analyser (a worker pool in the hosts, a fake in some tests). */
export interface LoudnessAnalysis {
  readonly workerCount: number;
  analyze(filePath: string, signal?: AbortSignal): Promise<LoudnessMeasurement>;
  dispose(): Promise<void>;
}

export interface LibraryServiceOptions {
  readonly dataDir: string;
  /** Told each time the job moves (its progress, its end), for the host's `library:job` event. */
  readonly onJobChange?: (job: LibraryJob | null) => void;
  readonly settings: SettingsService;
  /** Created on first use: worker threads cost memory, and most launches never analyse. */
  readonly createAnalyzer: () => LoudnessAnalysis;
  /** Told how many tracks wait for the app's own decoder, whenever that may have changed (the `library:platform-work` event). */
  readonly onPlatformWork?: (pending: number) => void;
  /**
   * How long a job waits for the app to take the next track before it ends and leaves the rest
   * waiting (no window open: the web host with no tab); also how long one track may take.
   */
  readonly platformIdleMs?: number;
  /** How long a track the app took stays its own; after that (the window closed mid-file) it is offered again. */
  readonly platformClaimMs?: number;
}

/** The job's stage while the app measures with the platform's decoder. */
export const platformStage = 'Measuring loudness in the app';

/** A job stage that waits for the app: results come through `storePlatformResult`, each one wakes it. */
interface PlatformDrain {
  readonly control: JobControl;
  done: number;
  failed: number;
  lastActivity: number;
  /** The track the app measures now, for the bar. */
  currentPath: string | undefined;
  wake: () => void;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Tracks whose loudness playback cannot yet trust: no measurement, and tags without a peak (or none). */
export function needsAnalysis(track: LibraryTrack): boolean {
  return track.measured === undefined && !hasTrustworthyTags(track) && track.analysisProblem === undefined;
}

/**
 * The music library: the folders the user added (kept in settings), the index of what a scan
 * found there, and the long work on it (scan, loudness analysis), one job at a time.
 */
export class LibraryService {
  private indexLoading: Promise<LibraryIndex> | undefined;
  private analyzer: LoudnessAnalysis | undefined;
  private rootProblems: { root: string; reason: string }[] = [];
  /** Tracks the app has taken and not answered yet, with when it took them. */
  private readonly platformClaims = new Map<string, number>();
  private platformDrain: PlatformDrain | undefined;
  readonly jobs: JobRunner;

  constructor(private readonly options: LibraryServiceOptions) {
    this.jobs = new JobRunner(options.onJobChange);
  }

  index(): Promise<LibraryIndex> {
    this.indexLoading ??= LibraryIndex.open(this.options.dataDir);
    return this.indexLoading;
  }

  roots(): readonly string[] {
    return this.options.settings.current().libraryRoots;
  }

  async view(): Promise<LibraryView> {
    const index = await this.index();
    const roots = this.roots();
    return {
      roots: [...roots],
      rootProblems: this.rootProblems.filter((problem) => roots.includes(problem.root)),
      tracks: index.tracks().filter((track) => roots.includes(track.root)),
      unreadable: index.unreadable().filter((file) => roots.some((root) => isInsideFolder(root, file.path))),
      job: this.jobs.status(),
      ...(index.notice === undefined ? {} : { notice: index.notice }),
    };
  }

  async addRoot(requested: string): Promise<LibraryView> {
    if (!path.isAbsolute(requested)) throw new ContractFailure('bad-request', 'type the full path of the folder (it starts with / or a drive letter)');
    const folder = path.resolve(requested);
    const stats = await stat(folder).catch(() => undefined);
    if (stats === undefined) throw new ContractFailure('not-found', `there is no folder at ${folder}`);
    if (!stats.isDirectory()) throw new ContractFailure('bad-request', `${folder} is a file, not a folder`);
    const roots = this.roots();
    // Adding a folder that is already there changes nothing and is not an error.
    if (!roots.includes(folder)) this.options.settings.update({ libraryRoots: checkLibraryRoots([...roots, folder]) });
    return this.view();
  }

  async removeRoot(folder: string): Promise<LibraryView> {
    if (this.jobs.isRunning()) throw new ContractFailure('conflict', 'the library is busy; wait for the scan or cancel it first');
    this.options.settings.update({ libraryRoots: this.roots().filter((root) => root !== folder) });
    return this.view();
  }

  scan(analyse: boolean) {
    return this.jobs.start('scan', 'Finding audio files', async (control) => {
      const index = await this.index();
      const summary = await scanLibrary(this.roots(), index, {
        signal: control.signal,
        onProgress: (progress) =>
          control.report(
            progress.phase === 'listing'
              ? { stage: 'Finding audio files', done: progress.found, currentPath: progress.currentPath }
              : { stage: 'Reading tags', done: progress.read, total: progress.total, currentPath: progress.currentPath },
          ),
      });
      this.rootProblems = summary.rootProblems;
      const scanned = describeScan(summary, index.tracks().length);
      if (!analyse || control.signal.aborted) return scanned;
      const measured = await this.measure(index.tracks().filter(needsAnalysis), control);
      return `${scanned} ${measured}`;
    });
  }

  analyse(paths: readonly string[]) {
    return this.jobs.start('analyse', 'Measuring loudness', async (control) => {
      const index = await this.index();
      const tracks = paths.map((filePath) => index.get(filePath)).filter((track) => track !== undefined);
      if (tracks.length === 0) throw new ContractFailure('not-found', 'none of these files is in the library; scan it first');
      return this.measure(tracks, control);
    });
  }

  /** Measures tracks on every worker at once; results are saved as they come, so cancelling keeps them. */
  private async measure(tracks: readonly LibraryTrack[], control: JobControl): Promise<string> {
    const index = await this.index();
    if (tracks.length === 0) return 'Every track has trustworthy loudness.';
    this.analyzer ??= this.options.createAnalyzer();
    const analyzer = this.analyzer;
    let done = 0;
    let failed = 0;
    let forPlatform = 0;
    let next = 0;
    let lastSave = Date.now();
    control.report({ stage: 'Measuring loudness', done: 0, total: tracks.length });
    const worker = async () => {
      while (!control.signal.aborted && next < tracks.length) {
        const track = tracks[next] as LibraryTrack;
        next += 1;
        control.report({ currentPath: track.path });
        const key = { size: track.size, mtimeMs: track.mtimeMs };
        try {
          index.setMeasurement(track.path, key, await analyzer.analyze(track.path, control.signal));
        } catch (error) {
          if (control.signal.aborted) break;
          if (error instanceof LoudnessAnalysisError && error.problem === 'needs-ffmpeg') {
            // No host decoder for it (AAC/M4A without ffmpeg): the app's own decoder measures it below.
            forPlatform += 1;
            index.setAwaitsPlatformDecode(track.path, key);
          } else {
            failed += 1;
            index.setAnalysisProblem(track.path, key, error instanceof Error ? error.message : String(error));
          }
        }
        done += 1;
        control.report({ done });
        if (Date.now() - lastSave > 5000) {
          lastSave = Date.now();
          await index.save().catch(() => undefined);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, analyzer.workerCount) }, worker));
    await index.save();
    const measured = `Measured ${plural(done - failed - forPlatform, 'track')}${failed > 0 ? `; ${failed} could not be measured (see the list)` : ''}.`;
    if (forPlatform === 0 || control.signal.aborted) return measured;
    return `${measured} ${await this.drainPlatform(control)}`;
  }

  private platformIdleMs(): number {
    return this.options.platformIdleMs ?? 20_000;
  }

  private isClaimed(filePath: string, now: number): boolean {
    return now - (this.platformClaims.get(filePath) ?? Number.NEGATIVE_INFINITY) < (this.options.platformClaimMs ?? 10 * 60_000);
  }

  private async platformPending(): Promise<LibraryTrack[]> {
    const index = await this.index();
    const roots = this.roots();
    return index.tracks().filter((track) => track.awaitsPlatformDecode === true && roots.includes(track.root));
  }

  private async announcePlatformWork(): Promise<void> {
    this.options.onPlatformWork?.((await this.platformPending()).length);
  }

  /**
   * The next track for the app's decoder, claimed so a second window does not take it too. With
   * no job running this starts one, so the library screen shows the work like a scan; while
   * another job runs (a scan still reading tags) it answers null and the app asks again later.
   */
  async takePlatformTask(): Promise<PlatformDecodeTask | null> {
    const now = Date.now();
    const free = (await this.platformPending()).filter((track) => !this.isClaimed(track.path, now));
    const track = free[0];
    if (track === undefined) return null;
    if (this.platformDrain === undefined) {
      if (this.jobs.isRunning()) return null;
      this.jobs.start('analyse', platformStage, (control) => this.drainPlatform(control));
    }
    const drain = this.platformDrain as PlatformDrain | undefined;
    if (drain === undefined) return null;
    this.platformClaims.set(track.path, now);
    drain.lastActivity = now;
    drain.currentPath = track.path;
    drain.control.report({ currentPath: track.path });
    return { path: track.path, size: track.size, mtimeMs: track.mtimeMs };
  }

  /** Stores what the app's decoder found for a task; false when the file has changed (or gone) since it was taken. */
  async storePlatformResult(task: PlatformDecodeTask, outcome: PlatformDecodeOutcome): Promise<boolean> {
    const index = await this.index();
    this.platformClaims.delete(task.path);
    const key = { size: task.size, mtimeMs: task.mtimeMs };
    const stored =
      outcome.kind === 'measured' ? index.setMeasurement(task.path, key, outcome.measurement) : index.setAnalysisProblem(task.path, key, outcome.reason);
    // Counted before the save: the job must not take the time the disk needs for the app's silence.
    const drain = this.platformDrain;
    if (drain !== undefined) {
      drain.done += 1;
      if (outcome.kind === 'failed') drain.failed += 1;
      drain.lastActivity = Date.now();
      drain.currentPath = undefined;
      drain.control.report({ done: drain.done });
    }
    await index.save();
    if (drain !== undefined) drain.lastActivity = Date.now();
    drain?.wake();
    await this.announcePlatformWork();
    return stored;
  }

  /**
   * The job's last stage when tracks wait for the app's decoder: tells the app, then waits while
   * it takes them one at a time. Ends when none are left, when cancelled, or when the app has
   * not asked for a while (no window open); what is left waits for the next time.
   */
  private async drainPlatform(control: JobControl): Promise<string> {
    // Set before the first await: the take that started this job claims its track at once.
    const drain: PlatformDrain = { control, done: 0, failed: 0, lastActivity: Date.now(), currentPath: undefined, wake: () => {} };
    this.platformDrain = drain;
    try {
      control.report({ stage: platformStage, done: 0 });
      control.report({ total: (await this.platformPending()).length, currentPath: drain.currentPath });
      await this.announcePlatformWork();
      for (;;) {
        if (control.signal.aborted) break;
        const pending = await this.platformPending();
        if (pending.length === 0) break;
        const idleMs = this.platformIdleMs();
        const now = Date.now();
        // A long file keeps its claim while the app decodes it; with none in hand, a silent app has gone.
        if (!pending.some((track) => this.isClaimed(track.path, now)) && now - drain.lastActivity > idleMs) break;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            control.signal.removeEventListener('abort', done);
            drain.wake = () => {};
            resolve();
          };
          const timer = setTimeout(done, idleMs / 4);
          control.signal.addEventListener('abort', done, { once: true });
          drain.wake = done;
        });
      }
    } finally {
      this.platformDrain = undefined;
    }
    const left = (await this.platformPending()).length;
    const measured = drain.done - drain.failed;
    return [
      `Measured ${plural(measured, 'track')} with the app's decoder${drain.failed > 0 ? `; ${drain.failed} it could not decode (see the list)` : ''}.`,
      left > 0 ? `${plural(left, 'track')} (AAC/M4A) wait for the app's decoder; they are measured while Attune is open.` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  async dispose(): Promise<void> {
    this.jobs.dispose();
    await this.jobs.settled();
    await this.analyzer?.dispose();
  }
}

function describeScan(summary: ScanSummary, trackCount: number): string {
  const changes = [
    summary.added > 0 ? `${summary.added} new` : '',
    summary.updated > 0 ? `${summary.updated} changed` : '',
    summary.removed > 0 ? `${summary.removed} gone` : '',
    summary.unreadable > 0 ? `${summary.unreadable} unreadable` : '',
  ].filter(Boolean);
  const problems = summary.rootProblems.map((problem) => `${problem.root}: ${problem.reason}`);
  return [
    `${plural(trackCount, 'track')} in the library${changes.length > 0 ? ` (${changes.join(', ')})` : ''}.`,
    ...problems.map((problem) => `Could not scan ${problem}.`),
    ...summary.folderProblems.slice(0, 3).map((problem) => `Could not list ${problem.path}: ${problem.reason}.`),
    summary.folderProblems.length > 3 ? `${summary.folderProblems.length - 3} more folders could not be listed.` : '',
    summary.saveProblem === undefined ? '' : `${summary.saveProblem.charAt(0).toUpperCase()}${summary.saveProblem.slice(1)}; the next scan tries again.`,
  ]
    .filter(Boolean)
    .join(' ');
}
