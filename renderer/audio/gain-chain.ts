import { createLimiterNode } from './limiter/limiter-node';
import { dbToGain, equalPowerCurve, type Decibels, type Seconds } from './units';

export interface OutputChain {
  /** Every deck feeds this; pause and quiet fade it. */
  readonly musicBus: GainNode;
  /** What feeds the master bus's limiter: the music bus, and the bed that plays while the music is quiet. */
  readonly limiterInput: GainNode;
  /** The facilitator's volume. */
  readonly master: GainNode;
  /**
   * The true-peak limiter once its audio worklet is loaded and wired between `limiterInput`
   * and `master` (nothing reaches the master before); the compressor fallback if it cannot load.
   */
  readonly limiter: Promise<OutputLimiter>;
}

export type OutputLimiter =
  | { readonly kind: 'true-peak'; readonly node: AudioWorkletNode }
  /** Web Audio's compressor, only where the worklet cannot run: it does not see peaks between samples. */
  | { readonly kind: 'compressor'; readonly node: DynamicsCompressorNode; readonly reason: string };

const fallbackThresholdDb = -3;
const fallbackRatio = 20;

/**
 * Web Audio's compressor always adds makeup gain: 0.6 × (−threshold) × (1 − 1/ratio) dB
 * (+1.71 dB here). Left in, every track would leave 1.7 dB over the loudness target and a
 * track normalised to −1 dBTP would clip.
 */
export const fallbackMakeupGainDb = 0.6 * -fallbackThresholdDb * (1 - 1 / fallbackRatio);

function compressorFallback(context: BaseAudioContext, input: AudioNode, master: AudioNode, reason: string): OutputLimiter {
  const compressor = context.createDynamicsCompressor();
  compressor.threshold.value = fallbackThresholdDb;
  compressor.knee.value = 0;
  compressor.ratio.value = fallbackRatio;
  compressor.attack.value = 0.002;
  compressor.release.value = 0.25;
  const makeupCompensation = context.createGain();
  makeupCompensation.gain.value = dbToGain(-fallbackMakeupGainDb);
  input.connect(compressor).connect(makeupCompensation).connect(master);
  return { kind: 'compressor', node: compressor, reason };
}

/** music bus → true-peak limiter (−1 dBTP, look-ahead) → master; works on a live or an offline context alike. */
export function createOutputChain(context: BaseAudioContext, volume: number): OutputChain {
  const musicBus = context.createGain();
  const limiterInput = context.createGain();
  const master = context.createGain();
  master.gain.value = volume;
  musicBus.connect(limiterInput);
  const limiter = createLimiterNode(context).then(
    (node): OutputLimiter => {
      limiterInput.connect(node).connect(master);
      return { kind: 'true-peak', node };
    },
    (error: unknown) => compressorFallback(context, limiterInput, master, error instanceof Error ? error.message : String(error)),
  );
  return { musicBus, limiterInput, master, limiter };
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

export interface RampOptions {
  /** The audio-clock time the ramp begins: whatever the param had scheduled from then on is dropped. */
  readonly now: Seconds;
  /** 0 s sets the target at `now` (no ramp). */
  readonly seconds: Seconds;
  /** Where the ramp starts; by default the param's value now, so a fade taken over part-way goes on from where it was. */
  readonly from?: number;
}

/**
 * Moves a param in a straight line to `target` over `seconds`, from its value now (or `from`),
 * replacing what was scheduled: a new fade always starts from what is heard, never with a jump.
 */
export function rampTo(param: AudioParam, target: number, { now, seconds, from }: RampOptions): void {
  param.cancelScheduledValues(now);
  if (seconds <= 0) {
    param.setValueAtTime(target, now);
    return;
  }
  param.setValueAtTime(from ?? param.value, now);
  param.linearRampToValueAtTime(target, now + seconds);
}
