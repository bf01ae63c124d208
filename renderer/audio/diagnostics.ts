import { Howler } from 'howler';

interface HowlerInternals {
  _howls?: { _sounds?: unknown[] }[];
  _html5AudioPool?: unknown[];
}

/** Media elements howler holds right now: one per sound of every live Howl, plus its unlocked pool. */
export function liveAudioElementCount(): number {
  const internals = Howler as unknown as HowlerInternals;
  const inHowls = (internals._howls ?? []).reduce((total, howl) => total + (howl._sounds?.length ?? 0), 0);
  return inHowls + (internals._html5AudioPool?.length ?? 0);
}
