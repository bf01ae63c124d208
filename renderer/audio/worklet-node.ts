const loadedModules = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/** Loads a worklet module into `context` once (a failed load may be retried by the next caller). */
export function loadWorkletModule(context: BaseAudioContext, moduleUrl: string): Promise<void> {
  let modules = loadedModules.get(context);
  if (modules === undefined) {
    modules = new Map();
    loadedModules.set(context, modules);
  }
  let loading = modules.get(moduleUrl);
  if (loading === undefined) {
    loading = context.audioWorklet.addModule(moduleUrl);
    modules.set(moduleUrl, loading);
    const forget = modules;
    loading.catch(() => forget.delete(moduleUrl));
  }
  return loading;
}

/** A stereo AudioWorkletNode of `processorName` on `context`, its module loaded once per context: the limiter and the reverb. */
export async function createStereoWorkletNode(context: BaseAudioContext, moduleUrl: string, processorName: string): Promise<AudioWorkletNode> {
  await loadWorkletModule(context, moduleUrl);
  return new AudioWorkletNode(context, processorName, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    channelCount: 2,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
  });
}
