export const limiterProcessorName = 'attune-true-peak-limiter';

export interface LimiterReport {
  /** The deepest gain reduction since the previous report, in dB (0 when nothing was limited). */
  readonly gainReductionDb: number;
  readonly latencyFrames: number;
}
