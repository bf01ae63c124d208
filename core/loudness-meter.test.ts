import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelWeights, kWeighting, LoudnessMeter, type Biquad } from './loudness-meter';

/** A piece of a test signal: a sum of sines (peak level in dBFS each) held for some seconds; no tones is digital silence. */
interface Section {
  readonly seconds: number;
  readonly tones: readonly { readonly hz: number; readonly dbfs: number; readonly phase?: number }[];
}

const sine = (hz: number, dbfs: number, phase = 0) => ({ hz, dbfs, phase });

/** Renders sections one after another, phase-continuous per tone frequency (as Tech 3341's files are). */
function render(sampleRate: number, sections: readonly Section[]): Float32Array {
  const total = sections.reduce((frames, section) => frames + Math.round(section.seconds * sampleRate), 0);
  const samples = new Float32Array(total);
  let offset = 0;
  for (const section of sections) {
    const frames = Math.round(section.seconds * sampleRate);
    for (const tone of section.tones) {
      const amplitude = 10 ** (tone.dbfs / 20);
      const step = (2 * Math.PI * tone.hz) / sampleRate;
      for (let index = 0; index < frames; index += 1) {
        samples[offset + index] = (samples[offset + index] as number) + amplitude * Math.sin(step * (offset + index) + (tone.phase ?? 0));
      }
    }
    offset += frames;
  }
  return samples;
}

/** Feeds planar channels in chunks of a fixed size, as a decoder would. */
function measure(sampleRate: number, channels: readonly Float32Array[], chunkFrames = 4096) {
  const meter = new LoudnessMeter(sampleRate, channels.length);
  const frames = (channels[0] as Float32Array).length;
  for (let offset = 0; offset < frames; offset += chunkFrames) {
    meter.push(channels.map((channel) => channel.subarray(offset, Math.min(frames, offset + chunkFrames))));
  }
  return meter.result();
}

const stereo = (signal: Float32Array) => [signal, signal];

/**
 * |H(f)|² of BS.1770-4's published 48 kHz K-weighting biquads, evaluated directly: an
 * expectation for multi-tone signals that owes nothing to the meter's own coefficients.
 */
function publishedKWeightingPower(hz: number): number {
  const stages = [
    { b: [1.53512485958697, -2.69169618940638, 1.19839281085285], a: [1, -1.69065929318241, 0.73248077421585] },
    { b: [1, -2, 1], a: [1, -1.99004745483398, 0.99007225036621] },
  ];
  const omega = (2 * Math.PI * hz) / 48_000;
  let power = 1;
  for (const { b, a } of stages) {
    const response = (coefficients: number[]) => {
      const re = coefficients.reduce((sum, c, k) => sum + c * Math.cos(k * omega), 0);
      const im = coefficients.reduce((sum, c, k) => sum - c * Math.sin(k * omega), 0);
      return re * re + im * im;
    };
    power *= response(b) / response(a);
  }
  return power;
}

/** Expected BS.1770 loudness of steady sines: −0.691 + 10·log10(Σ channels Σ tones A²/2 · |H|²). */
function expectedSteadyLoudness(channels: readonly (readonly { hz: number; dbfs: number }[])[], weights: readonly number[]): number {
  let energy = 0;
  channels.forEach((tones, channel) => {
    for (const tone of tones) energy += ((weights[channel] as number) * 10 ** (tone.dbfs / 10) * publishedKWeightingPower(tone.hz)) / 2;
  });
  return -0.691 + 10 * Math.log10(energy);
}

describe('K-weighting', () => {
  it('reproduces the BS.1770-4 coefficients at 48 kHz', () => {
    const { shelf, highPass } = kWeighting(48_000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 10);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 10);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 10);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 10);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 10);
    expect([highPass.b0, highPass.b1, highPass.b2]).toEqual([1, -2, 1]);
    expect(highPass.a1).toBeCloseTo(-1.99004745483398, 10);
    expect(highPass.a2).toBeCloseTo(0.99007225036621, 10);
  });

  it('derives other sample rates from the same filters rather than reusing the 48 kHz numbers', () => {
    const powerDb = (filter: ReturnType<typeof kWeighting>, sampleRate: number, hz: number) => {
      const omega = (2 * Math.PI * hz) / sampleRate;
      const gain = (c: readonly number[]) => (c[0] as number) ** 2 + (c[1] as number) ** 2 + (c[2] as number) ** 2 + 2 * ((c[0] as number) * (c[1] as number) + (c[1] as number) * (c[2] as number)) * Math.cos(omega) + 2 * (c[0] as number) * (c[2] as number) * Math.cos(2 * omega);
      const stage = (s: Biquad) => gain([s.b0, s.b1, s.b2]) / gain([1, s.a1, s.a2]);
      return 10 * Math.log10(stage(filter.shelf) * stage(filter.highPass));
    };
    const reference = (hz: number) => 10 * Math.log10(publishedKWeightingPower(hz));
    let reusedWorst = 0;
    for (const hz of [30, 100, 500, 1000, 1500, 2000, 4000, 10_000]) {
      expect(Math.abs(powerDb(kWeighting(44_100), 44_100, hz) - reference(hz)), `${hz} Hz`).toBeLessThan(0.05);
      reusedWorst = Math.max(reusedWorst, Math.abs(powerDb(kWeighting(48_000), 44_100, hz) - reference(hz)));
    }
    expect(reusedWorst).toBeGreaterThan(0.1);
  });
});

