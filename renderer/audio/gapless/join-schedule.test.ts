import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridgeStartAt, defaultJoinShape, joinTimes, onOutputFrames, playsToItsEnd } from './join-schedule';

describe('joinTimes', () => {
  it('puts the seam of a 48 kHz bridge on the join and the handovers inside the bridge, away from the join', () => {
    const times = joinTimes(100, 48_000, 48_000, 48_000, defaultJoinShape);
    expect(times.bridgeStart).toBe(99);
    expect(times.join).toBe(100);
    expect(times.bridgeEnd).toBe(101);
    expect(times.handoverIn).toBeCloseTo(99.25, 12);
    // The handover back ends a margin before the bridge's last sample.
    expect(times.handoverSeconds).toBe(defaultJoinShape.handoverSeconds);
    expect(times.handoverOut + times.handoverSeconds).toBeCloseTo(100.75, 12);
  });

  it('counts the seam back in the bridge’s own frames, whatever its rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8000, max: 192_000 }), fc.integer({ min: 1000, max: 400_000 }), fc.integer({ min: 1000, max: 400_000 }), (rate, tailFrames, headFrames) => {
        const times = joinTimes(50, tailFrames, headFrames, rate, defaultJoinShape);
        // The bridge's frame `tailFrames` (the incoming file's first) plays at the join.
        expect(times.bridgeStart + tailFrames / rate).toBeCloseTo(50, 9);
        expect(times.bridgeEnd - times.join).toBeCloseTo(headFrames / rate, 9);
        expect(times.handoverIn).toBeGreaterThanOrEqual(times.bridgeStart);
        expect(times.handoverIn + times.handoverSeconds).toBeLessThan(times.join);
        expect(times.handoverOut).toBeGreaterThan(times.join);
        expect(times.handoverOut + times.handoverSeconds).toBeLessThan(times.bridgeEnd);
      }),
    );
  });
});

describe('joinTimes without a tail (the start of a crossfade)', () => {
  it('sounds from the join, the incoming file’s first sample, and hands back to the element inside the head', () => {
    const times = joinTimes(100, 0, 48_000, 48_000, defaultJoinShape);
    expect(times.bridgeStart).toBe(100);
    expect(times.handoverIn).toBe(100);
    expect(times.handoverSeconds).toBe(defaultJoinShape.handoverSeconds);
    expect(times.handoverOut + times.handoverSeconds).toBeCloseTo(100.75, 12);
    expect(times.bridgeEnd).toBe(101);
  });

  it('starts on time or not at all: a late start would cut in over the element already sounding', () => {
    const times = joinTimes(10, 0, 48_000, 48_000, defaultJoinShape);
    expect(bridgeStartAt(times, 9, 0.05)).toEqual({ when: 10, offset: 0 });
    expect(bridgeStartAt(times, 9.96, 0.05)).toBeUndefined();
  });
});

describe('bridgeStartAt', () => {
  const times = joinTimes(10, 48_000, 48_000, 48_000, defaultJoinShape);

  it('starts on time when there is room', () => {
    expect(bridgeStartAt(times, 5, 0.05)).toEqual({ when: 9, offset: 0 });
  });

  it('starts part-way into the bridge when its beginning has passed but the handover has not', () => {
    const start = bridgeStartAt(times, 9.1, 0.05);
    expect(start?.when).toBeCloseTo(9.15, 12);
    expect(start?.offset).toBeCloseTo(0.15, 12);
  });

  it('gives up when the handover to the bridge would come too late', () => {
    expect(bridgeStartAt(times, 9.21, 0.05)).toBeUndefined();
    expect(bridgeStartAt(times, 10, 0.05)).toBeUndefined();
  });
});

describe('onOutputFrames', () => {
  const rate = 44_100;
  const frames = (seconds: number) => seconds * rate;

  it('starts a bridge at the output’s rate on a whole frame, its music within half a frame of where it was', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 30_000, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (when, offset) => {
        const start = onOutputFrames({ when, offset }, rate);
        expect(Math.abs(frames(start.when) - Math.round(frames(start.when)))).toBeLessThan(1e-6);
        expect(Math.abs(frames(start.offset) - Math.round(frames(start.offset)))).toBeLessThan(1e-6);
        expect(start.offset).toBeGreaterThanOrEqual(0);
        // Where the buffer's first sample would sound, before and after.
        expect(Math.abs(frames(start.when - start.offset) - frames(when - offset))).toBeLessThanOrEqual(0.5 + 1e-6);
      }),
    );
  });

  it('leaves an on-time start from the bridge’s beginning there', () => {
    expect(onOutputFrames({ when: 10.000_011, offset: 0 }, rate)).toEqual({ when: 441_000 / rate, offset: 0 });
  });
});

describe('playsToItsEnd', () => {
  it('accepts a segment the plan plays to its file’s end (less the end trim), within 50 ms', () => {
    expect(playsToItsEnd(180, 180.02, 0)).toBe(true);
    expect(playsToItsEnd(170, 180, 10)).toBe(true);
  });

  it('refuses one the plan cuts short: its last sample is not at the join', () => {
    expect(playsToItsEnd(120, 180, 0)).toBe(false);
    expect(playsToItsEnd(180, 180, 10)).toBe(false);
  });
});
