import type { HostCall } from '../../../core/contract';
import type { JournalEvent, JournalEventInput, PlanAction, Vitals } from '../../../core/events';
import { SessionFold, type ClosingSound, type FoldedMark, type FoldedSession } from '../../../core/fold';
import type { CorrectionResult } from '../../../core/mark-corrections';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { prolongedStates, stateAction, stateChangeProblem, type ProlongedState, type StatePromptAnswer, type StateSpan } from '../../../core/client-state-fold';
import type { ClientStateDefinition } from '../../../core/client-states';
import { formatClock } from '../../../core/format';
import { buildElasticPlan } from '../../../core/elastic-plan';
import type { SessionPlan } from '../../../core/plan';
import { projectSession, type SessionProjection } from '../../../core/projection';
import type { Playlist, Segment } from '../../../core/playlist';
import type { SessionMeta } from '../../../core/session';
import { SessionClock } from '../../../core/session-clock';
import type { Settings } from '../../../core/settings';
import { TypedEmitter } from '../../../core/typed-emitter';
import { estimatedTrackGain, trackGain, type LoudnessEstimate } from '../../../core/loudness';
import type { DueReminder } from '../../../core/reminders';
import type { AudioOutput } from '../../audio/AudioOutput';
import type { PlayerState, SessionPlayer, SessionPlayerOptions } from '../../audio/SessionPlayer';
import { ClockJumpDetector } from './clock-jump';
import { JournalSender, type JournalSenderOptions } from './JournalSender';
import type { JournalOutbox } from './journal-outbox';
import { musicPlaceAt } from '../../../core/music-place';
import { planRequest, type PlanKey } from './plan-requests';
import { ReminderWatch, sameReminders } from './reminder-watch';
import { journaledVolume, volumeAfterSteps } from './volume-steps';
import { inJournalOrder } from '../../../core/journal-order';

export interface LiveMark extends FoldedMark {
  readonly saved: boolean;
  readonly kind: MarkKindDefinition | undefined;
  /** Made on a paired device, not on this screen: undo and the digit keys leave it alone. */
  readonly remote: boolean;
}

export interface LiveSessionState {
  readonly player: PlayerState;
  /** How much earlier than the start press the dose was; add it to every session time shown. */
  readonly t0OffsetMs: number;
  /** Newest first. */
  readonly recentMarks: readonly LiveMark[];
  readonly openSpans: readonly LiveMark[];
  /** The mark that undo would take back, while it still can (this screen's own, never a device's). */
  readonly undoable: LiveMark | undefined;
  /** The newest mark made on this screen: the digit keys set its intensity. */
  readonly newestOwnMark: LiveMark | undefined;
  /** The main facilitator's initials, once they signed in to invite a co-facilitator; their marks carry them. */
  readonly facilitatorInitials: string | undefined;
  /** Shown until every event has been acknowledged again. */
  readonly saveWarning: string | undefined;
  /** Events the host refused outright, with the reason; kept on screen. */
  readonly refusedEvents: readonly { readonly kind: string; readonly reason: string }[];
  readonly unsavedCount: number;
  /** Marks among the events not saved yet. */
  readonly unsavedMarkCount: number;
  /** The host is not answering (down or unreachable), rather than answering that it cannot save. */
  readonly hostNotAnswering: boolean;
  readonly notice: string | undefined;
  readonly ended: boolean;
  /** The plan has run out and this closing sound plays (or silence, 'none') until the session is ended. */
  readonly closing: ClosingSound | undefined;
  /** Quiet protocol reminders due now (supplemental dose, vitals). */
  readonly reminders: readonly DueReminder[];
  /** The client's state so far, in journal session time (add t0OffsetMs to show it). */
  readonly stateSpans: readonly StateSpan[];
  /** States held past their prompt time and not dismissed: a quiet prompt, never a sound. */
  readonly statePrompts: readonly ProlongedState[];
}

interface LiveSessionEvents extends Record<string, unknown> {
  state: LiveSessionState;
  marked: LiveMark;
  /** The facilitator changed the volume; the app remembers it in settings. */
  volume: number;
}

export interface ResumePoint {
  /** Events already in the journal. */
  readonly events: readonly JournalEvent[];
  readonly sessionMs: number;
  readonly programMs: number;
  readonly playing: boolean;
}

/** What of the audio engine a live session drives; the app passes a SessionPlayer, tests a stand-in. */
export type LivePlayer = Pick<
  SessionPlayer,
  'on' | 'getState' | 'programNow' | 'play' | 'pause' | 'quiet' | 'replacePlan' | 'playClosing' | 'stopClosing' | 'deckCount' | 'joinStatuses' | 'dispose'
>;
export type LiveOutput = Pick<AudioOutput, 'on' | 'setVolume' | 'outputLevelDb'>;

