import { stat } from 'node:fs/promises';
import path from 'node:path';
import { hasTrustworthyTags, type LibraryJob, type LibraryTrack, type LibraryView, type LoudnessMeasurement } from '../../../core/library';
import type { ScanSummary } from '../../../core/library-scan';
import { ContractFailure } from '../../../core/result';
import type { SettingsService } from '../settings';
import { isInsideFolder } from '../inside-folder';
import { checkLibraryRoots } from '../library-roots';
import { JobRunner, type JobControl } from './jobs';
import { LibraryIndex } from './library-index';
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
          failed += 1;
          index.setAnalysisProblem(track.path, key, error instanceof Error ? error.message : String(error));
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
    return `Measured ${plural(done - failed, 'track')}${failed > 0 ? `; ${failed} could not be measured (see the list)` : ''}.`;
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
