import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { journalEventSchema, type JournalEvent, type Vitals } from './events';
import { foldSession, programMsAt, SessionFold, sessionMsFromJournal, type PlaybackCheckpoint } from './fold';

const sessionStartWall = Date.parse('2026-11-21T09:00:00.000Z');
const hour = 3_600_000;

/** Builds a valid stored journal: every event goes through the schema the journal reads with. */
class JournalBuilder {
  readonly events: JournalEvent[] = [];
  private idCounter = 0;

  private add(input: { kind: string; sessionMs: number; payload: object }, wallMs = sessionStartWall + input.sessionMs): JournalEvent {
    this.idCounter += 1;
    const id = `00000000-0000-4000-8000-${this.idCounter.toString(16).padStart(12, '0')}`;
    const event = journalEventSchema.parse({ id, seq: this.events.length, wallTime: new Date(wallMs).toISOString(), ...input });
    this.events.push(event);
    return event;
  }

  started() {
    return this.add({ kind: 'session-started', sessionMs: 0, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } });
  }

  mark(sessionMs: number, markKind = 'resonance', extra: object = {}) {
    return this.add({ kind: 'mark', sessionMs, payload: { markKind, phaseId: 'peak', segmentId: 'drone', positionMs: 1000, ...extra } });
  }

  edit(sessionMs: number, markId: string, changes: { intensity?: number | null; note?: string | null; vitals?: Vitals | null }) {
    return this.add({ kind: 'mark-edited', sessionMs, payload: { markId, ...changes } });
  }

  remove(sessionMs: number, markId: string, reason: 'undo' | 'deleted' = 'undo', extra: { note?: string; from?: 'live' | 'review' } = {}) {
    return this.add({ kind: 'mark-deleted', sessionMs, payload: { markId, reason, ...extra } });
  }

  correct(sessionMs: number, markId: string, changes: object) {
    return this.add({ kind: 'mark-edited', sessionMs, payload: { markId, from: 'review', ...changes } });
  }

  fromMemory(sessionMs: number, refersToSessionMs: number, markKind = 'resonance', extra: object = {}) {
    return this.add({
      kind: 'mark-from-memory',
      sessionMs,
      payload: { markKind, phaseId: 'peak', segmentId: 'drone', positionMs: 5000, refersToSessionMs, from: 'review', ...extra },
    });
  }

  reminder(sessionMs: number, reminder: 'vitals' | 'supplemental-dose', action: 'shown' | 'dismissed' | 'logged', dueSessionMs: number) {
    return this.add({ kind: 'reminder', sessionMs, payload: { reminder, action, dueSessionMs } });
  }

  closeSpan(sessionMs: number, markId: string, autoClosed = false) {
    return this.add({ kind: 'span-closed', sessionMs, payload: { markId, phaseId: 'return', segmentId: 'tide', positionMs: 42_000, autoClosed } });
  }

  correctT0(sessionMs: number, offsetMs: number) {
    return this.add({ kind: 't0-corrected', sessionMs, payload: { offsetMs } });
  }

  playback(sessionMs: number, action: 'play' | 'pause', programMs: number) {
    return this.add({ kind: 'playback', sessionMs, payload: { action, programMs } });
  }

  segment(sessionMs: number, programMs: number, phaseId = 'peak', segmentId = 'drone') {
    return this.add({ kind: 'segment-started', sessionMs, payload: { phaseId, segmentId, programMs } });
  }

  phase(sessionMs: number, phaseId: string, programMs: number) {
    return this.add({ kind: 'phase-started', sessionMs, payload: { phaseId, programMs } });
  }

  resumed(sessionMs: number, programMs: number, playing: boolean) {
    return this.add({ kind: 'session-resumed', sessionMs, payload: { programMs, gapMs: 60_000, playing } });
  }

  ended(sessionMs: number, reason: 'facilitator' | 'plan-finished' = 'facilitator') {
    return this.add({ kind: 'session-ended', sessionMs, payload: { reason } });
  }

  coFacilitator(sessionMs: number, action: 'joined' | 'left', by: string, device = 'main', reason?: 'removed' | 'session-ended') {
    return this.add({ kind: 'co-facilitator', sessionMs, payload: { action, device, by, ...(reason === undefined ? {} : { reason }) } });
  }

  at(wallMs: number, input: { kind: string; sessionMs: number; payload: object }) {
    return this.add(input, wallMs);
  }
}

describe('foldSession marks', () => {
  it('folds a mark with where the music was, and counts it by kind', () => {
    const journal = new JournalBuilder();
    journal.started();
    const resonance = journal.mark(60_000, 'resonance', { reactionOffsetMs: 1500 });
    journal.mark(90_000, 'distress');
    journal.mark(120_000, 'resonance');

    const folded = foldSession(journal.events);
    expect(folded.marks).toHaveLength(3);
    expect(folded.marks[0]).toMatchObject({
      id: resonance.id,
      seq: 1,
      markKind: 'resonance',
      sessionMs: 60_000,
      wallTime: resonance.wallTime,
      phaseId: 'peak',
      segmentId: 'drone',
      positionMs: 1000,
      reactionOffsetMs: 1500,
      intensity: undefined,
      note: undefined,
      vitals: undefined,
      span: undefined,
      editCount: 0,
      deleted: undefined,
    });
    expect(folded.countsByKind).toEqual({ resonance: 2, distress: 1 });
    expect(folded.lastSessionMs).toBe(120_000);
  });

  it('lists marks in session-time order even when a reaction offset put a later press earlier', () => {
    const journal = new JournalBuilder();
    const first = journal.mark(10_000);
    const pressedLaterButEarlier = journal.mark(8_000, 'distress');
    expect(foldSession(journal.events).marks.map((mark) => mark.id)).toEqual([pressedLaterButEarlier.id, first.id]);
  });
});

