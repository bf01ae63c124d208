import { locate, type PlanPosition, type PlannedEntry, type PlannedPhase, type SessionPlan } from '../../core/plan';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { createSoundscape } from './soundscapes/Soundscape';
import { equalPowerCurve, equalPowerGain, type Milliseconds, type Seconds } from './units';

export type PlayerStatus = 'ready' | 'starting' | 'playing' | 'paused' | 'ended';

export interface PlayerState {
  readonly status: PlayerStatus;
  /** Music time: advances only while playing. */
  readonly programMs: Milliseconds;
  readonly position: PlanPosition | null;
}

export interface SessionPlayerEvents extends Record<string, unknown> {
  state: PlayerState;
  'entry-started': { readonly entry: PlannedEntry; readonly programMs: Milliseconds };
  'phase-started': { readonly phase: PlannedPhase; readonly programMs: Milliseconds };
  ended: { readonly programMs: Milliseconds };
  problem: { readonly message: string };
}

export interface SessionPlayerOptions {
  readonly tickMs: Milliseconds;
  /** How long before its start an entry's voice is created and started (silent). */
  readonly preloadMs: Milliseconds;
  readonly pauseFadeSeconds: Seconds;
  readonly startFadeSeconds: Seconds;
}

/** Something that sounds for one plan entry; the deck owns its gain and crossfades. */
export interface Voice {
  connect(destination: AudioNode): void;
  start(audioTime: Seconds, offsetMs: Milliseconds): void;
  stop(audioTime: Seconds): void;
  dispose(): void;
}

interface Deck {
  readonly entry: PlannedEntry;
  readonly voice: Voice;
  readonly gain: GainNode;
}

/** Guards against back-to-back automation curves touching, which Web Audio rejects as overlap. */
const curveMarginSeconds = 0.002;

/**
 * Plays a session plan: one deck per sounding entry, equal-power crossfades scheduled on
 * the audio thread, program time read from the AudioContext clock. React-free; the UI
 * reads `getState()` and listens to typed events.
 */
export class SessionPlayer extends TypedEmitter<SessionPlayerEvents> {
  static readonly defaults: SessionPlayerOptions = {
    tickMs: 200,
    preloadMs: 10_000,
    pauseFadeSeconds: 0.8,
    startFadeSeconds: 2,
  };

  private readonly options: SessionPlayerOptions;
  private readonly decks = new Map<number, Deck>();
  private status: PlayerStatus = 'ready';
  private programAtAnchorMs: Milliseconds;
  private audioTimeAtAnchor: Seconds = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastEntryIndex = -1;
  private lastPhaseIndex = -1;
  private state: PlayerState;
  private disposed = false;

  constructor(
    private readonly output: AudioOutput,
    private readonly plan: SessionPlan,
    startAtProgramMs: Milliseconds = 0,
    options: Partial<SessionPlayerOptions> = {},
  ) {
    super();
    this.options = { ...SessionPlayer.defaults, ...options };
    this.programAtAnchorMs = startAtProgramMs;
    this.state = { status: 'ready', programMs: startAtProgramMs, position: locate(plan, startAtProgramMs) };
  }

  getState(): PlayerState {
    return this.state;
  }

  getPlan(): SessionPlan {
    return this.plan;
  }

  programNow(): Milliseconds {
    if (this.status !== 'playing') return this.programAtAnchorMs;
    return this.programAtAnchorMs + (this.output.currentTime - this.audioTimeAtAnchor) * 1000;
  }

  private audioTimeAt(programMs: Milliseconds): Seconds {
    return this.audioTimeAtAnchor + (programMs - this.programAtAnchorMs) / 1000;
  }

  async play(): Promise<void> {
    if (this.disposed || this.status === 'playing' || this.status === 'starting' || this.status === 'ended') return;
    const resuming = this.status === 'paused';
    this.setStatus('starting');
    await this.output.start();
    if (this.disposed) return;
    const now = this.output.currentTime;
    this.audioTimeAtAnchor = now;
    const bus = this.output.musicBus.gain;
    bus.cancelScheduledValues(now);
    bus.setValueAtTime(0, now);
    bus.linearRampToValueAtTime(1, now + (resuming ? this.options.pauseFadeSeconds : this.options.startFadeSeconds));
    this.status = 'playing';
    for (const deck of this.decks.values()) this.scheduleEnvelope(deck, this.programAtAnchorMs);
    this.tick();
    this.timer ??= setInterval(() => this.tick(), this.options.tickMs);
  }

