import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../../core/channels';
import type { AppendAck, HostCall } from '../../../core/contract';
import { journalEventSchema, type JournalEvent, type JournalEventInput } from '../../../core/events';
import { buildSessionExport } from '../../../core/exports';
import { foldSession, programMsAt } from '../../../core/fold';
import { locate, type SessionPlan } from '../../../core/plan';
import { playlistSchema, type Playlist } from '../../../core/playlist';
import { fail, ok, type Result } from '../../../core/result';
import { sessionMetaSchema } from '../../../core/session';
import { defaultSettings } from '../../../core/settings';
import { TypedEmitter } from '../../../core/typed-emitter';
import type { PlayerState, SessionPlayerEvents } from '../../audio/SessionPlayer';
import { LiveSession, type LivePlayer, type LiveSessionHost, type ResumePoint } from './LiveSession';

const minute = 60_000;

/** Segments of uneven lengths under 8 s crossfades, so every position has its own answer. */
const playlist: Playlist = playlistSchema.parse({
  format: 'attune.playlist',
  version: 1,
  id: 'arc',
  title: 'Arc',
  crossfadeSeconds: 8,
  phases: (['onset', 'peak', 'return'] as const).map((kind, phaseIndex) => ({
    id: kind,
    kind,
    title: kind,
    targetMinutes: 20,
    segments: [0, 1, 2].map((index) => ({
      type: 'soundscape',
      id: `${kind}-${index}`,
      preset: 'breath',
      durationSeconds: 150 + 97 * index + 31 * phaseIndex,
    })),
  })),
});

const meta = sessionMetaSchema.parse({ id: '20261202-100000-abcdef', playlistId: 'arc', playlistTitle: 'Arc', createdAt: '2026-12-02T10:00:00.000Z', status: 'open' });

/**
 * The engine as the live session hears it: music time moves only while playing, and an
 * entry (and phase) start is announced at the first tick that finds a new one — so after a
 * resume, at the resume's program time, in the middle of its segment.
 */
class TickingPlayer extends TypedEmitter<SessionPlayerEvents> implements LivePlayer {
  private status: PlayerState['status'] = 'ready';
  private lastEntryKey = '';
  private lastPhaseIndex = -1;

  constructor(
    private plan: SessionPlan,
    public programMs: number,
  ) {
    super();
  }

  getState(): PlayerState {
    return { status: this.status, programMs: this.programMs, position: this.status === 'ended' ? null : locate(this.plan, this.programMs) };
  }

  programNow(): number {
    return this.programMs;
  }

  play(): Promise<void> {
    if (this.status === 'ended') return Promise.resolve();
    this.status = 'playing';
    this.tick();
    return Promise.resolve();
  }

  pause(): void {
    if (this.status === 'playing') this.status = 'paused';
  }

  quiet(): void {
    if (this.status === 'playing') this.status = 'quiet';
  }

  replacePlan(plan: SessionPlan): void {
    this.plan = plan;
    if (this.status === 'playing') this.tick();
  }

  playClosing(): Promise<void> {
    this.status = 'ended';
    return Promise.resolve();
  }

  stopClosing(): void {}

  /** The watchdog's report: the segment sounding now failed. */
  fail(): void {
    const position = this.status === 'ended' ? null : locate(this.plan, this.programMs);
    if (position === null) return;
    this.emit('problem', { segmentId: position.entry.segment.id, path: undefined, reason: 'stalled', detail: 'stopped moving', programMs: Math.round(this.programMs) });
  }

  /** One engine tick: music time moves on while playing. */
  elapse(ms: number): void {
    if (this.status !== 'playing') return;
    this.programMs += ms;
    this.tick();
  }

  private tick(): void {
    if (this.programMs >= this.plan.totalMs) {
      this.programMs = this.plan.totalMs;
      this.status = 'ended';
      this.emit('ended', { programMs: this.plan.totalMs });
      return;
    }
    const position = locate(this.plan, this.programMs);
    if (position === null || position.entry.key === this.lastEntryKey) return;
    this.lastEntryKey = position.entry.key;
    if (position.phase.index !== this.lastPhaseIndex) {
      this.lastPhaseIndex = position.phase.index;
      this.emit('phase-started', { phase: position.phase, programMs: this.programMs });
    }
    this.emit('entry-started', { entry: position.entry, programMs: this.programMs });
  }

  deckCount(): number {
    return 0;
  }

  joinStatuses(): Record<string, string> {
    return {};
  }

  dispose(): void {
    this.removeAllListeners();
  }
}

class Journal {
  readonly saved: JournalEvent[] = [];
  readonly call: HostCall = ((channel: Channel, request: unknown): Promise<Result<unknown>> => {
    if (channel === 'power:keep-awake') return Promise.resolve(ok({ held: false }));
    if (channel !== 'journal:append') return Promise.resolve(fail('unsupported', channel));
    const { events } = request as { events: JournalEventInput[] };
    const acks: AppendAck[] = events.map((input) => {
      const wallTime = new Date(Date.parse(meta.createdAt) + input.sessionMs).toISOString();
      const stored = journalEventSchema.parse({ ...input, seq: this.saved.length, wallTime });
      this.saved.push(stored);
      return { id: input.id, seq: stored.seq, wallTime, duplicate: false };
    });
    return Promise.resolve(ok(acks) as Result<unknown>);
  }) as HostCall;
}

