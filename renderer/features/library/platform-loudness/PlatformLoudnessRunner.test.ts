import { describe, expect, it } from 'vitest';
import type { HostEventName } from '../../../../core/channels';
import type { HostCall, PlatformDecodeTask, RequestOf } from '../../../../core/contract';
import type { LoudnessMeasurement } from '../../../../core/library';
import { PlatformLoudnessRunner, type PlatformWorkEvents } from './PlatformLoudnessRunner';

const measurement: LoudnessMeasurement = { integratedLufs: -18, truePeakDbtp: -7.9, rangeLu: 1, durationSeconds: 8 };
const task = (name: string): PlatformDecodeTask => ({ path: `/music/${name}.m4a`, size: 1000, mtimeMs: 1 });

/** A host with a queue of tasks; records what the runner stored and lets a test announce work. */
function fakeHost(queue: PlatformDecodeTask[]) {
  const stored: RequestOf<'library:platform-result'>[] = [];
  const listeners = new Map<HostEventName, ((payload: never) => void)[]>();
  const call = (async (channel: string, request: unknown) => {
    if (channel === 'library:platform-take') return { ok: true, value: queue.shift() ?? null };
    if (channel === 'library:platform-result') {
      stored.push(request as RequestOf<'library:platform-result'>);
      return { ok: true, value: { stored: true } };
    }
    return { ok: false, error: { code: 'bad-request', message: `unexpected ${channel}` } };
  }) as HostCall;
  const events: PlatformWorkEvents = (name, listener) => {
    listeners.set(name, [...(listeners.get(name) ?? []), listener as (payload: never) => void]);
    return () => undefined;
  };
  const announce = (pending: number) => {
    for (const listener of listeners.get('library:platform-work') ?? []) (listener as (payload: { pending: number }) => void)({ pending });
  };
  return { call, events, stored, announce };
}

/** A few turns of the event loop: the fake host answers within one, so whatever follows a call has happened. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setTimeout(resolve, 0));
}

async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 2000 && !condition(); turn += 1) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

describe('PlatformLoudnessRunner', () => {
  it('takes tracks one at a time until none is left, storing each measurement or the reason it failed', async () => {
    const host = fakeHost([task('a'), task('b'), task('c')]);
    const measured: string[] = [];
    let inFlight = 0;
    const runner = new PlatformLoudnessRunner(
      host.call,
      host.events,
      async (path) => {
        inFlight += 1;
        expect(inFlight).toBe(1);
        await settle();
        inFlight -= 1;
        measured.push(path);
        if (path.includes('/b.')) throw new Error("This computer's audio decoder cannot read Apple Lossless (ALAC) audio.");
        return measurement;
      },
      0,
    );
    runner.start();
    await until(() => host.stored.length === 3 && runner.getState().status === 'idle');
    expect(measured).toEqual(['/music/a.m4a', '/music/b.m4a', '/music/c.m4a']);
    expect(host.stored.map((entry) => entry.outcome.kind)).toEqual(['measured', 'failed', 'measured']);
    expect(host.stored[1]?.outcome).toEqual({ kind: 'failed', reason: "This computer's audio decoder cannot read Apple Lossless (ALAC) audio." });
    expect(runner.getState()).toEqual({ status: 'idle', measured: 2, failed: 1 });
    runner.dispose();
  });

  it('asks again when the host announces work, and while paused (a session plays) gives up the file in hand and takes nothing', async () => {
    const queue: PlatformDecodeTask[] = [];
    const host = fakeHost(queue);
    let release: (() => void) | undefined;
    const runner = new PlatformLoudnessRunner(
      host.call,
      host.events,
      (_path, signal) =>
        new Promise((resolve, reject) => {
          release = () => resolve(measurement);
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      0,
    );
    runner.start();
    await settle();
    expect(runner.getState().status).toBe('idle');

    queue.push(task('late'));
    host.announce(1);
    await until(() => runner.getState().status === 'measuring');
    expect(runner.getState()).toMatchObject({ status: 'measuring', currentPath: '/music/late.m4a' });
    runner.setPaused(true);
    await settle();
    expect(host.stored).toEqual([]);
    expect(runner.getState().status).toBe('paused');

    queue.push(task('after'));
    host.announce(1);
    await settle();
    expect(queue).toHaveLength(1);

    runner.setPaused(false);
    await until(() => runner.getState().currentPath === '/music/after.m4a');
    expect(runner.getState().status).toBe('measuring');
    release?.();
    await until(() => host.stored.length === 1);
    expect(host.stored.map((entry) => entry.task.path)).toEqual(['/music/after.m4a']);
    runner.dispose();
  });
});