/** Everything a live session needs from outside itself, so it runs (and is tested) without a browser or a host. */
export interface LiveSessionHost {
  readonly call: HostCall;
  readonly output: LiveOutput;
  readonly createPlayer: (plan: SessionPlan, startAtProgramMs: number, options: Pick<SessionPlayerOptions, 'speed' | 'resolveFile'>) => LivePlayer;
  /** Where a playlist's file segment is served. */
  readonly mediaUrl: (playlistId: string, segmentId: string) => string;
  /** Monotonic milliseconds (performance.now() in the app). */
  readonly monotonicNow?: () => number;
  /** Wall-clock milliseconds (Date.now() in the app). */
  readonly wallNow?: () => number;
  readonly journal?: Partial<JournalSenderOptions>;
  /** Where unacknowledged events outlive the page (IndexedDB in the app). */
  readonly outbox?: JournalOutbox;
  /** Keeps the computer awake while the session plays; without it, only the host's own blocker is asked. */
  readonly keepAwake?: (active: boolean) => void;
  /** Quick estimates for files without stored loudness; without it they play at the blind guess. */
  readonly loudnessEstimates?: () => LiveLoudnessEstimates;
  /**
   * Events the host journaled for this session from a paired device (already saved, in journal
   * order); answers the unsubscribe. Without it the session hears of no device.
   */
  readonly remoteEvents?: (listener: (events: readonly JournalEvent[]) => void) => () => void;
}

/** What the session needs of renderer/audio/LoudnessEstimator. */
export interface LiveLoudnessEstimates {
  get(segmentId: string): LoudnessEstimate | undefined;
  estimateAll(files: readonly { readonly id: string; readonly url: string }[]): Promise<void>;
  dispose(): void;
}

const recentMarkLimit = 12;
/** Soft beds: the quiet break's and the closing sound's, under the music's loudness. */
const bedParams = { intensity: 0.25, brightness: 0.3 } as const;
const bedFor = (sound: ClosingSound) => (sound === 'none' ? undefined : { preset: sound, params: bedParams });
export const undoWindowMs = 10_000;
/**
 * While an append is on its way the screen waits for its answer (a millisecond or two),
 * at most this long: a render and paint started first would hold the answer up behind them.
 */
const renderHoldMs = 32;
/**
 * The screen re-renders at most this often: a burst of marks (or of volume steps) is shown
 * ten times a second, and the rendering never falls behind the keys and holds their
 * acknowledgements up.
 */
const minRenderIntervalMs = 100;
/** The closing sound's fade when a session ends (the player's quietFadeSeconds, 5 s), and a little more. */
const closingFadeOutMs = 5_500;

type EventDraft = { [Kind in JournalEventInput['kind']]: { kind: Kind; payload: Extract<JournalEventInput, { kind: Kind }>['payload'] } }[JournalEventInput['kind']];


/**
 * One running session: the clock, the player and the journal, tied together so that a
 * mark always carries the session time, phase, segment and position it was taken at.
 * Its state is the same fold review uses, kept up to date one event at a time: a mark at
 * hour eight costs what a mark at minute one does.
 */
export class LiveSession extends TypedEmitter<LiveSessionEvents> {
  readonly player: LivePlayer;
  private currentPlan: SessionPlan;
  /** Holds, extensions, advances and skips so far; the plan is rebuilt from them. */
  private readonly planActions: PlanAction[];
  private readonly clock: SessionClock;
  private readonly sender: JournalSender;
  private readonly loudnessEstimates: LiveLoudnessEstimates | undefined;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly fold: SessionFold;
  private readonly monotonicNow: () => number;
  private readonly wallNow: () => number;
  private readonly clockJumps = new ClockJumpDetector();
  private readonly reminderWatch: ReminderWatch;
  private notice: string | undefined;
  private ended: boolean;
  /** Recomputed when read after a change, so several changes in one handler cost one state. */
  private state: LiveSessionState | undefined;
  private stateEmitQueued = false;
  private disposed = false;
  private stateEmitTimer: ReturnType<typeof setTimeout> | undefined;
  /** Running from one emitted state until the next may be. */
  private renderCooldown: ReturnType<typeof setTimeout> | undefined;
  /** LiveMarks reused while their mark and saved flag stay the same, so unchanged rows do not re-render. */
  private readonly liveMarks = new WeakMap<FoldedMark, LiveMark>();
  private undoTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly watchTimer: ReturnType<typeof setInterval>;
  /** When each unacknowledged mark's key was pressed, for the acknowledgement-latency measure. */
  private readonly pressedAt = new Map<string, number>();
  /** Marks a paired device made (none in a one-facilitator session). */
  private readonly remoteMarkIds = new Set<string>();
  /** Events a device made, by id: the host's stream may deliver a batch again (a reconnect replays the latest). */
  private readonly remoteEventIds = new Set<string>();
  private facilitatorInitials: string | undefined;
  /** State prompts dismissed, by the change that began the stretch (a new stretch may prompt again). */

