import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../../core/channels';
import type { AppendAck, HostCall } from '../../../core/contract';
import { journalEventSchema, type JournalEvent, type JournalEventInput } from '../../../core/events';
import { locate, type SessionPlan } from '../../../core/plan';
import { changeKind, deleteMark, markFromMemory } from '../../../core/mark-corrections';
import { playlistSchema, type Playlist } from '../../../core/playlist';
import { fail, ok, type Result } from '../../../core/result';
import { sessionMetaSchema, type SessionMeta } from '../../../core/session';
import { defaultSettings, type Settings } from '../../../core/settings';
import { TypedEmitter } from '../../../core/typed-emitter';
import type { PlayerState, SessionPlayerEvents } from '../../audio/SessionPlayer';
import { LiveSession, type LivePlayer, type LiveSessionHost, type ResumePoint } from './LiveSession';

const playlist: Playlist = playlistSchema.parse({
  format: 'attune.playlist',
  version: 1,
  id: 'ocean',
  title: 'Ocean',
  phases: [
    {
      id: 'onset',
      kind: 'onset',
      title: 'Onset',
      targetMinutes: 20,
      segments: [
        { type: 'soundscape', id: 'tide', title: 'Tide', preset: 'breath', durationSeconds: 600 },
        { type: 'soundscape', id: 'shore', title: 'Shore', preset: 'drone', durationSeconds: 600 },
      ],
    },
    { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 20, segments: [{ type: 'soundscape', id: 'deep', preset: 'earth', durationSeconds: 1200 }] },
  ],
});

const meta: SessionMeta = sessionMetaSchema.parse({
  id: '20261202-100000-abcdef',
  playlistId: 'ocean',
  playlistTitle: 'Ocean',
  createdAt: '2026-12-02T10:00:00.000Z',
  status: 'open',
});

/** Music time is set by the test; the player only says where it is. */
class FakePlayer extends TypedEmitter<SessionPlayerEvents> implements LivePlayer {
  programMs: number;
  private status: PlayerState['status'] = 'ready';

  constructor(
    private plan: SessionPlan,
    startAtProgramMs: number,
  ) {
    super();
    this.programMs = startAtProgramMs;
  }

  getState(): PlayerState {
    return { status: this.status, programMs: this.programMs, position: locate(this.plan, this.programMs) };
  }

  programNow(): number {
    return this.programMs;
  }

  play(): Promise<void> {
    this.status = 'playing';
    this.emit('state', this.getState());
    return Promise.resolve();
  }

  pause(): void {
    this.status = 'paused';
  }

  quiet(): void {
    this.status = 'quiet';
  }

  replacePlan(plan: SessionPlan): void {
    this.plan = plan;
  }

  /** The closing beds asked for, in order; undefined for silence. */
  readonly closingBeds: (string | undefined)[] = [];
  closingStopped = false;

  /** The plan runs out, as the engine reports it. */
  runOut(): void {
    this.programMs = this.plan.totalMs;
    this.status = 'ended';
    this.emit('ended', { programMs: this.plan.totalMs });
  }

  playClosing(bed: { readonly preset: string } | undefined): Promise<void> {
    this.status = 'ended';
    this.closingBeds.push(bed?.preset);
    return Promise.resolve();
  }

  stopClosing(): void {
    this.closingStopped = true;
  }

  deckCount(): number {
    return 0;
  }

  joinStatuses(): Record<string, string> {
    return {};
  }

  disposed = false;
  dispose(): void {
    this.disposed = true;
    this.removeAllListeners();
  }
}

class FakeOutput extends TypedEmitter<{ 'device-lost': undefined }> {
  volume = 0.8;
  setVolume(volume: number): void {
    this.volume = volume;
  }
  outputLevelDb(): number {
    return -20;
  }
}

/** The host's journal as the live session sees it: each id kept once; down or up as the test says. */
class FakeHost {
  readonly saved: JournalEventInput[] = [];
  down = false;
  /** How long an append takes to be answered. */
  delayMs = 0;