describe('foldSession edits', () => {
  it('sets the intensity and clears it again with null', () => {
    const journal = new JournalBuilder();
    const mark = journal.mark(1000);
    journal.edit(2000, mark.id, { intensity: 4 });
    expect(foldSession(journal.events).marks[0]?.intensity).toBe(4);

    journal.edit(3000, mark.id, { intensity: null });
    const folded = foldSession(journal.events);
    expect(folded.marks[0]?.intensity).toBeUndefined();
    expect(folded.marks[0]?.editCount).toBe(2);
  });

  it('sets the note and clears it with null or an empty note', () => {
    const journal = new JournalBuilder();
    const mark = journal.mark(1000, 'note', { note: 'first words' });
    expect(foldSession(journal.events).marks[0]?.note).toBe('first words');

    journal.edit(2000, mark.id, { note: 'asked for water' });
    expect(foldSession(journal.events).marks[0]?.note).toBe('asked for water');
    journal.edit(3000, mark.id, { note: null });
    expect(foldSession(journal.events).marks[0]?.note).toBeUndefined();
    journal.edit(4000, mark.id, { note: 'again' });
    journal.edit(5000, mark.id, { note: '' });
    expect(foldSession(journal.events).marks[0]?.note).toBeUndefined();
  });

  it('replaces vitals as a whole and clears them with null', () => {
    const journal = new JournalBuilder();
    const mark = journal.mark(1000, 'vitals', { vitals: { systolic: 120, diastolic: 80, heartRate: 72 } });
    expect(foldSession(journal.events).marks[0]?.vitals).toEqual({ systolic: 120, diastolic: 80, heartRate: 72 });

    journal.edit(2000, mark.id, { vitals: { heartRate: 96, temperatureC: 37.4 } });
    expect(foldSession(journal.events).marks[0]?.vitals).toEqual({ heartRate: 96, temperatureC: 37.4 });
    journal.edit(3000, mark.id, { vitals: null });
    expect(foldSession(journal.events).marks[0]?.vitals).toBeUndefined();
  });

  it('leaves the fields an edit does not name as they were', () => {
    const journal = new JournalBuilder();
    const mark = journal.mark(1000, 'vitals', { intensity: 3, note: 'calm', vitals: { heartRate: 70 } });
    journal.edit(2000, mark.id, { note: 'calmer' });
    expect(foldSession(journal.events).marks[0]).toMatchObject({ intensity: 3, note: 'calmer', vitals: { heartRate: 70 }, editCount: 1 });
  });

  it('applies several edits of one mark in journal order, the last one winning', () => {
    const journal = new JournalBuilder();
    const mark = journal.mark(1000);
    journal.edit(2000, mark.id, { intensity: 2 });
    journal.edit(2000, mark.id, { intensity: 5, note: 'a wave' });
    journal.edit(2000, mark.id, { intensity: 3 });
    expect(foldSession(journal.events).marks[0]).toMatchObject({ intensity: 3, note: 'a wave', editCount: 3 });
  });

  it('folds events handed over out of order in sequence order', () => {
    const journal = new JournalBuilder();
    journal.started();
    const mark = journal.mark(1000);
    journal.edit(2000, mark.id, { intensity: 2 });
    journal.edit(3000, mark.id, { intensity: 5 });
    journal.correctT0(4000, -600_000);
    journal.correctT0(5000, -300_000);
    journal.remove(6000, mark.id);
    const kept = journal.mark(7000, 'distress');
    journal.edit(8000, kept.id, { intensity: 1 });
    journal.edit(9000, kept.id, { intensity: 4 });
    journal.playback(9500, 'pause', 9000);
    journal.playback(9600, 'play', 9000);

    const inOrder = foldSession(journal.events);
    const reversed = foldSession([...journal.events].reverse());
    const permutation = [9, 2, 11, 0, 7, 4, 1, 10, 3, 6, 8, 5];
    expect([...permutation].sort((a, b) => a - b)).toEqual(journal.events.map((_, index) => index));
    const shuffled = foldSession(permutation.map((index) => journal.events[index] as JournalEvent));

    expect(inOrder.marks.map((m) => [m.id, m.intensity])).toEqual([[kept.id, 4]]);
    expect(inOrder.t0OffsetMs).toBe(-300_000);
    expect(inOrder.playback).toEqual({ programMs: 9000, sessionMs: 9600, playing: true });
    expect(inOrder.orphanEdits).toBe(0);
    expect(reversed).toEqual(inOrder);
    expect(shuffled).toEqual(inOrder);
  });

  it('counts edits, deletions and span ends of marks the journal does not have, and changes nothing for them', () => {
    const journal = new JournalBuilder();
    const mark = journal.mark(1000, 'resonance', { intensity: 2 });
    const unknownId = '11111111-1111-4111-8111-111111111111';
    journal.edit(2000, unknownId, { intensity: 5 });
    journal.remove(3000, unknownId);
    journal.closeSpan(4000, unknownId);
    const folded = foldSession(journal.events);
    expect(folded.orphanEdits).toBe(3);
    expect(folded.marks).toHaveLength(1);
    expect(folded.marks[0]).toMatchObject({ id: mark.id, intensity: 2, editCount: 0, span: undefined });
  });
});

