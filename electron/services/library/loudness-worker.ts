import { parentPort } from 'node:worker_threads';
import { LoudnessMeter } from '../../../core/loudness-meter';
import type { LoudnessMeasurement } from '../../../core/library';
import { AudioDecodeError, decodeAudioFile, type AudioDecodeProblem } from './decode';

/**
 * A loudness-analysis worker thread: decodes one file at a time as a stream and meters it,
 * off the main thread. LoudnessAnalyzer (loudness-analyzer.ts) owns a pool of these.
 */

export type WorkerRequest = { readonly type: 'analyze'; readonly id: number; readonly filePath: string } | { readonly type: 'cancel'; readonly id: number };

export type WorkerReply =
  | { readonly type: 'result'; readonly id: number; readonly measurement: LoudnessMeasurement }
  | { readonly type: 'failed'; readonly id: number; readonly reason: string; readonly problem: AudioDecodeProblem | undefined }
  | { readonly type: 'cancelled'; readonly id: number };

const port = parentPort;
if (port === null) throw new Error('loudness-worker runs as a worker thread of LoudnessAnalyzer');

// The wasm decoders print a line for every damaged frame; failures reach the pool as messages instead.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) console[method] = () => undefined;

const running = new Map<number, AbortController>();

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') running.get(request.id)?.abort();
  else void analyze(request.id, request.filePath);
});

async function analyze(id: number, filePath: string): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  let reply: WorkerReply;
  try {
    let meter: LoudnessMeter | undefined;
    for await (const chunk of decodeAudioFile(filePath, controller.signal)) {
      meter ??= new LoudnessMeter(chunk.sampleRate, chunk.channels.length);
      meter.push(chunk.channels);
    }
    if (meter === undefined) throw new AudioDecodeError('corrupt', 'No audio could be decoded from this file.');
    reply = { type: 'result', id, measurement: meter.result() };
  } catch (error) {
    reply = controller.signal.aborted
      ? { type: 'cancelled', id }
      : { type: 'failed', id, reason: reasonOf(error), problem: error instanceof AudioDecodeError ? error.problem : undefined };
  } finally {
    running.delete(id);
  }
  port?.postMessage(reply);
}

function reasonOf(error: unknown): string {
  if (error instanceof AudioDecodeError) return error.message;
  // The meter refuses what no decoder should produce (NaN samples, a channel count it cannot weigh).
  if (error instanceof RangeError) return `The decoded audio could not be measured: ${error.message}.`;
  return `The file could not be analysed: ${error instanceof Error ? error.message : String(error)}`;
}
