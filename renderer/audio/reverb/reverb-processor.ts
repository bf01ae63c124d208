import { FeedbackDelayReverb } from './FeedbackDelayReverb';
import { reverbProcessorName } from './reverb-protocol';

// The audio worklet's global scope (not in TypeScript's DOM library).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** The soundscape bus's shared reverb on the audio thread. */
class ReverbProcessor extends AudioWorkletProcessor {
  private readonly reverb = new FeedbackDelayReverb(sampleRate);

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (output === undefined || output.length === 0) return true;
    this.reverb.process(inputs[0] ?? [], output, (output[0] as Float32Array).length);
    // Shared for the life of the output; it rests by itself while its input is silent.
    return true;
  }
}

registerProcessor(reverbProcessorName, ReverbProcessor);