describe('foldSession corrections', () => {
  it('changes a mark\'s kind: the counts follow, the first kind and the change are kept', () => {
    const journal = new JournalBuilder();
    journal.started();
    const mark = journal.mark(1000, 'resonance');
    const change = journal.correct(9000, mark.id, { markKind: 'distress' });
    journal.correct(9500, mark.id, { markKind: 'breakthrough' });
    const folded = foldSession(journal.events);
    expect(folded.countsByKind).toEqual({ breakthrough: 1 });
    expect(folded.marks[0]).toMatchObject({ markKind: 'breakthrough', originalKind: 'resonance', editCount: 2 });
    expect(folded.marks[0]?.history[0]).toEqual({
      eventId: change.id,
      seq: change.seq,
      sessionMs: 9000,
      wallTime: change.wallTime,
      origin: 'review',
      details: [{ field: 'kind', from: 'resonance', to: 'distress' }],
    });
    const live = SessionFold.of(journal.events);
    expect(live.countOf('resonance')).toBe(0);
    expect(live.latestMarkOfKind('breakthrough')?.id).toBe(mark.id);
    expect(live.latestMarkOfKind('resonance')).toBeUndefined();
  });

  it('moves a mark to a new time and place, sorts it there, and keeps the time it was made at', () => {
    const journal = new JournalBuilder();
    journal.started();
    const early = journal.mark(1000, 'resonance');
    const later = journal.mark(60_000, 'distress');
    journal.correct(70_000, early.id, { moved: { sessionMs: 120_000, phaseId: 'return', segmentId: 'tide', positionMs: 3000 } });
    const folded = foldSession(journal.events);
    expect(folded.marks.map((mark) => mark.id)).toEqual([later.id, early.id]);
    expect(folded.marks[1]).toMatchObject({ sessionMs: 120_000, phaseId: 'return', segmentId: 'tide', positionMs: 3000, originalSessionMs: 1000 });
    expect(folded.marks[1]?.history[0]?.details).toEqual([{ field: 'time', from: 1000, to: 120_000 }]);
  });

  it('keeps a deleted mark with the reason typed for it, and never counts it', () => {
    const journal = new JournalBuilder();
    journal.started();
    const mark = journal.mark(1000, 'resonance');
    journal.remove(5000, mark.id, 'deleted', { note: 'pressed by mistake', from: 'live' });
    const folded = foldSession(journal.events);
    expect(folded.marks).toEqual([]);
    expect(folded.countsByKind).toEqual({});
    expect(folded.deletedMarks[0]?.deleted).toStrictEqual({ reason: 'deleted', sessionMs: 5000, note: 'pressed by mistake' });
    expect(folded.deletedMarks[0]?.history.map((change) => [change.origin, change.details])).toEqual([
      ['live', [{ field: 'deleted', reason: 'deleted', note: 'pressed by mistake' }]],
    ]);
  });

  it('brings a deleted mark back when it is restored, keeping the deletion in its history', () => {
    const journal = new JournalBuilder();
    journal.started();
    const mark = journal.mark(1000, 'resonance');
    journal.remove(5000, mark.id, 'deleted', { note: 'Made twice', from: 'review' });
    journal.correct(6000, mark.id, { restored: true });
    const folded = foldSession(journal.events);
    expect(folded.marks.map((current) => current.id)).toEqual([mark.id]);
    expect(folded.deletedMarks).toEqual([]);
    expect(folded.countsByKind).toEqual({ resonance: 1 });
    expect(folded.marks[0]?.history.map((change) => change.details)).toEqual([[{ field: 'deleted', reason: 'deleted', note: 'Made twice' }], [{ field: 'restored' }]]);
    expect(SessionFold.of(journal.events).latestMarkOfKind('resonance')?.id).toBe(mark.id);
  });

  it('adds a mark from memory at the time it refers to, flagged with when it was written', () => {
    const journal = new JournalBuilder();
    journal.started();
    const first = journal.mark(1000);
    const second = journal.mark(300_000, 'distress');
    const remembered = journal.fromMemory(600_000, 120_000, 'breakthrough', { note: 'she smiled here' });
    const folded = foldSession(journal.events);
    expect(folded.marks.map((mark) => mark.id)).toEqual([first.id, remembered.id, second.id]);
    expect(folded.marks[1]).toMatchObject({
      sessionMs: 120_000,
      wallTime: remembered.wallTime,
      markKind: 'breakthrough',
      note: 'she smiled here',
      positionMs: 5000,
      reactionOffsetMs: 0,
      fromMemory: { writtenAtSessionMs: 600_000, origin: 'review' },
    });
    expect(folded.countsByKind).toEqual({ resonance: 1, distress: 1, breakthrough: 1 });
    expect(folded.lastSessionMs).toBe(600_000);
  });

  it('folds a journal written before corrections to the same marks, with no corrections on them', () => {
    const journal = new JournalBuilder();
    journal.started();
    const mark = journal.mark(1000, 'resonance', { note: 'open' });
    journal.edit(2000, mark.id, { intensity: 3 });
    const undone = journal.mark(3000, 'distress');
    journal.remove(3500, undone.id, 'undo');
    const folded = foldSession(journal.events);
    expect(folded.marks[0]).toMatchObject({ markKind: 'resonance', sessionMs: 1000, intensity: 3, note: 'open', editCount: 1 });
    expect(folded.marks[0]).toMatchObject({ fromMemory: undefined, originalKind: undefined, originalSessionMs: undefined });
    expect(folded.marks[0]?.history.map((change) => [change.origin, change.details])).toEqual([[undefined, [{ field: 'intensity', from: undefined, to: 3 }]]]);
    expect(folded.deletedMarks[0]?.deleted).toStrictEqual({ reason: 'undo', sessionMs: 3500 });
    expect(folded.countsByKind).toEqual({ resonance: 1 });
  });

  it('folds any sequence of corrections to the last value of each field; deleted marks never count', () => {
    const kinds = ['resonance', 'distress', 'breakthrough'] as const;
    const step = fc.oneof(
      fc.record({ op: fc.constant('kind' as const), target: fc.nat(), kind: fc.constantFrom(...kinds) }),
      fc.record({ op: fc.constant('move' as const), target: fc.nat(), to: fc.nat(100_000) }),
      fc.record({ op: fc.constant('intensity' as const), target: fc.nat(), intensity: fc.option(fc.integer({ min: 1, max: 5 })) }),
      fc.record({ op: fc.constant('note' as const), target: fc.nat(), note: fc.option(fc.constantFrom('a', 'b', 'tears')) }),
      fc.record({ op: fc.constant('delete' as const), target: fc.nat() }),
      fc.record({ op: fc.constant('restore' as const), target: fc.nat() }),
      fc.record({ op: fc.constant('remember' as const), kind: fc.constantFrom(...kinds), refersTo: fc.nat(100_000) }),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 5 }), fc.array(step, { maxLength: 40 }), (made, steps) => {
        const journal = new JournalBuilder();
        journal.started();
        const live = new SessionFold();
        live.apply(journal.events[0] as JournalEvent);
        let now = 100_000;
        const expected = new Map<string, { kind: string; sessionMs: number; intensity: number | undefined; note: string | undefined; deleted: boolean }>();
        for (const kind of made) {
          now += 1000;
          const event = journal.mark(now, kind);
          live.apply(event);
          expected.set(event.id, { kind, sessionMs: now, intensity: undefined, note: undefined, deleted: false });
        }
        for (const taken of steps) {
          now += 1000;
          const ids = [...expected.keys()];
          const target = ids[('target' in taken ? taken.target : 0) % ids.length] as string;
          const state = expected.get(target);
          let event: JournalEvent;
          if (taken.op === 'remember') {
            event = journal.fromMemory(now, taken.refersTo, taken.kind);
            expected.set(event.id, { kind: taken.kind, sessionMs: taken.refersTo, intensity: undefined, note: undefined, deleted: false });
          } else if (state === undefined) continue;
          else if (taken.op === 'kind') {
            event = journal.correct(now, target, { markKind: taken.kind });
            state.kind = taken.kind;
          } else if (taken.op === 'move') {
            event = journal.correct(now, target, { moved: { sessionMs: taken.to, phaseId: 'peak', segmentId: 'drone', positionMs: taken.to } });
            state.sessionMs = taken.to;
          } else if (taken.op === 'intensity') {
            event = journal.correct(now, target, { intensity: taken.intensity });
            state.intensity = taken.intensity ?? undefined;
          } else if (taken.op === 'note') {
            event = journal.correct(now, target, { note: taken.note });
            state.note = taken.note ?? undefined;
          } else if (taken.op === 'restore') {
            event = journal.correct(now, target, { restored: true });
            state.deleted = false;
          } else {
            event = journal.remove(now, target, 'deleted', { note: 'mis-keyed' });
            state.deleted = true;
          }
          live.apply(event);
        }
        const folded = foldSession(journal.events);
        expect(live.snapshot()).toEqual(folded);
        for (const [id, state] of expected) {
          const mark = [...folded.marks, ...folded.deletedMarks].find((candidate) => candidate.id === id);
          expect(mark).toMatchObject({ markKind: state.kind, sessionMs: state.sessionMs, intensity: state.intensity, note: state.note });
          expect(mark?.deleted !== undefined).toBe(state.deleted);
        }
        const current = [...expected.values()].filter((state) => !state.deleted);
        expect(folded.marks).toHaveLength(current.length);
        for (const kind of kinds) {
          const count = current.filter((state) => state.kind === kind).length;
          expect(folded.countsByKind[kind] ?? 0).toBe(count);
          expect(live.countOf(kind)).toBe(count);
        }
        const times = folded.marks.map((mark) => mark.sessionMs);
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the music at a past moment', () => {
  it('finds the segment and the position in it across a pause, a resume and the end', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.phase(0, 'onset', 0);
    journal.segment(0, 0, 'onset', 'breath');
    journal.segment(60_000, 60_000, 'peak', 'drone');
    journal.playback(90_000, 'pause', 90_000);
    journal.playback(150_000, 'play', 90_000);
    journal.resumed(200_000, 140_000, true);
    journal.segment(200_000, 140_000, 'peak', 'drone');
    journal.ended(300_000);
    const fold = SessionFold.of(journal.events);
    expect(fold.musicPlaceAt(30_000)).toEqual({ phaseId: 'onset', segmentId: 'breath', positionMs: 30_000 });
    expect(fold.musicPlaceAt(120_000)).toEqual({ phaseId: 'peak', segmentId: 'drone', positionMs: 30_000 });
    expect(fold.musicPlaceAt(170_000)).toEqual({ phaseId: 'peak', segmentId: 'drone', positionMs: 50_000 });
    // After the resume the position still counts from the segment's start, not from the resume.
    expect(fold.musicPlaceAt(250_000)).toEqual({ phaseId: 'peak', segmentId: 'drone', positionMs: 130_000 });
    expect(fold.musicPlaceAt(400_000)).toEqual({ phaseId: 'peak', segmentId: 'drone', positionMs: 180_000 });
  });

  it('knows nothing played in a session without music', () => {
    const journal = new JournalBuilder();
    journal.started();
    expect(SessionFold.of(journal.events).musicPlaceAt(1000)).toBeUndefined();
  });
});

describe('foldSession deletions', () => {
  it('moves an undone mark to the deleted marks and out of the counts', () => {
    const journal = new JournalBuilder();
    const kept = journal.mark(1000);
    const undone = journal.mark(2000);
    journal.remove(2500, undone.id, 'undo');
    const deleted = journal.mark(3000, 'distress');
    journal.remove(4000, deleted.id, 'deleted');

    const folded = foldSession(journal.events);
    expect(folded.marks.map((mark) => mark.id)).toEqual([kept.id]);
    expect(folded.deletedMarks.map((mark) => [mark.id, mark.deleted])).toEqual([
      [undone.id, { reason: 'undo', sessionMs: 2500 }],
      [deleted.id, { reason: 'deleted', sessionMs: 4000 }],
    ]);
    expect(folded.countsByKind).toEqual({ resonance: 1 });
  });

  it('no longer lists a deleted span as open', () => {
    const journal = new JournalBuilder();
    const span = journal.mark(1000, 'break', { span: 'open' });
    journal.remove(1200, span.id);
    const folded = foldSession(journal.events);
    expect(folded.openSpans).toEqual([]);
    expect(folded.marks).toEqual([]);
  });
});

describe('foldSession spans', () => {
  it('lists an opened span as open until it is closed, then records where it ended', () => {
    const journal = new JournalBuilder();
    const span = journal.mark(hour, 'break', { span: 'open' });
    journal.mark(hour + 1000);

    const open = foldSession(journal.events);
    expect(open.openSpans.map((mark) => mark.id)).toEqual([span.id]);
    expect(open.marks[0]?.span).toEqual({ end: undefined });
    expect(open.marks[1]?.span).toBeUndefined();

    journal.closeSpan(hour + 600_000, span.id);
    const closed = foldSession(journal.events);
    expect(closed.openSpans).toEqual([]);
    expect(closed.marks[0]?.span).toEqual({
      end: { sessionMs: hour + 600_000, phaseId: 'return', segmentId: 'tide', positionMs: 42_000, autoClosed: false },
    });
    expect(closed.countsByKind).toEqual({ break: 1, resonance: 1 });
  });

  it('keeps the flag of a span closed by the end of the session', () => {
    const journal = new JournalBuilder();
    const span = journal.mark(1000, 'break', { span: 'open' });
    journal.closeSpan(5000, span.id, true);
    journal.ended(5000);
    expect(foldSession(journal.events).marks[0]?.span?.end?.autoClosed).toBe(true);
  });

  it('lists every span still open', () => {
    const journal = new JournalBuilder();
    const first = journal.mark(1000, 'break', { span: 'open' });
    const closed = journal.mark(2000, 'break', { span: 'open' });
    const second = journal.mark(3000, 'break', { span: 'open' });
    journal.closeSpan(4000, closed.id);
    expect(foldSession(journal.events).openSpans.map((mark) => mark.id)).toEqual([first.id, second.id]);
  });

  it('does not turn a point mark into a span when a close names it', () => {
    const journal = new JournalBuilder();
    const point = journal.mark(1000);
    journal.closeSpan(2000, point.id);
    const folded = foldSession(journal.events);
    expect(folded.marks[0]?.span).toBeUndefined();
    expect(folded.orphanEdits).toBe(1);
  });
});

describe('foldSession T0 correction', () => {
  it('is 0 without a correction', () => {
    const journal = new JournalBuilder();
    journal.started();
    expect(foldSession(journal.events).t0OffsetMs).toBe(0);
  });

  it('takes the latest correction as the absolute offset, not the sum of them', () => {
    const journal = new JournalBuilder();
    journal.correctT0(1000, -900_000);
    expect(foldSession(journal.events).t0OffsetMs).toBe(-900_000);
    journal.correctT0(2000, -300_000);
    expect(foldSession(journal.events).t0OffsetMs).toBe(-300_000);
    journal.correctT0(3000, 0);
    expect(foldSession(journal.events).t0OffsetMs).toBe(0);
  });
});

describe('foldSession playback checkpoint and progress', () => {
  it('has no checkpoint before the music starts', () => {
    const journal = new JournalBuilder();
    journal.started();
    expect(foldSession(journal.events).playback).toBeUndefined();
  });

  it('follows segment starts, pauses and plays', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.segment(500, 0);
    expect(foldSession(journal.events).playback).toEqual({ programMs: 0, sessionMs: 500, playing: true });
    journal.segment(1_200_500, 1_200_000, 'peak', 'waves');
    expect(foldSession(journal.events).playback).toEqual({ programMs: 1_200_000, sessionMs: 1_200_500, playing: true });
    journal.playback(1_300_000, 'pause', 1_299_500);
    expect(foldSession(journal.events).playback).toEqual({ programMs: 1_299_500, sessionMs: 1_300_000, playing: false });
    journal.playback(1_400_000, 'play', 1_299_500);
    expect(foldSession(journal.events).playback).toEqual({ programMs: 1_299_500, sessionMs: 1_400_000, playing: true });
  });

  it('takes a resumed session at its word, playing or paused', () => {
    const journal = new JournalBuilder();
    journal.segment(0, 0);
    journal.resumed(2 * hour, 90 * 60_000, false);
    expect(foldSession(journal.events).playback).toEqual({ programMs: 90 * 60_000, sessionMs: 2 * hour, playing: false });
    journal.resumed(2 * hour + 5000, 90 * 60_000, true);
    expect(foldSession(journal.events).playback).toEqual({ programMs: 90 * 60_000, sessionMs: 2 * hour + 5000, playing: true });
  });

  it('stops the music at the end of the session and records why it ended', () => {
    const journal = new JournalBuilder();
    journal.segment(0, 0);
    journal.segment(hour, hour - 200);
    journal.ended(7 * hour, 'plan-finished');
    const folded = foldSession(journal.events);
    expect(folded.ended).toEqual({ sessionMs: 7 * hour, reason: 'plan-finished' });
    expect(folded.playback).toEqual({ programMs: hour - 200, sessionMs: hour, playing: false });
    expect(folded.lastSessionMs).toBe(7 * hour);
  });

  it('is not ended while the session runs', () => {
    const journal = new JournalBuilder();
    journal.segment(0, 0);
    expect(foldSession(journal.events).ended).toBeUndefined();
  });

  it('lists each phase reached once, in the order reached', () => {
    const journal = new JournalBuilder();
    journal.phase(0, 'onset', 0);
    journal.phase(hour, 'peak', hour);
    journal.phase(hour + 10, 'peak', hour);
    journal.phase(4 * hour, 'return', 4 * hour);
    const folded = foldSession(journal.events);
    expect(folded.phasesReached).toEqual(['onset', 'peak', 'return']);
    expect(folded.playback).toEqual({ programMs: 4 * hour, sessionMs: 4 * hour, playing: true });
  });
});