describe('integrated loudness (EBU Tech 3341 style signals)', () => {
  for (const sampleRate of [48_000, 44_100]) {
    describe(`at ${sampleRate / 1000} kHz`, () => {
      it('reads a stereo 1 kHz sine at −23 dBFS as −23.0 LUFS and at −33 dBFS as −33.0 LUFS', () => {
        expect(measure(sampleRate, stereo(render(sampleRate, [{ seconds: 20, tones: [sine(1000, -23)] }]))).integratedLufs).toBeCloseTo(-23, 1);
        expect(measure(sampleRate, stereo(render(sampleRate, [{ seconds: 20, tones: [sine(1000, -33)] }]))).integratedLufs).toBeCloseTo(-33, 1);
      });

      it('counts mono as one channel: the same sine is 3 LU quieter than in stereo', () => {
        const result = measure(sampleRate, [render(sampleRate, [{ seconds: 20, tones: [sine(1000, -23)] }])]);
        expect(Math.abs(result.integratedLufs - (-23 - 10 * Math.log10(2)))).toBeLessThanOrEqual(0.1);
      });

      it('weights a multi-tone signal by the K-weighting curve (100 Hz, 1 kHz, 3 kHz, 8 kHz)', () => {
        const tones = [sine(100, -30), sine(1000, -26), sine(3000, -24), sine(8000, -24)];
        const result = measure(sampleRate, stereo(render(sampleRate, [{ seconds: 20, tones }])));
        const expected = expectedSteadyLoudness([tones, tones], [1, 1]);
        expect(Math.abs(result.integratedLufs - expected)).toBeLessThanOrEqual(0.1);
        // The shelf lifts 3 and 8 kHz: a flat-weighted sum would be well below.
        const flat = -0.691 + 10 * Math.log10(tones.reduce((sum, tone) => sum + 10 ** (tone.dbfs / 10), 0));
        expect(result.integratedLufs - flat).toBeGreaterThan(1);
      });

      it('gates out quieter sections by the relative gate (Tech 3341 case 3: −36/−23/−36 dBFS → −23.0)', () => {
        const signal = render(sampleRate, [
          { seconds: 10, tones: [sine(1000, -36)] },
          { seconds: 60, tones: [sine(1000, -23)] },
          { seconds: 10, tones: [sine(1000, -36)] },
        ]);
        expect(measure(sampleRate, stereo(signal)).integratedLufs).toBeCloseTo(-23, 1);
      });

      it('gates out −72 dB by the absolute gate and −36 dB by the relative one (Tech 3341 case 4 → −23.0)', () => {
        const signal = render(sampleRate, [
          { seconds: 10, tones: [sine(1000, -72)] },
          { seconds: 10, tones: [sine(1000, -36)] },
          { seconds: 60, tones: [sine(1000, -23)] },
          { seconds: 10, tones: [sine(1000, -36)] },
          { seconds: 10, tones: [sine(1000, -72)] },
        ]);
        expect(measure(sampleRate, stereo(signal)).integratedLufs).toBeCloseTo(-23, 1);
      });

      it('averages energy, not decibels, over sections above the gate (Tech 3341 case 5: −26/−20/−26 → −23.0)', () => {
        const signal = render(sampleRate, [
          { seconds: 20, tones: [sine(1000, -26)] },
          { seconds: 20.1, tones: [sine(1000, -20)] },
          { seconds: 20, tones: [sine(1000, -26)] },
        ]);
        expect(measure(sampleRate, stereo(signal)).integratedLufs).toBeCloseTo(-23, 1);
      });

      it('ignores digital silence between passages', () => {
        const signal = render(sampleRate, [
          { seconds: 20, tones: [sine(1000, -23)] },
          { seconds: 20, tones: [] },
          { seconds: 20, tones: [sine(1000, -23)] },
        ]);
        expect(measure(sampleRate, stereo(signal)).integratedLufs).toBeCloseTo(-23, 1);
      });

      it('keeps a −40 dB passage out but a −30 dB passage in (it lowers the result to their energy mean)', () => {
        const withQuiet = render(sampleRate, [
          { seconds: 20, tones: [sine(1000, -23)] },
          { seconds: 20, tones: [sine(1000, -40)] },
        ]);
        expect(measure(sampleRate, stereo(withQuiet)).integratedLufs).toBeCloseTo(-23, 1);
        const withSofter = render(sampleRate, [
          { seconds: 20, tones: [sine(1000, -23)] },
          { seconds: 20, tones: [sine(1000, -30)] },
        ]);
        const energyMean = -23 + 10 * Math.log10((1 + 10 ** -0.7) / 2);
        expect(Math.abs(measure(sampleRate, stereo(withSofter)).integratedLufs - energyMean)).toBeLessThanOrEqual(0.1);
      });
    });
  }

  it('weights surround channels by 1.41 (Tech 3341 case 6: 5.0 at −28/−28/−24/−30/−30 dBFS → −23.0)', () => {
    const levels = [-28, -28, -24, -30, -30]; // L R C Ls Rs
    const channels = levels.map((dbfs) => render(48_000, [{ seconds: 20, tones: [sine(1000, dbfs)] }]));
    expect(measure(48_000, channels).integratedLufs).toBeCloseTo(-23, 1);
    expect(channelWeights(6)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
  });

  it('reports silence, and signals under the absolute gate, at the floor of −70 LUFS', () => {
    const silence = measure(48_000, stereo(new Float32Array(48_000 * 5)));
    expect(silence).toEqual({ integratedLufs: -70, truePeakDbtp: -70, rangeLu: 0, durationSeconds: 5 });
    expect(measure(48_000, stereo(render(48_000, [{ seconds: 5, tones: [sine(1000, -80)] }]))).integratedLufs).toBe(-70);
  });

  it('gives the same result for any chunking of the same signal', () => {
    const signal = render(44_100, [
      { seconds: 3, tones: [sine(440, -20)] },
      { seconds: 2, tones: [] },
      { seconds: 4, tones: [sine(1000, -30), sine(5000, -35)] },
    ]);
    const whole = measure(44_100, stereo(signal), signal.length);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const meter = new LoudnessMeter(44_100, 2);
        let offset = 0;
        for (let chunk = 0; offset < signal.length; chunk += 1) {
          const size = sizes[chunk % sizes.length] as number;
          const part = signal.subarray(offset, Math.min(signal.length, offset + size));
          meter.push([part, part]);
          offset += size;
        }
        const result = meter.result();
        expect(result.integratedLufs).toBeCloseTo(whole.integratedLufs, 9);
        expect(result.truePeakDbtp).toBeCloseTo(whole.truePeakDbtp, 9);
        expect(result.rangeLu).toBeCloseTo(whole.rangeLu, 9);
        expect(result.durationSeconds).toBe(whole.durationSeconds);
      }),
      { numRuns: 25 },
    );
  });
});

