import { describe, expect, it } from 'vitest';
import { correctStateChange, prolongedStates, stateAction, stateChangeProblem, statesAt, type StateChangeContext } from './client-state-fold';
import { defaultClientStates } from './client-states';
import { journalEventSchema, type JournalEvent } from './events';
import { foldSession, SessionFold } from './fold';
import { defaultMarkKinds } from './mark-kinds';
import { defaultSettings, settingsSchema } from './settings';
import { describeZodError } from './validation';
import { exportStateSpans } from './exports/state-export';

const minute = 60_000;
const startWall = Date.parse('2026-12-01T09:00:00.000Z');

class Journal {
  readonly events: JournalEvent[] = [];

  private add(kind: string, sessionMs: number, payload: object): JournalEvent {
    const id = `00000000-0000-4000-8000-${(this.events.length + 1).toString(16).padStart(12, '0')}`;
    const event = journalEventSchema.parse({ id, seq: this.events.length, wallTime: new Date(startWall + sessionMs).toISOString(), kind, sessionMs, payload });
    this.events.push(event);
    return event;
  }

  state(sessionMs: number, stateId: string, action: 'set' | 'open' | 'close' = 'set') {
    return this.add('client-state', sessionMs, { stateId, action });
  }

  correct(sessionMs: number, stateEventId: string, changes: object) {
    return this.add('client-state-corrected', sessionMs, { stateEventId, from: 'review', ...changes });
  }

  mark(sessionMs: number, markKind: string, span?: 'open') {
    return this.add('mark', sessionMs, { markKind, phaseId: 'peak', segmentId: 'drone', positionMs: 0, ...(span === undefined ? {} : { span }) });
  }

  closeSpan(sessionMs: number, markId: string) {
    return this.add('span-closed', sessionMs, { markId, phaseId: 'peak', segmentId: 'drone', positionMs: 0, autoClosed: false });
  }

  promptAnswered(sessionMs: number, stateEvent: JournalEvent, answer: 'hold-phase' | 'calm-bridge' | 'dismissed') {
    const payload = stateEvent.kind === 'client-state' ? { stateId: stateEvent.payload.stateId, stateEventId: stateEvent.id, sinceMs: stateEvent.sessionMs, answer } : undefined;
    return this.add('state-prompt-answered', sessionMs, payload ?? {});
  }

  end(sessionMs: number) {
    return this.add('session-ended', sessionMs, { reason: 'facilitator' });
  }
}

const stretches = (events: readonly JournalEvent[]) =>
  foldSession(events).stateSpans.map(({ stateId, kind, startMs, endMs, autoClosed }) => ({ stateId, kind, startMs, endMs, autoClosed }));