describe('programMsAt', () => {
  const playing: PlaybackCheckpoint = { programMs: 600_000, sessionMs: 700_000, playing: true };
  const paused: PlaybackCheckpoint = { programMs: 600_000, sessionMs: 700_000, playing: false };

  it('starts the program at 0 without a checkpoint', () => {
    expect(programMsAt(undefined, 5 * hour)).toBe(0);
  });

  it('adds the session time since the checkpoint while the music plays', () => {
    expect(programMsAt(playing, 700_000)).toBe(600_000);
    expect(programMsAt(playing, 760_000)).toBe(660_000);
    expect(programMsAt(playing, 700_000 + hour)).toBe(600_000 + hour);
  });

  it('stays where the music was paused however long ago that was', () => {
    expect(programMsAt(paused, 760_000)).toBe(600_000);
    expect(programMsAt(paused, 700_000 + 3 * hour)).toBe(600_000);
  });

  it('never moves the music back when asked about a moment before the checkpoint', () => {
    expect(programMsAt(playing, 650_000)).toBe(600_000);
  });
});

describe('sessionMsFromJournal', () => {
  it('is 0 for an empty journal', () => {
    expect(sessionMsFromJournal([], sessionStartWall + hour)).toBe(0);
  });

  it('adds the wall-clock time since the latest event was acknowledged to its session time', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.mark(2 * hour);
    expect(sessionMsFromJournal(journal.events, sessionStartWall + 2 * hour)).toBe(2 * hour);
    expect(sessionMsFromJournal(journal.events, sessionStartWall + 2 * hour + 90_000)).toBe(2 * hour + 90_000);
  });

  it('never counts back when the wall clock is now behind the latest event', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.mark(2 * hour);
    expect(sessionMsFromJournal(journal.events, sessionStartWall + hour)).toBe(2 * hour);
    expect(sessionMsFromJournal(journal.events, sessionStartWall - 24 * hour)).toBe(2 * hour);
  });

  it('anchors on the latest event when the wall clock was corrected during the session', () => {
    const journal = new JournalBuilder();
    // The computer's clock ran an hour slow at the start and was set right before the mark.
    journal.at(sessionStartWall - hour, { kind: 'session-started', sessionMs: 0, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } });
    journal.mark(3 * hour);
    expect(sessionMsFromJournal(journal.events, sessionStartWall + 3 * hour + 600_000)).toBe(3 * hour + 600_000);
  });
});

