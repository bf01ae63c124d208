import reverbModuleUrl from './reverb-processor.ts?worker&url';
import { reverbProcessorName } from './reverb-protocol';

const modules = new WeakMap<BaseAudioContext, Promise<void>>();

/** The soundscape reverb's worklet node on `context` (its module loaded once per context): mono or stereo in, stereo out, wet only. */
export async function createReverbNode(context: BaseAudioContext): Promise<AudioWorkletNode> {
  let loading = modules.get(context);
  if (loading === undefined) {
    loading = context.audioWorklet.addModule(reverbModuleUrl);
    modules.set(context, loading);
    // A failed load may be retried by the next caller.
    loading.catch(() => modules.delete(context));
  }
  await loading;
  return new AudioWorkletNode(context, reverbProcessorName, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    channelCount: 2,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
  });
}
