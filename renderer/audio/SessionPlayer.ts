import { locate, type PlanPosition, type PlannedEntry, type PlannedPhase, type SessionPlan } from '../../core/plan';
import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { FileVoice } from './FileVoice';
import { PlaybackWatchdog, type WatchedPlayhead } from './PlaybackWatchdog';
import { Timers } from './Timers';
import { GaplessJoins } from './gapless/GaplessJoins';
import { createSoundscape, type Soundscape } from './soundscapes/Soundscape';
import { deckEnvelopeAt, deckEnvelopeShape } from './deck-envelope';
import { drawEnvelope, rampTo } from './gain-chain';
import type { Decibels, Milliseconds, Seconds } from './units';
import type { ProblemReason, Voice, VoiceFailure } from './Voice';

export type PlayerStatus = 'ready' | 'starting' | 'playing' | 'paused' | 'quiet' | 'ended';

export interface PlayerState {
  readonly status: PlayerStatus;
  /** Music time: advances only while playing. */
  readonly programMs: Milliseconds;
  readonly position: PlanPosition | null;
}

export interface PlaybackProblem {
  readonly segmentId: string;
  readonly path: string | undefined;
  readonly reason: ProblemReason;
  /** In words a facilitator can read. */
  readonly detail: string;
  readonly programMs: Milliseconds;
}

export interface SessionPlayerEvents extends Record<string, unknown> {
  state: PlayerState;
  'entry-started': { readonly entry: PlannedEntry; readonly programMs: Milliseconds };
  'phase-started': { readonly phase: PlannedPhase; readonly programMs: Milliseconds };
  ended: { readonly programMs: Milliseconds };
  problem: PlaybackProblem;
}

export interface ResolvedFile {
  readonly url: string;
  readonly gainDb: Decibels;
}

export interface SessionPlayerOptions {
  readonly tickMs: Milliseconds;
  /** How long before its start an entry's voice is created: files are loaded and checked then. */
  readonly preloadMs: Milliseconds;
  readonly pauseFadeSeconds: Seconds;
  readonly quietFadeSeconds: Seconds;
  readonly startFadeSeconds: Seconds;
  /** A playing file whose playhead has not moved for this long has stalled. */
  readonly stallMs: Milliseconds;
  /** The programme (before the master volume) below `silenceDb` for this long, while something should sound, is reported. */
  readonly silenceMs: Milliseconds;
  readonly silenceDb: Decibels;
  /** Where a file segment is served from and the gain that normalises it. */
  readonly resolveFile: (entry: PlannedEntry) => ResolvedFile;
  /**
   * Program time per audio-clock time: 1 in sessions. Tests and timing previews run the
   * plan faster (soundscapes do not mind; files would play at their own speed).
   */
  readonly speed: number;
  /** 0 s crossfades between files made sample-exact (the default); off, the media elements' timers make them, as a reference. */
  readonly gaplessJoins: boolean;
}

interface Deck {
  /** Replaced when the plan is rebuilt (a hold, skip or advance moves its end). */
  entry: PlannedEntry;
  readonly voice: Voice;
  readonly gain: GainNode;
  /** A soundscape covering for a file that failed, inside the same deck. */
  fill: Soundscape | undefined;
  failed: boolean;
}

const fillFadeSeconds = 1.5;
const elementEndToleranceMs = 250;
const abruptFillFadeSeconds = 0.2;

function fillPresetFor(plan: SessionPlan, entry: PlannedEntry): { preset: SoundscapePreset; params: SoundscapeParams } {
  const bridge = plan.entries.find((candidate) => candidate.phaseIndex === entry.phaseIndex && candidate.bridge);
  if (bridge?.segment.type === 'soundscape') return { preset: bridge.segment.preset, params: bridge.segment.params };
  return { preset: 'breath', params: { intensity: 0.4, brightness: 0.4 } };
}

function fileDescription(entry: PlannedEntry): string {
  return entry.segment.type === 'file' ? `“${entry.segment.title ?? entry.segment.path}”` : `“${entry.segment.id}”`;
}

