import { describe, expect, it } from 'vitest';
import { elementLead } from './element-lead';

const sampleRate = 44_100;

/** Seeded noise, low-passed a little as music is, `frames` long. */
function music(frames: number, seed = 1): Float32Array {
  let state = seed;
  const signal = new Float32Array(frames);
  let previous = 0;
  for (let index = 0; index < frames; index += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    previous = 0.6 * previous + 0.4 * (state / 2_147_483_648 - 0.5);
    signal[index] = previous;
  }
  return signal;
}

/** What two analysers read at the same moment: the bridge's last `length` frames and the element's, the element `lead` frames ahead in the music. */
function buffers(source: Float32Array, end: number, length: number, lead: number): { bridge: Float32Array; element: Float32Array } {
  return { bridge: source.slice(end - length, end), element: source.slice(end - length + lead, end + lead) };
}

const search = { windowFrames: 4096, minLeadFrames: -2205, maxLeadFrames: 6615 };

describe('elementLead', () => {
  it('finds the element ahead of the bridge by a whole number of frames', () => {
    const source = music(sampleRate * 2);
    for (const lead of [0, 1, 137, 2205, 4410, 6600, -300]) {
      const found = elementLead({ ...buffers(source, sampleRate, 16_384, lead), ...search });
      expect(found?.frames).toBeCloseTo(lead, 0);
      expect(found?.score).toBeGreaterThan(0.99);
    }
  });

  it('finds a lead between samples, as a resampled element gives', () => {
    const source = music(sampleRate * 2, 7);
    // Half a frame ahead: each element sample the mean of two neighbours.
    const bridge = source.slice(sampleRate - 16_384, sampleRate);
    const element = bridge.map((value, index) => (value + (source[sampleRate - 16_384 + index + 1] ?? 0)) / 2);
    const found = elementLead({ bridge, element: shiftedBy(element, 500), ...search });
    expect(found?.frames).toBeGreaterThan(500.2);
    expect(found?.frames).toBeLessThan(500.8);
  });

  it('scores low where the element plays other music, so nothing is moved on its word', () => {
    const found = elementLead({ bridge: music(16_384, 3), element: music(16_384, 4), ...search });
    expect(found?.score).toBeLessThan(0.3);
  });

  it('refuses buffers too short for the range searched', () => {
    expect(elementLead({ bridge: music(4096), element: music(8192), ...search })).toBeUndefined();
  });
});

/** `signal` played `lead` frames earlier: its sample i is the original's i + lead (the tail repeats the last value). */
function shiftedBy(signal: Float32Array, lead: number): Float32Array {
  return signal.map((_, index) => signal[Math.min(signal.length - 1, index + lead)] ?? 0);
}

describe('elementLead on near-periodic music', () => {
  it('tells the true lead from a whole period away in a slow sweep, as the gapless fixtures are', () => {
    const frames = sampleRate * 2;
    const sweep = new Float32Array(frames);
    let phase = 0;
    for (let index = 0; index < frames; index += 1) {
      phase += (2 * Math.PI * (110 + (index / frames) * 4)) / sampleRate;
      sweep[index] = 0.5 * Math.sin(phase);
    }
    for (const lead of [2999, 5000]) {
      const found = elementLead({ ...buffers(sweep, sampleRate, 32_768, lead), windowFrames: 4096, minLeadFrames: -1323, maxLeadFrames: 11_466 });
      expect(found?.frames).toBeCloseTo(lead, 0);
    }
  });
});
