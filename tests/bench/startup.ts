import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright';
import { removeDataDir, startWebHost } from '../support/web-host';
import { median } from './stats';

const runs = Number(process.env.ATTUNE_BENCH_RUNS ?? 7);

/** From spawning the web host to the start screen listing the playlist to start (loaded from the host). */
async function startupToInteractive(browser: Browser): Promise<number> {
  const started = performance.now();
  const host = await startWebHost();
  const page = await browser.newPage();
  try {
    await page.goto(host.url);
    await page.getByRole('radio', { name: /Generative session/ }).waitFor({ state: 'visible' });
    return performance.now() - started;
  } finally {
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  }
}

/** The same browser opening a blank page over a data: URL, as the floor to compare with. */
async function blankPageReference(browser: Browser): Promise<number> {
  const started = performance.now();
  const page = await browser.newPage();
  await page.goto('data:text/html,<button>ready</button>');
  await page.getByRole('button', { name: 'ready' }).waitFor({ state: 'visible' });
  const elapsed = performance.now() - started;
  await page.close();
  return elapsed;
}

export async function benchStartup(browser: Browser): Promise<string[]> {
  await startupToInteractive(browser); // warm the file cache; not counted
  const startup: number[] = [];
  const reference: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    startup.push(await startupToInteractive(browser));
    reference.push(await blankPageReference(browser));
  }
  const startupMs = median(startup);
  const referenceMs = median(reference);
  return [
    `startup_to_interactive_ms: ${startupMs.toFixed(0)} ms (median of ${runs}; ${(startupMs / referenceMs).toFixed(1)}× the blank page; goal ≤ 3×)`,
    `reference_blank_page_ms: ${referenceMs.toFixed(0)} ms (median of ${runs}, same browser)`,
  ];
}
