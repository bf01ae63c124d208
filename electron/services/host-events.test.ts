import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LibraryJob } from '../../core/library';
import type { HostEvent } from '../../core/host-events';
import { HostEventHub } from './host-events';

const job = (done: number, state: LibraryJob['state'] = 'running'): LibraryJob => ({
  id: 'job-1',
  kind: 'scan',
  state,
  stage: 'Reading tags',
  done,
  total: 100,
  startedAt: '2026-12-06T10:00:00.000Z',
});

describe('HostEventHub', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first event at once and folds a burst into its latest, at most once per interval', () => {
    vi.useFakeTimers();
    const hub = new HostEventHub({ minIntervalMs: 100 });
    const heard: HostEvent[] = [];
    hub.subscribe((event) => heard.push(event));
    hub.publish('library:job', job(1));
    for (let done = 2; done <= 50; done += 1) hub.publish('library:job', job(done));
    expect(heard.map((event) => (event.payload as LibraryJob).done)).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(heard.map((event) => (event.payload as LibraryJob).done)).toEqual([1, 50]);
    // The end of the job is never lost behind the interval.
    hub.publish('library:job', job(100, 'done'));
    vi.advanceTimersByTime(100);
    expect(heard.at(-1)).toEqual({ name: 'library:job', payload: job(100, 'done') });
    hub.dispose();
  });

  it('keeps names apart: one name held back does not hold another', () => {
    vi.useFakeTimers();
    const hub = new HostEventHub({ minIntervalMs: 100 });
    const heard: string[] = [];
    hub.subscribe((event) => heard.push(event.name));
    hub.publish('library:job', job(1));
    hub.publish('library:job', job(2));
    hub.publish('encryption:progress', { direction: 'encrypt', done: 0, total: 3 });
    expect(heard).toEqual(['library:job', 'encryption:progress']);
    hub.dispose();
  });

  it('refuses a payload the contract does not allow, with a log line, and sends nothing', () => {
    const lines: string[] = [];
    const hub = new HostEventHub({ log: (line) => lines.push(line) });
    const heard: HostEvent[] = [];
    hub.subscribe((event) => heard.push(event));
    hub.publish('library:job', { ...job(1), done: -1 });
    expect(heard).toEqual([]);
    expect(lines.join('\n')).toContain('library:job does not match the contract');
    hub.dispose();
  });

  it('gives a late subscriber the latest of each name, and a failing listener does not stop the others', () => {
    const lines: string[] = [];
    const hub = new HostEventHub({ minIntervalMs: 0, log: (line) => lines.push(line) });
    hub.subscribe(() => {
      throw new Error('window gone');
    });
    const heard: HostEvent[] = [];
    hub.subscribe((event) => heard.push(event));
    hub.publish('encryption:progress', { direction: 'decrypt', done: 1, total: 2 });
    hub.publish('encryption:progress', null);
    expect(heard.map((event) => event.payload)).toEqual([{ direction: 'decrypt', done: 1, total: 2 }, null]);
    expect(lines.some((line) => line.includes('window gone'))).toBe(true);
    expect(hub.latest()).toEqual([{ name: 'encryption:progress', payload: null }]);
    const unsubscribe = hub.subscribe(() => {});
    unsubscribe();
    hub.dispose();
  });
});