/**
 * Plays a session plan: one deck per sounding entry, equal-power crossfades scheduled on
 * the audio thread, program time read from the AudioContext clock, and a watchdog that
 * covers any failure or unexpected silence with a soundscape. React-free; the UI reads
 * `getState()` and listens to typed events.
 */
export class SessionPlayer extends TypedEmitter<SessionPlayerEvents> {
  static readonly defaults: Omit<SessionPlayerOptions, 'resolveFile'> = {
    tickMs: 200,
    preloadMs: 30_000,
    pauseFadeSeconds: 0.8,
    quietFadeSeconds: 5,
    startFadeSeconds: 2,
    stallMs: 3000,
    silenceMs: 2000,
    silenceDb: -60,
    speed: 1,
    gaplessJoins: true,
  };

  private readonly options: SessionPlayerOptions;
  /** By entry key, which survives plan rebuilds. */
  private readonly decks = new Map<string, Deck>();
  private status: PlayerStatus = 'ready';
  private programAtAnchorMs: Milliseconds;
  private audioTimeAtAnchor: Seconds = 0;
  private readonly timers = new Timers();
  private stopTicking: (() => void) | undefined;
  private lastEntryKey = '';
  private lastPhaseIndex = -1;
  private readonly watchdog: PlaybackWatchdog;
  private state: PlayerState;
  private disposed = false;
  /** 0 s crossfades between files, made sample-exact on the audio clock (the elements' timers are not). */
  private readonly joins: GaplessJoins;

  constructor(
    private readonly output: AudioOutput,
    private plan: SessionPlan,
    startAtProgramMs: Milliseconds = 0,
    options: Partial<SessionPlayerOptions> = {},
  ) {
    super();
    this.options = {
      ...SessionPlayer.defaults,
      resolveFile: () => {
        throw new Error('no file resolver: this player cannot play music files');
      },
      ...options,
    };
    this.watchdog = new PlaybackWatchdog(
      { now: () => performance.now(), programLevelDb: () => output.programLevelDb() },
      { stallMs: this.options.stallMs, silenceMs: this.options.silenceMs, silenceDb: this.options.silenceDb },
    );
    this.watchdog.on('stalled', ({ key, positionSeconds }) => {
      const deck = this.decks.get(key);
      if (deck !== undefined) this.onVoiceFailure(deck.entry, { reason: 'stalled', detail: `stopped moving at ${positionSeconds.toFixed(1)} s` });
    });
    this.watchdog.on('silent', () => this.coverSilence());
    this.programAtAnchorMs = startAtProgramMs;
    this.state = { status: 'ready', programMs: startAtProgramMs, position: locate(plan, startAtProgramMs) };
    this.joins = new GaplessJoins({
      context: output.context,
      destination: output.musicBus,
      voiceFor: (entry) => {
        const deck = this.decks.get(entry.key);
        return deck !== undefined && !deck.failed && deck.voice instanceof FileVoice ? deck.voice : undefined;
      },
      deckInputFor: (entry) => this.decks.get(entry.key)?.gain,
      audioTimeAt: (programMs) => this.audioTimeAt(programMs),
      programNow: () => this.programNow(),
    });
  }

  getState(): PlayerState {
    return this.state;
  }

  getPlan(): SessionPlan {
    return this.plan;
  }

  programNow(): Milliseconds {
    if (this.status !== 'playing') return this.programAtAnchorMs;
    return this.programAt(this.output.currentTime);
  }

  private programAt(audioTime: Seconds): Milliseconds {
    return this.programAtAnchorMs + (audioTime - this.audioTimeAtAnchor) * 1000 * this.options.speed;
  }

  private audioTimeAt(programMs: Milliseconds): Seconds {
    return this.audioTimeAtAnchor + (programMs - this.programAtAnchorMs) / 1000 / this.options.speed;
  }

