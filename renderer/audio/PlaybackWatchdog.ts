import { TypedEmitter } from '../../core/typed-emitter';
import type { Decibels, Milliseconds, Seconds } from './units';

export interface PlaybackWatchdogOptions {
  /** A playhead that should move and has not for this long has stalled. */
  readonly stallMs: Milliseconds;
  /** The programme below `silenceDb` for this long, while something should sound, is unintended silence. */
  readonly silenceMs: Milliseconds;
  readonly silenceDb: Decibels;
}

export interface PlaybackWatchdogSources {
  /** A monotonic clock. */
  readonly now: () => Milliseconds;
  /** The programme's level before the master volume, so a low volume never reads as silence. */
  readonly programLevelDb: () => Decibels;
}

export interface WatchedPlayhead {
  readonly key: string;
  readonly positionSeconds: Seconds;
}

/** What the player expects right now; only what it names is watched. */
export interface PlaybackExpectation {
  /** Files that are playing and should be moving (a key left out is forgotten). */
  readonly playheads: Iterable<WatchedPlayhead>;
  /** False while nothing is meant to sound: paused, fading, or a segment the curator marked as quiet. */
  readonly soundExpected: boolean;
}

export interface PlaybackWatchdogEvents extends Record<string, unknown> {
  stalled: { readonly key: string; readonly positionSeconds: Seconds; readonly stuckForMs: Milliseconds };
  silent: { readonly silentForMs: Milliseconds; readonly levelDb: Decibels };
}

interface PlayheadRecord {
  positionSeconds: Seconds;
  movedAtMs: Milliseconds;
  reported: boolean;
}

/** A playhead must move more than this between checks to count as moving. */
const movementEpsilonSeconds = 0.001;

/**
 * Notices what a listener would: a file whose playhead stands still, and a programme that has
 * gone quiet while the plan says something should sound. Each episode is reported once; it
 * re-arms when the playhead moves or the sound returns. Driven by `check()` from the player's
 * own tick (no timer of its own), with the clock and the level injected so tests can drive it.
 */
export class PlaybackWatchdog extends TypedEmitter<PlaybackWatchdogEvents> {
  static readonly defaults: PlaybackWatchdogOptions = { stallMs: 3000, silenceMs: 2000, silenceDb: -60 };

  private readonly options: PlaybackWatchdogOptions;
  private readonly playheads = new Map<string, PlayheadRecord>();
  private silentSinceMs: Milliseconds | undefined;
  private silenceReported = false;
  private disposed = false;

  constructor(
    private readonly sources: PlaybackWatchdogSources,
    options: Partial<PlaybackWatchdogOptions> = {},
  ) {
    super();
    this.options = { ...PlaybackWatchdog.defaults, ...options };
  }

  check(expectation: PlaybackExpectation): void {
    if (this.disposed) return;
    const nowMs = this.sources.now();
    this.checkPlayheads(expectation.playheads, nowMs);
    this.checkLevel(expectation.soundExpected, nowMs);
  }

  /** Forgets every playhead and any silence so far: after a pause, standing still was intended. */
  reset(): void {
    this.playheads.clear();
    this.silentSinceMs = undefined;
    this.silenceReported = false;
  }

  private checkPlayheads(playheads: Iterable<WatchedPlayhead>, nowMs: Milliseconds): void {
    const seen = new Set<string>();
    for (const { key, positionSeconds } of playheads) {
      seen.add(key);
      const record = this.playheads.get(key);
      if (record === undefined || Math.abs(positionSeconds - record.positionSeconds) > movementEpsilonSeconds) {
        this.playheads.set(key, { positionSeconds, movedAtMs: nowMs, reported: false });
        continue;
      }
      const stuckForMs = nowMs - record.movedAtMs;
      if (record.reported || stuckForMs < this.options.stallMs) continue;
      record.reported = true;
      this.emit('stalled', { key, positionSeconds, stuckForMs });
    }
    for (const key of this.playheads.keys()) if (!seen.has(key)) this.playheads.delete(key);
  }

  private checkLevel(soundExpected: boolean, nowMs: Milliseconds): void {
    // The level is read only when it matters: reading the analyser costs a little each time.
    const levelDb = soundExpected ? this.sources.programLevelDb() : Infinity;
    if (!(levelDb < this.options.silenceDb)) {
      this.silentSinceMs = undefined;
      this.silenceReported = false;
      return;
    }
    this.silentSinceMs ??= nowMs;
    const silentForMs = nowMs - this.silentSinceMs;
    if (this.silenceReported || silentForMs < this.options.silenceMs) return;
    this.silenceReported = true;
    this.emit('silent', { silentForMs, levelDb });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.playheads.clear();
    this.removeAllListeners();
  }
}
