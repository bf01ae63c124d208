// Runs the npm scripts named on the command line side by side, as many at a time as the machine
// has cores, and fails if any of them fails, in the order named (name the longest first: the
// last one started decides when all are done). The type checks of the four layers, the linter,
// the build and the audio fixtures (sox and ffmpeg, one file after another) each use one core for
// most of their time: one after another they were minutes of CI on a two-core machine with one
// core idle.
// Each script's output is held and printed whole when it ends, so two never interleave.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/run-parallel.mjs <npm script> [<npm script>…]');
  process.exit(2);
}

/** Runs `npm run <script>`, answering its exit code and everything it printed. */
function run(script) {
  const started = Date.now();
  return new Promise((resolve) => {
    // A shell finds npm as npm.cmd on Windows too.
    const child = spawn(`npm run --silent ${script}`, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output: Buffer.concat(output).toString(), seconds: (Date.now() - started) / 1000 }));
  });
}

const queue = [...scripts];
const failed = [];

async function lane() {
  for (let script = queue.shift(); script !== undefined; script = queue.shift()) {
    const result = await run(script);
    const status = result.code === 0 ? 'ok' : `failed with exit code ${result.code}`;
    process.stdout.write(`── ${result.script}: ${status} in ${result.seconds.toFixed(1)} s\n${result.output}`);
    if (result.code !== 0) failed.push(result.script);
  }
}

await Promise.all(Array.from({ length: Math.min(availableParallelism(), scripts.length) }, lane));
if (failed.length > 0) {
  console.error(`run-parallel: ${failed.join(', ')} failed`);
  process.exit(1);
}
