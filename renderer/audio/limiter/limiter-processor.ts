import { LookaheadLimiter } from './LookaheadLimiter';
import { limiterProcessorName, type LimiterReport } from './limiter-protocol';

// The audio worklet's global scope (not in TypeScript's DOM library).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

/** The master bus's true-peak limiter on the audio thread; asked over its port, it reports the deepest gain reduction since it was last asked. */
class LimiterProcessor extends AudioWorkletProcessor {
  private readonly limiter = new LookaheadLimiter(sampleRate, { channels: 2 });

  constructor() {
    super();
    this.port.onmessage = () => {
      const report: LimiterReport = { gainReductionDb: this.limiter.takeGainReductionDb(), latencyFrames: this.limiter.latencyFrames };
      this.port.postMessage(report);
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const output = outputs[0];
    if (output === undefined || output.length === 0) return true;
    this.limiter.process(inputs[0] ?? [], output, (output[0] as Float32Array).length);
    // The master bus lives as long as the output: never let the node go idle.
    return true;
  }
}

registerProcessor(limiterProcessorName, LimiterProcessor);
