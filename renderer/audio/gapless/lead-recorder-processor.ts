import { leadRecorderProcessorName, type LeadRecorderRequest, type LeadRecording } from './lead-recorder-protocol';

// The audio worklet's global scope (not in TypeScript's DOM library).
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: { processorOptions?: unknown });
}
declare function registerProcessor(name: string, processor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

/**
 * Keeps the last frames of its two inputs (the bridge, the element) in rings written in the same
 * process() call, so a reading of both ends at the same sample; asked over its port, it sends
 * them in order. Told to stop, it lets the node go (process() answers false).
 */
class LeadRecorderProcessor extends AudioWorkletProcessor {
  private readonly rings: [Float32Array, Float32Array];
  private at = 0;
  private stopped = false;

  constructor(options: { processorOptions?: unknown }) {
    super(options);
    const frames = (options.processorOptions as { frames?: number } | undefined)?.frames ?? 32_768;
    this.rings = [new Float32Array(frames), new Float32Array(frames)];
    this.port.onmessage = (message: MessageEvent<LeadRecorderRequest>) => {
      if (message.data === 'stop') {
        this.stopped = true;
        this.port.onmessage = null;
        return;
      }
      const [bridge, element] = this.rings.map((ring) => {
        const ordered = new Float32Array(ring.length);
        ordered.set(ring.subarray(this.at), 0);
        ordered.set(ring.subarray(0, this.at), ring.length - this.at);
        return ordered;
      }) as [Float32Array, Float32Array];
      const recording: LeadRecording = { bridge, element };
      this.port.postMessage(recording, [bridge.buffer, element.buffer]);
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const frames = inputs[0]?.[0]?.length ?? 128;
    const length = this.rings[0].length;
    for (let input = 0; input < 2; input += 1) {
      const channels = inputs[input] ?? [];
      const ring = this.rings[input] as Float32Array;
      for (let frame = 0; frame < frames; frame += 1) {
        let sum = 0;
        for (const channel of channels) sum += channel[frame] ?? 0;
        ring[(this.at + frame) % length] = channels.length === 0 ? 0 : sum / channels.length;
      }
    }
    this.at = (this.at + frames) % length;
    return true;
  }
}

registerProcessor(leadRecorderProcessorName, LeadRecorderProcessor);
