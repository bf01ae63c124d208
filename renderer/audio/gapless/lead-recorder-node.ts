import leadRecorderModuleUrl from './lead-recorder-processor.ts?worker&url';
import { leadRecorderProcessorName, type LeadRecorderRequest, type LeadRecording } from './lead-recorder-protocol';
import { loadWorkletModule } from '../worklet-node';

/** Loads the recorder's module into `context` (once); a join aligns its element only where this succeeded. */
export function loadLeadRecorder(context: BaseAudioContext): Promise<void> {
  return loadWorkletModule(context, leadRecorderModuleUrl);
}

/**
 * Records a bridge (input 0) and the element under it (input 1) in the same render quanta, for
 * measuring the element's lead. Pulled by the destination through its silent output; `stop()`
 * disconnects it and lets its processor end, so nothing of it outlives the measurement.
 */
export class LeadRecorder {
  private readonly node: AudioWorkletNode;
  private stopped = false;
  private answer: ((recording: LeadRecording | undefined) => void) | undefined;

  /** The module must be loaded (`loadLeadRecorder`). */
  constructor(context: BaseAudioContext, frames: number) {
    this.node = new AudioWorkletNode(context, leadRecorderProcessorName, {
      numberOfInputs: 2,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { frames },
    });
    this.node.connect(context.destination);
  }

  get bridgeInput(): { readonly node: AudioNode; readonly input: number } {
    return { node: this.node, input: 0 };
  }

  get elementInput(): { readonly node: AudioNode; readonly input: number } {
    return { node: this.node, input: 1 };
  }

  /** The last frames of both, ending at the same sample; undefined once stopped. */
  read(): Promise<LeadRecording | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.answer?.(undefined);
      this.answer = resolve;
      this.node.port.onmessage = (message: MessageEvent<LeadRecording>) => {
        this.answer = undefined;
        resolve(message.data);
      };
      const request: LeadRecorderRequest = 'read';
      this.node.port.postMessage(request);
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const request: LeadRecorderRequest = 'stop';
    this.node.port.postMessage(request);
    this.node.port.onmessage = null;
    this.node.disconnect();
    this.answer?.(undefined);
    this.answer = undefined;
  }
}
