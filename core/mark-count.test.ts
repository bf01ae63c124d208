import { describe, expect, it } from 'vitest';
import { defaultMarkKinds } from './mark-kinds';
import { journalEventSchema, type JournalEvent } from './events';
import { buildSessionExport, formatGap } from './exports/session-export';
import { foldSession, liveMarkCount, takenBackMarkCount } from './fold';
import { formatMarkCount } from './format';
import { sessionMetaSchema } from './session';

const startWall = Date.parse('2026-11-21T09:00:00.000Z');
const meta = sessionMetaSchema.parse({ id: '20261121-090000-abcdef', playlistId: 'ocean', playlistTitle: 'Ocean', createdAt: '2026-11-21T09:00:00.000Z', status: 'ended' });

/**
 * The reported day: eight live marks (observations and protocol events: a dose, a vitals
 * check, a break span), one mark undone, edits and a span close on top, a 15 s resume gap.
 */
function reportedDay(): JournalEvent[] {
  const inputs: { kind: string; sessionMs: number; payload: object }[] = [];
  const place = { phaseId: 'peak', segmentId: 'drone', positionMs: 1000 };
  const markId = (index: number) => `00000000-0000-4000-8000-${(index + 1).toString(16).padStart(12, '0')}`;
  const add = (kind: string, sessionMs: number, payload: object) => inputs.push({ kind, sessionMs, payload });
  add('session-started', 0, { playlistId: 'ocean', playlistTitle: 'Ocean' });
  add('mark', 1000, { markKind: 'dose', ...place });
  add('mark', 2000, { markKind: 'resonance', ...place });
  add('mark', 3000, { markKind: 'distress', ...place });
  add('mark', 4000, { markKind: 'vitals', ...place, vitals: { heartRate: 88 } });
  add('mark', 5000, { markKind: 'break', ...place, span: 'open' });
  add('span-closed', 6000, { markId: markId(5), ...place, autoClosed: false });
  add('mark', 7000, { markKind: 'music-resistance', ...place });
  add('mark-deleted', 8000, { markId: markId(7), reason: 'undo' });
  add('mark', 9000, { markKind: 'resonance', ...place });
  add('mark-edited', 10_000, { markId: markId(9), intensity: 4 });
  add('session-resumed', 40_000, { programMs: 20_000, gapMs: 15_000, playing: true });
  add('mark', 41_000, { markKind: 'note', ...place, note: 'after the gap' });
  add('mark', 42_000, { markKind: 'breakthrough', ...place });
  add('session-ended', 50_000, { reason: 'facilitator' });
  return inputs.map((input, seq) =>
    journalEventSchema.parse({ id: markId(seq), seq, wallTime: new Date(startWall + input.sessionMs).toISOString(), ...input }),
  );
}

describe('one mark count everywhere', () => {
  it('counts the live marks, protocol events included as their own kinds, and keeps what was taken back apart', () => {
    const folded = foldSession(reportedDay());
    expect(liveMarkCount(folded)).toBe(8);
    expect(takenBackMarkCount(folded)).toBe(1);
    expect(Object.values(folded.countsByKind).reduce((sum, count) => sum + count, 0)).toBe(8);
    expect(folded.countsByKind).toMatchObject({ dose: 1, vitals: 1, break: 1, resonance: 2 });
    expect(formatMarkCount(liveMarkCount(folded), takenBackMarkCount(folded))).toBe('8 marks · 1 taken back');
  });

  it('gives the exports the same count', () => {
    const record = buildSessionExport({ meta, events: reportedDay(), repairs: [] }, undefined, defaultMarkKinds);
    expect(record.facts.markCounts.reduce((sum, kind) => sum + kind.count, 0)).toBe(8);
    expect(record.facts.marksTakenBack).toBe(1);
    expect(record.rows.filter((row) => row.source === 'mark')).toHaveLength(8);
  });

  it('words one mark and many marks', () => {
    expect(formatMarkCount(1)).toBe('1 mark');
    expect(formatMarkCount(0)).toBe('0 marks');
  });
});

describe('the resume gap', () => {
  it('says seconds under a minute, never "0 min"', () => {
    expect(formatGap(15_000)).toBe('15 s');
    expect(formatGap(59_000)).toBe('59 s');
    expect(formatGap(60_000)).toBe('1 min');
    expect(formatGap(25 * 60_000)).toBe('25 min');
    const record = buildSessionExport({ meta, events: reportedDay(), repairs: [] }, undefined, defaultMarkKinds);
    expect(record.rows.find((row) => row.kind === 'event:resumed')?.note).toBe('after a gap of 15 s');
  });
});
