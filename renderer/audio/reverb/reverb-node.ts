import reverbModuleUrl from './reverb-processor.ts?worker&url';
import { reverbProcessorName } from './reverb-protocol';
import { createStereoWorkletNode } from '../worklet-node';

/** The soundscape reverb's worklet node on `context` (its module loaded once per context): mono or stereo in, stereo out, wet only. */
export function createReverbNode(context: BaseAudioContext): Promise<AudioWorkletNode> {
  return createStereoWorkletNode(context, reverbModuleUrl, reverbProcessorName);
}
