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
  // one was most of its start. Bundled CommonJS packages still require Node's built-ins.
  build({
    ...shared,
    entryPoints: ['electron/web/main.ts'],
    outfile: 'dist/web/host.js',
    format: 'esm',
    banner: { js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);" },
  }),
  // dist/web/main.js, what `npm run web` runs: turns on the compile cache, then loads host.js.
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