  constructor(
    readonly meta: SessionMeta,
    readonly playlist: Playlist,
    private settings: Settings,
    private readonly host: LiveSessionHost,
    resume: ResumePoint | undefined = undefined,
    /** 1 in sessions; faster only for tests and timing previews (see diagnostics). */
    private readonly speed = 1,
  ) {
    super();
    this.monotonicNow = host.monotonicNow ?? (() => performance.now() * speed);
    this.wallNow = host.wallNow ?? (() => Date.now() * speed);
    this.fold = SessionFold.of(resume?.events ?? []);
    this.learnAuthors(resume?.events ?? []);
    this.reminderWatch = new ReminderWatch(this.fold.shownReminders);
    this.planActions = [...this.fold.planActions];
    // A resumed session's plan is rebuilt from its journaled holds, advances and skips.
    this.currentPlan = buildElasticPlan(playlist, this.planActions);
    this.clock = resume === undefined ? SessionClock.startingNow(this.monotonicNow) : SessionClock.resumedAt(this.monotonicNow, resume.sessionMs);
    this.player = host.createPlayer(this.currentPlan, resume?.programMs ?? 0, {
      speed,
      resolveFile: (entry) => ({ url: host.mediaUrl(playlist.id, entry.segment.id), gainDb: this.fileGainDb(entry.segment) }),
    });
    this.loudnessEstimates = meta.status === 'ended' ? undefined : host.loudnessEstimates?.();
    // Files without stored loudness are estimated in the order they will play; each is
    // loaded 30 s before it sounds, by when its estimate is usually ready.
    const unmeasured = this.currentPlan.entries.filter((entry) => entry.segment.type === 'file' && entry.segment.loudness === undefined && entry.endMs > (resume?.programMs ?? 0));
    void this.loudnessEstimates?.estimateAll(unmeasured.map((entry) => ({ id: entry.segment.id, url: host.mediaUrl(playlist.id, entry.segment.id) })));
    this.sender = new JournalSender(meta.id, host.call, host.journal, host.outbox);
    this.ended = meta.status === 'ended';
    this.unsubscribers.push(
      // The player ticks five times a second; the screen re-renders only when what it shows
      // from the state changes (clock-like readings poll on their own).
      this.player.on('state', (player) => {
        const shown = this.getState().player;
        if (player.status !== shown.status || player.position?.entry.key !== shown.position?.entry.key || player.position?.phase.id !== shown.position?.phase.id) {
          this.changed();
        }
      }),
      this.player.on('phase-started', ({ phase, programMs }) => this.journal({ kind: 'phase-started', payload: { phaseId: phase.id, programMs } })),
      this.player.on('entry-started', ({ entry, programMs }) =>
        this.journal({
          kind: 'segment-started',
          payload: { phaseId: this.currentPlan.phases[entry.phaseIndex]?.id ?? 'unknown', segmentId: entry.segment.id, programMs },
        }),
      ),
      this.player.on('ended', ({ programMs }) => this.startClosing(programMs)),
      this.player.on('problem', (problem) => {
        this.journal({
          kind: 'playback-problem',
          payload: {
            segmentId: problem.segmentId,
            ...(problem.path === undefined ? {} : { path: problem.path }),
            reason: problem.reason,
            detail: problem.detail.slice(0, 500),
            programMs: problem.programMs,
          },
        });
        this.showNotice(`${problem.detail}. A soundscape covers it.`);
      }),
      this.sender.on('state', () => {
        this.changed();
        if (!this.sender.isSending()) queueMicrotask(() => this.emitState());
      }),
      host.output.on('device-lost', () => {
        const place = this.musicPlace(0);
        this.journal({
          kind: 'playback-problem',
          payload: {
            segmentId: place?.segmentId ?? 'unknown',
            reason: 'device-lost',
            detail: 'the chosen audio output disappeared; sound goes to the system default',
            programMs: Math.round(this.player.programNow()),
          },
        });
        this.showNotice('The chosen audio output disappeared; sound now goes to the system default output.');
      }),
      this.sender.on('acknowledged', ({ input }) => {
        const pressedAt = this.pressedAt.get(input.id);
        if (pressedAt === undefined) return;
        this.pressedAt.delete(input.id);
        // User Timing entry: key press to the fdatasync'd acknowledgement (read by `npm run bench`).
        performance.measure('attune:mark-ack', { start: pressedAt, end: performance.now() });
      }),
    );
    if (host.remoteEvents !== undefined) this.unsubscribers.push(host.remoteEvents((events) => this.ingestRemote(events)));
    this.watchTimer = setInterval(() => this.watch(), 1000);
    if (this.fold.closing !== undefined && !this.ended) this.playClosing(this.fold.closing);
    if (resume !== undefined) {
      const gapMs = Math.max(0, resume.sessionMs - this.fold.lastSessionMs);
      this.journal({ kind: 'session-resumed', payload: { programMs: Math.round(resume.programMs), gapMs, playing: resume.playing } });
    }
  }

  /**
   * The plan has run out: the session is the facilitators', not the playlist's. The closing
   * sound takes over and marks, vitals and notes go on until the session is ended.
   */
  private startClosing(programMs: number): void {
    if (this.ended || this.fold.closing !== undefined) return;
    const sound = this.settings.closingSound;
    this.journal({ kind: 'closing-started', payload: { sound, programMs: Math.round(programMs) } });
    this.playClosing(sound);
  }

  private playClosing(sound: ClosingSound): void {
    this.player.playClosing(bedFor(sound)).catch((error: unknown) => this.showNotice(`The closing sound could not start: ${String(error)}`));
    this.changed();
  }

