import { randomUUID } from 'node:crypto';
import type { LibraryJob } from '../../../core/library';
import { ContractFailure } from '../../../core/result';

/** A finished job names no file. */
function withoutCurrentPath(job: LibraryJob): LibraryJob {
  const copy = { ...job };
  delete copy.currentPath;
  return copy;
}

interface JobEntry {
  job: LibraryJob;
  readonly controller: AbortController;
  /** Settles once the work has ended and the job's final state is set. */
  finished: Promise<void>;
}

export interface JobControl {
  readonly signal: AbortSignal;
  /** Progress for the bar; cheap to call often (the host's events fold a burst into one). */
  report(progress: { stage?: string; done?: number; total?: number | undefined; currentPath?: string | undefined }): void;
}

/**
 * One long piece of library work at a time (a scan, an analysis, an export), with a status
 * told to `onChange` as it moves (the host pushes it to the progress bar) and a cancel that
 * stops it between files.
 */
export class JobRunner {
  private current: JobEntry | undefined;

  constructor(private readonly onChange: (job: LibraryJob | null) => void = () => {}) {}

  private changed(): void {
    this.onChange(this.status());
  }

  status(): LibraryJob | null {
    return this.current === undefined ? null : { ...this.current.job };
  }

  isRunning(): boolean {
    return this.current?.job.state === 'running';
  }

  /** Starts `work`; its resolved string is the summary line. Refuses while another job runs. */
  start(kind: LibraryJob['kind'], stage: string, work: (control: JobControl) => Promise<string>): LibraryJob {
    if (this.isRunning()) {
      throw new ContractFailure('conflict', `the library is busy (${this.current?.job.stage.toLowerCase() ?? 'working'}); wait for it or cancel it first`);
    }
    const controller = new AbortController();
    const job: LibraryJob = { id: randomUUID(), kind, state: 'running', stage, done: 0, startedAt: new Date().toISOString() };
    const entry: JobEntry = { job, controller, finished: Promise.resolve() };
    this.current = entry;
    const control: JobControl = {
      signal: controller.signal,
      report: ({ stage: nextStage, done, total, currentPath }) => {
        if (entry.job.state !== 'running') return;
        entry.job = {
          ...entry.job,
          ...(nextStage === undefined ? {} : { stage: nextStage }),
          ...(done === undefined ? {} : { done }),
          ...(total === undefined ? {} : { total }),
        };
        if (currentPath === undefined) delete entry.job.currentPath;
        else entry.job.currentPath = currentPath;
        this.changed();
      },
    };
    entry.finished = work(control).then(
      (summary) => {
        const rest = withoutCurrentPath(entry.job);
        entry.job = { ...rest, state: controller.signal.aborted ? 'cancelled' : 'done', summary: controller.signal.aborted ? `Cancelled. ${summary}` : summary };
        this.changed();
      },
      (error: unknown) => {
        const rest = withoutCurrentPath(entry.job);
        const message = error instanceof ContractFailure || error instanceof Error ? error.message : String(error);
        entry.job = { ...rest, state: controller.signal.aborted ? 'cancelled' : 'failed', summary: controller.signal.aborted ? 'Cancelled.' : message };
        this.changed();
      },
    );
    this.changed();
    return { ...job };
  }

  cancel(): LibraryJob | null {
    if (this.current?.job.state === 'running') this.current.controller.abort();
    return this.status();
  }

  /** Resolves once the running job (if any) has ended; for tests and shutdown. */
  async settled(): Promise<void> {
    await this.current?.finished;
  }

  dispose(): void {
    this.current?.controller.abort();
  }
}
