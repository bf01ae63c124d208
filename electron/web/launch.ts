import module from 'node:module';

// V8's compiled code for the host is kept on disk between runs (Node's compile cache, checked
// against the source), so a restart does not parse and compile the whole bundle again.
module.enableCompileCache?.();

// Loaded only now, so that its compilation is the one the cache serves: the bundled host
// (CommonJS) sits beside this file (scripts/build-electron.mjs).
module.createRequire(import.meta.url)('./host.cjs');
