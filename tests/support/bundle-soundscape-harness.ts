import path from 'node:path';
import { build } from 'esbuild';

const entryPoint = path.join(import.meta.dirname, 'soundscape-harness.ts');

/** soundscape-harness.ts with the presets, Tone and AudioOutput it imports, as one IIFE for `page.addScriptTag({ content })`. */
export async function bundleSoundscapeHarness(): Promise<string> {
  const result = await build({ entryPoints: [entryPoint], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent' });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output for the soundscape harness');
  return output.text;
}
