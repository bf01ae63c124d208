import type { Decibels, Seconds } from '../../core/units';
import type { Channels } from './audio-measure';

const dbToGain = (db: Decibels): number => 10 ** (db / 20);

export interface ClickReport {
  /** Blocks whose prediction error peaks above the threshold over their surroundings (one event per block). */
  readonly events: { readonly at: Seconds; readonly ratio: number }[];
  /** The largest ratio seen anywhere, and where. */
  readonly worstRatio: number;
  readonly worstAt: Seconds;
}

const lpcOrder = 16;
const lpcFrameSeconds = 0.5;
const clickBlockSeconds = 0.025;
const clickNeighbourBlocks = 10;
/** A step this far under the local level is inaudible under the bed, whatever the prediction error says. */
const clickFloorRelativeDb = -60;
const clickFloorAbsolute = 1e-5;
/**
 * A block's peak error over the median block peak around it. The clean presets stay under 2
 * over 10 minutes (1.8 at most); 3 still catches a step 12 dB under the shimmer's level, the
 * preset whose air noise hides steps best.
 */
export const clickThresholdRatio = 3;

function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Linear-prediction coefficients a[1..order] (autocorrelation method, Hann window, Levinson–Durbin). */
function lpc(channel: Float32Array, from: number, to: number): Float64Array {
  const length = to - from;
  const windowed = new Float64Array(length);
  for (let index = 0; index < length; index += 1) windowed[index] = (channel[from + index] as number) * (0.5 - 0.5 * Math.cos((2 * Math.PI * index) / length));
  const autocorrelation = new Float64Array(lpcOrder + 1);
  for (let lag = 0; lag <= lpcOrder; lag += 1) {
    let sum = 0;
    for (let index = lag; index < length; index += 1) sum += (windowed[index] as number) * (windowed[index - lag] as number);
    autocorrelation[lag] = sum;
  }
  // A little white-noise correction keeps near-pure tones from making the recursion singular.
  autocorrelation[0] = (autocorrelation[0] as number) * (1 + 1e-9) + 1e-30;
  const coefficients = new Float64Array(lpcOrder + 1);
  let error = autocorrelation[0] as number;
  for (let order = 1; order <= lpcOrder; order += 1) {
    let acc = autocorrelation[order] as number;
    for (let k = 1; k < order; k += 1) acc -= (coefficients[k] as number) * (autocorrelation[order - k] as number);
    const reflection = acc / error;
    const previous = coefficients.slice();
    coefficients[order] = reflection;
    for (let k = 1; k < order; k += 1) coefficients[k] = (previous[k] as number) - reflection * (previous[order - k] as number);
    error *= 1 - reflection * reflection;
    if (error <= 0) break;
  }
  return coefficients;
}

/**
 * A sample-level discontinuity is what a linear predictor fitted to the surrounding sound
 * cannot foresee: the prediction error whitens the bed (noise, pads, drifting filters) and
 * leaves a click as a spike. Each 25 ms block's peak error is compared with the median block
 * peak over ±250 ms, so a waveform's own periodic edges (a sawtooth's, above 40 Hz) count as
 * the bed, and with a floor 60 dB under the local level.
 */
export function detectClicks(channels: Channels, sampleRate: number, from: Seconds = 0, to: Seconds = Number.POSITIVE_INFINITY): ClickReport {
  const length = channels[0]?.length ?? 0;
  const first = Math.max(lpcOrder, Math.round(from * sampleRate));
  const last = Math.min(length, Math.round(to * sampleRate));
  const frame = Math.round(lpcFrameSeconds * sampleRate);
  const block = Math.round(clickBlockSeconds * sampleRate);
  const blocks = Math.max(0, Math.floor((last - first) / block));
  const floorRatio = dbToGain(clickFloorRelativeDb);
  const events: { at: Seconds; ratio: number }[] = [];
  let worstRatio = 0;
  let worstAt = 0;
  for (const channel of channels) {
    const peaks = new Float64Array(blocks);
    const peakAt = new Float64Array(blocks);
    const levels = new Float64Array(blocks);
    let coefficients: Float64Array = new Float64Array(lpcOrder + 1);
    for (let blockIndex = 0; blockIndex < blocks; blockIndex += 1) {
      const start = first + blockIndex * block;
      let peak = 0;
      let where = start;
      let sumOfSquares = 0;
      for (let index = start; index < start + block; index += 1) {
        if ((index - first) % frame === 0) {
          const centre = Math.min(Math.max(index + frame / 2, frame / 2), length - frame / 2);
          coefficients = lpc(channel, Math.max(0, Math.round(centre - frame / 2)), Math.min(length, Math.round(centre + frame / 2)));
        }
        let predicted = 0;
        for (let k = 1; k <= lpcOrder; k += 1) predicted += (coefficients[k] as number) * (channel[index - k] as number);
        const sample = channel[index] as number;
        const error = Math.abs(sample - predicted);
        if (error > peak) {
          peak = error;
          where = index;
        }
        sumOfSquares += sample * sample;
      }
      peaks[blockIndex] = peak;
      peakAt[blockIndex] = where;
      levels[blockIndex] = Math.sqrt(sumOfSquares / block);
    }
    for (let blockIndex = 0; blockIndex < blocks; blockIndex += 1) {
      const span = [Math.max(0, blockIndex - clickNeighbourBlocks), Math.min(blocks, blockIndex + clickNeighbourBlocks + 1)] as const;
      const floor = Math.max(clickFloorAbsolute, floorRatio * median(levels.subarray(...span)));
      const reference = Math.max(floor, median(peaks.subarray(...span)));
      const ratio = (peaks[blockIndex] as number) / reference;
      const at = (peakAt[blockIndex] as number) / sampleRate;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worstAt = at;
      }
      if (ratio > clickThresholdRatio) events.push({ at, ratio });
    }
  }
  events.sort((a, b) => a.at - b.at);
  return { events: events.slice(0, 20), worstRatio, worstAt };
}

