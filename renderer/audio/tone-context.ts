import { Howler } from 'howler';
import * as Tone from 'tone';
import type { Seconds } from './units';

/** A live context's clock; an offline one renders its ticks itself. */
const liveClock = (context: Tone.BaseContext): Tone.Context | undefined => (context instanceof Tone.Context && !context.isOffline ? context : undefined);

/**
 * Importing Tone makes a context of its own (its deprecated `Transport`, `Destination`…
 * exports read it at load): a running AudioContext and a worker ticking 20 times a second,
 * on the Start screen too, and for the rest of the page's life beside ours. Retired as soon
 * as the engine loads; AudioOutput gives Tone the one context it plays through.
 */
export function retireToneContext(): void {
  const context = liveClock(Tone.getContext());
  if (context === undefined) return;
  context.dispose();
  void context.close().catch(() => undefined);
}

/**
 * howler makes an AudioContext of its own for its first Howl unless it finds one, though our
 * Howls stream through media elements (`html5: true`) and never play on it: it gets ours, so
 * only one context runs. Its master gain (its global volume, which we never use) leads nowhere.
 */
export function shareContextWithHowler(context: AudioContext): void {
  Howler.ctx = context;
  Howler.masterGain = context.createGain();
}

/** Tone's clock only times the soundscapes' loops: at rest it wakes once a second, playing every 50 ms (Tone's default). */
const restingUpdateSeconds: Seconds = 1;
const playingUpdateSeconds: Seconds = 0.05;
const clockHolders = new WeakMap<Tone.Context, number>();
type ClockWatcher = (held: boolean) => void;
const clockWatchers = new WeakMap<Tone.Context, Set<ClockWatcher>>();

function tellWatchers(context: Tone.Context, held: boolean): void {
  for (const watcher of [...(clockWatchers.get(context) ?? [])]) watcher(held);
}

/**
 * Calls `watcher` with true when the first soundscape holds the live context's clock and with
 * false when the last lets it go (what else is shared by the soundscapes follows them: the
 * reverb); answers the unsubscribe.
 */
export function watchToneClock(toneContext: Tone.BaseContext, watcher: ClockWatcher): () => void {
  const context = liveClock(toneContext);
  if (context === undefined) return () => undefined;
  let watchers = clockWatchers.get(context);
  if (watchers === undefined) {
    watchers = new Set();
    clockWatchers.set(context, watchers);
  }
  watchers.add(watcher);
  const registered = watchers;
  return () => {
    registered.delete(watcher);
  };
}

/** The live context's clock at rest, until something holds it. */
export function restToneClock(toneContext: Tone.BaseContext): void {
  const context = liveClock(toneContext);
  if (context === undefined) return;
  clockHolders.set(context, 0);
  context.updateInterval = restingUpdateSeconds;
}

/** Keeps Tone's clock at its playing rate until the answered release is called (once). */
export function holdToneClock(toneContext: Tone.BaseContext): () => void {
  const context = liveClock(toneContext);
  if (context === undefined) return () => undefined;
  const holders = (clockHolders.get(context) ?? 0) + 1;
  clockHolders.set(context, holders);
  if (holders === 1) {
    context.updateInterval = playingUpdateSeconds;
    tellWatchers(context, true);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = Math.max(0, (clockHolders.get(context) ?? 1) - 1);
    clockHolders.set(context, left);
    if (left === 0) {
      context.updateInterval = restingUpdateSeconds;
      tellWatchers(context, false);
    }
  };
}
