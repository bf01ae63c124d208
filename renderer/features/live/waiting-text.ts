import type { LiveSessionState } from './LiveSession';

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * What the facilitator reads while events wait: how many marks, and why, in plain words
 * ("3 marks waiting to be saved — the host is not answering").
 */
export function describeWaiting(state: Pick<LiveSessionState, 'unsavedCount' | 'unsavedMarkCount' | 'hostNotAnswering' | 'saveWarning'>): string {
  const others = state.unsavedCount - state.unsavedMarkCount;
  const what =
    state.unsavedMarkCount === 0
      ? counted(others, 'event')
      : `${counted(state.unsavedMarkCount, 'mark')}${others > 0 ? ` (and ${counted(others, 'other event')})` : ''}`;
  const why = state.hostNotAnswering ? `the host is not answering (${state.saveWarning ?? 'no answer'})` : (state.saveWarning ?? 'not answered yet');
  return `${what} waiting to be saved — ${why}`;
}
