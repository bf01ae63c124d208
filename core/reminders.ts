import type { ReminderKind } from './events';
import type { SessionFold } from './fold';
import type { SessionMeta } from './session';
import type { Settings } from './settings';
import { minutesToMs, type Milliseconds } from './units';

export interface DueReminder {
  readonly reminder: ReminderKind;
  /** When it fell due, in session time (since the start press; T0 corrections are not applied). */
  readonly dueSessionMs: Milliseconds;
  /** For the supplemental dose: the end of its window. */
  readonly windowEndSessionMs?: Milliseconds;
  /** The mark kind that logs it. */
  readonly logsAs: 'supplemental-dose' | 'vitals';
}

export const reminderKey = (reminder: Pick<DueReminder, 'reminder' | 'dueSessionMs'>): string => `${reminder.reminder}@${reminder.dueSessionMs}`;

/** What the reminders read of the session: a live fold answers each in O(1), however long the day. */
export type ReminderFacts = Pick<SessionFold, 'ended' | 't0OffsetMs' | 'closedReminders' | 'countOf' | 'latestMarkOfKind'>;

/**
 * Reminders due now. The supplemental dose falls due once, `afterMinutes` after the dose
 * (only when the setup plans one) until it is logged or dismissed. Vitals fall due every
 * `everyMinutes` after the last vitals mark (or the start); logging vitals restarts the count.
 */
export function dueReminders(settings: Settings, meta: SessionMeta, folded: ReminderFacts, sessionMs: Milliseconds): DueReminder[] {
  if (folded.ended !== undefined) return [];
  const due: DueReminder[] = [];
  const doseTimeMs = sessionMs + folded.t0OffsetMs;
  const supplemental = settings.reminders.supplementalDose;
  if (supplemental.enabled && meta.supplementalDosePlan !== '') {
    const dueSessionMs = Math.max(0, minutesToMs(supplemental.afterMinutes) - folded.t0OffsetMs);
    const logged = folded.countOf('supplemental-dose') > 0;
    const reminder: DueReminder = {
      reminder: 'supplemental-dose',
      dueSessionMs,
      windowEndSessionMs: Math.max(0, minutesToMs(supplemental.windowEndMinutes) - folded.t0OffsetMs),
      logsAs: 'supplemental-dose',
    };
    if (doseTimeMs >= minutesToMs(supplemental.afterMinutes) && !logged && !folded.closedReminders.has(reminderKey(reminder))) due.push(reminder);
  }
  const vitals = settings.reminders.vitals;
  if (vitals.enabled) {
    const lastVitals = folded.latestMarkOfKind('vitals')?.sessionMs ?? -1;
    const countFrom = lastVitals >= 0 ? lastVitals : 0;
    const interval = minutesToMs(vitals.everyMinutes);
    if (sessionMs - countFrom >= interval) {
      // The latest due time in the count, so a long-ignored reminder is one reminder, not many.
      const dueSessionMs = countFrom + Math.floor((sessionMs - countFrom) / interval) * interval;
      const reminder: DueReminder = { reminder: 'vitals', dueSessionMs, logsAs: 'vitals' };
      if (!folded.closedReminders.has(reminderKey(reminder))) due.push(reminder);
    }
  }
  return due;
}
