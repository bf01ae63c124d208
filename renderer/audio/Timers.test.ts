import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Timers } from './Timers';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Timers', () => {
  it('runs what is due, and nothing of it once cancelled', () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.after(100, () => ran.push('after'));
    const cancel = timers.after(100, () => ran.push('cancelled'));
    const stopEvery = timers.every(40, () => ran.push('every'));
    cancel();
    vi.advanceTimersByTime(100);
    stopEvery();
    vi.advanceTimersByTime(1000);
    expect(ran).toEqual(['every', 'every', 'after']);
    expect(timers.pendingCount).toBe(0);
  });

  it('on dispose drops pending actions and intervals, runs each release at once, and starts nothing afterwards', async () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.after(100, () => ran.push('after'));
    timers.every(40, () => ran.push('every'));
    timers.releaseAfter(650, () => ran.push('released'));
    const waited = timers.wait(10_000).then(() => ran.push('waited'));

    timers.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(ran).toEqual(['released']);
    await waited;
    expect(ran).toEqual(['released', 'waited']);

    timers.after(10, () => ran.push('late after'));
    timers.every(10, () => ran.push('late every'));
    timers.releaseAfter(10, () => ran.push('late release'));
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(ran).toEqual(['released', 'waited', 'late release']);
  });

  it('cancelPending forgets scheduled actions but keeps intervals and releases', () => {
    const timers = new Timers();
    const ran: string[] = [];
    timers.after(50, () => ran.push('after'));
    timers.every(100, () => ran.push('every'));
    timers.releaseAfter(150, () => ran.push('released'));
    timers.cancelPending();
    vi.advanceTimersByTime(200);
    expect(ran).toEqual(['every', 'released', 'every']);
    timers.dispose();
  });
});
