import * as Tone from 'tone';
import { seededRandom } from './seeded-random';

export type NoiseColor = 'pink' | 'brown';

/**
 * Long noise buffers shared by every voice. Tone's own noise loops a 5 s buffer, which an
 * attentive listener can hear as a repeating texture over minutes; these are tens of
 * seconds long, of lengths that share no small factor, and each voice also drifts its
 * playback rate, so no repetition lines up.
 */
const lengthsSeconds: Record<NoiseColor, number> = { pink: 37, brown: 43 };
const cache = new Map<string, Tone.ToneAudioBuffer>();

function pinkNoise(length: number, random: () => number): Float32Array {
  // Paul Kellet's economy pink filter over white noise.
  const samples = new Float32Array(length);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let index = 0; index < length; index += 1) {
    const white = random() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    samples[index] = (b0 + b1 + b2 + white * 0.1848) * 0.11;
  }
  return samples;
}

function brownNoise(length: number, random: () => number): Float32Array {
  const samples = new Float32Array(length);
  let last = 0;
  for (let index = 0; index < length; index += 1) {
    last = (last + 0.02 * (random() * 2 - 1)) / 1.02;
    samples[index] = last * 3.5;
  }
  return samples;
}

/** Fades the loop seam over 50 ms so the wrap-around cannot click. */
function smoothSeam(samples: Float32Array, sampleRate: number): Float32Array {
  const fade = Math.min(Math.floor(sampleRate * 0.05), Math.floor(samples.length / 4));
  for (let index = 0; index < fade; index += 1) {
    const weight = index / fade;
    const tail = samples.length - fade + index;
    samples[tail] = (samples[tail] as number) * (1 - weight) + (samples[index] as number) * weight;
  }
  return samples.subarray(fade);
}

export function noiseBuffer(color: NoiseColor): Tone.ToneAudioBuffer {
  const sampleRate = Tone.getContext().sampleRate;
  const key = `${color}@${sampleRate}`;
  let buffer = cache.get(key);
  if (buffer === undefined) {
    const length = Math.round(lengthsSeconds[color] * sampleRate);
    // Fixed seeds: the same noise in every session, so a bed replays exactly.
    const samples = color === 'pink' ? pinkNoise(length, seededRandom(37)) : brownNoise(length, seededRandom(43));
    buffer = Tone.ToneAudioBuffer.fromArray(smoothSeam(samples, sampleRate));
    cache.set(key, buffer);
  }
  return buffer;
}
