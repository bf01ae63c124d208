import { useLayoutEffect } from 'react';
import type { LiveSession } from './LiveSession';

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

const phaseShortcuts: Record<string, (session: LiveSession) => void> = {
  h: (session) => session.holdPhase(),
  e: (session) => session.extendPhase(10),
  n: (session) => session.advancePhase(),
  r: (session) => session.jumpToReturn(),
  s: (session) => session.skipSegment(),
};

export interface LiveKeyHandlers {
  /** A mark was just taken with a key; e.g. a note kind wants its note field focused. */
  readonly onMarked: (markId: string, markKind: string) => void;
  /** Shift+I opens or closes the co-facilitation panel. */
  readonly onToggleInvite?: () => void;
}

/**
 * One key, one mark: no modifier, no auto-repeat, never while typing in a field.
 * Digits 1–5 set the intensity of the newest mark made here; Ctrl/Cmd+Z undoes it; Space plays/pauses;
 * Q goes quiet and back; ↑/↓ change the volume; Shift+H/E/N/R/S hold, extend, advance,
 * go to return and skip; Shift+I opens the co-facilitation panel. The client-state keys (W, U, L, X by default) set the state band.
 */
export function useLiveKeys(session: LiveSession, { onMarked, onToggleInvite }: LiveKeyHandlers): void {
  // Listening from the commit that first shows the live screen, not from a passive effect after
  // it: the browser handles input before React's deferred effects, so a key pressed the moment
  // the screen appears (the dose, right after Start) would otherwise reach no one.
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || isTypingTarget(event.target)) return;
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'z') {
        event.preventDefault();
        session.undoLastMark();
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.shiftKey) {
        if (event.key.toLowerCase() === 'i' && onToggleInvite !== undefined) {
          event.preventDefault();
          onToggleInvite();
          return;
        }
        // Shift + letter bends the plan; never a mark, so a held Shift cannot mark by accident.
        const action = phaseShortcuts[event.key.toLowerCase()];
        if (action !== undefined) {
          event.preventDefault();
          action(session);
        }
        return;
      }
      if (event.key === 'Escape') {
        const state = session.getState();
        const reminder = state.reminders.at(-1);
        if (reminder !== undefined) {
          event.preventDefault();
          session.dismissReminder(reminder);
          return;
        }
        // The newest mark opened a form (vitals, a note) and nothing was put in it: Escape takes it back.
        const newest = state.undoable;
        if (newest !== undefined && (newest.kind?.fields === 'vitals' || newest.markKind === 'note') && session.takeBackIfEmpty(newest.id)) {
          event.preventDefault();
        }
        return;
      }
      if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
        event.preventDefault();
        session.changeVolume(event.key === 'ArrowUp' ? 1 : -1);
        return;
      }
      if (event.key.toLowerCase() === 'q') {
        event.preventDefault();
        session.toggleQuiet();
        return;
      }
      if (event.key === ' ') {
        if (event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement) return;
        event.preventDefault();
        session.togglePlayback();
        return;
      }
      if (/^[1-5]$/.test(event.key)) {
        // This screen's own newest mark: a co-facilitator's that just arrived is not what the key meant.
        const newest = session.getState().newestOwnMark;
        if (newest !== undefined) {
          event.preventDefault();
          session.editMark(newest.id, { intensity: Number(event.key) });
        }
        return;
      }
      const state = session.clientStates().find((candidate) => !candidate.hidden && candidate.key === event.key.toLowerCase());
      if (state !== undefined) {
        event.preventDefault();
        session.setClientState(state.id);
        return;
      }
      const kind = session.markKinds().find((candidate) => !candidate.hidden && candidate.key === event.key.toLowerCase());
      if (kind === undefined) return;
      event.preventDefault();
      const markId = session.mark(kind.id, event.timeStamp);
      if (markId !== undefined) onMarked(markId, kind.id);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [session, onMarked, onToggleInvite]);
}
