import type { PlannedEntry } from '../../core/plan';
import type { Span } from './gain-chain';
import { equalPowerGain, type Milliseconds, type Seconds } from './units';

export type EnvelopeTimes = Pick<PlannedEntry, 'startMs' | 'endMs' | 'fadeInMs' | 'fadeOutMs'>;

/**
 * An entry's deck gain at a program time: equal-power in over its fade-in, full, equal-power out
 * over its fade-out. Where a cut makes the fade-out begin before the fade-in has ended (a skip
 * during a crossfade), the two multiply, so the gain goes on from where the fade-in was.
 */
export function deckEnvelopeAt(entry: EnvelopeTimes, programMs: Milliseconds): number {
  if (programMs < entry.startMs || programMs >= entry.endMs) return 0;
  const fadeIn = entry.fadeInMs > 0 ? equalPowerGain('in', (programMs - entry.startMs) / entry.fadeInMs) : 1;
  const fadeOutStart = entry.endMs - entry.fadeOutMs;
  const fadeOut = entry.fadeOutMs > 0 && programMs >= fadeOutStart ? equalPowerGain('out', (programMs - fadeOutStart) / entry.fadeOutMs) : 1;
  return fadeIn * fadeOut;
}

/** Where an entry's envelope moves (its fades) and where it changes at once (a 0 s join), on the audio clock. */
export function deckEnvelopeShape(entry: EnvelopeTimes, audioTimeAt: (programMs: Milliseconds) => Seconds): { readonly moving: Span[]; readonly stepsAt: Seconds[] } {
  const moving: Span[] = [];
  const stepsAt: Seconds[] = [];
  if (entry.fadeInMs > 0) moving.push([audioTimeAt(entry.startMs), audioTimeAt(entry.startMs + entry.fadeInMs)]);
  else stepsAt.push(audioTimeAt(entry.startMs));
  if (Number.isFinite(entry.endMs)) {
    if (entry.fadeOutMs > 0) moving.push([audioTimeAt(entry.endMs - entry.fadeOutMs), audioTimeAt(entry.endMs)]);
    else stepsAt.push(audioTimeAt(entry.endMs));
  }
  return { moving, stepsAt };
}
