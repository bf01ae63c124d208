import { performance } from 'node:perf_hooks';
import { chromium, type Browser } from 'playwright';
import { chromiumLaunchOptions } from '../../playwright.config';
import { removeDataDir, startWebHost } from '../support/web-host';
import { benchJournalReplay } from './journal-replay';
import { benchMarkAckLatency } from './mark-latency';
import { benchPlayback } from './playback';
import { benchPlanProjection } from './projection';
import { benchReview } from './review';
import { benchScan } from './scan';
import { benchLoudness } from './loudness';
import { benchSoundscapes } from './soundscapes';
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

async function benchStartup(browser: Browser): Promise<string[]> {
  await startupToInteractive(browser); // warm the file cache; not counted
  const startup: number[] = [];
  const reference: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    startup.push(await startupToInteractive(browser));
    reference.push(await blankPageReference(browser));
  }
  return [
    `startup_to_interactive_ms: ${median(startup).toFixed(0)} ms (median of ${runs})`,
    `reference_blank_page_ms: ${median(reference).toFixed(0)} ms (median of ${runs}, same browser)`,
  ];
}

async function main() {
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    for (const bench of [benchStartup, benchMarkAckLatency, benchPlayback, benchReview, benchSoundscapes]) {
      for (const line of await bench(browser)) console.log(line);
    }
    for (const line of await benchJournalReplay()) console.log(line);
    for (const line of await benchScan()) console.log(line);
    for (const line of await benchLoudness()) console.log(line);
    for (const line of benchPlanProjection()) console.log(line);
  } finally {
    await browser.close();
  }
}

await main();