  getState(): LiveSessionState {
    this.state ??= this.computeState();
    return this.state;
  }

  /**
   * The main facilitator signed in (to invite a co-facilitator): from now on their marks and
   * edits carry these initials. The host journals their joining when it opens the invitation.
   */
  signIn(initials: string): void {
    const trimmed = initials.trim();
    if (trimmed === '' || trimmed === this.facilitatorInitials) return;
    this.facilitatorInitials = trimmed;
    this.changed();
  }

  /**
   * Events the host journaled for a paired device (its marks, its details on any mark, its
   * state changes), folded in as they came; an event already folded is skipped, so a batch
   * delivered twice changes nothing.
   */
  ingestRemote(events: readonly JournalEvent[]): void {
    let folded = false;
    for (const event of inJournalOrder(events)) {
      if (this.remoteEventIds.has(event.id)) continue;
      if (event.kind === 'mark' && this.fold.mark(event.id) !== undefined) continue;
      this.remoteEventIds.add(event.id);
      if (event.kind === 'mark') this.remoteMarkIds.add(event.id);
      this.fold.apply(event);
      folded = true;
    }
    if (folded) this.changed();
  }

  /** A resumed session: who signed in on this screen, and which marks a device made. */
  private learnAuthors(events: readonly JournalEvent[]): void {
    for (const event of events) {
      if (event.kind === 'co-facilitator' && event.payload.device === 'main' && event.payload.action === 'joined') this.facilitatorInitials = event.payload.by;
    }
    for (const event of events) {
      if (event.kind !== 'mark' || (event.payload.by === undefined && event.payload.late === undefined)) continue;
      // Initials other than this screen's are a device's (the host keeps each device's own).
      if (event.payload.late === true || event.payload.by !== this.facilitatorInitials) this.remoteMarkIds.add(event.id);
    }
  }

  /** The whole fold, as review reads it (built on demand: the end-of-session summary). */
  foldedSession(): FoldedSession {
    return this.fold.snapshot();
  }

  /**
   * Once a second: reminders that fell due are shown (and journaled once), and a jump
   * between the wall clock and the monotonic clock is journaled, never applied.
   */
  private watch(): void {
    const jump = this.clockJumps.check(this.wallNow(), this.monotonicNow());
    if (jump !== undefined && !this.ended) {
      this.journal({ kind: 'clock-jump', payload: { wallDeltaMs: jump.wallDeltaMs, monotonicDeltaMs: jump.monotonicDeltaMs, likelyCause: jump.likelyCause } });
      if (jump.driftMs > 60_000) {
        this.showNotice(
          `The computer's clock jumped ${Math.round(jump.driftMs / 60_000)} min ahead (it may have slept). Session time did not count it; correct the dose time if it should.`,
        );
      }
    }
    const due = this.dueReminders();
    for (const reminder of this.reminderWatch.takeFirstShown(due)) {
      this.journal({ kind: 'reminder', payload: { reminder: reminder.reminder, action: 'shown', dueSessionMs: reminder.dueSessionMs } });
    }
    if (!sameReminders(due, this.getState().reminders)) this.changed();
    const prompts = this.statePrompts();
    const shown = this.getState().statePrompts;
    if (prompts.length !== shown.length || prompts.some((prompt, index) => prompt.startedBy !== shown[index]?.startedBy)) this.changed();
  }

  private statePrompts(): ProlongedState[] {
    if (this.ended) return [];
    // Dismissed is journaled: a resumed session does not ask again about the same stretch.
    const dismissed = new Set(this.fold.statePromptAnswers.filter((answer) => answer.answer === 'dismissed').map((answer) => answer.stateEventId));
    return prolongedStates(this.fold.clientStates, this.settings.clientStates, this.clock.now()).filter((prompt) => !dismissed.has(prompt.startedBy));
  }

  clientStates(): readonly ClientStateDefinition[] {
    return this.settings.clientStates;
  }

  /**
   * One state key: records the client's state at once (journal first, like a mark), the
   * reaction-time offset subtracted. A band state holds until the next; a span state's key
   * opens it, or closes it when open. Refused, with the reason on screen, during a break, after
   * the end, or at the very millisecond of another state change.
   */
  setClientState(stateId: string): string | undefined {
    const definition = this.settings.clientStates.find((state) => state.id === stateId);
    if (definition === undefined) return undefined;
    const offsetMs = this.settings.reactionOffsetMs;
    const sessionMs = Math.round(Math.max(0, this.clock.now() - offsetMs));
    const problem = stateChangeProblem(
      {
        ended: this.ended,
        breakOpen: this.fold.openSpans().some((span) => span.markKind === 'break'),
        states: this.fold.clientStates,
        formatTime: (ms) => formatClock(ms + this.fold.t0OffsetMs),
        labelOf: (id) => this.settings.clientStates.find((state) => state.id === id)?.label ?? id,
      },
      sessionMs,
    );
    if (problem !== undefined) {
      this.showNotice(problem);
      return undefined;
    }
    const action = stateAction(this.fold.clientStates, definition);
    return this.journal({ kind: 'client-state', payload: { stateId, action, reactionOffsetMs: offsetMs } }, sessionMs);
  }

