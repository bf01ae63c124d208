import type { HostEventName } from '../../../core/channels';
import type { HostCall } from '../../../core/contract';
import type { HostEventPayload } from '../../../core/host-events';
import type { LibraryJob } from '../../../core/library';
import { TypedEmitter } from '../../../core/typed-emitter';

export interface JobWatcherState {
  /** The job as the host last told it (it keeps the last one, finished, with its summary). */
  readonly job: LibraryJob | null;
  /** The host could not be asked; the job may still be running. */
  readonly problem?: string;
}

export interface JobWatcherEvents extends Record<string, unknown> {
  state: JobWatcherState;
  /** The watched job ended (done, cancelled or failed). */
  finished: LibraryJob;
}

/** How the watcher hears the host's `library:job` events (the bridge's onHostEvent). */
export type JobEventSource = (name: Extract<HostEventName, 'library:job'>, listener: (job: HostEventPayload<'library:job'>) => void) => () => void;

/**
 * Whether `job` tells less than what is shown: a job that started before the one shown (a
 * stream that connects first repeats the last event it had, maybe of an earlier job), or the
 * shown job running again after it was seen to end (an event may overtake an answer).
 */
function isOlderNews(job: LibraryJob | null, shown: LibraryJob): boolean {
  if (job === null) return true;
  if (job.id !== shown.id) return job.startedAt < shown.startedAt;
  return shown.state !== 'running' && job.state === 'running';
}

/**
 * Follows the host's one library job (scan, analysis, portable export) for a progress bar:
 * the host pushes each change as a `library:job` event while the job runs. Once it listens,
 * the watcher asks for the job once, so a change that came before it listened is not missed.
 */
export class JobWatcher extends TypedEmitter<JobWatcherEvents> {
  private state: JobWatcherState = { job: null };
  private stopListening: (() => void) | undefined;
  private disposed = false;

  constructor(
    private readonly call: HostCall,
    private readonly onJobEvent: JobEventSource,
  ) {
    super();
  }

  getState(): JobWatcherState {
    return this.state;
  }

  /** Shows `job` (as a start or a view answered it) and follows it while it runs. */
  watch(job: LibraryJob | null): void {
    if (this.disposed) return;
    this.take(job);
    if (job?.state === 'running' && this.stopListening === undefined) {
      this.stopListening = this.onJobEvent('library:job', (next) => this.take(next));
      void this.catchUp();
    }
  }

  async cancel(): Promise<string | undefined> {
    const result = await this.call('library:cancel', {});
    if (!result.ok) return result.error.message;
    this.watch(result.value);
    return undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening?.();
    this.stopListening = undefined;
    this.removeAllListeners();
  }

  private async catchUp(): Promise<void> {
    const result = await this.call('library:job', {});
    if (this.disposed) return;
    if (result.ok) this.take(result.value);
    else this.publish({ job: this.state.job, problem: `Progress could not be read: ${result.error.message}` });
  }

  private take(job: LibraryJob | null): void {
    if (this.disposed) return;
    const watched = this.state.job;
    if (watched !== null && isOlderNews(job, watched)) return;
    this.publish({ job });
    if (job?.state === 'running') return;
    this.stopListening?.();
    this.stopListening = undefined;
    if (job !== null && watched?.state === 'running' && watched.id === job.id) this.emit('finished', job);
  }

  private publish(state: JobWatcherState): void {
    this.state = state;
    this.emit('state', state);
  }
}
