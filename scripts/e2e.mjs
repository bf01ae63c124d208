// The end-to-end tests in two runs (playwright.config.ts names the projects): the specs that
// render audio offline and those that drive screens and files only, one per core, then the
// specs that listen to the live output or time key presses, one at a time. Both runs always
// happen; the exit code fails if either failed. Arguments (a spec file, --grep …) go to both runs.
//
// With --unit-tests-beside-sound (as `npm test` runs it), Vitest runs during the sound run, at the
// lowest CPU priority: a sound spec mostly waits for real time (phase-flow: 12 s of CPU in 57 s),
// so one core and most of the other sat idle for minutes while the unit tests waited their turn.
// At nice 19 the unit tests get only what the sound specs leave: a sound spec's process that
// wakes takes the core back at once. Vitest's output is held and printed whole after the sound run.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, constants, setPriority } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
// Playwright's and Vitest's own command lines, run by this Node without a shell (arguments pass as they are).
const playwrightCli = require.resolve('@playwright/test/cli');
// Vitest exports no path to its command line: its package.json names it as the `vitest` bin.
const vitestPackage = require.resolve('vitest/package.json');
const vitestCli = path.join(path.dirname(vitestPackage), require(vitestPackage).bin.vitest);

const unitTestsFlag = '--unit-tests-beside-sound';
const withUnitTests = process.argv.includes(unitTestsFlag);
const extraArgs = process.argv.slice(2).filter((arg) => arg !== unitTestsFlag);

function playwright(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [playwrightCli, 'test', ...args, ...extraArgs], { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Runs `vitest run` at the lowest priority (its workers inherit it), answering its exit code and everything it printed. */
function unitTestsAtLowestPriority() {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitestCli, 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    const finish = (code) => resolve({ code, output: Buffer.concat(output).toString(), seconds: (Date.now() - started) / 1000 });
    // Set before Vitest has loaded, so the workers it forks later start at this priority.
    if (child.pid !== undefined) setPriority(child.pid, constants.priority.PRIORITY_LOW);
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => {
      output.push(Buffer.from(`${error.message}\n`));
      finish(1);
    });
    child.on('close', (code) => finish(code ?? 1));
  });
}

const screens = await playwright(['--project=offline', '--project=screens', `--workers=${availableParallelism()}`, '--pass-with-no-tests']);
const [sound, unit] = await Promise.all([playwright(['--project=sound', '--pass-with-no-tests']), withUnitTests ? unitTestsAtLowestPriority() : undefined]);
let failed = screens !== 0 ? screens : sound;
if (unit !== undefined) {
  const status = unit.code === 0 ? 'ok' : `failed with exit code ${unit.code}`;
  process.stdout.write(`\n── unit tests (Vitest, run beside the sound specs at the lowest priority): ${status} in ${unit.seconds.toFixed(1)} s\n${unit.output}`);
  if (failed === 0) failed = unit.code;
}
process.exit(failed);
