import { FeedbackDelayReverb } from './FeedbackDelayReverb';
import { reverbProcessorName, reverbRetireMessage } from './reverb-protocol';

// The audio worklet's global scope (not in TypeScript's DOM library).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** The soundscape bus's shared reverb on the audio thread. */
class ReverbProcessor extends AudioWorkletProcessor {
  private readonly reverb = new FeedbackDelayReverb(sampleRate);
  private retired = false;

  constructor() {
    super();
    this.port.onmessage = (message: MessageEvent<unknown>) => {
      if (message.data === reverbRetireMessage) this.retired = true;
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    // Retired (no soundscape has sounded for a while): false ends the processor for good.
    if (this.retired) return false;
    const output = outputs[0];
    if (output === undefined || output.length === 0) return true;
    this.reverb.process(inputs[0] ?? [], output, (output[0] as Float32Array).length);
    return true;
  }
}

registerProcessor(reverbProcessorName, ReverbProcessor);
