import type { HostCall } from '../../../core/contract';
import { TypedEmitter, type Unsubscribe } from '../../../core/typed-emitter';
import { documentVisibility, type PageVisibility } from './page-visibility';

/** What of the page the wake lock needs; the app passes the real page, tests a stand-in. */
export interface WakeLockPage extends PageVisibility {
  /** undefined where the browser has no Screen Wake Lock API. */
  readonly wakeLock: Pick<WakeLock, 'request'> | undefined;
}

export type WakeLockStatus =
  /** Nobody asked for it. */
  | { readonly state: 'idle' }
  | { readonly state: 'held' }
  /** Asked for; the browser let it go while the page was hidden, and it is asked for again once the page shows. */
  | { readonly state: 'waiting-for-page' }
  | { readonly state: 'refused'; readonly reason: string };

export type WakeLockProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

interface ScreenWakeLockEvents extends Record<string, unknown> {
  status: WakeLockStatus;
}

function browserPage(): WakeLockPage {
  return { wakeLock: 'wakeLock' in navigator ? navigator.wakeLock : undefined, ...documentVisibility() };
}

function refusalReason(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}

const noApi = 'this browser has no Screen Wake Lock';

/**
 * The page's Screen Wake Lock, held while someone wants it: a screen kept on keeps the
 * computer from sleeping, which in a browser is the only way to. The browser lets the lock
 * go whenever the page is hidden (another tab, a minimised window), so it is asked for
 * again each time the page shows.
 */
export class ScreenWakeLock extends TypedEmitter<ScreenWakeLockEvents> {
  private status: WakeLockStatus = { state: 'idle' };
  private wanted = false;
  private sentinel: WakeLockSentinel | undefined;
  private requesting = false;
  private readonly stopWatchingVisibility: Unsubscribe;

  constructor(private readonly page: WakeLockPage = browserPage()) {
    super();
    this.stopWatchingVisibility = page.onVisibilityChange(() => {
      if (this.wanted && this.sentinel === undefined && page.isVisible()) void this.acquire();
    });
  }

  getStatus(): WakeLockStatus {
    return this.status;
  }

  /** Keeps the screen on until release(); asks again whenever the page becomes visible. */
  hold(): void {
    this.wanted = true;
    if (this.sentinel === undefined) void this.acquire();
  }

  release(): void {
    this.wanted = false;
    const sentinel = this.sentinel;
    this.sentinel = undefined;
    if (sentinel !== undefined) void sentinel.release().catch(() => undefined);
    this.setStatus({ state: 'idle' });
  }

  /**
   * Whether the browser grants the lock now (for the pre-flight check): asks for it and lets
   * it go again, unless hold() was called meanwhile.
   */
  async probe(): Promise<WakeLockProbe> {
    if (this.sentinel !== undefined) return { ok: true };
    const { wakeLock } = this.page;
    if (wakeLock === undefined) return { ok: false, reason: noApi };
    try {
      const sentinel = await wakeLock.request('screen');
      if (this.wanted && this.sentinel === undefined) this.adopt(sentinel);
      else await sentinel.release();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: refusalReason(error) };
    }
  }

  dispose(): void {
    this.release();
    this.stopWatchingVisibility();
    this.removeAllListeners();
  }

  private async acquire(): Promise<void> {
    const { wakeLock } = this.page;
    if (wakeLock === undefined) {
      this.setStatus({ state: 'refused', reason: noApi });
      return;
    }
    if (this.requesting) return;
    // A hidden page is always refused; the visibility listener asks once it shows.
    if (!this.page.isVisible()) {
      this.setStatus({ state: 'waiting-for-page' });
      return;
    }
    this.requesting = true;
    try {
      const sentinel = await wakeLock.request('screen');
      if (this.wanted && this.sentinel === undefined) this.adopt(sentinel);
      else await sentinel.release();
    } catch (error) {
      if (this.wanted) this.setStatus({ state: 'refused', reason: refusalReason(error) });
    } finally {
      this.requesting = false;
    }
  }

  private adopt(sentinel: WakeLockSentinel): void {
    this.sentinel = sentinel;
    sentinel.addEventListener('release', () => {
      if (this.sentinel !== sentinel) return;
      this.sentinel = undefined;
      if (!this.wanted) return;
      if (this.page.isVisible()) void this.acquire();
      else this.setStatus({ state: 'waiting-for-page' });
    });
    this.setStatus({ state: 'held' });
  }

  private setStatus(status: WakeLockStatus): void {
    if (status.state === this.status.state && (status.state !== 'refused' || (this.status.state === 'refused' && status.reason === this.status.reason))) return;
    this.status = status;
    this.emit('status', status);
  }
}

let pageWakeLock: ScreenWakeLock | undefined;

/** The one wake lock of this page, made when first needed. */
export function screenWakeLock(): ScreenWakeLock {
  pageWakeLock ??= new ScreenWakeLock();
  return pageWakeLock;
}

/**
 * A live session's keep-awake: the host's own sleep blocker where it has one (the desktop
 * app's power-save blocker), and the page's screen wake lock where it has not (the web host).
 * `onRefused` is told when the browser will not hold the lock while the session wants it.
 */
export function sessionKeepAwake(call: HostCall, wakeLock: ScreenWakeLock, onRefused: (reason: string) => void): (active: boolean) => void {
  let active = false;
  let stopWatching: Unsubscribe | undefined;
  return (nowActive) => {
    active = nowActive;
    if (!nowActive) {
      stopWatching?.();
      stopWatching = undefined;
      wakeLock.release();
      void call('power:keep-awake', { active: false });
      return;
    }
    void call('power:keep-awake', { active: true }).then((answer) => {
      if (!active || (answer.ok && answer.value.held)) return;
      stopWatching ??= wakeLock.on('status', (status) => {
        if (status.state === 'refused') onRefused(status.reason);
      });
      wakeLock.hold();
    });
  };
}
