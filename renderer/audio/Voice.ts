import type { Milliseconds, Seconds } from './units';

export type ProblemReason = 'missing' | 'unreadable' | 'not-audio' | 'stalled' | 'silence';

export interface VoiceFailure {
  readonly reason: ProblemReason;
  readonly detail: string;
}

/** Something that sounds for one plan entry; the deck owns its gain and crossfades. */
export interface Voice {
  connect(destination: AudioNode): void;
  start(audioTime: Seconds, offsetMs: Milliseconds): void;
  stop(audioTime: Seconds): void;
  /** Media elements must really stop while the program clock stands still. */
  pause?(): void;
  resume?(offsetMs: Milliseconds): void;
  positionSeconds?(): number | undefined;
  /** True once a file has played to the end of its data. */
  ended?(): boolean;
  /** How long after its element plays a moment that moment is heard (a file lined up under a bridge is held back by a delay). */
  heldBackSeconds?(): Seconds;
  dispose(): void;
}
