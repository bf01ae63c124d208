import { describe, expect, it } from 'vitest';
import { journaledVolume, volumeAfterSteps } from './volume-steps';

const db = (gain: number) => 20 * Math.log10(gain);

describe('volumeAfterSteps', () => {
  it('moves in even 2 dB steps of loudness', () => {
    expect(db(volumeAfterSteps(0.5, -1)) - db(0.5)).toBeCloseTo(-2, 6);
    expect(db(volumeAfterSteps(0.5, 3)) - db(0.5)).toBeCloseTo(6, 6);
  });

  it('never goes past full scale nor down to silence', () => {
    expect(volumeAfterSteps(0.95, 1)).toBe(1);
    expect(volumeAfterSteps(0.011, -5)).toBe(0.01);
    expect(volumeAfterSteps(0, 1)).toBe(0.01);
  });

  it('journals three decimals', () => {
    expect(journaledVolume(0.501187)).toBe(0.501);
  });
});
