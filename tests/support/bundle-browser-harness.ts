import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const options = { bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', write: false, logLevel: 'silent' } as const;

/**
 * Vite's `?worker&url` import (how the renderer loads its audio worklet) for esbuild: the
 * module is bundled on its own and its URL is a Blob URL made in the page.
 */
const workerUrlPlugin: Plugin = {
  name: 'worker-url',
  setup(pluginBuild) {
    const suffix = /\?worker&url$/;
    pluginBuild.onResolve({ filter: suffix }, (args) => ({ path: path.resolve(args.resolveDir, args.path.replace(suffix, '')), namespace: 'worker-url' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'worker-url' }, async (args) => {
      const code = await bundleText(args.path, []);
      return { contents: `export default URL.createObjectURL(new Blob([${JSON.stringify(code)}], { type: 'text/javascript' }));`, loader: 'js' };
    });
  },
};

async function bundleText(entryPoint: string, plugins: Plugin[]): Promise<string> {
  const result = await build({ ...options, entryPoints: [entryPoint], plugins });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${path.basename(entryPoint)}`);
  return output.text;
}

/** A harness module and the engine code it imports, as one IIFE for `page.addScriptTag({ content })`. */
export function bundleBrowserHarness(entryPoint: string): Promise<string> {
  return bundleText(entryPoint, [workerUrlPlugin]);
}
