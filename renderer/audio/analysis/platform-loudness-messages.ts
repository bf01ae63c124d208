import type { LoudnessMeasurement } from '../../../core/library';

/** To the worker: measure the file served at `url` (an absolute same-origin media address). */
export interface PlatformLoudnessRequest {
  readonly type: 'measure';
  readonly id: number;
  readonly url: string;
}

export type PlatformLoudnessReply =
  | { readonly type: 'measured'; readonly id: number; readonly measurement: LoudnessMeasurement }
  | { readonly type: 'failed'; readonly id: number; readonly reason: string };