/** In-place radix-2 FFT (the length a power of two). */
export function fft(real: Float64Array, imaginary: Float64Array): void {
  const size = real.length;
  for (let index = 1, reversed = 0; index < size; index += 1) {
    let bit = size >> 1;
    for (; reversed & bit; bit >>= 1) reversed ^= bit;
    reversed ^= bit;
    if (index < reversed) {
      [real[index], real[reversed]] = [real[reversed] as number, real[index] as number];
      [imaginary[index], imaginary[reversed]] = [imaginary[reversed] as number, imaginary[index] as number];
    }
  }
  for (let span = 2; span <= size; span <<= 1) {
    const angle = (-2 * Math.PI) / span;
    for (let start = 0; start < size; start += span) {
      for (let offset = 0; offset < span / 2; offset += 1) {
        const cos = Math.cos(angle * offset);
        const sin = Math.sin(angle * offset);
        const even = start + offset;
        const odd = even + span / 2;
        const oddReal = (real[odd] as number) * cos - (imaginary[odd] as number) * sin;
        const oddImaginary = (real[odd] as number) * sin + (imaginary[odd] as number) * cos;
        real[odd] = (real[even] as number) - oddReal;
        imaginary[odd] = (imaginary[even] as number) - oddImaginary;
        real[even] = (real[even] as number) + oddReal;
        imaginary[even] = (imaginary[even] as number) + oddImaginary;
      }
    }
  }
}

/** Octave band edges in Hz; the last band runs to Nyquist. */
export const bandEdgesHz = [20, 62.5, 125, 250, 500, 1000, 2000, 4000, 8000] as const;

export interface SpectrumSummary {
  readonly centroidHz: number;
  /** Power per octave band over the total, in dB (floored at −80). */
  readonly bandsDb: number[];
  /** Power per pitch class (C, C♯, … B) from 50 Hz to 4 kHz, summing to 1: the harmony heard. */
  readonly chroma: number[];
}

/** Cosine distance of two chroma vectors: 0 for the same pitch classes in the same proportions, 1 for none shared. */
export function chromaDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, index) => {
    const other = b[index] ?? 0;
    dot += value * other;
    normA += value * value;
    normB += other * other;
  });
  return normA === 0 || normB === 0 ? 1 : 1 - dot / Math.sqrt(normA * normB);
}

/** Welch-averaged power spectrum (4096-point Hann frames every `hopSeconds`) summarised as a centroid and octave bands. */
export function spectrum(channels: Channels, sampleRate: number, from: Seconds, to: Seconds, hopSeconds: Seconds = 0.5): SpectrumSummary {
  const size = 4096;
  const power = new Float64Array(size / 2);
  const window = Float64Array.from({ length: size }, (_, index) => 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size));
  const length = channels[0]?.length ?? 0;
  const real = new Float64Array(size);
  const imaginary = new Float64Array(size);
  for (let start = Math.round(from * sampleRate); start + size <= Math.min(length, Math.round(to * sampleRate)); start += Math.round(hopSeconds * sampleRate)) {
    for (const channel of channels) {
      for (let index = 0; index < size; index += 1) {
        real[index] = (channel[start + index] as number) * (window[index] as number);
        imaginary[index] = 0;
      }
      fft(real, imaginary);
      for (let bin = 0; bin < size / 2; bin += 1) power[bin] = (power[bin] as number) + (real[bin] as number) ** 2 + (imaginary[bin] as number) ** 2;
    }
  }
  const binHz = sampleRate / size;
  let total = 0;
  let weighted = 0;
  const bands = new Float64Array(bandEdgesHz.length);
  const chroma = new Float64Array(12);
  for (let bin = 1; bin < size / 2; bin += 1) {
    const hz = bin * binHz;
    const value = power[bin] as number;
    if (hz >= 50 && hz <= 4000) {
      const pitchClass = ((Math.round(12 * Math.log2(hz / 440)) % 12) + 12 + 9) % 12;
      chroma[pitchClass] = (chroma[pitchClass] as number) + value;
    }
    total += value;
    weighted += value * hz;
    for (let band = bandEdgesHz.length - 1; band >= 0; band -= 1) {
      if (hz >= (bandEdgesHz[band] as number)) {
        bands[band] = (bands[band] as number) + value;
        break;
      }
    }
  }
  return {
    centroidHz: total > 0 ? weighted / total : 0,
    bandsDb: Array.from(bands, (value) => Math.max(-80, 10 * Math.log10(value / total))),
    chroma: normalised(chroma),
  };
}

function normalised(values: Float64Array): number[] {
  const sum = values.reduce((total, value) => total + value, 0);
  return Array.from(values, (value) => (sum > 0 ? value / sum : 0));
}