describe('the client state fold', () => {
  it('makes a continuous band: each band key holds until the next; a repeated key does not restart it', () => {
    const journal = new Journal();
    journal.state(1 * minute, 'within-window');
    journal.state(30 * minute, 'hyperaroused');
    journal.state(35 * minute, 'hyperaroused');
    journal.state(50 * minute, 'within-window');
    expect(stretches(journal.events)).toEqual([
      { stateId: 'within-window', kind: 'band', startMs: 1 * minute, endMs: 30 * minute, autoClosed: false },
      { stateId: 'hyperaroused', kind: 'band', startMs: 30 * minute, endMs: 50 * minute, autoClosed: false },
      { stateId: 'within-window', kind: 'band', startMs: 50 * minute, endMs: undefined, autoClosed: false },
    ]);
  });

  it('keeps a span state (dissociation) over the band it overlaps, and two span states over each other', () => {
    const journal = new Journal();
    journal.state(0, 'hypoaroused');
    journal.state(10 * minute, 'dissociated', 'open');
    journal.state(15 * minute, 'within-window');
    journal.state(20 * minute, 'frozen', 'open');
    journal.state(25 * minute, 'dissociated', 'close');
    journal.state(28 * minute, 'frozen', 'close');
    journal.end(40 * minute);
    expect(stretches(journal.events)).toEqual([
      { stateId: 'hypoaroused', kind: 'band', startMs: 0, endMs: 15 * minute, autoClosed: false },
      { stateId: 'dissociated', kind: 'span', startMs: 10 * minute, endMs: 25 * minute, autoClosed: false },
      { stateId: 'within-window', kind: 'band', startMs: 15 * minute, endMs: 40 * minute, autoClosed: true },
      { stateId: 'frozen', kind: 'span', startMs: 20 * minute, endMs: 28 * minute, autoClosed: false },
    ]);
    const at12 = statesAt(foldSession(journal.events).stateSpans, 12 * minute).map((span) => span.stateId);
    expect(at12).toEqual(['hypoaroused', 'dissociated']);
  });

  it('leaves an unclosed span open while the session runs, and closes it at the end, flagged', () => {
    const journal = new Journal();
    journal.state(5 * minute, 'dissociated', 'open');
    journal.state(6 * minute, 'dissociated', 'open');
    expect(stretches(journal.events)).toEqual([{ stateId: 'dissociated', kind: 'span', startMs: 5 * minute, endMs: undefined, autoClosed: false }]);
    journal.state(7 * minute, 'hyperaroused', 'close');
    journal.end(60 * minute);
    expect(stretches(journal.events)).toEqual([{ stateId: 'dissociated', kind: 'span', startMs: 5 * minute, endMs: 60 * minute, autoClosed: true }]);
  });

  it('folds corrections: another state, another time, a deletion — the original stays known', () => {
    const journal = new Journal();
    journal.state(0, 'within-window');
    const misKeyed = journal.state(20 * minute, 'hypoaroused');
    const late = journal.state(40 * minute, 'within-window');
    const stray = journal.state(45 * minute, 'hyperaroused');
    journal.correct(50 * minute, misKeyed.id, { stateId: 'hyperaroused' });
    journal.correct(51 * minute, late.id, { movedToSessionMs: 35 * minute });
    journal.correct(52 * minute, stray.id, { deleted: true });
    const folded = foldSession(journal.events);
    expect(stretches(journal.events)).toEqual([
      { stateId: 'within-window', kind: 'band', startMs: 0, endMs: 20 * minute, autoClosed: false },
      { stateId: 'hyperaroused', kind: 'band', startMs: 20 * minute, endMs: 35 * minute, autoClosed: false },
      { stateId: 'within-window', kind: 'band', startMs: 35 * minute, endMs: undefined, autoClosed: false },
    ]);
    expect(folded.stateChanges.map((change) => change.id)).not.toContain(stray.id);
    expect(folded.stateChanges.find((change) => change.id === misKeyed.id)).toMatchObject({ originalStateId: 'hypoaroused', corrections: 1 });
    expect(folded.stateChanges.find((change) => change.id === late.id)).toMatchObject({ originalSessionMs: 40 * minute, sessionMs: 35 * minute });
  });

  it('counts a correction of a change it does not know as an orphan and changes nothing', () => {
    const journal = new Journal();
    journal.state(0, 'within-window');
    journal.correct(1000, '00000000-0000-4000-8000-0000000000ff', { deleted: true });
    const fold = SessionFold.of(journal.events);
    expect(fold.clientStates.orphanCorrections).toBe(1);
    expect(fold.snapshot().stateSpans).toHaveLength(1);
  });

  it('orders two changes journaled at the same millisecond by the journal: the later wins, both are kept', () => {
    const journal = new Journal();
    journal.state(10 * minute, 'within-window');
    journal.state(10 * minute, 'hyperaroused');
    const folded = foldSession(journal.events);
    expect(folded.stateChanges).toHaveLength(2);
    expect(stretches(journal.events)).toEqual([{ stateId: 'hyperaroused', kind: 'band', startMs: 10 * minute, endMs: undefined, autoClosed: false }]);
  });
});