  readonly call: HostCall = ((channel: Channel, request: unknown): Promise<Result<unknown>> => {
    if (channel === 'power:keep-awake') return Promise.resolve(ok({ held: false }));
    if (channel === 'sessions:end') return Promise.resolve(ok(meta));
    if (channel !== 'journal:append') return Promise.resolve(fail('unsupported', channel));
    if (this.down) return Promise.resolve(fail('internal', "could not reach Attune's host: Failed to fetch"));
    const { events } = request as { events: JournalEventInput[] };
    const acks: AppendAck[] = events.map((event) => {
      if (!this.saved.some((saved) => saved.id === event.id)) this.saved.push(event);
      return { id: event.id, seq: this.saved.findIndex((saved) => saved.id === event.id), wallTime: '2026-12-02T10:00:00.000Z', duplicate: false };
    });
    const answer = ok(acks) as Result<unknown>;
    return this.delayMs === 0 ? Promise.resolve(answer) : new Promise<Result<unknown>>((resolve) => setTimeout(() => resolve(answer), this.delayMs));
  }) as HostCall;

  kinds(): string[] {
    return this.saved.map((event) => (event.kind === 'mark' ? `mark:${event.payload.markKind}` : event.kind));
  }
}

interface Harness {
  readonly session: LiveSession;
  readonly host: FakeHost;
  readonly player: () => FakePlayer;
  readonly output: FakeOutput;
  monotonicMs: number;
  /** The host's `journal:remote-events` for this session, as a paired device's events are journaled. */
  readonly deliverRemote: (events: readonly JournalEvent[]) => void;
}

function start(options: { settings?: Partial<Settings>; resume?: ResumePoint } = {}): Harness {
  const host = new FakeHost();
  const output = new FakeOutput();
  let player: FakePlayer | undefined;
  const remoteListeners = new Set<(events: readonly JournalEvent[]) => void>();
  const deliverRemote = (events: readonly JournalEvent[]) => {
    for (const listener of remoteListeners) listener(events);
  };
  const harness = { host, output, monotonicMs: 0, deliverRemote } as Harness & { session: LiveSession };
  const liveHost: LiveSessionHost = {
    call: host.call,
    output,
    mediaUrl: (playlistId, segmentId) => `media/${playlistId}/${segmentId}`,
    createPlayer: (plan, startAtProgramMs) => (player = new FakePlayer(plan, startAtProgramMs)),
    monotonicNow: () => harness.monotonicMs,
    wallNow: () => Date.parse('2026-12-02T10:00:00.000Z') + harness.monotonicMs,
    remoteEvents: (listener) => {
      remoteListeners.add(listener);
      return () => remoteListeners.delete(listener);
    },
  };
  const session = new LiveSession(meta, playlist, { ...defaultSettings, ...options.settings }, liveHost, options.resume);
  return Object.assign(harness, { session, player: () => player as FakePlayer });
}

