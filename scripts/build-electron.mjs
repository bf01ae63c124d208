// Bundles the Node side: the desktop main process (ESM), its sandboxed preload (CommonJS,
// the only format a sandboxed preload can load) and the web host (ESM).
import { build } from 'esbuild';

const shared = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...shared,
    entryPoints: ['electron/main/main.ts'],
    outfile: 'dist/electron/main.js',
    format: 'esm',
    packages: 'external',
  }),
  build({
    ...shared,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  }),
  // The web host bundles its npm packages too: resolving and loading their ~400 files one by
  // one was most of its start. CommonJS, so Node's built-ins are required rather than imported:
  // importing one builds an ES module facade that reads every export, and node:http's include
  // lazy getters that load undici (the host started in 216 ms as ESM, 186 ms as CommonJS, medians
  // of 15). Its own module's URL (import.meta.url) is this file's.
  build({
    ...shared,
    entryPoints: ['electron/web/main.ts'],
    outfile: 'dist/web/host.cjs',
    format: 'cjs',
    define: { 'import.meta.url': 'hostModuleUrl' },
    banner: { js: "const hostModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
  // dist/web/main.js, what `npm run web` runs: turns on the compile cache, then loads host.cjs.
  build({
    ...shared,
    bundle: false,
    entryPoints: ['electron/web/launch.ts'],
    outfile: 'dist/web/main.js',
    format: 'esm',
  }),
  // The loudness-analysis worker thread, beside each main bundle: LoudnessAnalyzer finds it
  // relative to its own module (import.meta.url), which is that main.js once bundled.
  ...['dist/electron/loudness-worker.js', 'dist/web/loudness-worker.js'].map((outfile) =>
    build({
      ...shared,
      entryPoints: ['electron/services/library/loudness-worker.ts'],
      outfile,
      format: 'esm',
      packages: 'external',
    }),
  ),
]);
