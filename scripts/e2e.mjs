// The end-to-end tests in two runs (playwright.config.ts names the projects): the specs that
// render audio offline and those that drive screens and files only, one per core, then the
// specs that listen to the live output or time key presses, one at a time with the machine to
// themselves. Both runs always happen; the exit
// code fails if either failed. Arguments (a spec file, --grep …) go to both runs.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

// Playwright's own command line, run by this Node without a shell (arguments pass as they are).
const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli');

const extraArgs = process.argv.slice(2);

function playwright(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [playwrightCli, 'test', ...args, ...extraArgs], { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const screens = await playwright(['--project=offline', '--project=screens', `--workers=${availableParallelism()}`, '--pass-with-no-tests']);
const sound = await playwright(['--project=sound', '--pass-with-no-tests']);
process.exit(screens !== 0 ? screens : sound);
