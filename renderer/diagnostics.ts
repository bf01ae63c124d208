import type { AudioOutput } from './audio/AudioOutput';
import type { LiveSession } from './features/live/LiveSession';
import { screenWakeLock } from './features/live/ScreenWakeLock';

export interface AttuneDiagnostics {
  outputLevelDb(): number;
  audioElementCount(): number;
  deckCount(): number;
  programMs(): number;
  /** Each sample-exact bridge (a 0 s join, or the start of a crossfade) and its state, by entry keys. */
  joinStatuses(): Record<string, string>;
  /** The page's screen wake lock: idle, held, waiting-for-page or refused. */
  screenWakeLock(): string;
  /** Whether the soundscapes' shared reverb is in the audio graph (only while one sounds, and its tail after). */
  reverbRunning(): boolean;
}

declare global {
  interface Window {
    __attuneDiagnostics?: AttuneDiagnostics;
  }
}

/**
 * With `?diagnostics&speed=N`, sessions run N times faster (tests and timing previews of a
 * plan; soundscapes only). Always 1 otherwise.
 */
export function diagnosticSpeed(): number {
  const params = new URLSearchParams(window.location.search);
  const speed = Number(params.get('speed'));
  return params.has('diagnostics') && Number.isFinite(speed) && speed >= 1 && speed <= 1000 ? speed : 1;
}

/** Passed in rather than imported, so the audio engine loads only when something plays. */
export interface DiagnosticSources {
  readonly output: () => AudioOutput | undefined;
  readonly audioElementCount: () => number;
  readonly live: () => LiveSession | undefined;
}

/**
 * Read-only figures for benchmarks and support, exposed only when the page is opened with
 * `?diagnostics` in its address; they change nothing.
 */
export function exposeDiagnostics({ output, audioElementCount, live }: DiagnosticSources): void {
  if (!new URLSearchParams(window.location.search).has('diagnostics')) return;
  window.__attuneDiagnostics = {
    outputLevelDb: () => output()?.outputLevelDb() ?? Number.NEGATIVE_INFINITY,
    reverbRunning: () => output()?.reverbRunning() ?? false,
    audioElementCount,
    deckCount: () => live()?.player.deckCount() ?? 0,
    programMs: () => live()?.player.programNow() ?? 0,
    joinStatuses: () => live()?.player.joinStatuses() ?? {},
    screenWakeLock: () => screenWakeLock().getStatus().state,
  };
}
