import type { LibraryJob } from '../../../core/library';
import { TypedEmitter } from '../../../core/typed-emitter';
import { call } from '../../bridge/attune-bridge';

export interface JobWatcherState {
  /** The job as last read from the host (it keeps the last one, finished, with its summary). */
  readonly job: LibraryJob | null;
  /** The host could not be asked; the job may still be running. */
  readonly problem?: string;
}

export interface JobWatcherEvents extends Record<string, unknown> {
  state: JobWatcherState;
  /** The watched job ended (done, cancelled or failed). */
  finished: LibraryJob;
}

export interface JobWatcherOptions {
  readonly intervalMs: number;
}

/**
 * Follows the host's one library job (scan, analysis, portable export) by polling
 * `library:job` while it runs, for a progress bar; the host does not push progress.
 */
export class JobWatcher extends TypedEmitter<JobWatcherEvents> {
  static readonly defaults: JobWatcherOptions = { intervalMs: 250 };

  private readonly options: JobWatcherOptions;
  private state: JobWatcherState = { job: null };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(options: Partial<JobWatcherOptions> = {}) {
    super();
    this.options = { ...JobWatcher.defaults, ...options };
  }

  getState(): JobWatcherState {
    return this.state;
  }

  /** Shows `job` (as a start or a view answered it) and follows it while it runs. */
  watch(job: LibraryJob | null): void {
    if (this.disposed) return;
    this.publish({ job });
    if (job?.state === 'running') this.schedule();
  }

  async cancel(): Promise<string | undefined> {
    const result = await call('library:cancel', {});
    if (!result.ok) return result.error.message;
    this.watch(result.value);
    return undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.removeAllListeners();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, this.options.intervalMs);
  }

  private async poll(): Promise<void> {
    const watched = this.state.job;
    const result = await call('library:job', {});
    if (this.disposed) return;
    if (!result.ok) {
      this.publish({ job: watched, problem: `Progress could not be read: ${result.error.message}` });
      this.schedule();
      return;
    }
    const job = result.value;
    this.publish({ job });
    if (job?.state === 'running') this.schedule();
    else if (job !== null && watched?.state === 'running') this.emit('finished', job);
  }

  private publish(state: JobWatcherState): void {
    this.state = state;
    this.emit('state', state);
  }
}
