import type { JournalEvent } from './events';

/** The events by seq: the same array when they already are (a journal read back always is), else a sorted copy. */
export function inJournalOrder(events: readonly JournalEvent[]): readonly JournalEvent[] {
  for (let index = 1; index < events.length; index += 1) {
    if ((events[index - 1] as JournalEvent).seq >= (events[index] as JournalEvent).seq) return [...events].sort((a, b) => a.seq - b.seq);
  }
  return events;
}
