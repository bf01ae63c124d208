import { startSessionFromHome } from '../support/start-session';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { readJournalFile } from '../support/journal-file';

let host: RunningWebHost;

test.beforeEach(async () => {
  host = await startWebHost();
});

test.afterEach(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('supplemental dose and vitals reminders come quietly on time and are logged or dismissed with one key', async ({ page }) => {
  await page.clock.install();
  await page.goto(host.url);
  await page.getByLabel('Planned supplemental dose').fill('60 mg');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await expect(page.locator('.reminder')).toHaveCount(0);

  await page.clock.fastForward('31:00');
  await expect(page.locator('.reminder[data-reminder="vitals"]')).toContainText('Vitals check due since 0:30:00');
  await expect(page.getByTestId('session-clock')).toHaveText(/0:31:0\d/);
  await page.keyboard.press('Escape');
  await expect(page.locator('.reminder')).toHaveCount(0);

  await page.clock.fastForward('01:00:00');
  await expect(page.locator('.reminder[data-reminder="supplemental-dose"]')).toContainText('Supplemental dose due (60 mg) · window 1:30:00–2:00:00');
  await expect(page.locator('.reminder[data-reminder="vitals"]')).toContainText('1:30:00');
  // The mark key logs it: S for the supplemental dose, V for vitals.
  await page.keyboard.press('s');
  await expect(page.locator('.reminder[data-reminder="supplemental-dose"]')).toHaveCount(0);
  await page.keyboard.press('v');
  await expect(page.locator('.reminder')).toHaveCount(0);
  await expect(page.getByTestId('save-summary')).toHaveText('Everything saved');

  const journal = await readJournalFile(host.dataDir, sessionId);
  const reminders = journal.filter((event) => event.kind === 'reminder').map((event) => `${event.payload.reminder} ${event.payload.action}`);
  expect(reminders).toEqual([
    'vitals shown',
    'vitals dismissed',
    'supplemental-dose shown',
    'vitals shown',
    'supplemental-dose logged',
    'vitals logged',
  ]);
  expect(journal.filter((event) => event.kind === 'mark').map((event) => event.payload.markKind)).toEqual(['supplemental-dose', 'vitals']);
});

test('a wall-clock jump is journaled but never moves session time', async ({ page }) => {
  await page.clock.install();
  await page.goto(host.url);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.clock.runFor(3000);
  const before = await page.getByTestId('session-clock').textContent();
  await page.clock.setSystemTime(Date.now() + 3 * 3600_000);
  await page.clock.runFor(2000);
  await expect(page.getByText(/clock jumped \d+ min ahead/)).toBeVisible();
  const after = (await page.getByTestId('session-clock').textContent()) ?? '';
  expect(after.startsWith('0:00:0'), `session time was ${before} then ${after}`).toBe(true);
  const alerts = await page.getByRole('alert').allTextContents();
  await expect.poll(async () => (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'clock-jump').length, { message: alerts.join() }).toBe(1);
});