  /**
   * One of the prolonged-state prompt's options, journaled with the stretch it answered (for
   * review and the exports): hold the phase, bridge to a calm soundscape, or dismiss (the
   * prompt stays away for that stretch). Only an option that took effect is journaled.
   */
  answerStatePrompt(prompt: ProlongedState, answer: StatePromptAnswer['answer']): boolean {
    const done = answer === 'hold-phase' ? this.holdPhaseIfNotHeld() : answer === 'calm-bridge' ? this.bridgeToCalmSoundscape() : true;
    if (done) this.journal({ kind: 'state-prompt-answered', payload: { stateId: prompt.state.id, stateEventId: prompt.startedBy, sinceMs: Math.round(prompt.sinceMs), answer } });
    return done;
  }

  /**
   * The prompt's calmer option: the music fades under a soft breath soundscape (a quiet
   * passage, journaled as one; Q brings the music back).
   */
  bridgeToCalmSoundscape(): boolean {
    if (this.ended || this.player.getState().status !== 'playing') {
      this.showNotice('Not done: the music is not playing, so there is nothing to bridge from.');
      return false;
    }
    this.player.quiet({ preset: 'breath', params: { intensity: 0.3, brightness: 0.25 } });
    this.journal({ kind: 'quiet', payload: { action: 'start', programMs: Math.round(this.player.programNow()) } });
    return true;
  }

  private dueReminders(): DueReminder[] {
    return this.reminderWatch.due(this.settings, this.meta, this.fold, this.clock.now());
  }

  dismissReminder(reminder: DueReminder): void {
    this.journal({ kind: 'reminder', payload: { reminder: reminder.reminder, action: 'dismissed', dueSessionMs: reminder.dueSessionMs } });
  }

  /** Logs what the reminder asked for: the supplemental dose or vitals mark, in one go. */
  logReminder(reminder: DueReminder): string | undefined {
    return this.mark(reminder.logsAs);
  }

  /** The plan as the facilitators have bent it so far. */
  get plan(): SessionPlan {
    return this.currentPlan;
  }

  /** Phases with target vs. projected times, from the plan and where the session is now. */
  projection(): SessionProjection {
    return projectSession(this.currentPlan, {
      nowProgramMs: this.player.programNow(),
      nowSessionMs: this.clock.now(),
      playing: this.player.getState().status === 'playing',
      phaseStarts: this.fold.phaseStarts,
    });
  }

  /**
   * Bends the plan now; the engine crossfades into the rebuilt plan. An action the plan
   * cannot take (e.g. releasing a phase that is not held) is explained, not journaled.
   */
  private changePlan(action: PlanAction): boolean {
    if (this.ended) return false;
    if (this.fold.closing !== undefined) {
      this.showNotice('Not done: the music has ended; the closing sound plays until you end the session.');
      return false;
    }
    const rebuilt = buildElasticPlan(this.playlist, [...this.planActions, action]);
    const outcome = rebuilt.actions.at(-1);
    if (outcome === undefined || !outcome.applied) {
      this.showNotice(outcome !== undefined && !outcome.applied ? `Not done: ${outcome.reason}.` : 'Not done.');
      return false;
    }
    this.planActions.push(action);
    this.currentPlan = rebuilt;
    this.journal({ kind: 'plan-changed', payload: action });
    this.player.replacePlan(rebuilt);
    return true;
  }

  /** Bends the plan as a plan key asks, where the music is now. */
  private requestPlan(key: PlanKey, extendMinutes?: number): boolean {
    const request = planRequest(key, this.currentPlan, this.player.getState().position, this.player.programNow(), extendMinutes);
    if (request === undefined) return false;
    if ('refused' in request) {
      this.showNotice(request.refused);
      return false;
    }
    return this.changePlan(request);
  }

  /** The current phase does not end at its target (or does again): a bridge soundscape continues after its music. */
  holdPhase(): boolean {
    return this.requestPlan('hold');
  }

  /** The prompt's option: holds the phase, and never releases one already held (the hold key toggles). */
  holdPhaseIfNotHeld(): boolean {
    if (this.player.getState().position?.phase.held === true) {
      this.showNotice('The phase is already held: its bridge soundscape goes on until Shift+H releases it.');
      return false;
    }
    return this.holdPhase();
  }

  extendPhase(minutes: number): boolean {
    return this.requestPlan('extend', minutes);
  }

  /** Crossfades into the next phase now. */
  advancePhase(): boolean {
    return this.requestPlan('next-phase');
  }

  /** Crossfades into the return phase now. */
  jumpToReturn(): boolean {
    return this.requestPlan('return');
  }

  /** Crossfades from the segment playing into the next one now. */
  skipSegment(): boolean {
    return this.requestPlan('skip');
  }

  /** Whether session time passes at the pace of real time (faster only in tests and timing previews). */
  isRealTime(): boolean {
    return this.speed === 1;
  }