describe('loudness range (EBU Tech 3342 cases 1–4)', () => {
  const cases = [
    { name: 'case 1: −20 then −30 dBFS', levels: [-20, -30], range: 10 },
    { name: 'case 2: −20 then −15 dBFS', levels: [-20, -15], range: 5 },
    { name: 'case 3: −40 then −20 dBFS', levels: [-40, -20], range: 20 },
    { name: 'case 4: −50, −35, −20, −35, −50 dBFS', levels: [-50, -35, -20, -35, -50], range: 15 },
  ];
  for (const { name, levels, range } of cases) {
    it(`${name} → ${range} LU`, () => {
      const signal = render(48_000, levels.map((dbfs) => ({ seconds: 20, tones: [sine(1000, dbfs)] })));
      expect(Math.abs(measure(48_000, stereo(signal)).rangeLu - range)).toBeLessThanOrEqual(0.1);
    });
  }

  it('spans the 10th to 95th percentile of short-term loudness on a steady fade from −40 to −20 dBFS', () => {
    const sampleRate = 48_000;
    const seconds = 60;
    const signal = new Float32Array(sampleRate * seconds);
    for (let index = 0; index < signal.length; index += 1) {
      const dbfs = -40 + (20 * index) / signal.length;
      signal[index] = 10 ** (dbfs / 20) * Math.sin((2 * Math.PI * 1000 * index) / sampleRate);
    }
    // 3 s windows centred from 1.5 s to 58.5 s see levels spread evenly over 19 dB.
    const expected = (0.95 - 0.1) * 20 * ((seconds - 3) / seconds);
    expect(Math.abs(measure(sampleRate, stereo(signal)).rangeLu - expected)).toBeLessThanOrEqual(0.2);
  });

  it('is zero for a steady tone', () => {
    expect(measure(48_000, stereo(render(48_000, [{ seconds: 10, tones: [sine(1000, -20)] }]))).rangeLu).toBeLessThan(0.05);
  });
});

