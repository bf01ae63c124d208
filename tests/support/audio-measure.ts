import type { Decibels, Seconds } from '../../core/units';

/** Plain sample arrays, one per channel, so the same code measures in the page and in Node. */
export type Channels = readonly Float32Array[];

const powerToDb = (power: number): Decibels => (power <= 0 ? Number.NEGATIVE_INFINITY : 10 * Math.log10(power));
export const amplitudeToDb = (amplitude: number): Decibels => (amplitude <= 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(amplitude));

function meanSquare(channels: Channels, from: number, to: number): number {
  let sum = 0;
  for (const channel of channels) {
    for (let index = from; index < to; index += 1) sum += (channel[index] as number) ** 2;
  }
  return sum / (channels.length * Math.max(1, to - from));
}

/** RMS over [from, to) seconds, all channels together, in dBFS. */
export function rmsDb(channels: Channels, sampleRate: number, from: Seconds = 0, to: Seconds = Number.POSITIVE_INFINITY): Decibels {
  const length = channels[0]?.length ?? 0;
  return powerToDb(meanSquare(channels, Math.max(0, Math.round(from * sampleRate)), Math.min(length, Math.round(to * sampleRate))));
}

export interface LevelPoint {
  /** Centre of the window. */
  readonly at: Seconds;
  readonly db: Decibels;
}

/** Short-term RMS in sliding windows. */
export function shortTermLevels(channels: Channels, sampleRate: number, windowSeconds: Seconds, hopSeconds: Seconds): LevelPoint[] {
  const length = channels[0]?.length ?? 0;
  const window = Math.round(windowSeconds * sampleRate);
  const hop = Math.round(hopSeconds * sampleRate);
  const points: LevelPoint[] = [];
  for (let start = 0; start + window <= length; start += hop) {
    points.push({ at: (start + window / 2) / sampleRate, db: powerToDb(meanSquare(channels, start, start + window)) });
  }
  return points;
}

export function samplePeakDb(channels: Channels, from = 0, to = Number.POSITIVE_INFINITY): Decibels {
  let peak = 0;
  for (const channel of channels) {
    for (let index = Math.max(0, from); index < Math.min(channel.length, to); index += 1) peak = Math.max(peak, Math.abs(channel[index] as number));
  }
  return amplitudeToDb(peak);
}

const oversampling = 4;
const halfTaps = 24;

/** Blackman-windowed sinc taps for the three in-between phases of a 4× upsampler, each normalised to unity at DC. */
const interpolationPhases: readonly Float64Array[] = Array.from({ length: oversampling - 1 }, (_, phaseIndex) => {
  const offset = (phaseIndex + 1) / oversampling;
  const taps = new Float64Array(2 * halfTaps);
  let sum = 0;
  for (let tap = 0; tap < taps.length; tap += 1) {
    const distance = tap - (halfTaps - 1) - offset;
    const sinc = Math.sin(Math.PI * distance) / (Math.PI * distance);
    const position = (distance + halfTaps) / (2 * halfTaps);
    const blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * position) + 0.08 * Math.cos(4 * Math.PI * position);
    taps[tap] = sinc * blackman;
    sum += taps[tap] as number;
  }
  for (let tap = 0; tap < taps.length; tap += 1) taps[tap] = (taps[tap] as number) / sum;
  return taps;
});

/**
 * True peak as BS.1770-4 annex 2 describes it: the largest magnitude of the signal
 * upsampled 4× (here with a 48-tap windowed sinc per phase), in dBTP.
 */
export function truePeakDbtp(channels: Channels, from = 0, to = Number.POSITIVE_INFINITY): Decibels {
  let peak = 0;
  for (const channel of channels) {
    const end = Math.min(channel.length, to);
    for (let index = Math.max(0, from); index < end; index += 1) {
      peak = Math.max(peak, Math.abs(channel[index] as number));
      for (const taps of interpolationPhases) {
        // Interpolated value between index and index + 1.
        let value = 0;
        for (let tap = 0; tap < taps.length; tap += 1) {
          const source = index + tap - (halfTaps - 1);
          if (source >= 0 && source < channel.length) value += (taps[tap] as number) * (channel[source] as number);
        }
        peak = Math.max(peak, Math.abs(value));
      }
    }
  }
  return amplitudeToDb(peak);
}

/** BS.1770 K-weighting at 48 kHz: the "pre-filter" high shelf, then the RLB high-pass. */
const kWeighting48k = [
  { b: [1.53512485958697, -2.69169618940638, 1.19839281085285], a: [-1.69065929318241, 0.73248077421585] },
  { b: [1, -2, 1], a: [-1.99004745483398, 0.99007225036621] },
] as const;

function kWeighted(channel: Float32Array): Float64Array {
  let signal = Float64Array.from(channel);
  for (const { b, a } of kWeighting48k) {
    const output = new Float64Array(signal.length);
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let index = 0; index < signal.length; index += 1) {
      const x0 = signal[index] as number;
      const y0 = b[0] * x0 + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2;
      output[index] = y0;
      x2 = x1;
      x1 = x0;
      y2 = y1;
      y1 = y0;
    }
    signal = output;
  }
  return signal;
}

/**
 * Integrated loudness (BS.1770-4, EBU R128) of a stereo or mono signal at 48 kHz: 400 ms
 * blocks with 75% overlap, gated at −70 LUFS and then 10 LU under the ungated mean.
 */
export function integratedLufs(channels: Channels, sampleRate: number): Decibels {
  if (sampleRate !== 48_000) throw new Error(`the K-weighting here is for 48 kHz, not ${sampleRate} Hz`);
  const weighted = channels.map(kWeighted);
  const block = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  const length = weighted[0]?.length ?? 0;
  const blockPowers: number[] = [];
  for (let start = 0; start + block <= length; start += step) {
    let power = 0;
    for (const channel of weighted) {
      let sum = 0;
      for (let index = start; index < start + block; index += 1) sum += (channel[index] as number) ** 2;
      power += sum / block;
    }
    blockPowers.push(power);
  }
  const loudness = (power: number) => -0.691 + powerToDb(power);
  const mean = (values: readonly number[]) => values.reduce((total, value) => total + value, 0) / values.length;
  const aboveAbsolute = blockPowers.filter((power) => loudness(power) > -70);
  if (aboveAbsolute.length === 0) return Number.NEGATIVE_INFINITY;
  const relativeGate = loudness(mean(aboveAbsolute)) - 10;
  return loudness(mean(aboveAbsolute.filter((power) => loudness(power) > relativeGate)));
}
