/** The worklet that records a bridge and the media element under it in the same render quanta. */
export const leadRecorderProcessorName = 'attune-lead-recorder';

/** The last `frames` frames of both inputs (each mixed to mono), oldest first, ending at the same sample. */
export interface LeadRecording {
  readonly bridge: Float32Array;
  readonly element: Float32Array;
}

export type LeadRecorderRequest = 'read' | 'stop';
