import { rmsDb } from './audio-measure';
/**
 * Measures joins in a recording of the live output against a reference (the files decoded and
 * laid end to end, as a perfect gapless player would give them): silence at the join, the largest
 * sample-to-sample step (a click), and how far the recording departs from the reference there (a
 * gap, an overlap or a shift all show). Pure maths, used in the browser harness and unit-tested in Node.
 */

/** −60 dBFS: quieter than this the join counts as silent. */
export const silenceAmplitude = 0.001;
export const joinWindowSeconds = 0.05;
/** The reference region before the join (the bridge plays it alone) that fixes the alignment. */
const alignAtSeconds = 0.4;
const alignFrames = 2048;
const maxLagSeconds = 0.05;
/** Where the incoming element plays alone, after the handover back (join + 0.72 s with the default shape). */
const elementAtSeconds = 0.85;
const maxElementOffsetSeconds = 0.1;

export interface JoinMeasure {
  /** Longest run of samples under −60 dBFS (both channels) within ±50 ms of the join. */
  readonly gapMs: number;
  /** The largest step between neighbouring samples within ±50 ms of the join. */
  readonly largestStep: number;
  /** What a step must exceed to be a click: twice the reference's own largest step there (at the playback gain; a lossy file's edge steps by itself), plus 0.01. */
  readonly stepThreshold: number;
  readonly click: boolean;
  /** Largest difference from the reference within ±50 ms of the join, once aligned 0.4 s before it. */
  readonly rebuildError: number;
  /** The same difference over 50 ms well before the join: what the formats' coding leaves anyway. */
  readonly rebuildErrorBefore: number;
  /** Largest difference from the reference in the 50 ms before the join and in the 50 ms after it. */
  readonly rebuildErrorBeforeJoin: number;
  readonly rebuildErrorAfterJoin: number;
  /** Where the recording sits against the reference (output latency, the limiter's look-ahead). */
  readonly lagFrames: number;
  /** How far the incoming media element, once the bridge has handed back to it, is from where the bridge was (its start is timed by the main thread). */
  readonly incomingElementOffsetMs: number;
}

export interface JoinMeasureInput {
  readonly recording: { readonly left: Float32Array; readonly right: Float32Array };
  readonly sampleRate: number;
  /** Each join's frame in the recording. */
  readonly joinFrames: readonly number[];
  readonly reference: readonly [Float32Array, Float32Array];
  /** Each join's frame in the reference. */
  readonly referenceFrameAtJoin: readonly number[];
  /** The playback gain between the reference and the output (volume, track gain). */
  readonly gain: number;
}

export function longestSilentRun(left: Float32Array, right: Float32Array, from: number, to: number): number {
  let longest = 0;
  let run = 0;
  for (let index = Math.max(0, from); index < Math.min(to, left.length); index += 1) {
    if (Math.abs(left[index] ?? 0) < silenceAmplitude && Math.abs(right[index] ?? 0) < silenceAmplitude) {
      run += 1;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
  }
  return longest;
}

export function largestStep(channel: Float32Array, from: number, to: number): number {
  let largest = 0;
  for (let index = Math.max(1, from); index < Math.min(to, channel.length); index += 1) {
    largest = Math.max(largest, Math.abs((channel[index] ?? 0) - (channel[index - 1] ?? 0)));
  }
  return largest;
}

/**
 * The squared difference over `frames`, the reference read `fraction` of a frame on (between its
 * samples, linearly); it stops counting once past `stopAbove`, which a better fit already beat.
 */
function squaredError(recorded: Float32Array, recordedFrom: number, reference: Float32Array, referenceFrom: number, frames: number, gain: number, fraction: number, stopAbove: number): number {
  let sum = 0;
  for (let index = 0; index < frames && sum < stopAbove; index += 1) {
    const here = reference[referenceFrom + index] ?? 0;
    const between = fraction === 0 ? here : here + fraction * ((reference[referenceFrom + index + 1] ?? 0) - here);
    const difference = (recorded[recordedFrom + index] ?? 0) - gain * between;
    sum += difference * difference;
  }
  return sum;
}

/**
 * The shift of the reference against the recording (recording frame r matches reference frame r + offset) that fits best near `recordedAt`,
 * in whole frames, or to the `fractions` of a frame given: for a slow sweep, where a period's shift differs from the true alignment by less
 * than half a frame's misfit does, only a fractional search finds the true one.
 */
export function bestAlignment(recorded: Float32Array, recordedAt: number, reference: Float32Array, referenceAt: number, maxLag: number, gain: number, fractions: readonly number[] = [0]): number {
  let best = 0;
  let bestError = Number.POSITIVE_INFINITY;
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    for (const fraction of fractions) {
      const error = squaredError(recorded, recordedAt, reference, referenceAt + lag, alignFrames, gain, fraction, bestError);
      if (error < bestError) {
        bestError = error;
        best = lag + fraction;
      }
    }
  }
  return best;
}

