import path from 'node:path';
import { bundleBrowserHarness } from './bundle-browser-harness';

/** soundscape-harness.ts with the presets, Tone and AudioOutput it imports, as one IIFE for `page.addScriptTag({ content })`. */
export function bundleSoundscapeHarness(): Promise<string> {
  return bundleBrowserHarness(path.join(import.meta.dirname, 'soundscape-harness.ts'));
}
