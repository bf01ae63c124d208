import type { JournalEventInput, MarkKind } from '../../../core/events';
import type { SessionPlan } from '../../../core/plan';
import type { Playlist } from '../../../core/playlist';
import type { SessionMeta } from '../../../core/session';
import { SessionClock } from '../../../core/session-clock';
import { TypedEmitter } from '../../../core/typed-emitter';
import { callOrThrow } from '../../bridge/attune-bridge';
import type { AudioOutput } from '../../audio/AudioOutput';
import { SessionPlayer, type PlayerState } from '../../audio/SessionPlayer';
import { JournalSender } from './JournalSender';

export interface LiveMark {
  readonly id: string;
  readonly markKind: MarkKind;
  readonly sessionMs: number;
  readonly phaseTitle: string;
  readonly segmentTitle: string;
  readonly positionMs: number;
  readonly saved: boolean;
}

export interface LiveSessionState {
  readonly player: PlayerState;
  readonly recentMarks: readonly LiveMark[];
  /** Shown until every event has been acknowledged again. */
  readonly saveWarning: string | undefined;
  readonly unsavedCount: number;
  readonly notice: string | undefined;
  readonly ended: boolean;
}

interface LiveSessionEvents extends Record<string, unknown> {
  state: LiveSessionState;
  marked: LiveMark;
}

const recentMarkLimit = 8;

export function segmentTitle(segment: SessionPlan['entries'][number]['segment']): string {
  if (segment.title !== undefined) return segment.title;
  return segment.type === 'soundscape' ? `${segment.preset} soundscape` : segment.path.split(/[\\/]/).at(-1) ?? segment.path;
}

/**
 * One running session: the clock, the player and the journal, tied together so that a
 * mark always carries the session time, phase, segment and position it was taken at.
 */
export class LiveSession extends TypedEmitter<LiveSessionEvents> {
  readonly player: SessionPlayer;
  private readonly clock: SessionClock;
  private readonly sender: JournalSender;
  private readonly unsubscribers: (() => void)[] = [];
  private marks: LiveMark[] = [];
  private notice: string | undefined;
  private ended = false;
  private state: LiveSessionState;

  constructor(
    readonly meta: SessionMeta,
    readonly playlist: Playlist,
    readonly plan: SessionPlan,
    private readonly output: AudioOutput,
    monotonicNow: () => number = () => performance.now(),
  ) {
    super();
    this.clock = SessionClock.startingNow(monotonicNow);
    this.player = new SessionPlayer(output, plan);
    this.sender = new JournalSender(meta.id);
    this.state = this.computeState();
    this.unsubscribers.push(
      this.player.on('state', () => this.refresh()),
      this.player.on('phase-started', ({ phase, programMs }) =>
        this.journal({ kind: 'phase-started', payload: { phaseId: phase.id, programMs } }),
      ),
      this.player.on('entry-started', ({ entry, programMs }) =>
        this.journal({
          kind: 'segment-started',
          payload: { phaseId: plan.phases[entry.phaseIndex]?.id ?? 'unknown', segmentId: entry.segment.id, programMs },
        }),
      ),
      this.player.on('ended', () => void this.end('plan-finished')),
      this.player.on('problem', ({ message }) => {
        this.notice = message;
        this.refresh();
      }),
      this.sender.on('state', () => this.refresh()),
    );
  }

  getState(): LiveSessionState {
    return this.state;
  }

  /** What reaches the listener now, in dBFS. */
  outputLevelDb(): number {
    return this.output.outputLevelDb();
  }

  sessionMs(): number {
    return this.clock.now();
  }

  private computeState(): LiveSessionState {
    const senderState = this.sender.getState();
    const recentMarks = this.marks
      .slice(-recentMarkLimit)
      .reverse()
      .map((mark) => ({ ...mark, saved: senderState.acknowledgedIds.has(mark.id) }));
    return {
      player: this.player.getState(),
      recentMarks,
      saveWarning: senderState.lastError,
      unsavedCount: senderState.pending.length,
      notice: this.notice,
      ended: this.ended,
    };
  }

  private refresh(): void {
    this.state = this.computeState();
    this.emit('state', this.state);
  }

  private journal(event: { kind: JournalEventInput['kind']; payload: JournalEventInput['payload'] }): string {
    const id = crypto.randomUUID();
    this.sender.send({ id, sessionMs: this.clock.now(), ...event } as JournalEventInput);
    return id;
  }

  async play(): Promise<void> {
    if (this.ended) return;
    await this.player.play();
    this.journal({ kind: 'playback', payload: { action: 'play', programMs: Math.round(this.player.programNow()) } });
  }

  pause(): void {
    if (this.ended || this.player.getState().status !== 'playing') return;
    this.player.pause();
    this.journal({ kind: 'playback', payload: { action: 'pause', programMs: Math.round(this.player.programNow()) } });
  }

  togglePlayback(): void {
    if (this.player.getState().status === 'playing') this.pause();
    else void this.play();
  }

  /** Records a mark at once; it shows as saved when the host has acknowledged it. */
  mark(markKind: MarkKind): LiveMark | undefined {
    if (this.ended) return undefined;
    const sessionMs = this.clock.now();
    const position = this.player.getState().position;
    const programMs = this.player.programNow();
    const entry = position?.entry ?? this.plan.entries.at(-1);
    if (entry === undefined) return undefined;
    const phase = this.plan.phases[entry.phaseIndex];
    if (phase === undefined) return undefined;
    const positionMs = Math.max(0, Math.round(programMs - entry.startMs));
    const id = crypto.randomUUID();
    this.sender.send({
      id,
      kind: 'mark',
      sessionMs,
      payload: { markKind, phaseId: phase.id, segmentId: entry.segment.id, positionMs },
    });
    const mark: LiveMark = {
      id,
      markKind,
      sessionMs,
      phaseTitle: phase.title,
      segmentTitle: segmentTitle(entry.segment),
      positionMs,
      saved: false,
    };
    this.marks.push(mark);
    this.refresh();
    this.emit('marked', mark);
    return mark;
  }

  /** Ends the session once every waiting event has been saved. */
  async end(reason: 'facilitator' | 'plan-finished'): Promise<void> {
    if (this.ended) return;
    if (!(await this.sender.flush(10_000))) {
      throw new Error(`${this.sender.getState().pending.length} events are not saved yet; the session stays open until they are`);
    }
    this.ended = true;
    this.player.pause();
    await callOrThrow('sessions:end', { sessionId: this.meta.id, eventId: crypto.randomUUID(), sessionMs: this.clock.now(), reason });
    this.refresh();
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.player.dispose();
    this.sender.dispose();
    this.removeAllListeners();
  }
}
