import type { Unsubscribe } from '../../../core/typed-emitter';

/** Whether the page is shown, and word when that changes; the app passes the real page, tests a stand-in. */
export interface PageVisibility {
  readonly isVisible: () => boolean;
  readonly onVisibilityChange: (listener: () => void) => Unsubscribe;
}

/** The document's own visibility (hidden when minimised, covered, on another tab or with the screen locked). */
export function documentVisibility(): PageVisibility {
  return {
    isVisible: () => document.visibilityState === 'visible',
    onVisibilityChange: (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  };
}