  /** Session time as the facilitators know it: since the dose, including any T0 correction. */
  sessionMs(): number {
    return this.clock.now() + this.fold.t0OffsetMs;
  }

  outputLevelDb(): number {
    return this.host.output.outputLevelDb();
  }

  markKinds(): readonly MarkKindDefinition[] {
    return this.settings.markKinds;
  }

  /**
   * New settings (kinds, reminders, …). The volume is the session's own while it runs: the
   * settings saved after a volume step answer with that step's volume, and applied after a
   * later step they would put the music back up (or down) a step or more.
   */
  updateSettings(settings: Settings): void {
    this.settings = { ...settings, volume: this.settings.volume };
    this.changed();
  }

  showNotice(message: string): void {
    this.notice = message;
    this.changed();
  }

  private kindOf(markKind: string): MarkKindDefinition | undefined {
    return this.settings.markKinds.find((kind) => kind.id === markKind);
  }

  private live(mark: FoldedMark): LiveMark {
    // Marks from the journal were never waiting here: saved.
    const saved = this.sender.isSaved(mark.id);
    const kind = this.kindOf(mark.markKind);
    const known = this.liveMarks.get(mark);
    if (known !== undefined && known.saved === saved && known.kind === kind) return known;
    const made: LiveMark = { ...mark, saved, kind, remote: this.remoteMarkIds.has(mark.id) };
    this.liveMarks.set(mark, made);
    return made;
  }

  private computeState(): LiveSessionState {
    const senderState = this.sender.getState();
    const recent = this.fold.recentMarks(recentMarkLimit);
    const newest = recent.find((mark) => !this.remoteMarkIds.has(mark.id));
    const undoable =
      newest !== undefined && !this.ended && this.clock.now() - newest.sessionMs - newest.reactionOffsetMs <= undoWindowMs ? newest : undefined;
    return {
      player: this.player.getState(),
      t0OffsetMs: this.fold.t0OffsetMs,
      recentMarks: recent.map((mark) => this.live(mark)),
      openSpans: this.fold.openSpans().map((mark) => this.live(mark)),
      undoable: undoable === undefined ? undefined : this.live(undoable),
      newestOwnMark: newest === undefined ? undefined : this.live(newest),
      facilitatorInitials: this.facilitatorInitials,
      saveWarning: senderState.lastError,
      refusedEvents: senderState.refused.map(({ input, reason }) => ({ kind: input.kind, reason })),
      unsavedCount: senderState.pending.length,
      unsavedMarkCount: senderState.pending.filter((pending) => pending.input.kind === 'mark').length,
      hostNotAnswering: senderState.hostNotAnswering,
      notice: this.notice,
      ended: this.ended,
      closing: this.ended ? undefined : this.fold.closing,
      reminders: this.dueReminders(),
      stateSpans: this.fold.clientStates.spans(),
      statePrompts: this.statePrompts(),
    };
  }

  /**
   * The state is stale: it is rebuilt when next read, and listeners hear of it once, after
   * the handler that changed it has finished (a key press sends its mark before any render).
   */
  private changed(): void {
    this.state = undefined;
    if (this.stateEmitQueued) return;
    this.stateEmitQueued = true;
    // Inside the cooldown the state goes out when it ends.
    if (this.renderCooldown !== undefined) return;
    this.emitWhenNoAppendWaits();
  }

  /** Renders now, or, while an append is on its way, once it is answered (at most `renderHoldMs` later). */
  private emitWhenNoAppendWaits(): void {
    if (this.sender.isSending()) this.stateEmitTimer ??= setTimeout(() => this.emitState(), renderHoldMs);
    else queueMicrotask(() => this.emitState());
  }

  private emitState(): void {
    if (!this.stateEmitQueued || this.renderCooldown !== undefined || this.disposed) return;
    this.stateEmitQueued = false;
    if (this.stateEmitTimer !== undefined) clearTimeout(this.stateEmitTimer);
    this.stateEmitTimer = undefined;
    this.renderCooldown = setTimeout(() => {
      this.renderCooldown = undefined;
      // A burst's marks keep coming: the render that was waiting out the cooldown waits for the answer in flight too.
      if (this.stateEmitQueued) this.emitWhenNoAppendWaits();
    }, minRenderIntervalMs);
    this.emit('state', this.getState());
  }

  /** Sends an event and folds it in at once; the journal's acknowledgement marks it saved. */
  private journal(draft: EventDraft, sessionMs = this.clock.now()): string {
    const id = crypto.randomUUID();
    const input = { id, sessionMs: Math.max(0, Math.round(sessionMs)), ...draft } as JournalEventInput;
    this.sender.send(input);
    this.fold.apply({ ...input, seq: this.fold.lastSeq + 1, wallTime: new Date().toISOString() } as JournalEvent);
    this.changed();
    return id;
  }

  /** Fire and forget: a host without a blocker (the web host) answers held: false. */
  private keepAwake(active: boolean): void {
    if (this.host.keepAwake !== undefined) this.host.keepAwake(active);
    else void this.host.call('power:keep-awake', { active });
  }

