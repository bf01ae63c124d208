import { describe, expect, it } from 'vitest';
import { drawEnvelope, rampTo, takeOverSeconds } from './gain-chain';
import { StrictAudioParam } from './testing/StrictAudioParam';
import { equalPowerCurve, equalPowerGain } from './units';

type Call = readonly [method: string, ...args: number[]];

/** Records the automation calls a ramp makes, as Web Audio would receive them; `value` is what the param reads now. */
function recordingParam(value: number): { readonly param: AudioParam; readonly calls: Call[] } {
  const calls: Call[] = [];
  const param = {
    value,
    cancelScheduledValues: (time: number) => {
      calls.push(['cancelScheduledValues', time]);
      return param;
    },
    setValueAtTime: (target: number, time: number) => {
      calls.push(['setValueAtTime', target, time]);
      return param;
    },
    linearRampToValueAtTime: (target: number, time: number) => {
      calls.push(['linearRampToValueAtTime', target, time]);
      return param;
    },
  };
  return { param: param as unknown as AudioParam, calls };
}

describe('rampTo', () => {
  it('drops what was scheduled from now on and ramps in a straight line from the value heard now', () => {
    const { param, calls } = recordingParam(0.37);
    rampTo(param, 1, { now: 12.5, seconds: 0.8 });
    expect(calls).toEqual([
      ['cancelScheduledValues', 12.5],
      ['setValueAtTime', 0.37, 12.5],
      ['linearRampToValueAtTime', 1, 13.3],
    ]);
  });

  it('starts from the value it is given instead, when the fade begins from a known level', () => {
    const { param, calls } = recordingParam(0.6);
    rampTo(param, 1, { now: 3, seconds: 0.4, from: 0 });
    expect(calls).toEqual([
      ['cancelScheduledValues', 3],
      ['setValueAtTime', 0, 3],
      ['linearRampToValueAtTime', 1, 3.4],
    ]);
  });

  it('over 0 s sets the target at once, with no ramp', () => {
    const { param, calls } = recordingParam(0.2);
    rampTo(param, 0.75, { now: 7, seconds: 0 });
    expect(calls).toEqual([
      ['cancelScheduledValues', 7],
      ['setValueAtTime', 0.75, 7],
    ]);
  });
});

/** The largest change from one millisecond to the next over [from, to]. */
function largestStep(valueAt: (time: number) => number, from: number, to: number): number {
  let largest = 0;
  for (let time = from + 0.001; time <= to; time += 0.001) largest = Math.max(largest, Math.abs(valueAt(time) - valueAt(time - 0.001)));
  return largest;
}

describe('drawEnvelope', () => {
  it('takes over a param whose fade is still under way: nothing refused, and it goes on from the gain heard, without a jump', () => {
    let now = 0;
    const param = new StrictAudioParam(0, () => now);
    // A 4 s fade-in from 1 s; at 2.2 s a new plan fades the deck out over 3 s from there, as if it had been full.
    param.setValueCurveAtTime(equalPowerCurve('in'), 1, 4);
    now = 2.2;
    const heard = param.value;
    const wouldHaveBeen = param.snapshot();
    const fadeOut = (time: number) => equalPowerGain('out', (time - 2.2) / 3);

    drawEnvelope(param as unknown as AudioParam, { now, gainAt: fadeOut, moving: [[2.2, 5.2]], stepsAt: [], heard });

    expect(heard).toBeGreaterThan(0.4);
    expect(param.valueAt(now)).toBeCloseTo(wouldHaveBeen(now), 6);
    expect(largestStep((time) => param.valueAt(time), now, 6)).toBeLessThan(0.005);
    // Once the difference has died away it is the new fade exactly, down to silence.
    expect(param.valueAt(now + takeOverSeconds + 0.1)).toBeCloseTo(fadeOut(now + takeOverSeconds + 0.1), 3);
    expect(param.valueAt(5.2)).toBeCloseTo(0, 9);
  });

  it('reproduces the CI overlap when the next curve is laid without taking over, and not with drawEnvelope', () => {
    const curves = (param: StrictAudioParam) => {
      param.setValueCurveAtTime(equalPowerCurve('in', 0.16), 1.137777777777778, 1.678786848072563);
      return () => param.setValueCurveAtTime(equalPowerCurve('out'), 2.814759637188208, 1.998);
    };
    expect(curves(new StrictAudioParam(0))).toThrow(/overlaps setValueCurveAtTime\(\.\.\., 1\.137777777777778, 1\.678786848072563\)/);

    const param = new StrictAudioParam(0);
    curves(param);
    const fadeOut = (time: number) => equalPowerGain('out', (time - 2.8127) / 2);
    expect(() => drawEnvelope(param as unknown as AudioParam, { now: 2.8127, gainAt: fadeOut, moving: [[2.8127, 4.8127]], stepsAt: [] })).not.toThrow();
    expect(param.valueAt(4.8127)).toBeCloseTo(0, 9);
  });

  it('keeps a 0 s step out of every curve, even one inside a fade, and steps there', () => {
    const param = new StrictAudioParam(0);
    const gainAt = (time: number) => (time < 2 ? Math.min(1, time / 3) : 0.25);
    drawEnvelope(param as unknown as AudioParam, { now: 0, gainAt, moving: [[0, 3]], stepsAt: [2] });
    expect(param.valueAt(1.5)).toBeCloseTo(0.5, 2);
    expect(param.valueAt(2)).toBe(0.25);
    expect(param.valueAt(2.5)).toBe(0.25);
  });

  it('draws fades closer than a few ms as one curve (two curves that touch are fragile), and skips what is already past', () => {
    const param = new StrictAudioParam(1);
    const gainAt = (time: number) => (time < 2 ? equalPowerGain('out', time / 2) : equalPowerGain('in', (time - 2.004) / 1));
    drawEnvelope(param as unknown as AudioParam, { now: 0.5, gainAt, moving: [[0, 2], [2.004, 3.004]], stepsAt: [] });
    const curves = param.describe().filter((event) => event.startsWith('setValueCurveAtTime'));
    expect(curves).toEqual([expect.stringMatching(/^setValueCurveAtTime\(\.\.\., 0\.5, 2\.504\)/)]);
    expect(param.valueAt(0.5)).toBeCloseTo(equalPowerGain('out', 0.25), 6);
    expect(param.valueAt(3.004)).toBeCloseTo(1, 6);
  });
});
