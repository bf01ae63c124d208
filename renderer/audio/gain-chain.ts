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

/** An audio-clock interval, [from, to]. */
export type Span = readonly [from: Seconds, to: Seconds];

export interface EnvelopeDrawing {
  /** The audio-clock time the drawing takes over: whatever the param had scheduled from then on is dropped. */
  readonly now: Seconds;
  /** The envelope's gain at an audio-clock time. */
  readonly gainAt: (audioTime: Seconds) => number;
  /** Where it moves (its fades): drawn as value curves sampled from `gainAt`. */
  readonly moving: readonly Span[];
  /** Where it changes at once (a 0 s fade): `gainAt` says the gain from then on. */
  readonly stepsAt: readonly Seconds[];
  /**
   * The gain heard now, on a param that already sounds: where it differs from the envelope (the
   * envelope changed under it), the difference dies away over `takeOverSeconds` instead of jumping.
   */
  readonly heard?: number;
}

/** How long a taken-over envelope takes to reach its new shape from the gain that was heard. */
export const takeOverSeconds = 0.5;
/** Fades closer together than this are drawn as one curve: no two curves ever touch. */
const joinGapSeconds = 0.01;
const curvePointsPerSecond = 64;
const smallestCurvePoints = 16;
const largestCurvePoints = 4096;

/**
 * Replaces what a param has scheduled from `now` on with an envelope, drawn so that Web Audio
 * never refuses it: everything is scheduled at or after `now`, after dropping whatever was
 * scheduled there (a curve still under way at `now` goes too), the fades are sampled into curves
 * that never overlap each other or a step, and the first value is the one heard now, so taking
 * over part-way (a crossfade, fade-in or end fade replaced by another) never jumps in gain.
 */
export function drawEnvelope(param: AudioParam, { now, gainAt, moving, stepsAt, heard }: EnvelopeDrawing): void {
  const steps = stepsAt.filter((time) => time > now).sort((a, b) => a - b);
  const firstStep = steps[0] ?? Number.POSITIVE_INFINITY;
  const startGain = gainAt(now);
  // The difference between what is heard and the new envelope fades out before anything steps.
  const settleUntil = Math.min(now + takeOverSeconds, firstStep - joinGapSeconds);
  const offset = heard === undefined || Math.abs(heard - startGain) < 0.001 || settleUntil <= now ? 0 : heard - startGain;
  const drawnGainAt = (time: Seconds) => gainAt(time) + (offset === 0 ? 0 : offset * Math.max(0, 1 - (time - now) / (settleUntil - now)));

  const spans: Span[] = moving.map(([from, to]): Span => [Math.max(now, from), to]).filter(([from, to]) => to > from);
  if (offset !== 0) spans.push([now, settleUntil]);
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [Seconds, Seconds][] = [];
  for (const [from, to] of spans) {
    const last = merged.at(-1);
    if (last !== undefined && from - last[1] < joinGapSeconds) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  // A step is never inside a curve (Web Audio refuses it): a curve that would hold one ends just before it and goes on from it.
  const curves = merged.flatMap(([from, to]) => {
    const pieces: Span[] = [];
    let start = from;
    for (const step of steps) {
      if (step <= start || step >= to) continue;
      pieces.push([start, step - joinGapSeconds]);
      start = step;
    }
    pieces.push([start, to]);
    return pieces.filter(([pieceFrom, pieceTo]) => pieceTo > pieceFrom);
  });

  param.cancelScheduledValues(now);
  param.setValueAtTime(drawnGainAt(now), now);
  // Steps before curves: a step at the very start of a curve is refused once the curve is there.
  for (const step of steps) param.setValueAtTime(gainAt(step), step);
  for (const [from, to] of curves) {
    const seconds = to - from;
    if (seconds < 0.001) {
      param.setValueAtTime(drawnGainAt(to), from);
      continue;
    }
    const points = Math.min(largestCurvePoints, Math.max(smallestCurvePoints, Math.ceil(seconds * curvePointsPerSecond)));
    const curve = new Float32Array(points);
    for (let index = 0; index < points; index += 1) curve[index] = drawnGainAt(from + (seconds * index) / (points - 1));
    param.setValueCurveAtTime(curve, from, seconds);
  }
}