/**
 * A 20 ms raised-cosine fade-in: a tone that starts with a jump rings in any band-limited
 * interpolation (as it would on a real converter), which is not what these cases measure.
 */
function fadeIn(sampleRate: number, samples: Float32Array): Float32Array {
  const frames = Math.round(sampleRate * 0.02);
  for (let index = 0; index < frames; index += 1) samples[index] = (samples[index] as number) * 0.5 * (1 - Math.cos((Math.PI * index) / frames));
  return samples;
}

describe('true peak', () => {
  // Tech 3341 cases 16–18: −6 dBFS sines whose samples all miss the crest.
  const cases = [
    { name: 'fs/4 at 45°', divisor: 4, phaseDegrees: 45, samplePeakDb: -6.02 - 3.01 },
    { name: 'fs/6 at 60°', divisor: 6, phaseDegrees: 60, samplePeakDb: -6.02 - 1.25 },
    { name: 'fs/8 at 67.5°', divisor: 8, phaseDegrees: 67.5, samplePeakDb: -6.02 - 0.69 },
  ];
  for (const sampleRate of [48_000, 44_100]) {
    for (const { name, divisor, phaseDegrees, samplePeakDb } of cases) {
      it(`finds the inter-sample crest of a −6.02 dBFS sine at ${name}, ${sampleRate / 1000} kHz (samples peak at ${samplePeakDb.toFixed(1)} dBFS)`, () => {
        const signal = fadeIn(sampleRate, render(sampleRate, [{ seconds: 2, tones: [sine(sampleRate / divisor, 20 * Math.log10(0.5), (phaseDegrees * Math.PI) / 180)] }]));
        const samplePeak = 20 * Math.log10(signal.reduce((peak, value) => Math.max(peak, Math.abs(value)), 0));
        expect(samplePeak).toBeCloseTo(samplePeakDb, 1);
        expect(Math.abs(measure(sampleRate, stereo(signal)).truePeakDbtp - 20 * Math.log10(0.5))).toBeLessThanOrEqual(0.3);
      });
    }
  }

  it('oversamples 2× at 96 kHz, still finding the crest between samples', () => {
    const signal = fadeIn(96_000, render(96_000, [{ seconds: 1, tones: [sine(24_000, 20 * Math.log10(0.5), Math.PI / 4)] }]));
    expect(Math.abs(measure(96_000, [signal]).truePeakDbtp - 20 * Math.log10(0.5))).toBeLessThanOrEqual(0.3);
  });

  it('is never below the sample peak, found in any channel', () => {
    const quiet = new Float32Array(48_000);
    const click = new Float32Array(48_000);
    click[30_000] = -0.8;
    expect(measure(48_000, [quiet, click]).truePeakDbtp).toBeGreaterThanOrEqual(20 * Math.log10(0.8) - 1e-6);
  });
});

describe('input', () => {
  it('reports the duration of everything pushed, including a final partial block', () => {
    const meter = new LoudnessMeter(44_100, 1);
    meter.push([new Float32Array(44_100 * 2 + 123)]);
    expect(meter.result().durationSeconds).toBeCloseTo(2 + 123 / 44_100, 9);
  });

  it('rejects chunks with the wrong channel count, ragged channels and non-finite samples', () => {
    const meter = new LoudnessMeter(48_000, 2);
    expect(() => meter.push([new Float32Array(10)])).toThrow(/2 channels/);
    expect(() => meter.push([new Float32Array(10), new Float32Array(9)])).toThrow(/same length/);
    expect(() => meter.push([Float32Array.of(0, Number.NaN), new Float32Array(2)])).toThrow(/finite/);
  });

  it('rejects impossible sample rates and channel counts', () => {
    expect(() => new LoudnessMeter(0, 2)).toThrow(RangeError);
    expect(() => new LoudnessMeter(48_000, 0)).toThrow(RangeError);
    expect(() => new LoudnessMeter(Number.NaN, 1)).toThrow(RangeError);
  });
});
