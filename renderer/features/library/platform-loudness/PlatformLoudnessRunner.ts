import type { HostEventName } from '../../../../core/channels';
import type { HostCall, PlatformDecodeOutcome, PlatformDecodeTask } from '../../../../core/contract';
import type { HostEventPayload } from '../../../../core/host-events';
import type { LoudnessMeasurement } from '../../../../core/library';
import { TypedEmitter, type Unsubscribe } from '../../../../core/typed-emitter';

export interface PlatformLoudnessState {
  /** `paused` while a session plays: decoding never takes the computer from the music. */
  readonly status: 'idle' | 'measuring' | 'paused';
  /** The file being measured now. */
  readonly currentPath?: string;
  /** Files this window has measured, and those the platform could not decode, since it opened. */
  readonly measured: number;
  readonly failed: number;
  /** The host could not be reached; the runner tries again on the host's next event. */
  readonly problem?: string;
}

export interface PlatformLoudnessEvents extends Record<string, unknown> {
  state: PlatformLoudnessState;
}

/** How the runner hears the host's events (the bridge's onHostEvent). */
export type PlatformWorkEvents = <Name extends Extract<HostEventName, 'library:platform-work' | 'library:job'>>(
  name: Name,
  listener: (payload: HostEventPayload<Name>) => void,
) => Unsubscribe;

/** Measures one file the host names by its path; rejects with a reason a curator can read. */
export type MeasureFile = (path: string, signal: AbortSignal) => Promise<LoudnessMeasurement>;

/**
 * The app's side of loudness analysis for files the host cannot decode (AAC/M4A without
 * ffmpeg): while the app is open it takes such tracks from the host one at a time
 * (`library:platform-take`), measures each with the platform's decoder and stores the result
 * (`library:platform-result`). It asks when it starts and whenever the host says there is work
 * (`library:platform-work`) or a library job ends; at rest it does nothing at all.
 */
export class PlatformLoudnessRunner extends TypedEmitter<PlatformLoudnessEvents> {
  private state: PlatformLoudnessState = { status: 'idle', measured: 0, failed: 0 };
  private readonly unsubscribes: Unsubscribe[] = [];
  private running: AbortController | undefined;
  private pumping = false;
  /** Set when work was announced while a file was being measured: ask again after it. */
  private askAgain = false;
  private paused = false;
  private disposed = false;
  private startTimer: ReturnType<typeof setTimeout> | undefined;

  /** `firstAskDelayMs`: the first question waits until the app has started (the host reads the library index to answer it). */
  constructor(
    private readonly call: HostCall,
    private readonly events: PlatformWorkEvents,
    private readonly measure: MeasureFile,
    private readonly firstAskDelayMs = 5000,
  ) {
    super();
  }

  getState(): PlatformLoudnessState {
    return this.state;
  }

  start(): void {
    if (this.disposed || this.unsubscribes.length > 0) return;
    this.unsubscribes.push(
      this.events('library:platform-work', ({ pending }) => {
        if (pending > 0) this.kick();
      }),
      this.events('library:job', (job) => {
        if (job !== null && job.state !== 'running') this.kick();
      }),
    );
    this.startTimer = setTimeout(() => this.kick(), this.firstAskDelayMs);
  }

  /** Paused, the file in hand is given up (the host offers it again later) and nothing new is taken. */
  setPaused(paused: boolean): void {
    if (this.paused === paused || this.disposed) return;
    this.paused = paused;
    if (paused) this.running?.abort();
    this.publish({ ...this.state, status: paused ? 'paused' : 'idle' });
    if (!paused) this.kick();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.startTimer);
    this.running?.abort();
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.removeAllListeners();
  }

  private kick(): void {
    if (this.disposed) return;
    if (this.pumping) {
      this.askAgain = true;
      return;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.askAgain = false;
        while (!this.paused && !this.disposed) {
          const taken = await this.call('library:platform-take', {});
          if (!taken.ok) {
            this.publish({ ...this.state, status: this.paused ? 'paused' : 'idle', problem: `The library could not be asked for work: ${taken.error.message}` });
            return;
          }
          if (taken.value === null || this.paused || this.disposed) break;
          await this.measureOne(taken.value);
        }
      } while (this.askAgain && !this.paused && !this.disposed);
    } finally {
      this.pumping = false;
      if (!this.disposed && this.state.status === 'measuring') this.publish({ status: this.paused ? 'paused' : 'idle', measured: this.state.measured, failed: this.state.failed });
    }
  }

  private async measureOne(task: PlatformDecodeTask): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    this.publish({ status: 'measuring', currentPath: task.path, measured: this.state.measured, failed: this.state.failed });
    let outcome: PlatformDecodeOutcome;
    try {
      outcome = { kind: 'measured', measurement: await this.measure(task.path, controller.signal) };
    } catch (error) {
      // Paused or closed: the host hands the file out again once its claim lapses.
      if (controller.signal.aborted) return;
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 1000) || 'no reason given';
      outcome = { kind: 'failed', reason };
    } finally {
      this.running = undefined;
    }
    const stored = await this.call('library:platform-result', { task, outcome });
    if (this.disposed) return;
    const failed = outcome.kind === 'failed';
    this.publish({
      status: 'measuring',
      currentPath: task.path,
      measured: this.state.measured + (failed ? 0 : 1),
      failed: this.state.failed + (failed ? 1 : 0),
      ...(stored.ok ? {} : { problem: `A result could not be stored: ${stored.error.message}` }),
    });
  }

  private publish(state: PlatformLoudnessState): void {
    this.state = state;
    this.emit('state', state);
  }
}