  /** Starts, or continues after a pause or a quiet passage, fading in. */
  async play(): Promise<void> {
    if (this.disposed || this.status === 'playing' || this.status === 'starting' || this.status === 'ended') return;
    const fadeSeconds =
      this.status === 'quiet' ? this.options.quietFadeSeconds : this.status === 'paused' ? this.options.pauseFadeSeconds : this.options.startFadeSeconds;
    const fromQuiet = this.status === 'quiet';
    this.setStatus('starting');
    await this.output.start();
    if (this.disposed) return;
    if (fromQuiet) this.stopBed(this.options.quietFadeSeconds);
    const now = this.output.currentTime;
    this.audioTimeAtAnchor = now;
    rampTo(this.output.musicBus.gain, 1, { now, seconds: fadeSeconds });
    this.status = 'playing';
    for (const deck of this.decks.values()) {
      deck.voice.resume?.(Math.max(0, this.programAtAnchorMs - deck.entry.startMs));
      this.scheduleEnvelope(deck, true);
    }
    // A playhead that stood still during a pause has not stalled: the watchdog starts afresh.
    this.watchdog.reset();
    this.tick();
    this.stopTicking ??= this.timers.every(this.options.tickMs, () => this.tick());
  }

  /** A short fade, the music keeps its place. */
  pause(): void {
    this.hold('paused', this.options.pauseFadeSeconds);
  }

  /**
   * Fades the music out over ~5 s; it keeps its place until `play()` fades it back. With a
   * bed, a soft soundscape fades in instead of silence (a quiet break).
   */
  quiet(bed?: { readonly preset: SoundscapePreset; readonly params: SoundscapeParams }): void {
    if (this.status !== 'playing') return;
    this.hold('quiet', this.options.quietFadeSeconds);
    if (bed !== undefined) this.startBed(bed.preset, bed.params);
  }

  private bed: { readonly soundscape: Soundscape; readonly gain: GainNode } | undefined;

  private startBed(preset: SoundscapePreset, params: SoundscapeParams): void {
    this.stopBed();
    const soundscape = createSoundscape(preset, params);
    const gain = this.output.context.createGain();
    gain.gain.value = 1;
    soundscape.output.connect(gain);
    gain.connect(this.output.bedBus);
    soundscape.start(this.output.currentTime, this.options.quietFadeSeconds);
    this.bed = { soundscape, gain };
  }

  private stopBed(fadeSeconds: Seconds = 0.05): void {
    const bed = this.bed;
    if (bed === undefined) return;
    this.bed = undefined;
    rampTo(bed.gain.gain, 0, { now: this.output.currentTime, seconds: fadeSeconds });
    this.timers.releaseAfter(fadeSeconds * 1000 + 100, () => {
      bed.soundscape.dispose();
      bed.gain.disconnect();
    });
  }

  private hold(status: 'paused' | 'quiet', fadeSeconds: Seconds): void {
    if (this.status !== 'playing') return;
    const now = this.output.currentTime;
    const programMs = this.programAt(now);
    rampTo(this.output.musicBus.gain, 0, { now, seconds: fadeSeconds });
    this.joins.unscheduleAll();
    // Freeze every deck where the program stopped; play() schedules the rest again.
    for (const deck of this.decks.values()) rampTo(deck.gain.gain, deckEnvelopeAt(deck.entry, programMs), { now, seconds: 0 });
    this.programAtAnchorMs = programMs;
    this.setStatus(status);
    const pausedAt = this.programAtAnchorMs;
    this.timers.after(fadeSeconds * 1000 + 50, () => {
      // Media elements stop once the fade is over (if nothing resumed meanwhile).
      if (this.status !== status || this.programAtAnchorMs !== pausedAt) return;
      for (const deck of this.decks.values()) deck.voice.pause?.();
    });
  }

  private setStatus(status: PlayerStatus): void {
    this.status = status;
    this.publish();
  }

  private publish(): void {
    const programMs = Math.round(this.programNow());
    this.state = { status: this.status, programMs, position: locate(this.plan, programMs) };
    this.emit('state', this.state);
  }

  /**
   * Schedules the rest of a deck's envelope on the audio thread from now on. A deck that already
   * sounds is taken over from the gain heard (`takeOver`): its fade may be replaced part-way, by a
   * new plan or after a pause, without a jump and without a curve Web Audio would refuse.
   */
  private scheduleEnvelope(deck: Deck, takeOver: boolean): void {
    const { entry } = deck;
    const gain = deck.gain.gain;
    const now = this.output.currentTime;
    const { moving, stepsAt } = deckEnvelopeShape(entry, (programMs) => this.audioTimeAt(programMs));
    drawEnvelope(gain, {
      now,
      gainAt: (audioTime) => deckEnvelopeAt(entry, this.programAt(audioTime)),
      moving,
      stepsAt,
      ...(takeOver ? { heard: gain.value } : {}),
    });
  }

