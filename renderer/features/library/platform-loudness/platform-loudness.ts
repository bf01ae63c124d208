import { PlatformLoudnessWorker } from '../../../audio/analysis/PlatformLoudnessWorker';
import { call, libraryMediaUrl } from '../../../bridge/attune-bridge';
import { onHostEvent } from '../../../bridge/host-events';
import { PlatformLoudnessRunner } from './PlatformLoudnessRunner';

let runner: PlatformLoudnessRunner | undefined;

/**
 * The app shell's one runner (every screen, while the app is open): it measures, through the
 * media route and the platform's decoder, the tracks the host cannot decode.
 */
export function startPlatformLoudness(): PlatformLoudnessRunner {
  if (runner !== undefined) return runner;
  const worker = new PlatformLoudnessWorker();
  runner = new PlatformLoudnessRunner(call, onHostEvent, (path, signal) => worker.measure(libraryMediaUrl(path), signal));
  runner.start();
  return runner;
}

/** The runner once the shell has started it (the library screen shows its progress). */
export const platformLoudnessRunner = (): PlatformLoudnessRunner | undefined => runner;