describe('co-facilitated sessions', () => {
  const tablet = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

  it('gives each mark its author and late flag, and lists the facilitators in order of joining', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.mark(60_000);
    journal.coFacilitator(120_000, 'joined', 'MK');
    journal.coFacilitator(150_000, 'joined', 'JS', tablet);
    const byMk = journal.mark(200_000, 'distress', { by: 'MK' });
    const byJs = journal.mark(260_000, 'resonance', { by: 'JS', late: true });
    journal.mark(300_000, 'resonance', { by: 'JS' });
    journal.coFacilitator(400_000, 'left', 'JS', tablet, 'removed');

    const folded = foldSession(journal.events);
    expect(folded.marks.find((mark) => mark.id === byMk.id)).toMatchObject({ by: 'MK', late: false });
    expect(folded.marks.find((mark) => mark.id === byJs.id)).toMatchObject({ by: 'JS', late: true });
    expect(folded.marks[0]).toMatchObject({ by: undefined, late: false });
    expect(folded.facilitators).toEqual([
      { by: 'MK', presence: [{ device: 'main', joinedAtSessionMs: 120_000, left: undefined }], marks: 1 },
      { by: 'JS', presence: [{ device: tablet, joinedAtSessionMs: 150_000, left: { sessionMs: 400_000, reason: 'removed' } }], marks: 2 },
    ]);
    expect(folded.unsignedMarks).toBe(1);
  });

  it('has no facilitators and counts every mark unsigned in a one-facilitator session', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.mark(60_000);
    journal.mark(90_000, 'distress');
    const folded = foldSession(journal.events);
    expect(folded.facilitators).toEqual([]);
    expect(folded.unsignedMarks).toBe(2);
  });

  it('sorts a late mark by the session time it was made, not when it arrived', () => {
    const journal = new JournalBuilder();
    journal.started();
    const early = journal.mark(100_000, 'resonance', { by: 'MK' });
    const after = journal.mark(400_000, 'distress', { by: 'MK' });
    // Made on the tablet at 0:05, journaled at 0:07 when its link came back.
    const late = journal.at(sessionStartWall + 420_000, { kind: 'mark', sessionMs: 300_000, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'drone', positionMs: 1000, by: 'JS', late: true } });
    const folded = foldSession(journal.events);
    expect(folded.marks.map((mark) => mark.id)).toEqual([early.id, late.id, after.id]);
    expect(folded.lastSessionMs).toBe(400_000);
  });

  it('counts only current marks per author, a rejoin adds a second presence, and an author who never joined is listed after', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.coFacilitator(1000, 'joined', 'JS', tablet);
    const taken = journal.mark(2000, 'resonance', { by: 'JS' });
    journal.remove(3000, taken.id, 'deleted');
    journal.mark(4000, 'resonance', { by: 'AB' });
    journal.fromMemory(9000, 5000, 'distress', { by: 'JS' });
    journal.coFacilitator(6000, 'left', 'JS', tablet, 'removed');
    journal.coFacilitator(7000, 'joined', 'JS', tablet);
    journal.coFacilitator(8000, 'left', 'JS', tablet, 'session-ended');
    const folded = foldSession(journal.events);
    expect(folded.facilitators).toEqual([
      {
        by: 'JS',
        presence: [
          { device: tablet, joinedAtSessionMs: 1000, left: { sessionMs: 6000, reason: 'removed' } },
          { device: tablet, joinedAtSessionMs: 7000, left: { sessionMs: 8000, reason: 'session-ended' } },
        ],
        marks: 1,
      },
      { by: 'AB', presence: [], marks: 1 },
    ]);
    expect(folded.unsignedMarks).toBe(0);
  });

  it('does not let a late mark anchor the session time after a reload', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.mark(2 * hour);
    // Made at 1:00 on the device, arrived at 2:00 (wall time) when the link came back.
    journal.at(sessionStartWall + 2 * hour, { kind: 'mark', sessionMs: hour, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'drone', positionMs: 1000, by: 'JS', late: true } });
    expect(sessionMsFromJournal(journal.events, sessionStartWall + 2 * hour + 60_000)).toBe(2 * hour + 60_000);
  });
});

