import { describe, expect, it } from 'vitest';
import type { JournalEvent } from './events';
import { SessionFold } from './fold';
import { dueReminders } from './reminders';
import { sessionSetupSchema, type SessionMeta } from './session';
import { defaultSettings } from './settings';

const minutes = (value: number) => value * 60_000;
let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${String((counter += 1)).padStart(12, '0')}`;

const meta = (supplementalDosePlan: string): SessionMeta => ({
  ...sessionSetupSchema.parse({ supplementalDosePlan }),
  id: '20261121-093000-a1b2c3',
  playlistId: 'generative-session',
  playlistTitle: 'Generative session',
  createdAt: '2026-11-21T09:30:00.000Z',
  status: 'open',
});

function event(seq: number, sessionMs: number, kind: JournalEvent['kind'], payload: Record<string, unknown>): JournalEvent {
  return { id: uuid(), seq, kind, sessionMs, wallTime: '2026-11-21T09:30:00.000Z', payload } as JournalEvent;
}

const mark = (seq: number, sessionMs: number, markKind: string) =>
  event(seq, sessionMs, 'mark', { markKind, phaseId: 'onset', segmentId: 'onset-breath', positionMs: 0, reactionOffsetMs: 0 });

const due = (events: JournalEvent[], sessionMs: number, plan = '60 mg') =>
  dueReminders(defaultSettings, meta(plan), SessionFold.of(events), sessionMs).map((reminder) => `${reminder.reminder}@${reminder.dueSessionMs / 60_000}`);

describe('dueReminders', () => {
  it('reminds of vitals every 30 minutes since the start, as one reminder however long it waits', () => {
    expect(due([], minutes(29))).toEqual([]);
    expect(due([], minutes(30))).toEqual(['vitals@30']);
    expect(due([], minutes(75))).toEqual(['vitals@60']);
  });

  it('counts again from the last vitals mark', () => {
    expect(due([mark(0, minutes(40), 'vitals')], minutes(65))).toEqual([]);
    expect(due([mark(0, minutes(40), 'vitals')], minutes(70))).toEqual(['vitals@70']);
  });

  it('reminds of the supplemental dose from 90 minutes, only when one is planned, until it is logged', () => {
    expect(due([mark(0, minutes(80), 'vitals')], minutes(95))).toEqual(['supplemental-dose@90']);
    expect(due([mark(0, minutes(80), 'vitals')], minutes(95), '')).toEqual([]);
    expect(due([mark(0, minutes(80), 'vitals'), mark(1, minutes(93), 'supplemental-dose')], minutes(95))).toEqual([]);
  });

  it('keeps a dismissed reminder dismissed, and the next vitals reminder comes on its own time', () => {
    const dismissed = event(0, minutes(31), 'reminder', { reminder: 'vitals', action: 'dismissed', dueSessionMs: minutes(30) });
    expect(due([dismissed], minutes(45))).toEqual([]);
    expect(due([dismissed], minutes(60))).toEqual(['vitals@60']);
  });

  it('follows a corrected dose time for the supplemental dose', () => {
    const corrected = event(0, minutes(1), 't0-corrected', { offsetMs: minutes(20) });
    // The dose was 20 minutes before Start: 90 minutes after it is 70 minutes after Start.
    expect(due([corrected, mark(1, minutes(60), 'vitals')], minutes(70))).toEqual(['supplemental-dose@70']);
  });

  it('stops reminding once the session has ended', () => {
    expect(due([event(0, minutes(100), 'session-ended', { reason: 'facilitator' })], minutes(120))).toEqual([]);
  });
});
