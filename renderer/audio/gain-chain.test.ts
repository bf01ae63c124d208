import { describe, expect, it } from 'vitest';
import { rampTo } from './gain-chain';

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
