import { dbToGain, equalPowerCurve, type Decibels, type Seconds } from './units';

export interface OutputChain {
  /** Every deck feeds this; pause and quiet fade it. */
  readonly musicBus: GainNode;
  /** Catches any sudden peak before it reaches the listener. */
  readonly limiter: DynamicsCompressorNode;
  /** Takes back the limiter's automatic makeup gain, so music under the threshold passes at unity. */
  readonly makeupCompensation: GainNode;
  /** The facilitator's volume. */
  readonly master: GainNode;
}

/** music bus → safety limiter → master; works on a live or an offline context alike. */
const limiterThresholdDb = -3;
const limiterRatio = 20;

/**
 * Web Audio's compressor always adds makeup gain: 0.6 × (−threshold) × (1 − 1/ratio) dB
 * (+1.71 dB here). Left in, every track would leave 1.7 dB over the loudness target and a
 * track normalised to −1 dBTP would clip.
 */
export const limiterMakeupGainDb = 0.6 * -limiterThresholdDb * (1 - 1 / limiterRatio);

/** music bus → safety limiter → makeup compensation → master; works on a live or an offline context alike. */
export function createOutputChain(context: BaseAudioContext, volume: number): OutputChain {
  const musicBus = context.createGain();
  const limiter = context.createDynamicsCompressor();
  limiter.threshold.value = limiterThresholdDb;
  limiter.knee.value = 0;
  limiter.ratio.value = limiterRatio;
  limiter.attack.value = 0.002;
  limiter.release.value = 0.25;
  const makeupCompensation = context.createGain();
  makeupCompensation.gain.value = dbToGain(-limiterMakeupGainDb);
  const master = context.createGain();
  master.gain.value = volume;
  musicBus.connect(limiter);
  limiter.connect(makeupCompensation);
  makeupCompensation.connect(master);
  return { musicBus, limiter, makeupCompensation, master };
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