  pause(): void {
    if (this.status !== 'playing') return;
    const programMs = this.programNow();
    const now = this.output.currentTime;
    const bus = this.output.musicBus.gain;
    bus.cancelScheduledValues(now);
    bus.setValueAtTime(bus.value, now);
    bus.linearRampToValueAtTime(0, now + this.options.pauseFadeSeconds);
    // Freeze every deck where the program stopped; play() schedules the rest again.
    for (const deck of this.decks.values()) {
      deck.gain.gain.cancelScheduledValues(now);
      deck.gain.gain.setValueAtTime(this.envelopeAt(deck.entry, programMs), now);
    }
    this.programAtAnchorMs = programMs;
    this.setStatus('paused');
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

  /** Deck gain for an entry at a program time: equal-power in, full, equal-power out. */
  private envelopeAt(entry: PlannedEntry, programMs: Milliseconds): number {
    if (programMs < entry.startMs || programMs >= entry.endMs) return 0;
    if (entry.fadeInMs > 0 && programMs < entry.startMs + entry.fadeInMs) {
      return equalPowerGain('in', (programMs - entry.startMs) / entry.fadeInMs);
    }
    const fadeOutStart = entry.endMs - entry.fadeOutMs;
    if (entry.fadeOutMs > 0 && programMs >= fadeOutStart) {
      return equalPowerGain('out', (programMs - fadeOutStart) / entry.fadeOutMs);
    }
    return 1;
  }

  /** Schedules the rest of an entry's envelope on the audio thread, from `programMs` on. */
  private scheduleEnvelope(deck: Deck, programMs: Milliseconds): void {
    const { entry } = deck;
    const gain = deck.gain.gain;
    const now = this.output.currentTime;
    gain.cancelScheduledValues(now);
    gain.setValueAtTime(this.envelopeAt(entry, programMs), now);

    const fadeInEnd = entry.startMs + entry.fadeInMs;
    if (programMs < fadeInEnd) {
      if (entry.fadeInMs === 0) {
        gain.setValueAtTime(1, this.audioTimeAt(entry.startMs));
      } else {
        const from = Math.max(programMs, entry.startMs);
        const fraction = (from - entry.startMs) / entry.fadeInMs;
        const duration = (fadeInEnd - from) / 1000 - curveMarginSeconds;
        if (duration > 0) gain.setValueCurveAtTime(equalPowerCurve('in', fraction), Math.max(now, this.audioTimeAt(from)), duration);
      }
    }
    const fadeOutStart = entry.endMs - entry.fadeOutMs;
    if (programMs < entry.endMs && entry.fadeOutMs > 0) {
      const from = Math.max(programMs, fadeOutStart, fadeInEnd);
      const fraction = (from - fadeOutStart) / entry.fadeOutMs;
      const duration = (entry.endMs - from) / 1000 - curveMarginSeconds;
      if (duration > 0) {
        gain.setValueCurveAtTime(equalPowerCurve('out', fraction), Math.max(now, this.audioTimeAt(from)) + curveMarginSeconds, duration);
      }
    } else if (programMs < entry.endMs) {
      gain.setValueAtTime(0, this.audioTimeAt(entry.endMs));
    }
  }

  private createVoice(entry: PlannedEntry): Voice | undefined {
    const { segment } = entry;
    if (segment.type === 'soundscape') {
      const soundscape = createSoundscape(segment.preset, segment.params);
      return {
        connect: (destination) => soundscape.output.connect(destination),
        start: (audioTime) => soundscape.start(audioTime, 0.05),
        stop: (audioTime) => soundscape.stop(audioTime),
        dispose: () => soundscape.dispose(),
      };
    }
    this.emit('problem', { message: `“${segment.title ?? segment.path}” is a music file; file playback is not available in this build` });
    return undefined;
  }

  private ensureDeck(entry: PlannedEntry, programMs: Milliseconds): void {
    if (this.decks.has(entry.index)) return;
    const voice = this.createVoice(entry);
    if (voice === undefined) return;
    const gain = this.output.context.createGain();
    gain.gain.value = 0;
    voice.connect(gain);
    gain.connect(entry.segment.type === 'soundscape' ? this.output.soundscapeBus.input : this.output.musicBus);
    const deck: Deck = { entry, voice, gain };
    this.decks.set(entry.index, deck);
    const startAt = Math.max(this.output.currentTime, this.audioTimeAt(entry.startMs));
    voice.start(startAt, Math.max(0, programMs - entry.startMs));
    this.scheduleEnvelope(deck, programMs);
  }

  private retireDeck(deck: Deck): void {
    this.decks.delete(deck.entry.index);
    deck.voice.stop(this.output.currentTime);
    deck.voice.dispose();
    deck.gain.disconnect();
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
    for (const deck of [...this.decks.values()]) {
      if (programMs >= deck.entry.endMs + 500) this.retireDeck(deck);
    }
    const position = locate(this.plan, programMs);
    if (position !== null && position.entry.index !== this.lastEntryIndex) {
      this.lastEntryIndex = position.entry.index;
      if (position.phase.index !== this.lastPhaseIndex) {
        this.lastPhaseIndex = position.phase.index;
        this.emit('phase-started', { phase: position.phase, programMs: Math.round(programMs) });
      }
      this.emit('entry-started', { entry: position.entry, programMs: Math.round(programMs) });
    }
    this.publish();
  }

  private finish(): void {
    this.programAtAnchorMs = this.plan.totalMs;
    this.status = 'ended';
    for (const deck of [...this.decks.values()]) this.retireDeck(deck);
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.publish();
    this.emit('ended', { programMs: this.plan.totalMs });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const deck of [...this.decks.values()]) this.retireDeck(deck);
    this.removeAllListeners();
  }
}
