import type { Browser, Page } from 'playwright';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { percentile } from './stats';

const markCount = 500;

/** Starts a session in the page's web host, with encryption at rest turned on first if asked; answers the session id. */
async function startSession(page: Page, host: RunningWebHost, { encrypted }: { encrypted: boolean }): Promise<string> {
  await page.goto(host.url);
  if (encrypted) {
    const enabled = await page.evaluate(async () => {
      const response = await fetch('api/encryption:enable', { method: 'POST', body: JSON.stringify({ method: 'passphrase', passphrase: 'bench passphrase' }) });
      return (await response.json()) as { ok: boolean };
    });
    if (!enabled.ok) throw new Error(`encryption could not be turned on: ${JSON.stringify(enabled)}`);
  }
  await startSessionFromHome(page);
  await page.getByTestId('now-playing').waitFor();
  return new URL(page.url()).hash.split('/').at(-1) as string;
}

/** Each key press to its acknowledgement, from the renderer's own `attune:mark-ack` User Timing entries. */
async function markAckLatencies(page: Page): Promise<number[]> {
  await page.waitForFunction((count) => performance.getEntriesByName('attune:mark-ack').length >= count, markCount, { timeout: 60_000 });
  return page.evaluate(() => performance.getEntriesByName('attune:mark-ack').map((entry) => entry.duration));
}

/**
 * Key press in the page to the acknowledged, fdatasync'd event, over 500 marks in the web
 * host. The same marks go, key by key in turn, to a second host and data folder with
 * encryption at rest on, so both see the same load on the machine. The reference is a
 * bare `journal:append` round trip from the page (no key, no UI).
 */
export async function benchMarkAckLatency(browser: Browser): Promise<string[]> {
  const clearHost = await startWebHost();
  const encryptedHost = await startWebHost();
  const clearPage = await browser.newPage();
  const encryptedPage = await browser.newPage();
  try {
    const sessionId = await startSession(clearPage, clearHost, { encrypted: false });
    await startSession(encryptedPage, encryptedHost, { encrypted: true });
    for (let index = 0; index < markCount; index += 1) {
      const key = index % 2 === 0 ? 'r' : 'd';
      await clearPage.keyboard.press(key);
      await encryptedPage.keyboard.press(key);
      await clearPage.waitForTimeout(10);
    }
    const clear = await markAckLatencies(clearPage);
    const encrypted = await markAckLatencies(encryptedPage);
    const reference = await clearPage.evaluate(
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
    const clearP99 = percentile(clear, 99);
    const encryptedP99 = percentile(encrypted, 99);
    return [
      `mark_ack_latency_ms_p50: ${percentile(clear, 50).toFixed(1)} ms (${clear.length} marks by key)`,
      `mark_ack_latency_ms_p99: ${clearP99.toFixed(1)} ms`,
      `mark_ack_latency_ms_p50_encrypted: ${percentile(encrypted, 50).toFixed(1)} ms (${encrypted.length} marks by key, encryption at rest on, taken in turn with the clear ones)`,
      `mark_ack_latency_ms_p99_encrypted: ${encryptedP99.toFixed(1)} ms (${(encryptedP99 - clearP99).toFixed(1)} ms from the clear p99; goal: within 2 ms)`,
      `reference_append_round_trip_ms_p50: ${percentile(reference, 50).toFixed(1)} ms (fetch of journal:append from the page, ${reference.length} calls)`,
      `reference_append_round_trip_ms_p99: ${percentile(reference, 99).toFixed(1)} ms`,
    ];
  } finally {
    await clearPage.close();
    await encryptedPage.close();
    for (const host of [clearHost, encryptedHost]) {
      await host.stop();
      await removeDataDir(host.dataDir);
    }
  }
}
