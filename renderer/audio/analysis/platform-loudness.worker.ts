import { httpByteSource, PlatformDecodeError } from './byte-source';
import { measurePlatformLoudness } from './platform-loudness';
import type { PlatformLoudnessReply, PlatformLoudnessRequest } from './platform-loudness-messages';

/**
 * A dedicated worker that measures one file at a time with the platform's decoder (WebCodecs
 * lives here as in the page), so decoding and metering never hold up the interface. Cancelling
 * is ending the worker.
 */

interface WorkerScope {
  onmessage: ((event: MessageEvent<PlatformLoudnessRequest>) => void) | null;
  postMessage(reply: PlatformLoudnessReply): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type !== 'measure') return;
  void measure(request);
};

async function measure(request: PlatformLoudnessRequest): Promise<void> {
  try {
    if (typeof AudioDecoder === 'undefined') throw new PlatformDecodeError('This browser has no WebCodecs audio decoder; use a current Chromium, Chrome or Edge, or the desktop app.');
    const source = await httpByteSource(request.url);
    const measurement = await measurePlatformLoudness(source, { AudioDecoder, EncodedAudioChunk });
    scope.postMessage({ type: 'measured', id: request.id, measurement });
  } catch (error) {
    scope.postMessage({ type: 'failed', id: request.id, reason: reasonOf(error) });
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof PlatformDecodeError) return error.message;
  // The meter refuses what no decoder should produce (NaN samples, a channel count it cannot weigh).
  if (error instanceof RangeError) return `The decoded audio could not be measured: ${error.message}.`;
  if (error instanceof TypeError && /fetch/i.test(error.message)) return 'The file could not be read from the host.';
  return `The file could not be analysed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 900);
}