describe('correcting a stretch of state in review', () => {
  it('moves where a stretch ended through the change that ended it, and keeps each correction with its reason and signer', () => {
    const journal = new Journal();
    journal.state(0, 'within-window');
    const hyper = journal.state(20 * minute, 'hyperaroused');
    const calmer = journal.state(40 * minute, 'within-window');
    const opened = journal.state(25 * minute, 'dissociated', 'open');
    const closed = journal.state(30 * minute, 'dissociated', 'close');
    let folded = foldSession(journal.events);
    const hyperSpan = folded.stateSpans.find((span) => span.stateId === 'hyperaroused');
    expect(hyperSpan).toMatchObject({ startedBy: hyper.id, endedBy: calmer.id });
    expect(folded.stateSpans.find((span) => span.stateId === 'dissociated')).toMatchObject({ startedBy: opened.id, endedBy: closed.id });

    journal.correct(50 * minute, calmer.id, { movedToSessionMs: 45 * minute, note: 'Settled later than keyed', by: 'AB' });
    journal.correct(51 * minute, closed.id, { movedToSessionMs: 33 * minute });
    journal.correct(52 * minute, hyper.id, { stateId: 'hypoaroused', note: 'Wrong key' });
    journal.end(60 * minute);
    folded = foldSession(journal.events);
    expect(stretches(journal.events)).toEqual([
      { stateId: 'within-window', kind: 'band', startMs: 0, endMs: 20 * minute, autoClosed: false },
      { stateId: 'hypoaroused', kind: 'band', startMs: 20 * minute, endMs: 45 * minute, autoClosed: false },
      { stateId: 'dissociated', kind: 'span', startMs: 25 * minute, endMs: 33 * minute, autoClosed: false },
      { stateId: 'within-window', kind: 'band', startMs: 45 * minute, endMs: 60 * minute, autoClosed: true },
    ]);
    const changeOf = (id: string) => folded.stateChanges.find((change) => change.id === id);
    expect(changeOf(calmer.id)?.history).toEqual([
      expect.objectContaining({ from: 'review', by: 'AB', note: 'Settled later than keyed', move: { fromMs: 40 * minute, toMs: 45 * minute }, stateChange: undefined, deleted: false }),
    ]);
    expect(changeOf(hyper.id)?.history).toEqual([expect.objectContaining({ note: 'Wrong key', by: undefined, stateChange: { from: 'hyperaroused', to: 'hypoaroused' }, move: undefined })]);

    // A stretch whose end was moved is corrected too, though the change that began it was not.
    const exported = exportStateSpans(folded.stateSpans, folded.stateChanges, defaultClientStates, { offsetMs: 0, endMs: 60 * minute, ended: true, phases: [], segments: [] });
    expect(exported.spans.map((span) => [span.stateId, span.corrected])).toEqual([
      ['within-window', false],
      ['hypoaroused', true],
      ['dissociated', true],
      ['within-window', true],
    ]);
  });

  it('removes a span state by deleting its opening and closing: the band under it is untouched, and the removed changes stay listed', () => {
    const journal = new Journal();
    journal.state(0, 'hyperaroused');
    const opened = journal.state(10 * minute, 'dissociated', 'open');
    const closed = journal.state(12 * minute, 'dissociated', 'close');
    const again = journal.state(30 * minute, 'dissociated', 'open');
    journal.correct(40 * minute, opened.id, { deleted: true, note: 'Was sleeping, not numb' });
    journal.correct(40 * minute, closed.id, { deleted: true, note: 'Was sleeping, not numb' });
    expect(stretches(journal.events)).toEqual([
      { stateId: 'hyperaroused', kind: 'band', startMs: 0, endMs: undefined, autoClosed: false },
      { stateId: 'dissociated', kind: 'span', startMs: 30 * minute, endMs: undefined, autoClosed: false },
    ]);
    const fold = SessionFold.of(journal.events);
    expect(fold.clientStates.deletedChanges().map((change) => [change.id, change.history.at(-1)?.note])).toEqual([
      [opened.id, 'Was sleeping, not numb'],
      [closed.id, 'Was sleeping, not numb'],
    ]);
    expect(fold.snapshot().stateSpans.at(-1)?.startedBy).toBe(again.id);
  });

  it('journals the reason given with a correction, drops a blank one, and refuses an empty reason in the journal', () => {
    const journal = new Journal();
    const keyed = journal.state(10 * minute, 'within-window');
    const fold = SessionFold.of(journal.events);
    const context = { states: fold.clientStates, formatTime: (ms: number) => `${ms} ms`, labelOf: (id: string) => id, lastSessionMs: 60 * minute };
    const withReason = correctStateChange(context, { stateEventId: keyed.id, stateId: 'hypoaroused', note: '  Keyed the wrong state ', from: 'review' });
    expect(withReason.ok && withReason.draft.payload.note).toBe('Keyed the wrong state');
    const blank = correctStateChange(context, { stateEventId: keyed.id, stateId: 'hypoaroused', note: '   ', from: 'review' });
    expect(blank.ok && 'note' in blank.draft.payload).toBe(false);
    const event = (payload: object) => ({ id: crypto.randomUUID(), seq: 1, sessionMs: 0, wallTime: new Date().toISOString(), kind: 'client-state-corrected', payload });
    expect(journalEventSchema.safeParse(event({ stateEventId: keyed.id, deleted: true, note: '', from: 'review' })).success).toBe(false);
    expect(journalEventSchema.safeParse(event({ stateEventId: keyed.id, deleted: true, note: 'Pressed by mistake', from: 'review', by: 'AB' })).success).toBe(true);
  });
});

