import limiterModuleUrl from './limiter-processor.ts?worker&url';
import { limiterProcessorName, type LimiterReport } from './limiter-protocol';
import { createStereoWorkletNode } from '../worklet-node';

/** The true-peak limiter's worklet node on `context` (its module loaded once per context). */
export function createLimiterNode(context: BaseAudioContext): Promise<AudioWorkletNode> {
  return createStereoWorkletNode(context, limiterModuleUrl, limiterProcessorName);
}

/** Asks the limiter for its deepest gain reduction since it was last asked. */
export function readLimiterReport(node: AudioWorkletNode): Promise<LimiterReport> {
  return new Promise((resolve) => {
    node.port.onmessage = (message: MessageEvent<LimiterReport>) => resolve(message.data);
    node.port.postMessage('report');
  });
}
