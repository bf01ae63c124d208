import { describe, expect, it } from 'vitest';
import { journalEventSchema, type JournalEvent } from './events';
import { buildSessionExport } from './exports/session-export';
import { foldSession, programMsAt } from './fold';
import { digestSession } from './insights';
import { sessionMetaSchema } from './session';

const startWall = Date.parse('2026-11-21T09:00:00.000Z');

function journal(inputs: readonly { kind: string; sessionMs: number; payload: object }[]): JournalEvent[] {
  return inputs.map((input, seq) =>
    journalEventSchema.parse({
      id: `00000000-0000-4000-8000-${(seq + 1).toString(16).padStart(12, '0')}`,
      seq,
      wallTime: new Date(startWall + input.sessionMs).toISOString(),
      ...input,
    }),
  );
}

describe('the closing sound after the plan', () => {
  const events = journal([
    { kind: 'session-started', sessionMs: 0, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } },
    { kind: 'segment-started', sessionMs: 0, payload: { phaseId: 'return', segmentId: 'tide', programMs: 0 } },
    { kind: 'closing-started', sessionMs: 600_000, payload: { sound: 'breath', programMs: 600_000 } },
    { kind: 'mark', sessionMs: 700_000, payload: { markKind: 'resonance', phaseId: 'return', segmentId: 'tide', positionMs: 600_000 } },
  ]);

  it('keeps the session open, marks going on, and remembers which sound took over', () => {
    const folded = foldSession(events);
    expect(folded.closing).toBe('breath');
    expect(folded.ended).toBeUndefined();
    expect(folded.marks).toHaveLength(1);
  });

  it('stops the music clock at the end of the plan, so a resume comes back to the closing sound and not to music', () => {
    const folded = foldSession(events);
    expect(folded.playback).toEqual({ programMs: 600_000, sessionMs: 600_000, playing: false });
    expect(programMsAt(folded.playback, 3_600_000)).toBe(600_000);
  });
});

describe('the end of the music in the record', () => {
  it('is a row of its own, saying which closing sound took over', () => {
    const meta = sessionMetaSchema.parse({ id: '20261121-090000-abcdef', playlistId: 'ocean', playlistTitle: 'Ocean', createdAt: '2026-11-21T09:00:00.000Z', status: 'open' });
    const events = journal([
      { kind: 'session-started', sessionMs: 0, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } },
      { kind: 'segment-started', sessionMs: 0, payload: { phaseId: 'return', segmentId: 'tide', programMs: 0 } },
      { kind: 'closing-started', sessionMs: 600_000, payload: { sound: 'breath', programMs: 600_000 } },
    ]);
    const record = buildSessionExport({ meta, events, repairs: [] }, undefined, []);
    expect(record.rows.find((row) => row.kind === 'event:music-ended')).toMatchObject({ sessionMs: 600_000, kindLabel: 'Music ended', note: 'Closing soundscape: breath' });
  });
});

describe('insights after the music', () => {
  it('counts the minutes the last track played up to the end of the plan, and no mark taken under the closing sound', () => {
    const meta = sessionMetaSchema.parse({ id: '20261121-090000-abcdef', playlistId: 'ocean', playlistTitle: 'Ocean', createdAt: '2026-11-21T09:00:00.000Z', status: 'ended' });
    const events = journal([
      { kind: 'session-started', sessionMs: 0, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } },
      { kind: 'segment-started', sessionMs: 0, payload: { phaseId: 'return', segmentId: 'tide', programMs: 0 } },
      { kind: 'mark', sessionMs: 300_000, payload: { markKind: 'resonance', phaseId: 'return', segmentId: 'tide', positionMs: 300_000 } },
      { kind: 'closing-started', sessionMs: 600_000, payload: { sound: 'breath', programMs: 600_000 } },
      { kind: 'mark', sessionMs: 900_000, payload: { markKind: 'distress', phaseId: 'return', segmentId: 'tide', positionMs: 600_000 } },
      { kind: 'session-ended', sessionMs: 3_600_000, payload: { reason: 'facilitator' } },
    ]);
    expect(digestSession(meta, events).segments).toEqual([{ segmentId: 'tide', phaseId: 'return', played: true, playedMs: 600_000, marks: { resonance: 1 }, weightedMarks: { resonance: 1 } }]);
  });
});
