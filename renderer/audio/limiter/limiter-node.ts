import limiterModuleUrl from './limiter-processor.ts?worker&url';
import { limiterProcessorName, type LimiterReport } from './limiter-protocol';

const modules = new WeakMap<BaseAudioContext, Promise<void>>();

/** The true-peak limiter's worklet node on `context` (its module loaded once per context). */
export async function createLimiterNode(context: BaseAudioContext): Promise<AudioWorkletNode> {
  let loading = modules.get(context);
  if (loading === undefined) {
    loading = context.audioWorklet.addModule(limiterModuleUrl);
    modules.set(context, loading);
    // A failed load may be retried by the next caller.
    loading.catch(() => modules.delete(context));
  }
  await loading;
  return new AudioWorkletNode(context, limiterProcessorName, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    channelCount: 2,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
  });
}

/** Asks the limiter for its deepest gain reduction since it was last asked. */
export function readLimiterReport(node: AudioWorkletNode): Promise<LimiterReport> {
  return new Promise((resolve) => {
    node.port.onmessage = (message: MessageEvent<LimiterReport>) => resolve(message.data);
    node.port.postMessage('report');
  });
}
