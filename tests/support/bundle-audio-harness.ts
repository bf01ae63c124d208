import path from 'node:path';
import { bundleBrowserHarness } from './bundle-browser-harness';

/** audio-harness.ts and the engine code it imports, as one IIFE for `page.addScriptTag({ content })`. */
export function bundleAudioHarness(): Promise<string> {
  return bundleBrowserHarness(path.join(import.meta.dirname, 'audio-harness.ts'));
}
