import type { LibraryJob, LibraryView } from '../../../core/library';
import { TypedEmitter } from '../../../core/typed-emitter';
import { call } from '../../bridge/attune-bridge';
import type { Loadable } from '../../use-host-data';
import { JobWatcher } from './JobWatcher';
import { onHostEvent } from '../../bridge/host-events';

export interface LibraryClientState {
  readonly view: Loadable<LibraryView>;
  /** The running or last job, as the watcher last read it. */
  readonly job: LibraryJob | null;
  readonly jobProblem?: string;
}

export interface LibraryClientEvents extends Record<string, unknown> {
  state: LibraryClientState;
}

/**
 * The library as the screens see it: its folders, tracks and unreadable files, the job
 * working on it, and the actions on it. Each action answers with an error message in
 * words, or undefined when it worked. The view is read again when a job ends.
 */
export class LibraryClient extends TypedEmitter<LibraryClientEvents> {
  private state: LibraryClientState = { view: { status: 'loading' }, job: null };
  private readonly watcher = new JobWatcher(call, onHostEvent);
  private disposed = false;

  constructor() {
    super();
    this.watcher.on('state', ({ job, problem }) => this.setState({ view: this.state.view, job, ...(problem === undefined ? {} : { jobProblem: problem }) }));
    this.watcher.on('finished', () => void this.load());
  }

  getState(): LibraryClientState {
    return this.state;
  }

  async load(): Promise<void> {
    const result = await call('library:get', {});
    if (this.disposed) return;
    if (!result.ok) {
      this.setState({ ...this.state, view: { status: 'error', message: result.error.message } });
      return;
    }
    this.showView(result.value);
  }

  addRoot(path: string): Promise<string | undefined> {
    return this.viewAction(() => call('library:add-root', { path }));
  }

  removeRoot(path: string): Promise<string | undefined> {
    return this.viewAction(() => call('library:remove-root', { path }));
  }

  scan(): Promise<string | undefined> {
    return this.jobAction(() => call('library:scan', { analyse: true }));
  }

  analyse(paths: readonly string[]): Promise<string | undefined> {
    return this.jobAction(() => call('library:analyse', { paths: [...paths] }));
  }

  cancel(): Promise<string | undefined> {
    return this.watcher.cancel();
  }

  dispose(): void {
    this.disposed = true;
    this.watcher.dispose();
    this.removeAllListeners();
  }

  private async viewAction(action: () => ReturnType<typeof call<'library:get'>>): Promise<string | undefined> {
    const result = await action();
    if (this.disposed) return undefined;
    if (!result.ok) return result.error.message;
    this.showView(result.value);
    return undefined;
  }

  private async jobAction(action: () => ReturnType<typeof call<'library:scan'>>): Promise<string | undefined> {
    const result = await action();
    if (this.disposed) return undefined;
    if (!result.ok) return result.error.message;
    this.watcher.watch(result.value);
    return undefined;
  }

  private showView(view: LibraryView): void {
    this.setState({ ...this.state, view: { status: 'ready', value: view } });
    // A job that runs when the view is read (started elsewhere, or before a reload) is followed too.
    if (view.job?.state === 'running' || this.state.job === null) this.watcher.watch(view.job);
  }

  private setState(state: LibraryClientState): void {
    this.state = state;
    this.emit('state', state);
  }
}