  private soundscapeVoice(soundscape: Soundscape): Voice {
    return {
      connect: (destination) => soundscape.output.connect(destination),
      start: (audioTime) => soundscape.start(audioTime, 0.05),
      stop: (audioTime) => soundscape.stop(audioTime),
      dispose: () => soundscape.dispose(),
    };
  }

  private createVoice(entry: PlannedEntry, onFailure: (failure: VoiceFailure) => void): Voice {
    const { segment } = entry;
    if (segment.type === 'soundscape') return this.soundscapeVoice(createSoundscape(segment.preset, segment.params));
    const { url, gainDb } = this.options.resolveFile(entry);
    const voice = new FileVoice({
      context: this.output.context,
      url,
      path: segment.path,
      gainDb,
      mediaStartSeconds: segment.trimStartSeconds ?? 0,
      onFailure,
      onEnded: () => this.onFileEnded(entry.key),
    });
    const expectedSeconds = (entry.endMs - entry.startMs) / 1000;
    // Checked well before it is needed: a file much shorter than planned (truncated)
    // gets a soundscape from where it runs out.
    void voice.loaded.then((fileSeconds) => {
      const durationSeconds = fileSeconds - (segment.trimStartSeconds ?? 0);
      if (Number.isFinite(expectedSeconds) && fileSeconds > 0 && durationSeconds + 1 < expectedSeconds) {
        this.coverShortFile(entry, durationSeconds);
      }
    });
    return voice;
  }

  /** Reacting to the end event itself (not the next tick) keeps the gap of a truncated file to a few ms. */
  private onFileEnded(key: string): void {
    const deck = this.decks.get(key);
    if (deck === undefined || deck.failed || deck.fill !== undefined || this.status !== 'playing') return;
    // What the element has played, on the program clock: a file held back to line up with a bridge plays that far ahead of what is heard.
    const programMs = this.programNow() + (deck.voice.heldBackSeconds?.() ?? 0) * 1000;
    // An element runs a few ms ahead of or behind the program clock: one that ends just before a 0 s join has not run out early.
    if (programMs >= deck.entry.endMs - deck.entry.fadeOutMs - elementEndToleranceMs) return;
    const playedSeconds = (programMs - deck.entry.startMs) / 1000;
    this.onVoiceFailure(deck.entry, { reason: 'unreadable', detail: `ended after ${playedSeconds.toFixed(1)} s, earlier than planned (truncated?)` });
  }

  private coverShortFile(entry: PlannedEntry, durationSeconds: number): void {
    const deck = this.decks.get(entry.key);
    if (deck === undefined || deck.failed) return;
    const runsOutAtMs = entry.startMs + durationSeconds * 1000;
    this.report(deck, { reason: 'unreadable', detail: `ends after ${durationSeconds.toFixed(1)} s although the playlist plans ${((entry.endMs - entry.startMs) / 1000).toFixed(0)} s (truncated?)` });
    this.startFill(deck, Math.max(this.programNow(), runsOutAtMs - fillFadeSeconds * 1000));
  }

  private report(deck: Deck, failure: VoiceFailure): void {
    const { segment } = deck.entry;
    this.emit('problem', {
      segmentId: segment.id,
      path: segment.type === 'file' ? segment.path : undefined,
      reason: failure.reason,
      detail: `${fileDescription(deck.entry)} ${failure.detail}`,
      programMs: Math.round(this.programNow()),
    });
  }

  private onVoiceFailure(entry: PlannedEntry, failure: VoiceFailure): void {
    const deck = this.decks.get(entry.key);
    if (deck === undefined || deck.failed) return;
    deck.failed = true;
    this.report(deck, failure);
    // The music may have stopped abruptly: the cover comes in fast.
    this.startFill(deck, this.programNow(), abruptFillFadeSeconds);
    deck.voice.pause?.();
  }