describe('quiet passages', () => {
  it('stop the music clock for resume, like a pause', async () => {
    const { foldSession: fold, programMsAt: at } = await import('./fold');
    const base = { wallTime: '2026-11-21T09:30:00.000Z' };
    const events = [
      { ...base, id: '00000000-0000-4000-8000-00000000a001', seq: 0, kind: 'segment-started', sessionMs: 1000, payload: { phaseId: 'onset', segmentId: 'a', programMs: 1000 } },
      { ...base, id: '00000000-0000-4000-8000-00000000a002', seq: 1, kind: 'quiet', sessionMs: 60_000, payload: { action: 'start', programMs: 60_000 } },
    ] as Parameters<typeof fold>[0];
    expect(at(fold(events).playback, 600_000)).toBe(60_000);
    const resumed = [...events, { ...base, id: '00000000-0000-4000-8000-00000000a003', seq: 2, kind: 'quiet', sessionMs: 120_000, payload: { action: 'end', programMs: 60_000 } }] as Parameters<typeof fold>[0];
    expect(at(fold(resumed).playback, 130_000)).toBe(70_000);
  });
});

describe('reminders in the fold', () => {
  it('knows which reminders were shown and which were closed, so a resumed session neither repeats nor revives them', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.reminder(30 * 60_000, 'vitals', 'shown', 30 * 60_000);
    journal.reminder(31 * 60_000, 'vitals', 'dismissed', 30 * 60_000);
    journal.reminder(90 * 60_000, 'supplemental-dose', 'shown', 90 * 60_000);
    const folded = foldSession(journal.events);
    expect([...folded.shownReminders].sort()).toEqual(['supplemental-dose@5400000', 'vitals@1800000']);
    expect([...folded.closedReminders]).toEqual(['vitals@1800000']);
  });
});