/** Quarter frames, for `bestAlignment`. */
const quarterFrames = [0, 0.25, 0.5, 0.75] as const;

function largestDifference(recorded: Float32Array, reference: Float32Array, from: number, to: number, offset: number, gain: number): number {
  let largest = 0;
  for (let index = Math.max(0, from); index < Math.min(to, recorded.length); index += 1) {
    largest = Math.max(largest, Math.abs((recorded[index] ?? 0) - gain * (reference[index + offset] ?? 0)));
  }
  return largest;
}

export function measureJoins(input: JoinMeasureInput): JoinMeasure[] {
  const { recording, sampleRate, gain } = input;
  const window = Math.round(joinWindowSeconds * sampleRate);
  const [referenceLeft, referenceRight] = input.reference;
  return input.joinFrames.map((joinFrame, index) => {
    const referenceJoin = input.referenceFrameAtJoin[index] ?? 0;
    const alignBack = Math.round(alignAtSeconds * sampleRate);
    const lag = bestAlignment(recording.left, joinFrame - alignBack, referenceLeft, referenceJoin - alignBack, Math.round(maxLagSeconds * sampleRate), gain);
    const offset = referenceJoin - joinFrame + lag;
    // Where the seam is in the recording: the output reaches the tap later than the program clock says (the limiter looks ahead).
    const seam = referenceJoin - offset;
    const from = seam - window;
    const to = seam + window;
    const expectedStep = Math.max(largestStep(referenceLeft, from + offset, to + offset), largestStep(referenceRight, from + offset, to + offset)) * gain;
    const stepThreshold = 2 * expectedStep + 0.01;
    const step = Math.max(largestStep(recording.left, from, to), largestStep(recording.right, from, to));
    const rebuild = (start: number, end: number) =>
      Math.max(largestDifference(recording.left, referenceLeft, start, end, offset, gain), largestDifference(recording.right, referenceRight, start, end, offset, gain));
    return {
      gapMs: (longestSilentRun(recording.left, recording.right, from, to) / sampleRate) * 1000,
      largestStep: step,
      stepThreshold,
      click: step > stepThreshold,
      rebuildError: rebuild(from, to),
      rebuildErrorBefore: rebuild(joinFrame - alignBack, joinFrame - alignBack + 2 * window),
      rebuildErrorBeforeJoin: rebuild(from, seam),
      rebuildErrorAfterJoin: rebuild(seam, to),
      lagFrames: lag,
      incomingElementOffsetMs:
        ((bestAlignment(recording.left, seam + Math.round(elementAtSeconds * sampleRate), referenceLeft, referenceJoin + Math.round(elementAtSeconds * sampleRate), Math.round(maxElementOffsetSeconds * sampleRate), gain, quarterFrames)) /
          sampleRate) *
        1000,
    };
  });
}

export interface CrossfadeStartMeasure {
  /** How much later than the program clock says the incoming file is heard, in frames, fitted through its fade (the output's own delay, the limiter's look-ahead, included). */
  readonly incomingDelayFrames: number;
  /** The same once the bridge has handed back to the incoming file's media element (fitted 0.85 s after its start): equal when the element was lined up to the sample. */
  readonly elementDelayFrames: number;
  /** The quietest 100 ms through the fade under the quieter 200 ms steady level beside it, in the recording and in the reference mix. */
  readonly dipDb: number;
  readonly referenceDipDb: number;
  /**
   * The incoming element's highs once the bridge has handed back to it (0.85–1.35 s after its
   * start, alone): the level of its sample-to-sample differences over the reference's, in dB. The
   * same file played twice gives the same figure; a hold-back by a fraction of a frame is a
   * DelayNode interpolating between two samples, a low-pass that differs with the fraction.
   */
  readonly elementHighsDb: number;
  /**
   * How much brighter the element sounds than the bridge it took over from: the level of the
   * recording's sample-to-sample differences with the element alone (0.85–1.35 s) over the bridge
   * alone (0.55–0.70 s, after the fade), in dB. Stationary noise keeps its highs across the handover
   * only when the bridge is resampled to the output's rate as the element is.
   */
  readonly handoverHighsStepDb: number;
}

