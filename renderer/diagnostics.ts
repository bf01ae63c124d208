import type { AudioOutput } from './audio/AudioOutput';
import { liveAudioElementCount } from './audio/diagnostics';
import type { LiveSession } from './features/live/LiveSession';

export interface AttuneDiagnostics {
  outputLevelDb(): number;
  audioElementCount(): number;
  deckCount(): number;
  programMs(): number;
}

declare global {
  interface Window {
    __attuneDiagnostics?: AttuneDiagnostics;
  }
}

/**
 * Read-only figures for benchmarks and support, exposed only when the page is opened with
 * `?diagnostics` in its address; they change nothing.
 */
export function exposeDiagnostics(output: () => AudioOutput | undefined, live: () => LiveSession | undefined): void {
  if (!new URLSearchParams(window.location.search).has('diagnostics')) return;
  window.__attuneDiagnostics = {
    outputLevelDb: () => output()?.outputLevelDb() ?? Number.NEGATIVE_INFINITY,
    audioElementCount: liveAudioElementCount,
    deckCount: () => live()?.player.deckCount() ?? 0,
    programMs: () => live()?.player.programNow() ?? 0,
  };
}