describe('SessionFold, one event at a time', () => {
  it('answers the live questions the same as the whole fold after every event', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('mark' as const), kind: fc.constantFrom('resonance', 'distress', 'vitals', 'break'), span: fc.boolean(), back: fc.nat(5000) }),
      fc.record({ op: fc.constant('edit' as const), target: fc.nat(), intensity: fc.option(fc.integer({ min: 1, max: 5 })) }),
      fc.record({ op: fc.constant('delete' as const), target: fc.nat() }),
      fc.record({ op: fc.constant('close' as const), target: fc.nat() }),
      fc.record({ op: fc.constant('t0' as const), offset: fc.integer({ min: -600_000, max: 600_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const journal = new JournalBuilder();
        journal.started();
        const live = new SessionFold();
        live.apply(journal.events[0] as JournalEvent);
        const markIds: string[] = [];
        let now = 1000;
        for (const taken of steps) {
          now += 1000;
          const target = markIds.length === 0 ? undefined : (markIds[('target' in taken ? taken.target : 0) % markIds.length] as string);
          let event: JournalEvent | undefined;
          if (taken.op === 'mark') {
            event = journal.mark(Math.max(0, now - taken.back), taken.kind, taken.span ? { span: 'open' } : {});
            markIds.push(event.id);
          } else if (taken.op === 't0') event = journal.correctT0(now, taken.offset);
          else if (target === undefined) continue;
          else if (taken.op === 'edit') event = journal.edit(now, target, { intensity: taken.intensity });
          else if (taken.op === 'delete') event = journal.remove(now, target, 'deleted');
          else event = journal.closeSpan(now, target);
          live.apply(event);

          const whole = foldSession(journal.events);
          expect(live.snapshot()).toEqual(whole);
          expect(live.openSpans()).toEqual(whole.openSpans);
          expect(live.t0OffsetMs).toBe(whole.t0OffsetMs);
          const newestFirst = [...whole.marks].sort((a, b) => b.seq - a.seq);
          expect(live.recentMarks(5)).toEqual(newestFirst.slice(0, 5));
          for (const kind of ['resonance', 'distress', 'vitals', 'break']) {
            expect(live.countOf(kind)).toBe(whole.countsByKind[kind] ?? 0);
            expect(live.latestMarkOfKind(kind)).toEqual(whole.marks.filter((mark) => mark.markKind === kind).at(-1));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never changes a view it handed out earlier: an edit replaces the mark', () => {
    const journal = new JournalBuilder();
    const live = new SessionFold();
    live.apply(journal.started());
    const mark = journal.mark(1000);
    live.apply(mark);
    const before = live.snapshot();
    const recentBefore = live.recentMarks(1);
    live.apply(journal.edit(2000, mark.id, { intensity: 4, note: 'tears' }));
    expect(before.marks[0]?.intensity).toBeUndefined();
    expect(recentBefore[0]?.note).toBeUndefined();
    expect(live.mark(mark.id)).toMatchObject({ intensity: 4, note: 'tears', editCount: 1 });
    expect(live.snapshot()).not.toBe(before);
  });

  it('keeps when each phase started, in journal order, for the live phase bar', () => {
    const journal = new JournalBuilder();
    journal.started();
    journal.phase(0, 'onset', 0);
    journal.phase(90 * 60_000, 'peak', 90 * 60_000);
    journal.resumed(100 * 60_000, 95 * 60_000, true);
    journal.phase(100 * 60_000, 'peak', 95 * 60_000);
    expect(SessionFold.of(journal.events).phaseStarts).toEqual([
      { phaseId: 'onset', startedAtSessionMs: 0 },
      { phaseId: 'peak', startedAtSessionMs: 90 * 60_000 },
      { phaseId: 'peak', startedAtSessionMs: 100 * 60_000 },
    ]);
  });
});
