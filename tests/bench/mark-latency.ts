import type { Browser } from 'playwright';
import { removeDataDir, startWebHost } from '../support/web-host';
import { percentile } from './stats';

const markCount = 500;

/**
 * Key press in the page to the acknowledged, fdatasync'd event, over 500 marks in the web
 * host, read from the renderer's own `attune:mark-ack` User Timing entries. The reference
 * is a bare `journal:append` round trip from the same page (no key, no UI).
 */
export async function benchMarkAckLatency(browser: Browser): Promise<string[]> {
  const host = await startWebHost();
  const page = await browser.newPage();
  try {
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByTestId('now-playing').waitFor();
    const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
    for (let index = 0; index < markCount; index += 1) {
      await page.keyboard.press(index % 2 === 0 ? 'r' : 'd');
      await page.waitForTimeout(10);
    }
    await page.waitForFunction((count) => performance.getEntriesByName('attune:mark-ack').length >= count, markCount, { timeout: 60_000 });
    const latencies = await page.evaluate(() => performance.getEntriesByName('attune:mark-ack').map((entry) => entry.duration));
    const reference = await page.evaluate(
      async ({ sessionId, count }) => {
        const durations: number[] = [];
        for (let index = 0; index < count; index += 1) {
          const started = performance.now();
          await fetch('api/journal:append', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              sessionId,
              events: [{ id: crypto.randomUUID(), kind: 'phase-started', sessionMs: 1, payload: { phaseId: 'onset', programMs: 0 } }],
            }),
          });
          durations.push(performance.now() - started);
        }
        return durations;
      },
      { sessionId, count: 200 },
    );
    return [
      `mark_ack_latency_ms_p50: ${percentile(latencies, 50).toFixed(1)} ms (${latencies.length} marks by key)`,
      `mark_ack_latency_ms_p99: ${percentile(latencies, 99).toFixed(1)} ms`,
      `reference_append_round_trip_ms_p50: ${percentile(reference, 50).toFixed(1)} ms (fetch of journal:append from the page, ${reference.length} calls)`,
      `reference_append_round_trip_ms_p99: ${percentile(reference, 99).toFixed(1)} ms`,
    ];
  } finally {
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  }
}
