import { describe, expect, it } from 'vitest';
import { FeedbackDelayReverb } from './FeedbackDelayReverb';

const sampleRate = 48_000;

/** Runs `input` (mono) through the reverb in 128-frame blocks, as the worklet does; answers both output channels. */
function run(reverb: FeedbackDelayReverb, input: Float32Array): [Float32Array, Float32Array] {
  const left = new Float32Array(input.length);
  const right = new Float32Array(input.length);
  for (let start = 0; start < input.length; start += 128) {
    const end = Math.min(input.length, start + 128);
    reverb.process([input.subarray(start, end)], [left.subarray(start, end), right.subarray(start, end)], end - start);
  }
  return [left, right];
}

const powerDb = (samples: Float32Array, from: number, to: number) => {
  let sum = 0;
  for (let n = from; n < to; n += 1) sum += (samples[n] as number) ** 2;
  return 10 * Math.log10(sum / (to - from));
};

function seededNoise(seed: number, length: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return 0.5 * (state / 2 ** 31 - 1);
  });
}

describe('FeedbackDelayReverb', () => {
  it('answers an impulse with a dense tail that falls about 60 dB over its decay time', () => {
    const input = new Float32Array(sampleRate * 5);
    input[0] = 1;
    const [left, right] = run(new FeedbackDelayReverb(sampleRate, { decaySeconds: 4 }), input);
    // Nothing before the pre-delay, sound right after it.
    expect(left.subarray(0, Math.round(0.039 * sampleRate)).every((value) => value === 0)).toBe(true);
    const early = powerDb(left, 0.1 * sampleRate, 0.6 * sampleRate);
    const late = powerDb(left, 4 * sampleRate, 4.5 * sampleRate);
    expect(early - late).toBeGreaterThan(50);
    expect(early - late).toBeLessThan(75);
    // Dense: by 0.3 s most frames carry sound, not isolated echoes.
    const window = left.subarray(0.3 * sampleRate, 0.4 * sampleRate);
    expect(window.filter((value) => Math.abs(value) > 1e-6).length / window.length).toBeGreaterThan(0.9);
    // The two sides are different lines: a wide image, not one signal twice.
    expect(Array.from(left.subarray(0.2 * sampleRate, 0.3 * sampleRate))).not.toEqual(Array.from(right.subarray(0.2 * sampleRate, 0.3 * sampleRate)));
  });

  it('keeps steady noise at about the level it came in at', () => {
    const input = seededNoise(3, sampleRate * 8);
    const [left] = run(new FeedbackDelayReverb(sampleRate), input);
    const gainDb = powerDb(left, 4 * sampleRate, 8 * sampleRate) - powerDb(input, 4 * sampleRate, 8 * sampleRate);
    expect(Math.abs(gainDb)).toBeLessThan(6);
  });

  it('rests once its input has been silent longer than its tail, and then starts again exactly as a fresh one', () => {
    const burst = seededNoise(7, sampleRate);
    const reverb = new FeedbackDelayReverb(sampleRate, { decaySeconds: 2 });
    run(reverb, burst);
    expect(reverb.isResting).toBe(false);
    const [silentTail] = run(reverb, new Float32Array(sampleRate * 6));
    expect(reverb.isResting).toBe(true);
    expect(silentTail.subarray(sampleRate * 5).every((value) => value === 0)).toBe(true);
    const [again] = run(reverb, burst);
    const [fresh] = run(new FeedbackDelayReverb(sampleRate, { decaySeconds: 2 }), burst);
    expect(again).toEqual(fresh);
  });

  it('takes no input channels (nothing connected) as silence', () => {
    const reverb = new FeedbackDelayReverb(sampleRate, { decaySeconds: 1 });
    const left = new Float32Array(128).fill(1);
    for (let block = 0; block < 1000; block += 1) reverb.process([], [left], 128);
    expect(reverb.isResting).toBe(true);
    expect(left.every((value) => value === 0)).toBe(true);
  });
});