type Step =
  | { readonly kind: 'elapse'; readonly ms: number }
  | { readonly kind: 'pause' | 'play' | 'quiet' | 'skip' | 'hold' | 'advance' | 'extend' | 'mark' | 'problem' }
  | { readonly kind: 'crash'; readonly gapMs: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('elapse' as const), ms: fc.integer({ min: 1, max: 6 * minute }) }) },
  { weight: 6, arbitrary: fc.constantFrom(
        'pause' as const,
        'play' as const,
        'quiet' as const,
        'skip' as const,
        'hold' as const,
        'advance' as const,
        'extend' as const,
        'mark' as const,
        'problem' as const,
      ).map((kind) => ({ kind })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), gapMs: fc.integer({ min: 0, max: 20 * minute }) }) },
);

/** Where the live screen says the music is: the segment sounding and how far into it. */
interface ShownPlace {
  readonly segmentId: string;
  readonly positionMs: number;
}

async function runDay(steps: readonly Step[]): Promise<{ shown: Map<string, ShownPlace>; events: JournalEvent[] }> {
  const journal = new Journal();
  const clock = { monotonicMs: 0 };
  let player: TickingPlayer | undefined;
  const host: LiveSessionHost = {
    call: journal.call,
    output: { on: () => () => {}, setVolume: () => {}, outputLevelDb: () => -20 },
    mediaUrl: () => 'unused',
    createPlayer: (plan, startAtProgramMs) => (player = new TickingPlayer(plan, startAtProgramMs)),
    monotonicNow: () => clock.monotonicMs,
    wallNow: () => Date.parse(meta.createdAt) + clock.monotonicMs,
  };
  const current = () => player as TickingPlayer;
  let session = new LiveSession(meta, playlist, defaultSettings, host);
  await session.play();
  const shown = new Map<string, ShownPlace>();
  const flush = () => vi.advanceTimersByTimeAsync(0);

  for (const step of steps) {
    await flush();
    const before = current().getState().position;
    const newestBefore = journal.saved.length;
    switch (step.kind) {
      case 'elapse':
        // Session time and music time move together, one engine tick at a time.
        for (let left = step.ms; left > 0; left -= 200) {
          const tickMs = current().getState().status === 'playing' ? Math.min(200, left) : left;
          clock.monotonicMs += tickMs;
          current().elapse(tickMs);
        }
        break;
      case 'pause':
        session.pause();
        break;
      case 'play':
        await session.play();
        break;
      case 'quiet':
        session.toggleQuiet();
        break;
      case 'skip':
        session.skipSegment();
        break;
      case 'hold':
        session.holdPhase();
        break;
      case 'advance':
        session.advancePhase();
        break;
      case 'extend':
        session.extendPhase(10);
        break;
      case 'mark':
        session.mark('resonance');
        break;
      case 'problem':
        current().fail();
        break;
      case 'crash': {
        await flush();
        session.dispose();
        clock.monotonicMs += step.gapMs;
        // As the app resumes: the journal's last checkpoint, carried on to now if the music was playing.
        const folded = foldSession(journal.saved);
        // The session clock ran on through the gap (the app reads it from the wall clock).
        const sessionMs = clock.monotonicMs;
        const resume: ResumePoint = { events: [...journal.saved], sessionMs, programMs: programMsAt(folded.playback, sessionMs), playing: folded.playback?.playing ?? true };
        session = new LiveSession(meta, playlist, defaultSettings, host, resume);
        if (resume.playing) await session.play();
        break;
      }
    }
    await flush();
    // What the screen showed when the key was pressed (for a resume: once the music is back).
    const place = step.kind === 'crash' ? current().getState().position : before;
    // Events of the music's own (segment starts, its end) come during elapsed time; the facilitators' come from their keys.
    if (place === null || step.kind === 'elapse') continue;
    for (const event of journal.saved.slice(newestBefore)) {
      shown.set(event.id, { segmentId: place.entry.segment.id, positionMs: Math.round(place.positionMs) });
    }
  }
  await flush();
  session.dispose();
  return { shown, events: journal.saved };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('positions of every event in the record', () => {
  it('equal what the live screen showed: measured from the segment start in the plan, across pauses, quiet, plan changes and resumes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 40 }), async (steps) => {
        const { shown, events } = await runDay(steps);
        const record = buildSessionExport({ meta, events, repairs: [] }, playlist, defaultSettings.markKinds);
        const placed = record.rows.filter((row) => shown.has(row.id));
        for (const row of placed) {
          const expected = shown.get(row.id) as ShownPlace;
          expect({ kind: row.kind, segmentId: row.segment?.id, positionMs: row.positionMs }).toEqual({ kind: row.kind, ...expected });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a skip after a resume mid-segment is placed from the segment start, not from the resume', async () => {
    const { shown, events } = await runDay([
      { kind: 'elapse', ms: 200_000 },
      { kind: 'crash', gapMs: 30_000 },
      { kind: 'elapse', ms: 20_000 },
      { kind: 'skip' },
    ]);
    const record = buildSessionExport({ meta, events, repairs: [] }, playlist, defaultSettings.markKinds);
    const skip = record.rows.find((row) => row.kind === 'event:skip');
    expect(skip).toBeDefined();
    // onset-1 starts at 142 s (150 s of onset-0 less its 8 s crossfade); the skip came at 250 s of music.
    expect({ segment: skip?.segment?.id, positionMs: skip?.positionMs }).toEqual({ segment: 'onset-1', positionMs: 250_000 - 142_000 });
    expect(shown.get(skip?.id ?? '')).toEqual({ segmentId: 'onset-1', positionMs: 108_000 });
  });
});
