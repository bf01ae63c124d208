import { startSessionFromHome } from '../support/start-session';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

const minute = 60_000;
/** 7 hours in 42 seconds: the default session's timing, previewed 600 times faster. */
const speed = 600;

function clockToMs(text: string): number {
  const [hours, minutes, seconds] = text.split(':').map(Number) as [number, number, number];
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

test('the default session runs onset → peak held 10 min past its target → return, as projected, then its closing sound', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${host.url}/?diagnostics&speed=${speed}`);
  await startSessionFromHome(page);
  const sessionId = await page.waitForURL(/#\/live\//).then(() => new URL(page.url()).hash.split('/').at(-1) as string);
  const phaseLabel = page.locator('.live-now .label');
  const clock = page.getByTestId('session-clock');

  await expect(phaseLabel).toHaveText('Peak', { timeout: 15_000 });
  await page.keyboard.press('Shift+H');
  await expect(page.locator('[data-phase-id="peak"]')).toHaveAttribute('data-held', 'true');

  // Peak's target ends at 4:30:00; hold it until 4:40:00.
  await expect.poll(async () => clockToMs((await clock.textContent()) ?? '0:00:00'), { timeout: 40_000, intervals: [100] }).toBeGreaterThanOrEqual(280 * minute);
  await expect(phaseLabel).toHaveText('Peak');
  await expect(page.locator('[data-phase-id="peak"] .phase-bar-delta')).toHaveText(/\+1\d min/);
  await page.keyboard.press('Shift+H');
  await expect(phaseLabel).toHaveText('Return', { timeout: 5000 });
  // The plan runs out; the session goes on with the closing sound until it is ended.
  await expect(page.getByTestId('closing-notice')).toBeVisible({ timeout: 40_000 });
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('heading', { name: 'Session ended' })).toBeVisible();

  const events = (await readFile(path.join(host.dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; sessionMs: number; payload: Record<string, unknown> });
  const phaseStart = (id: string) => events.find((event) => event.kind === 'phase-started' && event.payload.phaseId === id)?.sessionMs ?? Number.NaN;
  const musicEnded = events.find((event) => event.kind === 'closing-started')?.sessionMs ?? Number.NaN;
  // One engine tick (200 ms) is 2 minutes of session time at this speed.
  const tolerance = 4 * minute;
  const released = events.find((event) => event.kind === 'plan-changed' && event.payload.kind === 'release')?.sessionMs ?? Number.NaN;
  // The plan's clock starts with the music, a moment after Start (the output starting: at
  // 600× a third of a second is minutes of session time): the peak is due 90 min after that.
  expect(Math.abs(phaseStart('peak') - phaseStart('onset') - 90 * minute)).toBeLessThan(tolerance);
  expect(released).toBeGreaterThanOrEqual(280 * minute);
  // The return starts when the hold is released and runs its full 2 h 30.
  expect(Math.abs(phaseStart('return') - released)).toBeLessThan(tolerance);
  expect(Math.abs(musicEnded - (phaseStart('return') + 150 * minute))).toBeLessThan(tolerance);
  expect(events.filter((event) => event.kind === 'plan-changed').map((event) => event.payload.kind)).toEqual(['hold', 'release']);
});
