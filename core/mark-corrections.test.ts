import { describe, expect, it } from 'vitest';
import { journalEventSchema, type JournalEvent } from './events';
import { SessionFold } from './fold';
import { changeKind, deleteMark, describeChange, markFromMemory, moveMark, parseTimeSinceDose, restoreMark, signedBy } from './mark-corrections';

const markId = '00000000-0000-4000-8000-000000000009';
let seq = 0;
const event = (kind: string, sessionMs: number, payload: object, id = `00000000-0000-4000-8000-${(seq + 1).toString(16).padStart(12, '0')}`): JournalEvent =>
  journalEventSchema.parse({ id, seq: seq++, kind, sessionMs, wallTime: new Date(Date.UTC(2026, 10, 21, 9) + sessionMs).toISOString(), payload });

function session(): SessionFold {
  seq = 0;
  return SessionFold.of([
    event('session-started', 0, { playlistId: 'ocean', playlistTitle: 'Ocean' }),
    event('segment-started', 0, { phaseId: 'onset', segmentId: 'breath', programMs: 0 }),
    event('segment-started', 60_000, { phaseId: 'peak', segmentId: 'drone', programMs: 60_000 }),
    event('mark', 30_000, { markKind: 'resonance', phaseId: 'onset', segmentId: 'breath', positionMs: 30_000 }, markId),
    event('t0-corrected', 31_000, { offsetMs: 300_000 }),
  ]);
}

describe('parseTimeSinceDose', () => {
  it('reads h:mm:ss, m:ss and whole minutes, and refuses anything else', () => {
    expect(parseTimeSinceDose('1:02:03')).toBe(3_723_000);
    expect(parseTimeSinceDose(' 12:30 ')).toBe(750_000);
    expect(parseTimeSinceDose('90')).toBe(5_400_000);
    for (const bad of ['', 'soon', '1:60', '1:75:00', '-5', '1.5', '10:5']) expect(parseTimeSinceDose(bad), bad).toBeUndefined();
  });
});

describe('corrections', () => {
  it('moves a mark to a time since the dose, with what was playing there', () => {
    const result = moveMark(session(), { markId, sinceDoseMs: 300_000 + 90_000, latestSessionMs: 120_000, origin: 'review' });
    expect(result).toEqual({
      ok: true,
      draft: { kind: 'mark-edited', payload: { markId, moved: { sessionMs: 90_000, phaseId: 'peak', segmentId: 'drone', positionMs: 30_000 }, from: 'review' } },
    });
  });

  it('refuses a move before the session or past its last moment, saying why', () => {
    expect(moveMark(session(), { markId, sinceDoseMs: 60_000, latestSessionMs: 120_000, origin: 'review' })).toMatchObject({ ok: false, error: expect.stringMatching(/before the session started/) });
    expect(moveMark(session(), { markId, sinceDoseMs: 300_000 + 200_000, latestSessionMs: 120_000, origin: 'review' })).toMatchObject({ ok: false, error: expect.stringMatching(/after the session/) });
  });

  it('changes the kind only to another kind', () => {
    expect(changeKind(session(), markId, 'distress', 'live')).toEqual({ ok: true, draft: { kind: 'mark-edited', payload: { markId, markKind: 'distress', from: 'live' } } });
    expect(changeKind(session(), markId, 'resonance', 'live').ok).toBe(false);
  });

  it('deletes only with a reason', () => {
    expect(deleteMark(session(), markId, '  Made twice ', 'review')).toEqual({ ok: true, draft: { kind: 'mark-deleted', payload: { markId, reason: 'deleted', note: 'Made twice', from: 'review' } } });
    expect(deleteMark(session(), markId, '   ', 'review')).toMatchObject({ ok: false, error: expect.stringMatching(/Say why/) });
  });

  it('adds a mark from memory at the moment it refers to, tied to what was playing', () => {
    const result = markFromMemory(session(), { markKind: 'breakthrough', sinceDoseMs: 300_000 + 45_000, latestSessionMs: 120_000, note: ' a smile ', origin: 'review' });
    expect(result).toEqual({
      ok: true,
      draft: { kind: 'mark-from-memory', payload: { markKind: 'breakthrough', phaseId: 'onset', segmentId: 'breath', positionMs: 45_000, refersToSessionMs: 45_000, note: 'a smile', from: 'review' } },
    });
  });

  it('says what a change did and where it was made', () => {
    const fold = session();
    fold.apply(journalEventSchema.parse({ id: '00000000-0000-4000-8000-0000000000aa', seq: 99, kind: 'mark-edited', sessionMs: 40_000, wallTime: '2026-11-21T09:00:40.000Z', payload: { markId, markKind: 'distress', moved: { sessionMs: 50_000, phaseId: 'onset', segmentId: 'breath', positionMs: 50_000 }, from: 'live' } }));
    const change = fold.mark(markId)?.history[0];
    expect(describeChange(change!, (id) => id.toUpperCase(), 300_000)).toEqual({ what: 'kind RESONANCE → DISTRESS; moved 0:05:30 → 0:05:50', where: 'during the session' });
  });

  it('signs a correction with initials, and names them in the history', () => {
    const fold = session();
    const built = deleteMark(fold, markId, 'Made twice', 'review');
    if (!built.ok) throw new Error(built.error);
    expect(signedBy(built.draft, '  ')).toEqual(built.draft);
    const signed = signedBy(built.draft, ' AB ');
    expect(signed.payload).toMatchObject({ by: 'AB' });
    fold.apply(journalEventSchema.parse({ id: '00000000-0000-4000-8000-0000000000bb', seq: 99, sessionMs: 40_000, wallTime: '2026-11-21T09:00:40.000Z', ...signed }));
    expect(describeChange(fold.mark(markId)!.history[0]!, (id) => id, 0)).toEqual({ what: 'deleted: Made twice', where: 'in review by AB' });
  });

  it('restores only a deleted mark', () => {
    const fold = session();
    expect(restoreMark(fold, markId, 'review')).toMatchObject({ ok: false, error: 'That mark is not deleted.' });
    fold.apply(journalEventSchema.parse({ id: '00000000-0000-4000-8000-0000000000cc', seq: 99, sessionMs: 40_000, wallTime: '2026-11-21T09:00:40.000Z', kind: 'mark-deleted', payload: { markId, reason: 'undo' } }));
    expect(restoreMark(fold, markId, 'review')).toEqual({ ok: true, draft: { kind: 'mark-edited', payload: { markId, restored: true, from: 'review' } } });
  });
});