  async play(): Promise<void> {
    if (this.ended || this.fold.closing !== undefined) return;
    this.keepAwake(true);
    if (this.player.getState().status === 'quiet') {
      await this.resumeFromQuiet();
      return;
    }
    this.host.output.setVolume(this.settings.volume, 0.05);
    await this.player.play();
    this.journal({ kind: 'playback', payload: { action: 'play', programMs: Math.round(this.player.programNow()) } });
  }

  pause(): void {
    if (this.ended || this.player.getState().status !== 'playing') return;
    this.player.pause();
    this.journal({ kind: 'playback', payload: { action: 'pause', programMs: Math.round(this.player.programNow()) } });
  }

  /** Fades to silence over ~5 s; the music keeps its place. */
  quiet(): void {
    if (this.ended || this.player.getState().status !== 'playing') return;
    this.player.quiet(bedFor(this.settings.quietBed));
    this.journal({ kind: 'quiet', payload: { action: 'start', programMs: Math.round(this.player.programNow()) } });
  }

  /** Fades back in from a quiet passage. */
  async resumeFromQuiet(): Promise<void> {
    if (this.ended || this.player.getState().status !== 'quiet') return;
    await this.player.play();
    this.journal({ kind: 'quiet', payload: { action: 'end', programMs: Math.round(this.player.programNow()) } });
  }

  toggleQuiet(): void {
    if (this.player.getState().status === 'quiet') void this.resumeFromQuiet();
    else this.quiet();
  }

  volume(): number {
    return this.settings.volume;
  }

  /** Master volume in 2 dB steps, ramped (no zipper noise); journaled and remembered. */
  changeVolume(stepsOf2Db: number): number {
    const next = volumeAfterSteps(this.settings.volume, stepsOf2Db);
    this.settings = { ...this.settings, volume: next };
    this.host.output.setVolume(next);
    this.journal({ kind: 'volume', payload: { volume: journaledVolume(next) } });
    this.emit('volume', next);
    return next;
  }

  togglePlayback(): void {
    if (this.player.getState().status === 'playing') this.pause();
    else void this.play();
  }

  /** Where the music was `offsetMs` before now. */
  private musicPlace(offsetMs: number) {
    const playing = this.player.getState().status === 'playing';
    return musicPlaceAt(this.plan, Math.max(0, this.player.programNow() - (playing ? offsetMs : 0)));
  }

  /**
   * One key press: records the mark at once, the reaction-time offset subtracted. For a
   * span kind, the press opens a span, or closes the one that is open.
   */
  mark(markKind: string, pressedAt: number = performance.now()): string | undefined {
    if (this.ended) return undefined;
    const kind = this.kindOf(markKind);
    const offsetMs = this.settings.reactionOffsetMs;
    const place = this.musicPlace(offsetMs);
    if (place === undefined) return undefined;
    const sessionMs = Math.max(0, this.clock.now() - offsetMs);
    if (kind?.span === true) {
      const open = this.fold.openSpans().find((span) => span.markKind === markKind);
      if (open !== undefined) {
        this.journal({ kind: 'span-closed', payload: { markId: open.id, ...place, autoClosed: false } }, Math.max(sessionMs, open.sessionMs));
        return open.id;
      }
    }
    const dueBefore = this.getState().reminders.filter((reminder) => reminder.logsAs === markKind);
    const by = this.facilitatorInitials;
    const id = this.journal(
      {
        kind: 'mark',
        payload: { markKind, ...place, reactionOffsetMs: offsetMs, ...(kind?.span === true ? { span: 'open' as const } : {}), ...(by === undefined ? {} : { by }) },
      },
      sessionMs,
    );
    this.pressedAt.set(id, pressedAt);
    for (const reminder of dueBefore) {
      this.journal({ kind: 'reminder', payload: { reminder: reminder.reminder, action: 'logged', dueSessionMs: reminder.dueSessionMs } });
    }
    const folded = this.fold.mark(id);
    if (folded !== undefined) this.emit('marked', this.live(folded));
    // Re-render when the undo window closes.
    if (this.undoTimer !== undefined) clearTimeout(this.undoTimer);
    this.undoTimer = setTimeout(() => this.changed(), undoWindowMs + offsetMs + 50);
    return id;
  }

  /**
   * Intensity, note or vitals, any time later, on any facilitator's mark; an edit is a new
   * event, the history stays. Signed by the main facilitator once they signed in.
   */
  editMark(markId: string, changes: { intensity?: number | null; note?: string | null; vitals?: Vitals | null }): void {
    const mark = this.fold.mark(markId);
    if (mark === undefined || mark.deleted !== undefined) return;
    const payload: Extract<EventDraft, { kind: 'mark-edited' }>['payload'] = { markId };
    if (this.facilitatorInitials !== undefined) payload.by = this.facilitatorInitials;
    if (changes.intensity !== undefined && changes.intensity !== (mark.intensity ?? null)) payload.intensity = changes.intensity;
    if (changes.note !== undefined && (changes.note ?? '') !== (mark.note ?? '')) payload.note = changes.note;
    if (changes.vitals !== undefined) payload.vitals = changes.vitals;
    if (payload.intensity === undefined && payload.note === undefined && payload.vitals === undefined) return;
    this.journal({ kind: 'mark-edited', payload });
  }

