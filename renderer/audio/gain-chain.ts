import { dbToGain, equalPowerCurve, type Decibels, type Seconds } from './units';

export interface OutputChain {
  /** Every deck feeds this; pause and quiet fade it. */
  readonly musicBus: GainNode;
  /** Catches any sudden peak before it reaches the listener. */
  readonly limiter: DynamicsCompressorNode;
  /** The facilitator's volume. */
  readonly master: GainNode;
}

/** music bus → safety limiter → master; works on a live or an offline context alike. */
export function createOutputChain(context: BaseAudioContext, volume: number): OutputChain {
  const musicBus = context.createGain();
  const limiter = context.createDynamicsCompressor();
  limiter.threshold.value = -3;
  limiter.knee.value = 0;
  limiter.ratio.value = 20;
  limiter.attack.value = 0.002;
  limiter.release.value = 0.25;
  const master = context.createGain();
  master.gain.value = volume;
  musicBus.connect(limiter);
  limiter.connect(master);
  return { musicBus, limiter, master };
}

/** The loudness-normalising gain at the head of a file's deck. */
export function createTrackGain(context: BaseAudioContext, gainDb: Decibels): GainNode {
  const gain = context.createGain();
  gain.gain.value = dbToGain(gainDb);
  return gain;
}

/**
 * An equal-power fade scheduled on the audio thread (not stepped by a timer), starting
 * `fromFraction` of the way through when a fade is resumed part-way.
 */
export function scheduleEqualPowerFade(param: AudioParam, direction: 'in' | 'out', startTime: Seconds, duration: Seconds, fromFraction = 0): void {
  if (duration <= 0) return;
  param.setValueCurveAtTime(equalPowerCurve(direction, fromFraction), startTime, duration);
}
