import type { LoudnessMeasurement } from '../../../core/library';
import workerUrl from './platform-loudness.worker.ts?worker&url';
import type { PlatformLoudnessReply, PlatformLoudnessRequest } from './platform-loudness-messages';

export interface PlatformLoudnessWorkerOptions {
  /** An idle worker is ended after this long, so its memory is returned between files. */
  readonly idleTimeoutMs: number;
}

/**
 * Measures files with the platform's decoder in a dedicated worker, one at a time. Cancelling
 * ends the worker (decoding stops at once); the next file starts a new one.
 */
export class PlatformLoudnessWorker {
  static readonly defaults: PlatformLoudnessWorkerOptions = { idleTimeoutMs: 20_000 };

  private readonly options: PlatformLoudnessWorkerOptions;
  private worker: Worker | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  private busy = false;

  constructor(options: Partial<PlatformLoudnessWorkerOptions> = {}) {
    this.options = { ...PlatformLoudnessWorker.defaults, ...options };
  }

  /** Loudness of the file at `url` (same origin; made absolute here, since a worker resolves against its own script). */
  measure(url: string, signal?: AbortSignal): Promise<LoudnessMeasurement> {
    if (this.busy) return Promise.reject(new Error('The platform decoder is already measuring a file.'));
    signal?.throwIfAborted();
    this.busy = true;
    clearTimeout(this.idleTimer);
    const worker = (this.worker ??= new Worker(workerUrl, { name: 'platform-loudness' }));
    const id = this.nextId++;
    return new Promise<LoudnessMeasurement>((resolve, reject) => {
      const finish = () => {
        this.busy = false;
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (event: MessageEvent<PlatformLoudnessReply>) => {
        if (event.data.id !== id) return;
        finish();
        this.idleTimer = setTimeout(() => this.stop(), this.options.idleTimeoutMs);
        if (event.data.type === 'measured') resolve(event.data.measurement);
        else reject(new Error(event.data.reason));
      };
      const onError = (event: ErrorEvent) => {
        finish();
        this.stop();
        reject(new Error(`The decoder stopped unexpectedly (${event.message || 'no reason given'}); other files are not affected.`));
      };
      const onAbort = () => {
        finish();
        this.stop();
        reject(signal?.reason instanceof Error ? signal.reason : new DOMException('The measurement was cancelled.', 'AbortError'));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'measure', id, url: new URL(url, document.baseURI).href } satisfies PlatformLoudnessRequest);
    });
  }

  dispose(): void {
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.idleTimer);
    this.worker?.terminate();
    this.worker = undefined;
  }
}
