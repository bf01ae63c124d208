import { equalPowerGain, type Seconds } from './units';

export interface TransitionWindowInput {
  /** How long the outgoing segment sounds (its trims taken off). */
  readonly fromPlayedSeconds: Seconds;
  readonly toPlayedSeconds: Seconds;
  /** The crossfade the playlist asks for into the incoming segment. */
  readonly crossfadeSeconds: Seconds;
  /** How much of the outgoing segment plays before the crossfade begins. */
  readonly leadSeconds: Seconds;
  /** How much of the incoming segment plays after the crossfade ends. */
  readonly tailSeconds: Seconds;
}

/** A transition preview laid out from its own start (0): when each side sounds and how loud. */
export interface TransitionWindow {
  /** Where in the outgoing segment (past its start trim) the preview begins. */
  readonly fromOffsetSeconds: Seconds;
  /** When the crossfade begins, and the incoming segment starts from its beginning. */
  readonly crossfadeAtSeconds: Seconds;
  /** As the session would play it: never more than half of either segment (core/plan.ts). */
  readonly crossfadeSeconds: Seconds;
  /** When the outgoing segment has ended and the preview stops. */
  readonly endAtSeconds: Seconds;
}

/** The last seconds of one segment crossfading into the first seconds of the next, as a session plays them. */
export function transitionWindow(input: TransitionWindowInput): TransitionWindow {
  const fromPlayed = Math.max(0, input.fromPlayedSeconds);
  const toPlayed = Math.max(0, input.toPlayedSeconds);
  const crossfadeSeconds = Math.max(0, Math.min(input.crossfadeSeconds, fromPlayed / 2, toPlayed / 2));
  const fromOffsetSeconds = Math.max(0, fromPlayed - crossfadeSeconds - Math.max(0, input.leadSeconds));
  const crossfadeAtSeconds = fromPlayed - crossfadeSeconds - fromOffsetSeconds;
  const tail = Math.max(0, Math.min(input.tailSeconds, toPlayed - crossfadeSeconds));
  return { fromOffsetSeconds, crossfadeAtSeconds, crossfadeSeconds, endAtSeconds: crossfadeAtSeconds + crossfadeSeconds + tail };
}

/**
 * Each side's deck gain at a moment of the preview: the outgoing side full until the
 * crossfade and equal-power out over it, the incoming side silent until it and
 * equal-power in. A stop part-way holds these values before fading out.
 */
export function transitionGains(window: TransitionWindow, atSeconds: Seconds): { readonly from: number; readonly to: number } {
  if (atSeconds < window.crossfadeAtSeconds) return { from: 1, to: 0 };
  if (window.crossfadeSeconds === 0 || atSeconds >= window.crossfadeAtSeconds + window.crossfadeSeconds) return { from: 0, to: 1 };
  const fraction = (atSeconds - window.crossfadeAtSeconds) / window.crossfadeSeconds;
  return { from: equalPowerGain('out', fraction), to: equalPowerGain('in', fraction) };
}
