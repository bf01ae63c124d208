import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../core/loudness-meter';
import { truePeakDbtp as longFilterTruePeakDbtp } from '../../../tests/support/audio-measure';
import { limitInBlocks } from '../../../tests/support/limit-in-blocks';
import { LookaheadLimiter } from './LookaheadLimiter';

const sampleRate = 48_000;

/**
 * Feeds `input` (planar) through a new limiter in 128-frame blocks, as the audio worklet does,
 * then 100 ms of silence, so the output holds the input's end too (a meter reading a signal cut
 * off mid-wave would see the cut's ringing, which no listener hears).
 */
function limit(unpadded: Float32Array[], options: ConstructorParameters<typeof LookaheadLimiter>[1] = {}, blockSizes: readonly number[] = [128], rate = sampleRate) {
  const limiter = new LookaheadLimiter(rate, { channels: unpadded.length, ...options });
  const input = unpadded.map((channel) => {
    const padded = new Float32Array(channel.length + Math.round(rate / 10));
    padded.set(channel);
    return padded;
  });
  return { output: limitInBlocks(limiter, input, blockSizes), limiter };
}

/** The higher of two true-peak readings: BS.1770's example interpolator, and a longer one that reads content near the top of the band truly. */
function truePeakDbtp(channels: Float32Array[]): number {
  const meter = new LoudnessMeter(sampleRate, channels.length);
  meter.push(channels);
  return Math.max(meter.result().truePeakDbtp, longFilterTruePeakDbtp(channels));
}

function sine(frequency: number, amplitude: number, seconds: number, phase = 0): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, n) => amplitude * Math.sin((2 * Math.PI * frequency * n) / sampleRate + phase));
}

function seededNoise(seed: number, amplitude: number, seconds: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return amplitude * (state / 2 ** 31 - 1);
  });
}

const plus6Db = 10 ** (6 / 20);

