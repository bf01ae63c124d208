import type { Decibels } from '../../../core/units';

export const volumeStepDb: Decibels = 2;
const quietestVolume = 0.01;

/**
 * The master volume `steps` steps of 2 dB away, on the gain scale the output uses (0–1):
 * steps are even in loudness, not in gain, and never reach silence (Quiet does that, with a fade).
 */
export function volumeAfterSteps(volume: number, steps: number): number {
  const currentDb = 20 * Math.log10(Math.max(volume, 0.001));
  return Math.min(1, Math.max(quietestVolume, 10 ** ((currentDb + steps * volumeStepDb) / 20)));
}

/** As journaled: three decimals are finer than any step. */
export const journaledVolume = (volume: number): number => Math.round(volume * 1000) / 1000;
