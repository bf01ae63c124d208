import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { loudnessMeasurementSchema, type LoudnessMeasurement } from '../../../core/library';
import type { AudioDecodeProblem } from './decode';
import type { WorkerReply, WorkerRequest } from './loudness-worker';

export interface LoudnessAnalyzerOptions {
  /** Worker threads to run at most; one per core by default. */
  readonly workerCount?: number;
  /**
   * The worker script. By default loudness-worker next to this module: the .ts source (run
   * through tsx) under vitest and tsx, the bundled .js beside dist/electron/main.js and
   * dist/web/main.js.
   */
  readonly workerUrl?: URL;
  /** An idle worker is ended after this long, so its memory is returned between scans. */
  readonly idleTimeoutMs?: number;
  /** A cancelled file's worker that has not stopped within this long is replaced. */
  readonly cancelGraceMs?: number;
}

interface Job {
  readonly id: number;
  readonly filePath: string;
  readonly resolve: (measurement: LoudnessMeasurement) => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  settled: boolean;
}

interface PoolWorker {
  readonly thread: Worker;
  job: Job | undefined;
  /** Set while the worker finishes a job its caller cancelled; the worker is not free until it answers. */
  cancelling: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** A file the analysis could not measure; `problem` says why in a form code can act on (e.g. only ffmpeg could decode it). */
export class LoudnessAnalysisError extends Error {
  override readonly name = 'LoudnessAnalysisError';

  constructor(
    message: string,
    readonly problem: AudioDecodeProblem | undefined,
  ) {
    super(message);
  }
}

const runningFromSource = import.meta.url.endsWith('.ts');

function cancelledError(): Error {
  const error = new Error('The loudness analysis was cancelled.');
  error.name = 'AbortError';
  return error;
}

/**
 * Measures files' loudness (EBU R128) on a pool of worker threads, one file per worker at a
 * time, queueing the rest. A cancelled file stops decoding at its next chunk and frees its
 * worker; a worker that crashes fails only its current file and is replaced. Results are
 * not cached here (the library index keys them by path, size and mtime).
 */
export class LoudnessAnalyzer {
  readonly workerCount: number;
  private readonly workerUrl: URL;
  private readonly idleTimeoutMs: number;
  private readonly cancelGraceMs: number;
  private readonly workers = new Set<PoolWorker>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private disposed = false;

  constructor(options: LoudnessAnalyzerOptions = {}) {
    this.workerCount = Math.max(1, Math.floor(options.workerCount ?? os.availableParallelism()));
    this.workerUrl = options.workerUrl ?? new URL(runningFromSource ? './loudness-worker.ts' : './loudness-worker.js', import.meta.url);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 20_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 2_000;
  }

  /** Integrated loudness, true peak, loudness range and duration of one file; rejects with a readable reason. */
  analyze(filePath: string, signal?: AbortSignal): Promise<LoudnessMeasurement> {
    if (this.disposed) return Promise.reject(new Error('The loudness analyser has been shut down.'));
    if (signal?.aborted === true) return Promise.reject(cancelledError());
    return new Promise((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        filePath,
        resolve,
        reject,
        signal,
        onAbort: () => this.cancel(job),
        settled: false,
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Ends every worker; files not yet measured are rejected. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new Error('The loudness analyser was shut down before this file was measured.'));
    const endings = [...this.workers].map((worker) => {
      if (worker.job !== undefined) this.settle(worker.job, new Error('The loudness analyser was shut down while measuring this file.'));
      return this.retire(worker);
    });
    await Promise.all(endings);
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.disposed) {
      const worker = [...this.workers].find((candidate) => candidate.job === undefined && candidate.cancelling === undefined) ?? this.spawn();
      if (worker === undefined) return;
      const job = this.queue.shift() as Job;
      clearTimeout(worker.timer);
      worker.timer = undefined;
      worker.job = job;
      worker.thread.ref();
      worker.thread.postMessage({ type: 'analyze', id: job.id, filePath: job.filePath } satisfies WorkerRequest);
    }
  }

  private spawn(): PoolWorker | undefined {
    if (this.workers.size >= this.workerCount) return undefined;
    const thread = new Worker(this.workerUrl, {
      // A TypeScript worker (tests, tsx) needs tsx's loader; the bundled one runs as it is.
      execArgv: /\.[cm]?ts$/.test(this.workerUrl.pathname) ? ['--import', 'tsx'] : [],
      // Decoded chunks are short-lived: a small young generation collects them (and the typed
      // arrays' memory behind them) early, which keeps a worker near 60 MB instead of 100 MB at
      // no cost in speed. A runaway decode should fail its file, not the app.
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 512 },
    });
    const worker: PoolWorker = { thread, job: undefined, cancelling: undefined, timer: undefined };
    this.workers.add(worker);
    let crash: Error | undefined;
    thread.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    thread.on('error', (error) => {
      crash = error;
    });
    thread.on('exit', (code) => this.onExit(worker, code, crash));
    return worker;
  }

  private onReply(worker: PoolWorker, reply: WorkerReply): void {
    const job = worker.job ?? worker.cancelling;
    if (job === undefined || job.id !== reply.id) return;
    worker.job = undefined;
    worker.cancelling = undefined;
    clearTimeout(worker.timer);
    if (reply.type === 'result') {
      const parsed = loudnessMeasurementSchema.safeParse(reply.measurement);
      if (parsed.success) this.settle(job, parsed.data);
      else this.settle(job, new Error('The loudness analysis returned an impossible measurement.'));
    } else if (reply.type === 'failed') {
      this.settle(job, new LoudnessAnalysisError(reply.reason, reply.problem));
    } else {
      this.settle(job, cancelledError());
    }
    this.becomeIdle(worker);
    this.pump();
  }

  private becomeIdle(worker: PoolWorker): void {
    if (this.disposed) return;
    // An idle worker must not keep the process alive, and is ended after a while to return its memory.
    worker.thread.unref();
    worker.timer = setTimeout(() => void this.retire(worker), this.idleTimeoutMs);
    worker.timer.unref();
  }

  private onExit(worker: PoolWorker, code: number, crash: Error | undefined): void {
    clearTimeout(worker.timer);
    this.workers.delete(worker);
    const job = worker.job;
    worker.job = undefined;
    if (job !== undefined) {
      const cause = crash === undefined ? `it exited with code ${code}` : describeCrash(crash);
      this.settle(job, new Error(`Measuring this file stopped unexpectedly (${cause}); other files are not affected.`));
    }
    if (worker.cancelling !== undefined) this.settle(worker.cancelling, cancelledError());
    this.pump();
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.settle(job, cancelledError());
      return;
    }
    const worker = [...this.workers].find((candidate) => candidate.job === job);
    if (worker === undefined) return;
    // The caller hears at once; the worker is free again when it confirms (or is replaced).
    this.settle(job, cancelledError());
    worker.job = undefined;
    worker.cancelling = job;
    worker.thread.postMessage({ type: 'cancel', id: job.id } satisfies WorkerRequest);
    worker.timer = setTimeout(() => void this.retire(worker), this.cancelGraceMs);
  }

  private async retire(worker: PoolWorker): Promise<void> {
    clearTimeout(worker.timer);
    this.workers.delete(worker);
    await worker.thread.terminate();
  }

  private settle(job: Job, outcome: LoudnessMeasurement | Error): void {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome);
  }
}

function describeCrash(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'the analysis ran out of memory';
  return `the analysis crashed: ${error.message.split('\n')[0] ?? 'unknown error'}`;
}
