import reverbModuleUrl from './reverb-processor.ts?worker&url';
import { reverbProcessorName, reverbRetireMessage } from './reverb-protocol';
import { createStereoWorkletNode, loadWorkletModule } from '../worklet-node';

/** Loads the reverb's worklet module into `context` ahead of the first node, so a soundscape's reverb is there at once. */
export function loadReverbModule(context: BaseAudioContext): Promise<void> {
  return loadWorkletModule(context, reverbModuleUrl);
}

/** The soundscape reverb's worklet node on `context` (its module loaded once per context): mono or stereo in, stereo out, wet only. */
export function createReverbNode(context: BaseAudioContext): Promise<AudioWorkletNode> {
  return createStereoWorkletNode(context, reverbModuleUrl, reverbProcessorName);
}

/**
 * Disconnects the node and lets its processor end: the audio thread stops calling it (a
 * worklet node is processed 375 times a second for as long as it lives, even with nothing to do).
 */
export function retireReverbNode(node: AudioWorkletNode): void {
  node.disconnect();
  node.port.postMessage(reverbRetireMessage);
}