/** A journal of `count` events as an 8-hour day leaves it: segment starts, marks, edits, volume moves. */
function busyDay(count: number): JournalEvent[] {
  const events: JournalEvent[] = [];
  const stepMs = Math.floor((8 * 3_600_000) / count);
  for (let seq = 0; seq < count; seq += 1) {
    const sessionMs = seq * stepMs;
    const base = { id: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`, seq, sessionMs, wallTime: new Date(Date.parse('2026-12-02T02:00:00.000Z') + sessionMs).toISOString() };
    const input =
      seq === 0
        ? { kind: 'session-started', payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } }
        : seq % 10 === 1
          ? { kind: 'segment-started', payload: { phaseId: 'peak', segmentId: 'deep', programMs: sessionMs } }
          : seq % 10 === 2
            ? { kind: 'volume', payload: { volume: 0.7 } }
            : seq % 10 === 3
              ? { kind: 'mark-edited', payload: { markId: `00000000-0000-4000-8000-${(seq - 3).toString(16).padStart(12, '0')}`, intensity: 3 } }
              : { kind: 'mark', payload: { markKind: seq % 2 === 0 ? 'resonance' : 'distress', phaseId: 'peak', segmentId: 'deep', positionMs: 1000, reactionOffsetMs: 0 } };
    events.push(journalEventSchema.parse({ ...base, ...input }));
  }
  return events;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveSession without a browser', () => {
  it('records a mark with its session time, phase, segment and position, unsaved until the journal acknowledges it', async () => {
    const live = start();
    await live.session.play();
    live.monotonicMs = 12 * 60_000;
    live.player().programMs = 11 * 60_000;
    const id = live.session.mark('resonance');
    const recent = live.session.getState().recentMarks[0];
    // Shore starts under the crossfade from Tide, before the 10-minute mark.
    const shore = live.session.plan.entries.find((entry) => entry.segment.id === 'shore');
    expect(shore?.startMs).toBeLessThan(10 * 60_000);
    expect(recent).toMatchObject({ id, markKind: 'resonance', sessionMs: 12 * 60_000, phaseId: 'onset', segmentId: 'shore', positionMs: 11 * 60_000 - (shore?.startMs ?? 0), saved: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.session.getState().recentMarks[0]?.saved).toBe(true);
    expect(live.host.kinds()).toEqual(['playback', 'mark:resonance']);
    live.session.dispose();
  });

  it('tells its listeners once per handler, after the mark has gone to the host and been answered', async () => {
    const live = start();
    await live.session.play();
    await vi.advanceTimersByTimeAsync(100);
    const savedAtRender: number[] = [];
    live.session.on('state', (state) => savedAtRender.push(state.recentMarks.filter((mark) => mark.saved).length));
    live.session.mark('resonance');
    live.session.mark('distress');
    expect(live.host.saved.map((event) => event.kind)).toEqual(['playback', 'mark']);
    expect(savedAtRender).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    // The first render waits for the first answer; the second mark went in the next append.
    expect(savedAtRender).toEqual([1]);
    // The next render comes a tenth of a second after the last one, however many changes came meanwhile.
    await vi.advanceTimersByTimeAsync(99);
    expect(savedAtRender).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(savedAtRender).toEqual([1, 2]);
    live.session.dispose();
  });

  it('holds the render that waited out the cooldown until the append in flight is answered', async () => {
    const live = start();
    await live.session.play();
    await vi.advanceTimersByTimeAsync(100);
    live.host.delayMs = 8;
    const rendered: { marks: number; saved: number }[] = [];
    live.session.on('state', (state) => rendered.push({ marks: state.recentMarks.length, saved: state.recentMarks.filter((mark) => mark.saved).length }));
    live.session.mark('resonance');
    await vi.advanceTimersByTimeAsync(8);
    expect(rendered).toEqual([{ marks: 1, saved: 1 }]);
    // The next mark goes out 4 ms before the cooldown ends and is answered 4 ms after: a render
    // started at the cooldown's end would stand in front of its acknowledgement.
    await vi.advanceTimersByTimeAsync(96);
    live.session.mark('distress');
    await vi.advanceTimersByTimeAsync(7);
    expect(rendered).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(rendered).toEqual([{ marks: 1, saved: 1 }, { marks: 2, saved: 2 }]);
    live.session.dispose();
  });

  it('renders within a frame even when the host is slow to answer', async () => {
    const live = start();
    await live.session.play();
    await vi.advanceTimersByTimeAsync(0);
    live.host.delayMs = 1000;
    await vi.advanceTimersByTimeAsync(100);
    const rendered: number[] = [];
    live.session.on('state', (state) => rendered.push(state.recentMarks.length));
    live.session.mark('resonance');
    await vi.advanceTimersByTimeAsync(31);
    expect(rendered).toEqual([]);
    // The render does not wait for a slow answer longer than about a frame.
    await vi.advanceTimersByTimeAsync(1);
    expect(rendered).toEqual([1]);
    expect(live.session.getState().recentMarks[0]?.saved).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.session.getState().recentMarks[0]?.saved).toBe(true);
    live.session.dispose();
  });

  it('keeps marking while the host is down, shows what waits, and saves it all when the host is back', async () => {
    const live = start();
    await live.session.play();
    await vi.advanceTimersByTimeAsync(0);
    live.host.down = true;
    for (let second = 1; second <= 30; second += 1) {
      live.monotonicMs = second * 1000;
      live.player().programMs = second * 1000;
      live.session.mark(second % 2 === 0 ? 'resonance' : 'distress');
      await vi.advanceTimersByTimeAsync(1000);
    }
    const waiting = live.session.getState();
    expect(waiting.unsavedCount).toBeGreaterThanOrEqual(30);
    expect(waiting.saveWarning).toMatch(/could not reach/);
    expect(waiting.recentMarks.every((mark) => !mark.saved)).toBe(true);
    live.host.down = false;
    await vi.advanceTimersByTimeAsync(4000);
    const saved = live.session.getState();
    expect(saved).toMatchObject({ unsavedCount: 0, saveWarning: undefined });
    expect(saved.recentMarks.every((mark) => mark.saved)).toBe(true);
    expect(live.host.kinds().filter((kind) => kind.startsWith('mark:'))).toHaveLength(30);
    live.session.dispose();
  });

  it('resumes a day of 20,000 events and marks on it as it would at the start', async () => {
    const events = busyDay(20_000);
    const live = start({ resume: { events, sessionMs: 8 * 3_600_000, programMs: 30 * 60_000, playing: true } });
    await live.session.play();
    live.monotonicMs = 1000;
    const id = live.session.mark('breakthrough');
    const state = live.session.getState();
    expect(state.recentMarks).toHaveLength(12);
    expect(state.recentMarks[0]).toMatchObject({ id, markKind: 'breakthrough', saved: false });
    // Marks from the journal were saved before the page opened; an edit made there shows.
    expect(state.recentMarks[1]).toMatchObject({ saved: true });
    expect(live.session.foldedSession().marks.filter((mark) => mark.intensity === 3).length).toBeGreaterThan(1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.kinds()).toEqual(['session-resumed', 'playback', 'mark:breakthrough']);
    live.session.dispose();
  });

  it('journals a clock jump once and says so, without moving session time', async () => {
    const live = start();
    await live.session.play();
    await vi.advanceTimersByTimeAsync(1000);
    live.monotonicMs = 2000;
    // The wall clock runs on by 2 hours while the monotonic clock moves 1 s (a laptop that slept).
    const wallAtStart = Date.parse('2026-12-02T10:00:00.000Z');
    (live.session as unknown as { wallNow: () => number }).wallNow = () => wallAtStart + 2 * 3_600_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.host.saved.filter((event) => event.kind === 'clock-jump')).toHaveLength(1);
    expect(live.session.getState().notice).toMatch(/jumped 120 min ahead/);
    expect(live.session.sessionMs()).toBe(2000);
    live.session.dispose();
  });

  it('shows a due vitals reminder, journals it as shown once, and logs it with the vitals key', async () => {
    const live = start();
    await live.session.play();
    live.monotonicMs = 31 * 60_000;
    live.player().programMs = 31 * 60_000;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.session.getState().reminders.map((reminder) => reminder.reminder)).toEqual(['vitals']);
    expect(live.host.saved.filter((event) => event.kind === 'reminder')).toHaveLength(1);
    live.session.mark('vitals');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.session.getState().reminders).toEqual([]);
    expect(live.host.kinds().slice(-2)).toEqual(['mark:vitals', 'reminder']);
    live.session.dispose();
  });

  it('moves the volume in 2 dB steps, journaled and remembered', async () => {
    const live = start({ settings: { volume: 0.5 } });
    const heard: number[] = [];
    live.session.on('volume', (volume) => heard.push(volume));
    live.session.changeVolume(-1);
    expect(20 * Math.log10(live.output.volume / 0.5)).toBeCloseTo(-2, 5);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.saved.at(-1)).toMatchObject({ kind: 'volume', payload: { volume: Math.round(live.output.volume * 1000) / 1000 } });
    expect(heard).toEqual([live.output.volume]);
    live.session.dispose();
  });
});

describe('LiveSession volume while its steps are being saved', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('keeps its own volume when settings saved for an earlier step come back after later steps', async () => {
    const live = start({ settings: { volume: 0.8 } });
    live.session.changeVolume(-1);
    const afterFirstStep = live.output.volume;
    live.session.changeVolume(-1);
    live.session.changeVolume(-1);
    const afterThirdStep = live.output.volume;
    // The answer to saving the first step arrives now, with the first step's volume.
    live.session.updateSettings({ ...defaultSettings, volume: afterFirstStep });
    expect(live.output.volume).toBe(afterThirdStep);
    expect(live.session.volume()).toBe(afterThirdStep);
    live.session.changeVolume(-1);
    expect(20 * Math.log10(live.output.volume / afterThirdStep)).toBeCloseTo(-2, 5);
    live.session.dispose();
  });
});

describe('LiveSession details added while the screen has not caught up', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('merges each vital sign with those saved a moment before, and toggles intensity from what is saved', async () => {
    const live = start();
    await live.session.play();
    const id = live.session.mark('vitals') as string;
    // Two fields left one after the other, faster than the screen re-renders.
    live.session.setVital(id, 'systolic', 128);
    live.session.setVital(id, 'heartRate', 92);
    live.session.toggleIntensity(id, 3);
    live.session.toggleIntensity(id, 3);
    await vi.advanceTimersByTimeAsync(200);
    expect(live.session.foldedSession().marks.find((mark) => mark.id === id)).toMatchObject({ vitals: { systolic: 128, heartRate: 92 }, intensity: undefined });
    live.session.setVital(id, 'systolic', undefined);
    expect(live.session.foldedSession().marks.find((mark) => mark.id === id)?.vitals).toEqual({ heartRate: 92 });
    live.session.dispose();
  });
});

describe('LiveSession corrections', () => {
  const event = (seq: number, kind: string, sessionMs: number, payload: object) =>
    journalEventSchema.parse({
      id: `00000000-0000-4000-8000-${(seq + 1).toString(16).padStart(12, '0')}`,
      seq,
      kind,
      sessionMs,
      wallTime: new Date(Date.parse('2026-12-02T10:00:00.000Z') + sessionMs).toISOString(),
      payload,
    });

  it('journals a kind change, a deletion with why and a mark from memory, and refuses what cannot be, saying why', async () => {
    const events = [
      event(0, 'session-started', 0, { playlistId: 'ocean', playlistTitle: 'Ocean' }),
      event(1, 'phase-started', 0, { phaseId: 'onset', programMs: 0 }),
      event(2, 'segment-started', 0, { phaseId: 'onset', segmentId: 'tide', programMs: 0 }),
    ];
    const live = start({ resume: { events, sessionMs: 60_000, programMs: 60_000, playing: true } });
    live.monotonicMs = 0;
    const id = live.session.mark('resonance') as string;
    expect(live.session.correct((fold) => changeKind(fold, id, 'distress', 'live'))).toBeUndefined();
    expect(live.session.correct((fold, now) => markFromMemory(fold, { markKind: 'breakthrough', sinceDoseMs: 30_000, latestSessionMs: now, note: '', origin: 'live' }))).toBeUndefined();
    expect(live.session.correct((fold) => deleteMark(fold, id, '', 'live'))).toMatch(/Say why/);
    expect(live.session.correct((fold) => deleteMark(fold, id, 'Made twice', 'live'))).toBeUndefined();
    expect(live.session.correct((fold, now) => markFromMemory(fold, { markKind: 'note', sinceDoseMs: now + 60_000, latestSessionMs: now, note: '', origin: 'live' }))).toMatch(/after the session/);
    await vi.advanceTimersByTimeAsync(200);

    const folded = live.session.foldedSession();
    expect(folded.marks.map((mark) => [mark.markKind, mark.sessionMs, mark.segmentId, mark.positionMs, mark.fromMemory?.origin])).toEqual([['breakthrough', 30_000, 'tide', 30_000, 'live']]);
    expect(folded.deletedMarks[0]).toMatchObject({ markKind: 'distress', originalKind: 'resonance', deleted: { reason: 'deleted', note: 'Made twice' } });
    expect(live.host.kinds().filter((kind) => kind.startsWith('mark'))).toEqual(['mark:resonance', 'mark-edited', 'mark-from-memory', 'mark-deleted']);
    live.session.dispose();
  });
});

describe('LiveSession after the music', () => {
  it('keeps the session open when the plan runs out: the closing sound plays, marks and vitals go on, End session ends it', async () => {
    const live = start({ settings: { closingSound: 'earth' } });
    await live.session.play();
    live.monotonicMs = 40 * 60_000;
    live.player().runOut();
    await vi.advanceTimersByTimeAsync(0);
    expect(live.session.getState()).toMatchObject({ ended: false, closing: 'earth' });
    expect(live.player().closingBeds).toEqual(['earth']);
    expect(live.host.saved.at(-1)).toMatchObject({ kind: 'closing-started', payload: { sound: 'earth', programMs: live.session.plan.totalMs } });

    live.monotonicMs = 55 * 60_000;
    const id = live.session.mark('resonance') as string;
    live.session.editMark(id, { note: 'sang along' });
    // Play, pause and plan keys do nothing to music that has ended, and journal nothing.
    await live.session.play();
    expect(live.session.skipSegment()).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.kinds().filter((kind) => kind !== 'reminder').slice(-3)).toEqual(['closing-started', 'mark:resonance', 'mark-edited']);
    expect(live.session.foldedSession().marks.at(-1)).toMatchObject({
      sessionMs: 55 * 60_000,
      phaseId: 'peak',
      segmentId: live.session.plan.entries.at(-1)?.segment.id,
      note: 'sang along',
    });

    await live.session.end();
    expect(live.session.getState()).toMatchObject({ ended: true, closing: undefined });
    expect(live.player().closingStopped).toBe(true);
    live.session.dispose();
  });

  it('retired for the next session, an ended one lets its closing sound finish fading first; one still running is freed at once', async () => {
    const ended = start({ settings: { closingSound: 'breath' } });
    await ended.session.play();
    ended.player().runOut();
    await vi.advanceTimersByTimeAsync(0);
    await ended.session.end();
    ended.session.retire();
    await vi.advanceTimersByTimeAsync(4000);
    expect(ended.player().disposed, 'still fading after 4 s of the 5 s fade').toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(ended.player().disposed).toBe(true);

    const running = start();
    await running.session.play();
    running.session.retire();
    expect(running.player().disposed).toBe(true);
  });

  it('comes back to the closing sound after a crash, without starting the music again or journaling the closing twice', async () => {
    const first = start({ settings: { closingSound: 'breath' } });
    await first.session.play();
    first.player().runOut();
    await vi.advanceTimersByTimeAsync(0);
    const events = first.host.saved.map((input, seq) => journalEventSchema.parse({ ...input, seq, wallTime: '2026-12-02T10:40:00.000Z' }));
    first.session.dispose();

    const folded = first.session.foldedSession();
    expect(folded.playback?.playing).toBe(false);
    const resumed = start({ resume: { events, sessionMs: 50 * 60_000, programMs: folded.playback?.programMs ?? 0, playing: false } });
    expect(resumed.player().closingBeds).toEqual(['breath']);
    expect(resumed.session.getState().closing).toBe('breath');
    await resumed.session.play();
    await vi.advanceTimersByTimeAsync(0);
    expect(resumed.host.kinds()).toEqual(['session-resumed']);
    resumed.session.dispose();
  });
});

describe('LiveSession: Escape on the form a mark opened', () => {
  it('takes an empty vitals mark back as an undo, and leaves one with a value in it', async () => {
    const live = start();
    await live.session.play();
    const empty = live.session.mark('vitals') as string;
    // Leaving the empty fields on the way to Escape is no edit.
    live.session.setVital(empty, 'systolic', undefined);
    expect(live.session.takeBackIfEmpty(empty)).toBe(true);
    const filled = live.session.mark('vitals') as string;
    live.session.setVital(filled, 'heartRate', 90);
    expect(live.session.takeBackIfEmpty(filled)).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.saved.filter((event) => event.kind === 'mark-deleted').map((event) => event.payload)).toEqual([{ markId: empty, reason: 'undo' }]);
    expect(live.host.saved.filter((event) => event.kind === 'mark-edited')).toHaveLength(1);
    expect(live.session.foldedSession().marks.map((mark) => mark.id)).toEqual([filled]);
    live.session.dispose();
  });
});

describe('LiveSession: the client state', () => {
  it('journals a state key at once, like a mark, and shows the band; a span state opens and closes with its key', async () => {
    const live = start();
    await live.session.play();
    await vi.advanceTimersByTimeAsync(100);
    live.monotonicMs = 5 * 60_000;
    const first = live.session.setClientState('within-window');
    // Sent before any render, with nothing awaited in between.
    expect(live.host.saved.at(-1)).toMatchObject({ id: first, kind: 'client-state', sessionMs: 5 * 60_000, payload: { stateId: 'within-window', action: 'set' } });
    live.monotonicMs = 10 * 60_000;
    live.session.setClientState('dissociated');
    live.monotonicMs = 12 * 60_000;
    live.session.setClientState('dissociated');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.saved.filter((event) => event.kind === 'client-state').map((event) => event.kind === 'client-state' && event.payload.action)).toEqual(['set', 'open', 'close']);
    expect(live.session.getState().stateSpans.map(({ stateId, startMs, endMs }) => ({ stateId, startMs, endMs }))).toEqual([
      { stateId: 'within-window', startMs: 5 * 60_000, endMs: undefined },
      { stateId: 'dissociated', startMs: 10 * 60_000, endMs: 12 * 60_000 },
    ]);
    live.session.dispose();
  });

  it('refuses a state key during a break and at the same millisecond as another, saying why, and loses nothing', async () => {
    const live = start();
    await live.session.play();
    live.monotonicMs = 60_000;
    live.session.setClientState('hyperaroused');
    expect(live.session.setClientState('within-window')).toBeUndefined();
    expect(live.session.getState().notice).toMatch(/Hyperaroused is already recorded at exactly 0:01:00/);
    live.monotonicMs = 2 * 60_000;
    live.session.mark('break');
    live.monotonicMs = 3 * 60_000;
    expect(live.session.setClientState('within-window')).toBeUndefined();
    expect(live.session.getState().notice).toMatch(/a break is open/);
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.kinds()).toEqual(['playback', 'client-state', 'mark:break']);
    expect(live.session.getState().stateSpans.map((span) => span.stateId)).toEqual(['hyperaroused']);
    live.session.dispose();
  });

  it('prompts quietly after a prolonged state, offers the plan’s options, and keeps a dismissed prompt away for that stretch', async () => {
    const live = start();
    await live.session.play();
    live.session.setClientState('hyperaroused');
    live.monotonicMs = 19 * 60_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.session.getState().statePrompts).toEqual([]);
    live.monotonicMs = 20 * 60_000;
    await vi.advanceTimersByTimeAsync(1000);
    const [prompt] = live.session.getState().statePrompts;
    if (prompt === undefined) throw new Error('no prompt after 20 minutes hyperaroused');
    expect(prompt.state.id).toBe('hyperaroused');
    // Hold never toggles into a release from the prompt; a hold that did nothing is not journaled as an answer.
    expect(live.session.answerStatePrompt(prompt, 'hold-phase')).toBe(true);
    expect(live.session.answerStatePrompt(prompt, 'hold-phase')).toBe(false);
    expect(live.session.getState().notice).toMatch(/already held/);
    expect(live.session.plan.phases.find((phase) => phase.id === 'onset')?.held).toBe(true);
    expect(live.session.answerStatePrompt(prompt, 'calm-bridge')).toBe(true);
    expect(live.player().getState().status).toBe('quiet');
    live.monotonicMs = 21 * 60_000;
    expect(live.session.answerStatePrompt(prompt, 'dismissed')).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(live.session.getState().statePrompts).toEqual([]);
    // Each answer journaled with the stretch it answered and when.
    const answers = live.host.saved.filter((event) => event.kind === 'state-prompt-answered');
    expect(answers.map((event) => event.kind === 'state-prompt-answered' && event.payload)).toEqual(
      ['hold-phase', 'calm-bridge', 'dismissed'].map((answer) => ({ stateId: 'hyperaroused', stateEventId: prompt.startedBy, sinceMs: prompt.sinceMs, answer })),
    );
    expect(answers.at(-1)?.sessionMs).toBe(21 * 60_000);

    // Resumed after a crash, the dismissed stretch does not prompt again.
    const events = live.host.saved.map((input, seq) => journalEventSchema.parse({ ...input, seq, wallTime: '2026-12-02T10:40:00.000Z' }));
    live.session.dispose();
    const resumed = start({ resume: { events, sessionMs: 30 * 60_000, programMs: 20 * 60_000, playing: false } });
    resumed.monotonicMs = 30 * 60_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(resumed.session.getState().statePrompts).toEqual([]);
    resumed.session.dispose();
  });
});

describe('LiveSession with a co-facilitator', () => {
  /** A device's mark as the host journals it: its author, its own id, the host's seq. */
  const deviceMark = (id: string, seq: number, sessionMs: number, markKind: string, extra: Record<string, unknown> = {}): JournalEvent =>
    journalEventSchema.parse({
      id,
      seq,
      sessionMs,
      wallTime: '2026-12-02T10:05:00.000Z',
      kind: 'mark',
      payload: { markKind, phaseId: 'onset', segmentId: 'tide', positionMs: sessionMs, reactionOffsetMs: 0, by: 'CD', ...extra },
    });
  const markId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

  it('folds a device’s marks in once, with their author and late flag, and leaves them out of undo and the digit keys', async () => {
    const live = start();
    await live.session.play();
    live.monotonicMs = 60_000;
    live.player().programMs = 60_000;
    live.session.signIn('AB');
    const own = live.session.mark('resonance');
    await vi.advanceTimersByTimeAsync(0);
    const states: number[] = [];
    live.session.on('state', (state) => states.push(state.recentMarks.length));

    const batch = [deviceMark(markId(1), 5, 30_000, 'distress', { late: true }), deviceMark(markId(2), 6, 50_000, 'breakthrough', { late: true })];
    live.deliverRemote(batch);
    // A reconnecting event stream hands the latest batch over again: nothing is folded twice.
    live.deliverRemote(batch);
    await vi.advanceTimersByTimeAsync(200);
    expect(states.at(-1)).toBe(3);

    const recent = live.session.getState().recentMarks;
    expect(recent.map((mark) => [mark.markKind, mark.by, mark.late, mark.remote])).toEqual([
      ['breakthrough', 'CD', true, true],
      ['distress', 'CD', true, true],
      ['resonance', 'AB', false, false],
    ]);
    // The screen's own mark stays the one undo and the digit keys act on.
    expect(live.session.getState().undoable?.id).toBe(own);
    expect(live.session.getState().newestOwnMark?.id).toBe(own);
    // Folded only: the device's marks are the host's already, never sent back.
    expect(live.host.saved.filter((event) => event.kind === 'mark').map((event) => event.id)).toEqual([own]);
    expect(live.host.saved.find((event) => event.id === own)?.payload).toMatchObject({ by: 'AB' });
    live.session.dispose();
  });

  it('adds details to a device’s mark, signed by the main facilitator, and takes the device’s details on its own marks', async () => {
    const live = start();
    await live.session.play();
    live.monotonicMs = 60_000;
    live.session.signIn('AB');
    const own = live.session.mark('resonance');
    if (own === undefined) throw new Error('no mark');
    live.deliverRemote([deviceMark(markId(3), 4, 40_000, 'distress')]);
    live.session.editMark(markId(3), { intensity: 4, note: 'held her hand' });
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.saved.find((event) => event.kind === 'mark-edited')?.payload).toEqual({ markId: markId(3), intensity: 4, note: 'held her hand', by: 'AB' });

    // The device adds a note to the main screen's mark.
    live.deliverRemote([
      journalEventSchema.parse({ id: markId(9), seq: 8, sessionMs: 61_000, wallTime: '2026-12-02T10:05:00.000Z', kind: 'mark-edited', payload: { markId: own, note: 'tears', by: 'CD' } }),
    ]);
    await vi.advanceTimersByTimeAsync(200);
    const marks = live.session.getState().recentMarks;
    expect(marks.find((mark) => mark.id === own)).toMatchObject({ note: 'tears', by: 'AB', remote: false });
    expect(marks.find((mark) => mark.id === markId(3))).toMatchObject({ intensity: 4, note: 'held her hand', by: 'CD', remote: true });
    live.session.dispose();
  });

  it('resumed after a reload, knows who signed in here and which marks were a device’s', async () => {
    const events = [
      journalEventSchema.parse({ id: markId(20), seq: 0, sessionMs: 0, wallTime: '2026-12-02T10:00:00.000Z', kind: 'session-started', payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } }),
      journalEventSchema.parse({ id: markId(21), seq: 1, sessionMs: 10, wallTime: '2026-12-02T10:00:00.000Z', kind: 'co-facilitator', payload: { action: 'joined', device: 'main', by: 'AB' } }),
      journalEventSchema.parse({ id: markId(22), seq: 2, sessionMs: 20_000, wallTime: '2026-12-02T10:00:20.000Z', kind: 'mark', payload: { markKind: 'resonance', phaseId: 'onset', segmentId: 'tide', positionMs: 20_000, reactionOffsetMs: 0, by: 'AB' } }),
      deviceMark(markId(23), 3, 25_000, 'distress', { late: true }),
    ];
    const live = start({ resume: { events, sessionMs: 30_000, programMs: 30_000, playing: false } });
    expect(live.session.getState().facilitatorInitials).toBe('AB');
    expect(live.session.getState().recentMarks.map((mark) => [mark.by, mark.late, mark.remote])).toEqual([
      ['CD', true, true],
      ['AB', false, false],
    ]);
    live.monotonicMs = 40_000;
    await live.session.play();
    const next = live.session.mark('breakthrough');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.saved.find((event) => event.id === next)?.payload).toMatchObject({ by: 'AB' });
    live.session.dispose();
  });

  it('in a session no one signed into, marks carry no author', async () => {
    const live = start();
    await live.session.play();
    const id = live.session.mark('resonance');
    await vi.advanceTimersByTimeAsync(0);
    expect(live.host.saved.find((event) => event.id === id)?.payload).not.toHaveProperty('by');
    expect(live.session.getState().recentMarks[0]).toMatchObject({ by: undefined, late: false, remote: false });
    live.session.dispose();
  });
});
