import { describe, expect, it } from 'vitest';
import { fail, ok, type Result } from '../../../core/result';
import type { HostCall } from '../../../core/contract';
import { ScreenWakeLock, sessionKeepAwake, type WakeLockPage, type WakeLockStatus } from './ScreenWakeLock';

class FakeSentinel extends EventTarget {
  released = false;
  readonly type = 'screen';
  onrelease = null;
  release(): Promise<void> {
    if (!this.released) {
      this.released = true;
      this.dispatchEvent(new Event('release'));
    }
    return Promise.resolve();
  }
}

/** A page whose visibility the test sets, and whose browser grants or refuses the lock as told. */
class FakePage implements WakeLockPage {
  visible = true;
  refusal: Error | undefined;
  readonly granted: FakeSentinel[] = [];
  private readonly listeners = new Set<() => void>();

  readonly wakeLock = {
    request: (): Promise<WakeLockSentinel> => {
      if (this.refusal !== undefined) return Promise.reject(this.refusal);
      if (!this.visible) return Promise.reject(new DOMException('The requesting page is not visible', 'NotAllowedError'));
      const sentinel = new FakeSentinel();
      this.granted.push(sentinel);
      return Promise.resolve(sentinel as unknown as WakeLockSentinel);
    },
  };

  readonly isVisible = () => this.visible;
  readonly onVisibilityChange = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** As the browser does: hiding the page lets every lock go. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) for (const sentinel of this.granted) void sentinel.release();
    for (const listener of this.listeners) listener();
  }

  held(): number {
    return this.granted.filter((sentinel) => !sentinel.released).length;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ScreenWakeLock', () => {
  it('holds the lock, lets it go while the page is hidden, and takes it again when the page shows', async () => {
    const page = new FakePage();
    const lock = new ScreenWakeLock(page);
    const seen: WakeLockStatus['state'][] = [];
    lock.on('status', (status) => seen.push(status.state));
    lock.hold();
    await settle();
    expect(page.held()).toBe(1);
    page.setVisible(false);
    await settle();
    expect(lock.getStatus().state).toBe('waiting-for-page');
    expect(page.held()).toBe(0);
    page.setVisible(true);
    await settle();
    expect(page.held()).toBe(1);
    expect(seen).toEqual(['held', 'waiting-for-page', 'held']);
    lock.release();
    expect(page.held()).toBe(0);
    page.setVisible(false);
    page.setVisible(true);
    await settle();
    expect(page.held()).toBe(0);
    expect(lock.getStatus().state).toBe('idle');
  });

  it('reports the browser refusing, with its reason', async () => {
    const page = new FakePage();
    page.refusal = new DOMException('Wake Lock permission request denied', 'NotAllowedError');
    const lock = new ScreenWakeLock(page);
    expect(await lock.probe()).toEqual({ ok: false, reason: 'NotAllowedError: Wake Lock permission request denied' });
    lock.hold();
    await settle();
    expect(lock.getStatus()).toEqual({ state: 'refused', reason: 'NotAllowedError: Wake Lock permission request denied' });
  });

  it('says so where the browser has no wake lock at all', async () => {
    const lock = new ScreenWakeLock({ wakeLock: undefined, isVisible: () => true, onVisibilityChange: () => () => undefined });
    expect(await lock.probe()).toEqual({ ok: false, reason: 'this browser has no Screen Wake Lock' });
  });

  it('probes without keeping the lock, unless a hold came meanwhile', async () => {
    const page = new FakePage();
    const lock = new ScreenWakeLock(page);
    expect(await lock.probe()).toEqual({ ok: true });
    expect(page.held()).toBe(0);
    const probing = lock.probe();
    lock.hold();
    await probing;
    await settle();
    expect(page.held()).toBe(1);
    expect(lock.getStatus().state).toBe('held');
  });
});

describe('sessionKeepAwake', () => {
  const hostAnswering = (held: boolean, asked: boolean[]): HostCall =>
    ((channel: string, request: { active: boolean }): Promise<Result<unknown>> => {
      if (channel !== 'power:keep-awake') return Promise.resolve(fail('unsupported', channel));
      asked.push(request.active);
      return Promise.resolve(ok({ held }));
    }) as HostCall;

  it('uses the page wake lock where the host holds no blocker, and lets both go at the end', async () => {
    const page = new FakePage();
    const asked: boolean[] = [];
    const keepAwake = sessionKeepAwake(hostAnswering(false, asked), new ScreenWakeLock(page), () => undefined);
    keepAwake(true);
    await settle();
    expect(page.held()).toBe(1);
    keepAwake(false);
    await settle();
    expect(page.held()).toBe(0);
    expect(asked).toEqual([true, false]);
  });

  it('leaves the screen alone where the host holds its own blocker (the desktop app)', async () => {
    const page = new FakePage();
    const keepAwake = sessionKeepAwake(hostAnswering(true, []), new ScreenWakeLock(page), () => undefined);
    keepAwake(true);
    await settle();
    expect(page.held()).toBe(0);
  });

  it('tells the session when the browser refuses', async () => {
    const page = new FakePage();
    page.refusal = new DOMException('denied', 'NotAllowedError');
    const refusals: string[] = [];
    const keepAwake = sessionKeepAwake(hostAnswering(false, []), new ScreenWakeLock(page), (reason) => refusals.push(reason));
    keepAwake(true);
    await settle();
    expect(refusals).toEqual(['NotAllowedError: denied']);
  });
});
