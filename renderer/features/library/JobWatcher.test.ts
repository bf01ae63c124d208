import { describe, expect, it } from 'vitest';
import type { HostCall } from '../../../core/contract';
import type { LibraryJob } from '../../../core/library';
import { ok } from '../../../core/result';
import { JobWatcher, type JobEventSource } from './JobWatcher';

const job = (id: string, done: number, state: LibraryJob['state'] = 'running', startedAt = '2026-12-06T10:00:00.000Z'): LibraryJob => ({
  id,
  kind: 'scan',
  state,
  stage: 'Reading tags',
  done,
  total: 10,
  startedAt,
});

/** A host whose `library:job` answers what the test says, and whose events the test pushes. */
function fakeHost(answer: () => LibraryJob | null) {
  const calls: string[] = [];
  const listeners = new Set<(job: LibraryJob | null) => void>();
  const call = (async (channel: string) => {
    calls.push(channel);
    return ok(answer());
  }) as HostCall;
  const onJobEvent: JobEventSource = (_name, listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return { call, onJobEvent, calls, listeners, push: (pushed: LibraryJob | null) => [...listeners].forEach((listener) => listener(pushed)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('JobWatcher', () => {
  it('follows a running job by the events the host pushes, reads it once, and stops listening when it ends', async () => {
    const host = fakeHost(() => job('a', 1));
    const watcher = new JobWatcher(host.call, host.onJobEvent);
    const shown: number[] = [];
    const finished: LibraryJob[] = [];
    watcher.on('state', (state) => shown.push(state.job?.done ?? -1));
    watcher.on('finished', (ended) => finished.push(ended));
    watcher.watch(job('a', 0));
    await settle();
    expect(host.listeners.size).toBe(1);
    host.push(job('a', 5));
    host.push(job('a', 10, 'done'));
    expect(shown).toEqual([0, 1, 5, 10]);
    expect(finished.map((ended) => ended.state)).toEqual(['done']);
    expect(host.listeners.size).toBe(0);
    // One read to catch up; every change after it came as an event, none was polled.
    expect(host.calls).toEqual(['library:job']);
    watcher.dispose();
  });

  it('catches the end of a job that finished before it listened', async () => {
    const host = fakeHost(() => job('a', 10, 'done'));
    const watcher = new JobWatcher(host.call, host.onJobEvent);
    const finished: LibraryJob[] = [];
    watcher.on('finished', (ended) => finished.push(ended));
    watcher.watch(job('a', 0));
    await settle();
    expect(watcher.getState().job?.state).toBe('done');
    expect(finished).toHaveLength(1);
    expect(host.listeners.size).toBe(0);
  });

  it('does not take an earlier job, or the same job running again after its end, for news', async () => {
    const host = fakeHost(() => job('b', 0, 'running', '2026-12-06T11:00:00.000Z'));
    const watcher = new JobWatcher(host.call, host.onJobEvent);
    watcher.watch(job('b', 0, 'running', '2026-12-06T11:00:00.000Z'));
    // A stream that connects first repeats its last event: the previous job's end.
    host.push(job('a', 10, 'done', '2026-12-06T10:00:00.000Z'));
    expect(watcher.getState().job?.id).toBe('b');
    host.push(job('b', 4, 'cancelled', '2026-12-06T11:00:00.000Z'));
    await settle();
    // The catch-up read answered "running" after the end had come: the end stays.
    expect(watcher.getState().job).toMatchObject({ id: 'b', state: 'cancelled' });
  });

  it('says so when the catch-up read fails, and keeps what it showed', async () => {
    const call = (async () => ({ ok: false, error: { code: 'internal', message: 'the host is gone' } })) as unknown as HostCall;
    const host = fakeHost(() => null);
    const watcher = new JobWatcher(call, host.onJobEvent);
    watcher.watch(job('a', 3));
    await settle();
    expect(watcher.getState()).toEqual({ job: job('a', 3), problem: 'Progress could not be read: the host is gone' });
    watcher.dispose();
    expect(host.listeners.size).toBe(0);
  });
});