describe('recording a state change', () => {
  const contextOf = (fold: SessionFold): StateChangeContext => ({
    ended: fold.ended !== undefined,
    breakOpen: fold.openSpans().some((span) => span.markKind === 'break'),
    states: fold.clientStates,
    formatTime: (ms) => `${ms} ms`,
    labelOf: (id) => defaultClientStates.find((state) => state.id === id)?.label ?? id,
  });

  it('refuses a state key during a break with a reason, and leaves the band as it was', () => {
    const journal = new Journal();
    journal.state(0, 'within-window');
    const pause = journal.mark(5 * minute, 'break', 'open');
    const fold = SessionFold.of(journal.events);
    expect(stateChangeProblem(contextOf(fold), 6 * minute)).toMatch(/break is open.*End the break \(K\)/);
    expect(fold.snapshot().stateSpans).toHaveLength(1);
    fold.apply(journal.closeSpan(7 * minute, pause.id));
    expect(stateChangeProblem(contextOf(fold), 8 * minute)).toBeUndefined();
  });

  it('refuses a second change at the same millisecond, naming the one already there', () => {
    const journal = new Journal();
    journal.state(90_000, 'hyperaroused');
    const fold = SessionFold.of(journal.events);
    expect(stateChangeProblem(contextOf(fold), 90_000)).toBe(
      'State not recorded: Hyperaroused is already recorded at exactly 90000 ms; press the key again to record the change a moment later.',
    );
    expect(stateChangeProblem(contextOf(fold), 90_001)).toBeUndefined();
  });

  it('refuses a change after the end', () => {
    const journal = new Journal();
    journal.end(1000);
    expect(stateChangeProblem(contextOf(SessionFold.of(journal.events)), 2000)).toMatch(/has ended/);
  });

  it('opens and closes a span state with the same key, and sets a band state', () => {
    const journal = new Journal();
    const fold = SessionFold.of(journal.events);
    const dissociated = defaultClientStates.find((state) => state.id === 'dissociated');
    const within = defaultClientStates.find((state) => state.id === 'within-window');
    if (dissociated === undefined || within === undefined) throw new Error('default states missing');
    expect(stateAction(fold.clientStates, within)).toBe('set');
    expect(stateAction(fold.clientStates, dissociated)).toBe('open');
    fold.apply(journal.state(1000, 'dissociated', 'open'));
    expect(stateAction(fold.clientStates, dissociated)).toBe('close');
  });

  it('refuses a correction that would put two changes at one moment, or changes nothing', () => {
    const journal = new Journal();
    journal.state(10 * minute, 'within-window');
    const second = journal.state(20 * minute, 'hyperaroused');
    const fold = SessionFold.of(journal.events);
    const context = { ...contextOf(fold), lastSessionMs: 60 * minute };
    const moved = correctStateChange(context, { stateEventId: second.id, movedToSessionMs: 10 * minute, from: 'review' });
    expect(moved).toEqual({ ok: false, error: 'Within window is already recorded at exactly 600000 ms; choose another moment.' });
    expect(correctStateChange(context, { stateEventId: second.id, from: 'review' }).ok).toBe(false);
    expect(correctStateChange(context, { stateEventId: second.id, movedToSessionMs: 90 * minute, from: 'review' }).ok).toBe(false);
    const fine = correctStateChange(context, { stateEventId: second.id, movedToSessionMs: 15 * minute, from: 'review' });
    expect(fine.ok && journalEventSchema.safeParse({ id: crypto.randomUUID(), seq: 9, sessionMs: 0, wallTime: new Date().toISOString(), ...fine.draft }).success).toBe(true);
  });
});

