import { startSessionFromHome } from '../support/start-session';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { readJournalFile } from '../support/journal-file';

let host: RunningWebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(async () => {
  const exitCode = await host.stop('SIGTERM');
  expect(exitCode, 'the web host shuts down cleanly on SIGTERM').toBe(0);
  await removeDataDir(host.dataDir);
});

test('the default session sounds, takes marks by key, and keeps them across a reload', async ({ page }) => {
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('E2E-01');
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await startSessionFromHome(page);

  const meter = page.getByRole('meter', { name: 'Output level' });
  await expect(meter).toBeVisible();
  const startedAt = Date.now();
  // The meter shows the RMS level measured after the master gain: what reaches the listener.
  await expect
    .poll(async () => Number(await meter.getAttribute('data-level-db')), { timeout: 3000, intervals: [100] })
    .toBeGreaterThan(-50);
  expect(Date.now() - startedAt).toBeLessThan(3000);

  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  await page.keyboard.press('r');
  await expect(page.getByRole('status').filter({ hasText: 'Resonance marked' })).toBeVisible();
  await page.keyboard.press('d');
  await expect(page.getByRole('status').filter({ hasText: 'Distress marked' })).toBeVisible();
  // A mark is shown as saved only after the host acknowledged it (after fdatasync).
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(2);

  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.reload();

  await page.getByRole('navigation').getByRole('link', { name: 'Review', exact: true }).click();
  await page.getByRole('link', { name: /Generative session/ }).first().click();
  const rows = page.locator('.marks-table tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Resonance');
  await expect(rows.nth(1)).toContainText('Distress');
  await expect(rows.nth(0)).toContainText('Onset');

  const sessionDir = path.join(host.dataDir, 'sessions', sessionId);
  expect(await readdir(sessionDir)).toEqual(expect.arrayContaining(['session.json', 'events.jsonl']));
  const marks = (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'mark');
  expect(marks.map((mark) => mark.payload.markKind)).toEqual(['resonance', 'distress']);
  for (const mark of marks) {
    expect(mark.payload.phaseId).toBe('onset');
    expect(mark.payload.segmentId).toBe('onset-breath');
    expect(typeof mark.payload.positionMs).toBe('number');
  }
  const meta = JSON.parse(await readFile(path.join(sessionDir, 'session.json'), 'utf8')) as { clientCode: string };
  expect(meta.clientCode).toBe('E2E-01');
});

test('marks survive a host restart, and the journal stays readable', async ({ page }) => {
  await page.goto(host.url);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  await page.getByRole('button', { name: /Resonance/ }).click();
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(1);
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;

  await host.stop('SIGKILL');
  host = await startWebHost({ dataDir: host.dataDir });
  await page.goto(`${host.url}/#/review/${sessionId}`);
  await expect(page.locator('.marks-table tbody tr')).toHaveCount(1);
  await expect(page.locator('.marks-table tbody tr').first()).toContainText('Resonance');
});