  /** Sets the intensity, or clears it when the mark has that intensity now (the screen may show a moment late). */
  toggleIntensity(markId: string, level: number): void {
    const mark = this.fold.mark(markId);
    if (mark !== undefined) this.editMark(markId, { intensity: mark.intensity === level ? null : level });
  }

  /** One vital sign of a vitals mark, set or cleared, beside the others as they are saved now. */
  setVital(markId: string, key: keyof Vitals, value: number | undefined): void {
    const mark = this.fold.mark(markId);
    if (mark === undefined) return;
    // A field left as it was (e.g. empty, on its way to Escape) is no edit.
    if (mark.vitals?.[key] === value) return;
    const vitals: Vitals = { ...mark.vitals };
    if (value === undefined) delete vitals[key];
    else vitals[key] = value;
    this.editMark(markId, { vitals });
  }

  /** Takes back the newest mark within the undo window; it stays in the journal as deleted. */
  undoLastMark(): boolean {
    const target = this.getState().undoable;
    if (target === undefined) return false;
    this.journal({ kind: 'mark-deleted', payload: { markId: target.id, reason: 'undo' } });
    return true;
  }

  /**
   * A correction of a mark (kind, time, deletion with why) or a mark from memory, built from
   * the session as it stands (core/mark-corrections) and journaled like any event. Resolves
   * to why it was refused, or undefined once it is on its way.
   */
  correct(build: (fold: SessionFold, nowSessionMs: number) => CorrectionResult): string | undefined {
    const built = build(this.fold, Math.round(this.clock.now()));
    if (!built.ok) return built.error;
    this.journal(built.draft);
    return undefined;
  }

  /**
   * Escape on the form a mark opened (vitals, a note): a mark left empty is taken back, as
   * an undo, so no empty Vitals or Note stays in the record. A mark with anything in it stays.
   */
  takeBackIfEmpty(markId: string): boolean {
    const mark = this.fold.mark(markId);
    if (this.ended || mark === undefined || mark.deleted !== undefined || mark.span !== undefined) return false;
    const empty = mark.intensity === undefined && mark.note === undefined && (mark.vitals === undefined || Object.keys(mark.vitals).length === 0);
    if (!empty) return false;
    this.journal({ kind: 'mark-deleted', payload: { markId, reason: 'undo' } });
    return true;
  }

  /** The dose was `offsetMs` before Start was pressed (negative: after). Replaces any earlier correction. */
  correctT0(offsetMs: number): void {
    if (this.ended) return;
    this.journal({ kind: 't0-corrected', payload: { offsetMs: Math.round(offsetMs) } });
  }

  /** Ends the session once every waiting event has been saved; open spans are closed with a flag. */
  async end(): Promise<void> {
    const reason = 'facilitator';
    if (this.ended) return;
    for (const span of this.fold.openSpans()) {
      const place = this.musicPlace(0);
      if (place !== undefined) this.journal({ kind: 'span-closed', payload: { markId: span.id, ...place, autoClosed: true } });
    }
    if (!(await this.sender.flush(10_000))) {
      throw new Error(`${this.sender.getState().pending.length} events are not saved yet; the session stays open until they are`);
    }
    this.ended = true;
    this.player.pause();
    this.player.stopClosing();
    const eventId = crypto.randomUUID();
    const sessionMs = this.clock.now();
    const result = await this.host.call('sessions:end', { sessionId: this.meta.id, eventId, sessionMs, reason });
    if (!result.ok) throw new Error(result.error.message);
    this.keepAwake(false);
    this.fold.apply({ id: eventId, seq: this.fold.lastSeq + 1, kind: 'session-ended', sessionMs, wallTime: new Date().toISOString(), payload: { reason } });
    this.changed();
  }

  /** A file's normalising gain: from its stored loudness, else from a quick estimate, else the blind guess. */
  private fileGainDb(segment: Segment): number {
    if (segment.type !== 'file') return 0;
    const target = this.settings.targetLoudnessLufs;
    const estimate = segment.loudness === undefined ? this.loudnessEstimates?.get(segment.id) : undefined;
    return estimate === undefined ? trackGain(segment, target).gainDb : estimatedTrackGain(segment, estimate, target).gainDb;
  }

  /**
   * Frees the session when another takes its place. An ended one first lets its closing sound
   * finish the fade that end() began (dispose() frees the player at once and would cut it).
   */
  retire(): void {
    if (!this.ended) {
      this.dispose();
      return;
    }
    setTimeout(() => this.dispose(), closingFadeOutMs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.loudnessEstimates?.dispose();
    clearInterval(this.watchTimer);
    this.disposed = true;
    if (this.stateEmitTimer !== undefined) clearTimeout(this.stateEmitTimer);
    if (this.renderCooldown !== undefined) clearTimeout(this.renderCooldown);
    this.keepAwake(false);
    if (this.undoTimer !== undefined) clearTimeout(this.undoTimer);
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.player.dispose();
    this.sender.dispose();
    this.removeAllListeners();
  }
}