describe('the prolonged-state prompt', () => {
  it('comes after each state’s own minutes, only for states that still hold', () => {
    const journal = new Journal();
    journal.state(0, 'hyperaroused');
    journal.state(10 * minute, 'dissociated', 'open');
    const fold = SessionFold.of(journal.events);
    expect(prolongedStates(fold.clientStates, defaultClientStates, 19 * minute)).toEqual([]);
    expect(prolongedStates(fold.clientStates, defaultClientStates, 20 * minute).map((prompt) => prompt.state.id)).toEqual(['hyperaroused']);
    expect(prolongedStates(fold.clientStates, defaultClientStates, 25 * minute).map((prompt) => prompt.state.id)).toEqual(['hyperaroused', 'dissociated']);
    fold.apply(journal.state(26 * minute, 'within-window'));
    expect(prolongedStates(fold.clientStates, defaultClientStates, 27 * minute).map((prompt) => prompt.state.id)).toEqual(['dissociated']);
  });

  it('folds what was done with each prompt, and when, in journal order; a bad answer is refused by the schema', () => {
    const journal = new Journal();
    const hyper = journal.state(0, 'hyperaroused');
    journal.promptAnswered(20 * minute, hyper, 'hold-phase');
    journal.promptAnswered(21 * minute, hyper, 'dismissed');
    const folded = foldSession(journal.events);
    expect(folded.statePromptAnswers.map(({ sessionMs, wallTime, stateId, stateEventId, sinceMs, answer }) => ({ sessionMs, wallTime, stateId, stateEventId, sinceMs, answer }))).toEqual([
      { sessionMs: 20 * minute, wallTime: new Date(startWall + 20 * minute).toISOString(), stateId: 'hyperaroused', stateEventId: hyper.id, sinceMs: 0, answer: 'hold-phase' },
      { sessionMs: 21 * minute, wallTime: new Date(startWall + 21 * minute).toISOString(), stateId: 'hyperaroused', stateEventId: hyper.id, sinceMs: 0, answer: 'dismissed' },
    ]);
    // The live fold keeps them as they come.
    expect(SessionFold.of(journal.events).statePromptAnswers.map((answer) => answer.answer)).toEqual(['hold-phase', 'dismissed']);
    const refused = journalEventSchema.safeParse({ ...journal.events[1], payload: { stateId: 'hyperaroused', stateEventId: hyper.id, sinceMs: 0, answer: 'ignored' } });
    expect(refused.success).toBe(false);
  });
});

describe('state keys in the settings', () => {
  it('defaults clash with no mark key, reserved key or Shift+letter plan key', () => {
    expect(settingsSchema.safeParse(defaultSettings).success).toBe(true);
    const stateKeys = defaultClientStates.map((state) => state.key);
    const taken = [...defaultMarkKinds.map((kind) => kind.key), 'h', 'e', 'n', 'r', 's', 'q', '1', '2', '3', '4', '5', ' '];
    expect(stateKeys.filter((key) => taken.includes(key))).toEqual([]);
    expect(defaultClientStates.find((state) => state.id === 'dissociated')).toMatchObject({ span: true, promptAfterMinutes: 15 });
    expect(defaultClientStates.find((state) => state.id === 'hyperaroused')?.promptAfterMinutes).toBe(20);
  });

  it('refuses a state key a mark kind has, and a reserved key', () => {
    const clashing = settingsSchema.safeParse({
      ...defaultSettings,
      clientStates: defaultClientStates.map((state) => (state.id === 'hyperaroused' ? { ...state, key: 'd' } : state)),
    });
    expect(clashing.success).toBe(false);
    if (!clashing.success) expect(describeZodError(clashing.error)).toContain('the key "D" of the state Hyperaroused is already the mark Distress');
    const reserved = settingsSchema.safeParse({ ...defaultSettings, clientStates: defaultClientStates.map((state) => ({ ...state, key: state.id === 'hypoaroused' ? 'q' : state.key })) });
    expect(reserved.success).toBe(false);
    const twice = settingsSchema.safeParse({ ...defaultSettings, clientStates: defaultClientStates.map((state) => ({ ...state, key: 'w' })) });
    expect(twice.success).toBe(false);
  });
});