  /** A soundscape inside the deck takes over from `programMs`, under the deck's own envelope. */
  private startFill(deck: Deck, programMs: Milliseconds, fadeSeconds: Seconds = fillFadeSeconds): void {
    if (deck.fill !== undefined || this.disposed) return;
    const { preset, params } = fillPresetFor(this.plan, deck.entry);
    const fill = createSoundscape(preset, params);
    fill.output.connect(deck.gain);
    deck.fill = fill;
    const startAt = this.status === 'playing' ? Math.max(this.output.currentTime, this.audioTimeAt(programMs)) : this.output.currentTime;
    fill.start(startAt, fadeSeconds);
  }

  private ensureDeck(entry: PlannedEntry, programMs: Milliseconds): void {
    if (this.decks.has(entry.key)) return;
    const gain = this.output.context.createGain();
    gain.gain.value = 0;
    gain.connect(entry.segment.type === 'soundscape' ? this.output.soundscapeBus.input : this.output.musicBus);
    // Failures arrive asynchronously; the microtask also covers one raised while the deck is built.
    const voice = this.createVoice(entry, (failure) => queueMicrotask(() => this.onVoiceFailure(entry, failure)));
    voice.connect(gain);
    const deck: Deck = { entry, voice, gain, fill: undefined, failed: false };
    this.decks.set(entry.key, deck);
    const startAt = Math.max(this.output.currentTime, this.audioTimeAt(entry.startMs));
    voice.start(startAt, Math.max(0, programMs - entry.startMs));
    this.scheduleEnvelope(deck, false);
  }

  private retireDeck(deck: Deck): void {
    this.decks.delete(deck.entry.key);
    this.disposeDeck(deck);
  }

  private disposeDeck(deck: Deck): void {
    deck.voice.stop(this.output.currentTime);
    deck.voice.dispose();
    deck.fill?.stop(this.output.currentTime);
    deck.fill?.dispose();
    deck.gain.disconnect();
  }

  /** Files that should be moving now, for the watchdog; one that ended early ran out. */
  private playheadsToWatch(programMs: Milliseconds): WatchedPlayhead[] {
    const playheads: WatchedPlayhead[] = [];
    for (const deck of this.decks.values()) {
      // Half a second of grace at each end: a file is still being started or stopped there.
      // A deck the silence alarm already covers is still watched: its file may have stalled.
      if (deck.failed || programMs < deck.entry.startMs + 500 || programMs > deck.entry.endMs - 500) continue;
      if (deck.voice.ended?.() === true) {
        // Normally caught by the end event; this is the backstop.
        this.onFileEnded(deck.entry.key);
        continue;
      }
      const positionSeconds = deck.voice.positionSeconds?.();
      if (positionSeconds !== undefined) playheads.push({ key: deck.entry.key, positionSeconds });
    }
    return playheads;
  }

  /**
   * Whether the plan says something should sound: not in the start fade, not in the last
   * entry's fade to the end, and not while a segment the curator marked as quiet plays
   * (alone or inside a crossfade).
   */
  private soundExpected(programMs: Milliseconds): boolean {
    const last = this.plan.entries.at(-1);
    if (last !== undefined && programMs >= last.endMs - last.fadeOutMs) return false;
    if (programMs < this.options.startFadeSeconds * 1000 + (this.plan.entries[0]?.startMs ?? 0)) return false;
    for (const deck of this.decks.values()) {
      const { entry } = deck;
      if (programMs >= entry.startMs && programMs < entry.endMs && entry.segment.flags?.intentionallyQuiet === true) return false;
    }
    return true;
  }

  /** Unintended silence: a soundscape covers whatever should be playing. */
  private coverSilence(): void {
    const programMs = this.programNow();
    const position = locate(this.plan, programMs);
    const deck = position === null ? undefined : this.decks.get(position.entry.key);
    if (deck === undefined) return;
    this.report(deck, { reason: 'silence', detail: `was silent for ${(this.options.silenceMs / 1000).toFixed(0)} s; a soundscape covers it` });
    this.startFill(deck, programMs);
  }

