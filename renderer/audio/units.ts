export type { Decibels, Milliseconds, NormalRange, Seconds } from '../../core/units';

export const dbToGain = (db: number): number => 10 ** (db / 20);
export const gainToDb = (gain: number): number => (gain <= 0 ? -Infinity : 20 * Math.log10(gain));

/** Equal-power curve sampled for setValueCurveAtTime, from `fromFraction` of the way to the end. */
export function equalPowerCurve(direction: 'in' | 'out', fromFraction = 0, points = 64): Float32Array {
  const curve = new Float32Array(points);
  for (let index = 0; index < points; index += 1) {
    const fraction = fromFraction + ((1 - fromFraction) * index) / (points - 1);
    const angle = (fraction * Math.PI) / 2;
    curve[index] = direction === 'in' ? Math.sin(angle) : Math.cos(angle);
  }
  return curve;
}

export function equalPowerGain(direction: 'in' | 'out', fraction: number): number {
  const clamped = Math.min(1, Math.max(0, fraction));
  const angle = (clamped * Math.PI) / 2;
  return direction === 'in' ? Math.sin(angle) : Math.cos(angle);
}