describe('LookaheadLimiter', () => {
  it.each([
    ['a 1 kHz sine 6 dB over full scale', [sine(1000, plus6Db, 2), sine(1000, plus6Db, 2, 0.3)]],
    // At fs/4 with a 45° phase every sample sits 3 dB under the peak between them.
    ['an fs/4 sine whose peaks fall between samples, 6 dB over', [sine(sampleRate / 4, plus6Db, 2, Math.PI / 4), sine(sampleRate / 4, plus6Db, 2, Math.PI / 4)]],
    ['a square wave 6 dB over (its ringing peaks between samples)', [sine(441, 1, 2).map((v) => (v >= 0 ? plus6Db : -plus6Db)), sine(441, 1, 2).map((v) => (v >= 0 ? plus6Db : -plus6Db))]],
    ['white noise 6 dB over', [seededNoise(1, plus6Db, 2), seededNoise(2, plus6Db, 2)]],
    ['a single-sample click 12 dB over, in silence', [Float32Array.from({ length: sampleRate }, (_, n) => (n === 4000 ? 4 : 0)), new Float32Array(sampleRate)]],
    ['a quiet passage, then a burst 12 dB over', [Float32Array.from(sine(220, 0.1, 2), (v, n) => (n > sampleRate && n < sampleRate * 1.05 ? v * 40 : v)), sine(330, 0.1, 2)]],
  ])('keeps %s at or under −1 dBTP', (_name, input) => {
    expect(truePeakDbtp(input)).toBeGreaterThan(-1);
    const { output, limiter } = limit(input);
    expect(truePeakDbtp(output)).toBeLessThanOrEqual(-1);
    expect(limiter.takeGainReductionDb()).toBeGreaterThan(0);
  });

  it('passes material under the ceiling bit for bit, only delayed (no gain reduction at all)', () => {
    const input = [seededNoise(3, 0.3, 1), sine(997, 0.8, 1)];
    expect(truePeakDbtp(input)).toBeLessThan(-1);
    const { output, limiter } = limit(input);
    const latency = limiter.latencyFrames;
    expect(latency).toBeGreaterThan(0);
    expect(latency / sampleRate).toBeLessThan(0.01);
    for (const [channel, samples] of input.entries()) {
      expect(output[channel]?.subarray(latency, latency + samples.length)).toEqual(samples);
      expect(output[channel]?.subarray(0, latency).every((value) => value === 0)).toBe(true);
    }
    expect(limiter.takeGainReductionDb()).toBe(0);
  });

  it('does not pump: the gain falls over the look-ahead and recovers smoothly, no step larger than the attack allows', () => {
    const seconds = 3;
    const burstFrom = sampleRate;
    const burstTo = sampleRate * 1.2;
    const carrier = sine(440, 0.5, seconds);
    const input = Float32Array.from(carrier, (value, n) => (n >= burstFrom && n < burstTo ? value * 4 : value));
    const { output, limiter } = limit([input], { channels: 1 });
    // The gain the limiter applied, read back where the carrier is not near a zero crossing.
    const gains: number[] = [];
    for (let n = limiter.latencyFrames; n < input.length; n += 1) {
      const source = input[n - limiter.latencyFrames] as number;
      if (Math.abs(source) > 0.1) gains.push((output[0]?.[n] as number) / source);
    }
    const lookaheadFrames = Math.round(0.005 * sampleRate);
    let largestStep = 0;
    for (let index = 1; index < gains.length; index += 1) largestStep = Math.max(largestStep, Math.abs((gains[index] as number) - (gains[index - 1] as number)));
    // Never a jump: at most the whole reduction spread over the look-ahead (plus the zero-crossing gaps skipped).
    expect(largestStep).toBeLessThan(0.6 / lookaheadFrames * 20);
    // Before the burst and a second after it, unity again.
    const gainAt = (frame: number) => (output[0]?.[frame + limiter.latencyFrames] as number) / (input[frame] as number);
    const peakFrameBefore = Math.round(sampleRate * 0.5 + sampleRate / 440 / 4);
    expect(gainAt(peakFrameBefore)).toBe(1);
    const peakFrameAfter = Math.round(burstTo + sampleRate * 1.5 - (sampleRate * 1.5) % (sampleRate / 440) + sampleRate / 440 / 4);
    expect(gainAt(peakFrameAfter)).toBeGreaterThan(10 ** (-0.1 / 20));
  });

  it('links the channels: a peak in one lowers both by the same gain', () => {
    const left = sine(500, 2, 0.5);
    const right = sine(700, 0.2, 0.5);
    const { output, limiter } = limit([left, right]);
    const frame = sampleRate * 0.25;
    const leftGain = (output[0]?.[frame + limiter.latencyFrames] as number) / (left[frame] as number);
    const rightGain = (output[1]?.[frame + limiter.latencyFrames] as number) / (right[frame] as number);
    expect(leftGain).toBeLessThan(0.5);
    expect(rightGain).toBeCloseTo(leftGain, 6);
  });

  it('passes quiet blocks whole with exactly the output and gain reduction of measuring every frame', () => {
    // Quiet music, a hot burst, its release, quiet again, a near-ceiling stretch and a mono-only input: every path and the switches between them.
    const seconds = 3;
    const left = Float32Array.from(seededNoise(4, 0.2, seconds), (value, n) => (n > sampleRate && n < sampleRate * 1.1 ? value * 8 : n > sampleRate * 2 && n < sampleRate * 2.3 ? value * 4.2 : value));
    const right = sine(331, 0.25, seconds);
    const measured = limit([left, right], { passQuietBlocks: false });
    const passed = limit([left, right], { passQuietBlocks: true });
    expect(passed.output).toEqual(measured.output);
    expect(passed.limiter.takeGainReductionDb()).toBe(measured.limiter.takeGainReductionDb());
    const monoMeasured = limit([left], { channels: 1, passQuietBlocks: false });
    const monoPassed = limit([left], { channels: 1 });
    expect(monoPassed.output).toEqual(monoMeasured.output);
  });

  it.each([
    ['at 48 kHz', sampleRate],
    // The latency (63 frames) is shorter than most of these blocks: those are measured frame by frame.
    ['at 8 kHz', 8000],
  ])('passes quiet blocks of any size the same as measuring every frame, %s', (_name, rate) => {
    const seconds = 3;
    const left = Float32Array.from(seededNoise(7, 0.2, seconds), (value, n) => (n > sampleRate && n < sampleRate * 1.1 ? value * 8 : value));
    const right = sine(197, 0.25, seconds);
    // A frame at a time, odd sizes, a worklet's quantum, blocks longer than the span and than the latency.
    const blocks = [1, 7, 128, 33, 300, 48, 2, 129, 1000];
    const measured = limit([left, right], { passQuietBlocks: false }, blocks, rate);
    const passed = limit([left, right], { passQuietBlocks: true }, blocks, rate);
    expect(passed.output).toEqual(measured.output);
    const reduction = measured.limiter.takeGainReductionDb();
    // The burst was limited: both paths and the switches between them ran.
    expect(reduction).toBeGreaterThan(1);
    expect(passed.limiter.takeGainReductionDb()).toBe(reduction);
  });
});
