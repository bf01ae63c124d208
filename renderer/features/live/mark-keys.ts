import { useEffect } from 'react';
import type { LiveSession } from './LiveSession';

/** The first two mark kinds; the full, configurable set comes with settings. */
export const markKeys = [
  { key: 'r', markKind: 'resonance' },
  { key: 'd', markKind: 'distress' },
] as const;

export const markLabels: Record<string, string> = { resonance: 'Resonance', distress: 'Distress' };

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** One key, one mark: no modifier, no auto-repeat, never while typing in a field. */
export function useMarkKeys(session: LiveSession): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
      if (event.key === ' ' && !(event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement)) {
        event.preventDefault();
        session.togglePlayback();
        return;
      }
      const binding = markKeys.find(({ key }) => key === event.key.toLowerCase());
      if (binding === undefined) return;
      event.preventDefault();
      session.mark(binding.markKind);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [session]);
}