  private tick(): void {
    if (this.status !== 'playing') return;
    const programMs = this.programNow();
    if (programMs >= this.plan.totalMs) {
      this.finish();
      return;
    }
    for (const entry of this.plan.entries) {
      if (entry.startMs - this.options.preloadMs > programMs) break;
      if (programMs < entry.endMs) this.ensureDeck(entry, programMs);
    }
    // Files play at their own speed: a plan run faster (tests, previews) has no sample-exact joins to make.
    if (this.options.speed === 1 && this.options.gaplessJoins) this.joins.update(this.plan.entries, programMs);
    for (const deck of [...this.decks.values()]) {
      if (programMs >= deck.entry.endMs + 500) this.retireDeck(deck);
    }
    this.watchdog.check({ playheads: this.playheadsToWatch(programMs), soundExpected: this.soundExpected(programMs) });
    const position = locate(this.plan, programMs);
    if (position !== null && position.entry.key !== this.lastEntryKey) {
      this.lastEntryKey = position.entry.key;
      if (position.phase.index !== this.lastPhaseIndex) {
        this.lastPhaseIndex = position.phase.index;
        this.emit('phase-started', { phase: position.phase, programMs: Math.round(programMs) });
      }
      this.emit('entry-started', { entry: position.entry, programMs: Math.round(programMs) });
    }
    this.publish();
  }

  private finish(): void {
    this.stopAtEnd();
    this.emit('ended', { programMs: this.plan.totalMs });
  }

  private stopAtEnd(): void {
    this.programAtAnchorMs = this.plan.totalMs;
    this.status = 'ended';
    this.joins.dispose();
    for (const deck of [...this.decks.values()]) this.retireDeck(deck);
    this.stopTicking?.();
    this.stopTicking = undefined;
    this.publish();
  }

  /**
   * Takes a rebuilt plan (hold, release, extend, advance, skip): decks whose entry is still
   * planned get its new times and their envelopes rescheduled (a cut entry fades out over
   * the crossfade); decks the new plan no longer has fade out at once.
   */
  replacePlan(plan: SessionPlan): void {
    this.plan = plan;
    // Scheduled again from the new plan's times on the tick below.
    this.joins.unscheduleAll();
    const entries = new Map(plan.entries.map((entry) => [entry.key, entry]));
    const now = this.output.currentTime;
    for (const deck of [...this.decks.values()]) {
      const updated = entries.get(deck.entry.key);
      if (updated !== undefined) {
        deck.entry = updated;
        if (this.status === 'playing') this.scheduleEnvelope(deck, true);
        continue;
      }
      this.decks.delete(deck.entry.key);
      rampTo(deck.gain.gain, 0, { now, seconds: 0.5 });
      this.timers.releaseAfter(700, () => this.disposeDeck(deck));
    }
    if (this.status === 'playing') this.tick();
    else this.publish();
  }

  /**
   * After the plan has run out (or when a session resumes there): the music stays ended and
   * a soft soundscape bed (or silence, without one) plays until the session ends.
   */
  async playClosing(bed: { readonly preset: SoundscapePreset; readonly params: SoundscapeParams } | undefined): Promise<void> {
    if (this.disposed) return;
    if (this.status !== 'ended') this.stopAtEnd();
    if (bed === undefined) return;
    await this.output.start();
    if (this.disposed || this.status !== 'ended') return;
    this.startBed(bed.preset, bed.params);
  }

  /** Fades the closing bed out: the session has ended. */
  stopClosing(): void {
    this.stopBed(this.options.quietFadeSeconds);
  }

  /** Each gapless join's state by "outgoing→incoming" entry keys, for diagnostics and tests. */
  joinStatuses(): Readonly<Record<string, string>> {
    return this.joins.statuses();
  }

  /** Live `<audio>` elements and decks, for the memory benchmark. */
  deckCount(): number {
    return this.decks.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.watchdog.dispose();
    this.stopBed();
    this.joins.dispose();
    for (const deck of [...this.decks.values()]) this.retireDeck(deck);
    // Last: the bed and the decks cut from the plan are freed now rather than after their fades.
    this.timers.dispose();
    this.removeAllListeners();
  }
}
