import { describe, expect, it } from 'vitest';
import { measureJoins } from '../support/gapless-measure';

const sampleRate = 48_000;

/** A slow sweep, as in the gapless fixtures: 110 Hz rising, −6 dBFS. */
function sweep(frames: number, phaseOffset = 0): Float32Array {
  const signal = new Float32Array(frames);
  let phase = phaseOffset;
  for (let index = 0; index < frames; index += 1) {
    const frequency = 110 + (index / frames) * 110;
    phase += (2 * Math.PI * frequency) / sampleRate;
    signal[index] = 0.5 * Math.sin(phase);
  }
  return signal;
}

const joinAt = sampleRate * 2;
const reference = sweep(sampleRate * 4);

function measure(recorded: Float32Array) {
  const [join] = measureJoins({ recording: { left: recorded, right: recorded }, sampleRate, joinFrames: [joinAt], reference: [reference, reference], referenceFrameAtJoin: [joinAt], gain: 1 });
  if (join === undefined) throw new Error('no join measured');
  return join;
}

describe('measureJoins', () => {
  it('finds nothing wrong with a recording that is the reference', () => {
    const join = measure(reference.slice());
    expect(join.gapMs).toBeLessThan(0.1);
    expect(join.click).toBe(false);
    expect(join.rebuildError).toBe(0);
  });

  it('finds the reference delayed by the output (the limiter’s look-ahead) and measures the join where it is heard', () => {
    const delayed = new Float32Array(reference.length);
    delayed.set(reference.subarray(0, reference.length - 240), 240);
    const join = measure(delayed);
    expect(join.lagFrames).toBe(-240);
    expect(join.rebuildError).toBe(0);
  });

  it('measures a 10 ms gap at the join and the click its edges make', () => {
    const gapped = reference.slice();
    gapped.fill(0, joinAt, joinAt + 480);
    const join = measure(gapped);
    expect(join.gapMs).toBeCloseTo(10, 0);
    expect(join.rebuildError).toBeGreaterThan(0.1);
  });

  it('counts a jump in the waveform (a file started a few ms late, an overlap) as a click', () => {
    const shifted = reference.slice();
    shifted.set(reference.subarray(joinAt + 150, joinAt + 150 + sampleRate), joinAt);
    const join = measure(shifted);
    expect(join.gapMs).toBeLessThan(0.1);
    expect(join.click).toBe(true);
    expect(join.largestStep).toBeGreaterThan(join.stepThreshold);
  });
});