export interface CrossfadeMeasureInput {
  readonly recording: { readonly left: Float32Array };
  readonly sampleRate: number;
  /** Each incoming file's first frame in the recording, by the program clock. */
  readonly startFrames: readonly number[];
  /** The whole plan mixed as a perfect player would (left channel). */
  readonly reference: Float32Array;
  /** For each crossfade, its incoming entry alone on the same timeline (left channel). */
  readonly incomingReferences: readonly Float32Array[];
  readonly referenceFrameAtStart: readonly number[];
  readonly fadeSeconds: number;
  readonly gain: number;
}

/** Where through the fade the incoming file is fitted: past its quiet first part, before the fade ends. */
const incomingFitFromFraction = 0.4;
const maxIncomingDelaySeconds = 0.1;

/** The bench's crossfade dip measured on samples: the quietest 100 ms window through the fade under the quieter steady level beside it. */
function levelDip(channel: Float32Array, start: number, sampleRate: number, fadeSeconds: number): number {
  // rmsDb reads seconds from the channel's start; `start` is a frame.
  const at = start / sampleRate;
  const levelDb = (fromMs: number, toMs: number) => rmsDb([channel], sampleRate, at + fromMs / 1000, at + toMs / 1000);
  const fadeMs = fadeSeconds * 1000;
  const steady = Math.min(levelDb(-250, -50), levelDb(fadeMs + 50, fadeMs + 250));
  let lowest = Number.POSITIVE_INFINITY;
  for (let centreMs = 0; centreMs <= fadeMs; centreMs += 10) lowest = Math.min(lowest, levelDb(centreMs - 50, centreMs + 50));
  return steady - lowest;
}

/** The level of `channel`'s sample-to-sample differences over `frames` from `from`, in dB: weighted to the highs. */
function differenceLevelDb(channel: Float32Array, from: number, frames: number): number {
  let sum = 0;
  for (let index = Math.max(1, from); index < from + frames; index += 1) {
    const step = (channel[index] ?? 0) - (channel[index - 1] ?? 0);
    sum += step * step;
  }
  return 10 * Math.log10(sum / frames);
}

const elementHighsFromSeconds = 0.85;
const elementHighsSeconds = 0.5;

/**
 * When each crossfade's incoming file is heard, against the program clock: the recording is
 * fitted to the incoming file alone (the outgoing one, different music, does not correlate with
 * it), part-way through the fade. A media element that starts late shows as a larger delay than
 * the others', and as a deeper dip than the reference mix's.
 */
export function measureCrossfadeStarts(input: CrossfadeMeasureInput): CrossfadeStartMeasure[] {
  const { recording, sampleRate, gain } = input;
  const fitAt = Math.round(incomingFitFromFraction * input.fadeSeconds * sampleRate);
  return input.startFrames.map((startFrame, index) => {
    const referenceStart = input.referenceFrameAtStart[index] ?? 0;
    const incoming = input.incomingReferences[index] ?? new Float32Array(0);
    const lag = bestAlignment(recording.left, startFrame + fitAt, incoming, referenceStart + fitAt, Math.round(maxIncomingDelaySeconds * sampleRate), gain);
    const elementAt = Math.round(elementAtSeconds * sampleRate);
    const elementLag = bestAlignment(recording.left, startFrame + elementAt, incoming, referenceStart + elementAt, Math.round(maxIncomingDelaySeconds * sampleRate), gain);
    const highsFrom = Math.round(elementHighsFromSeconds * sampleRate);
    const highsFrames = Math.round(elementHighsSeconds * sampleRate);
    // The element alone, after the handover back to it.
    const elementHighs = differenceLevelDb(recording.left, startFrame - elementLag + highsFrom, highsFrames);
    return {
      incomingDelayFrames: -lag,
      elementDelayFrames: -elementLag,
      dipDb: levelDip(recording.left, startFrame - lag, sampleRate, input.fadeSeconds),
      referenceDipDb: levelDip(input.reference, referenceStart, sampleRate, input.fadeSeconds),
      handoverHighsStepDb: elementHighs - differenceLevelDb(recording.left, startFrame - lag + Math.round((input.fadeSeconds + 0.05) * sampleRate), Math.round(0.15 * sampleRate)),
      elementHighsDb: elementHighs - 20 * Math.log10(gain) - differenceLevelDb(incoming, referenceStart + highsFrom, highsFrames),
    };
  });
}
