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

/** How long a neighbour of the marked segment sounds and its crossfade with it, as the plan has them. */
export interface ReplayNeighbourTiming {
  /** How long it sounds (its trims taken off). */
  readonly playedSeconds: Seconds;
  /** The crossfade between it and the marked segment, before the cap at half of either. */
  readonly crossfadeSeconds: Seconds;
}

export interface ReplayLayoutInput {
  /** Where in the marked segment (past its start trim) the replay begins. */
  readonly fromSeconds: Seconds;
  /** How long the marked segment sounds (its trims taken off). */
  readonly playedSeconds: Seconds;
  /** The segment that crossfaded into the marked one, if any. */
  readonly previous?: ReplayNeighbourTiming;
  /** The segment the marked one crossfaded into, if any. */
  readonly next?: ReplayNeighbourTiming;
  /** Without a next segment: the marked one's fade to silence at the end of the plan. */
  readonly endFadeSeconds?: Seconds;
}

/** An equal-power fade on the replay's clock; it may have begun before the replay (a negative start). */
export interface ReplayFade {
  readonly direction: 'in' | 'out';
  readonly startsAtSeconds: Seconds;
  readonly seconds: Seconds;
}

export interface ReplayLayer {
  readonly role: 'previous' | 'marked' | 'next';
  /** When it starts sounding, from the replay's start. */
  readonly startAtSeconds: Seconds;
  /** Where in its segment (past its start trim) it starts. */
  readonly offsetSeconds: Seconds;
  readonly fades: readonly ReplayFade[];
  /** When it has faded out for good (undefined: it plays on until it ends). */
  readonly stopAtSeconds: Seconds | undefined;
}

/**
 * A replay from inside the marked segment laid out as the session played it: the segment
 * that was still fading out (when the replay starts inside the crossfade into the marked
 * one), the marked segment with its own fades, and the next segment from the crossfade at
 * its end on. Each crossfade is capped as the plan caps it (`transitionWindow`).
 */
export function replayLayout(input: ReplayLayoutInput): ReplayLayer[] {
  const played = Math.max(0, input.playedSeconds);
  const from = Math.min(Math.max(0, input.fromSeconds), played);
  const crossfadeWith = (fromPlayedSeconds: Seconds, toPlayedSeconds: Seconds, crossfadeSeconds: Seconds) =>
    transitionWindow({ fromPlayedSeconds, toPlayedSeconds, crossfadeSeconds, leadSeconds: 0, tailSeconds: 0 }).crossfadeSeconds;
  const fadeIn = input.previous === undefined ? 0 : crossfadeWith(input.previous.playedSeconds, played, input.previous.crossfadeSeconds);
  const fadeOut =
    input.next === undefined
      ? Math.max(0, Math.min(input.endFadeSeconds ?? 0, played / 2))
      : crossfadeWith(played, input.next.playedSeconds, input.next.crossfadeSeconds);
  const fadeOutStartsAt = played - fadeOut - from;

  const layers: ReplayLayer[] = [];
  if (input.previous !== undefined && from < fadeIn) {
    layers.push({
      role: 'previous',
      startAtSeconds: 0,
      offsetSeconds: Math.max(0, input.previous.playedSeconds - fadeIn + from),
      fades: [{ direction: 'out', startsAtSeconds: -from, seconds: fadeIn }],
      stopAtSeconds: fadeIn - from,
    });
  }
  const markedFades: ReplayFade[] = [];
  if (fadeIn > 0) markedFades.push({ direction: 'in', startsAtSeconds: -from, seconds: fadeIn });
  if (fadeOut > 0 || input.next !== undefined) markedFades.push({ direction: 'out', startsAtSeconds: fadeOutStartsAt, seconds: fadeOut });
  layers.push({
    role: 'marked',
    startAtSeconds: 0,
    offsetSeconds: from,
    fades: markedFades,
    stopAtSeconds: input.next !== undefined || fadeOut > 0 ? played - from : undefined,
  });
  if (input.next !== undefined) {
    layers.push({
      role: 'next',
      startAtSeconds: Math.max(0, fadeOutStartsAt),
      offsetSeconds: Math.max(0, -fadeOutStartsAt),
      fades: [{ direction: 'in', startsAtSeconds: fadeOutStartsAt, seconds: fadeOut }],
      stopAtSeconds: undefined,
    });
  }
  return layers.filter((layer) => layer.stopAtSeconds === undefined || layer.stopAtSeconds > 0);
}

function fadeGain(fade: ReplayFade, atSeconds: Seconds): number {
  const done = atSeconds >= fade.startsAtSeconds + fade.seconds;
  if (atSeconds < fade.startsAtSeconds) return fade.direction === 'in' ? 0 : 1;
  if (done || fade.seconds === 0) return fade.direction === 'in' ? 1 : 0;
  return equalPowerGain(fade.direction, (atSeconds - fade.startsAtSeconds) / fade.seconds);
}

/** A layer's gain at a moment of the replay (0 before it starts and after it stops). */
export function replayLayerGain(layer: ReplayLayer, atSeconds: Seconds): number {
  if (atSeconds < layer.startAtSeconds) return 0;
  if (layer.stopAtSeconds !== undefined && atSeconds >= layer.stopAtSeconds) return 0;
  return layer.fades.reduce((gain, fade) => gain * fadeGain(fade, atSeconds), 1);
}
