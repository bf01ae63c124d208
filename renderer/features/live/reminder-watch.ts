import { dueReminders, reminderKey, type DueReminder, type ReminderFacts } from '../../../core/reminders';
import type { SessionMeta } from '../../../core/session';
import type { Settings } from '../../../core/settings';
import type { Milliseconds } from '../../../core/units';

/**
 * The reminders a live session shows, and which of them are shown for the first time (to
 * be journaled once): shown earlier in this page, or before a reload or crash, as the
 * journal's fold says.
 */
export class ReminderWatch {
  private readonly shownHere = new Set<string>();

  constructor(private readonly shownBefore: ReadonlySet<string>) {}

  due(settings: Settings, meta: SessionMeta, facts: ReminderFacts, sessionMs: Milliseconds): DueReminder[] {
    return dueReminders(settings, meta, facts, sessionMs);
  }

  /** Of these due reminders, the ones never shown before; they count as shown from now on. */
  takeFirstShown(due: readonly DueReminder[]): DueReminder[] {
    const fresh: DueReminder[] = [];
    for (const reminder of due) {
      const key = reminderKey(reminder);
      if (this.shownHere.has(key) || this.shownBefore.has(key)) continue;
      this.shownHere.add(key);
      fresh.push(reminder);
    }
    return fresh;
  }
}

/** Two lists of due reminders name the same reminders: the screen need not change. */
export function sameReminders(a: readonly DueReminder[], b: readonly DueReminder[]): boolean {
  return a.length === b.length && a.every((reminder, index) => reminderKey(reminder) === reminderKey(b[index] as DueReminder));
}
