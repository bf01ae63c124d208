import path from 'node:path';
import { build } from 'esbuild';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/**
 * Bundles a tests/support child script into one ESM file in `workDir`, so a crash test can
 * start it as a plain Node process (and kill it) without a TypeScript loader. Answers its path.
 */
export async function bundleChildScript(supportFileName: string, workDir: string): Promise<string> {
  const outfile = path.join(workDir, supportFileName.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [path.join(repoRoot, 'tests', 'support', supportFileName)],
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
