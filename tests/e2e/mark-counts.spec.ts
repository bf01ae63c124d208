import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

async function downloadOf(page: Page, exportId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${exportId}"]`).click()]);
  return readFile(await download.path(), 'utf8');
}

test('the start screen, review list, review header and export count the same live marks; Escape takes an empty vitals mark back', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(host.url);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const recentMarks = page.locator('.recent-mark');

  for (const key of ['r', 'd', 'o']) await page.keyboard.press(key);
  // A vitals mark opens its fields; Escape with nothing in them takes the mark back.
  await page.keyboard.press('v');
  await expect(recentMarks).toHaveCount(4);
  await page.keyboard.press('Escape');
  await expect(recentMarks).toHaveCount(3);
  // Escape inside the fields of an empty one does the same; one with a value stays.
  await page.keyboard.press('v');
  await page.locator('.recent-mark[data-mark-kind="vitals"]').getByRole('spinbutton', { name: /Systolic/ }).press('Escape');
  await expect(recentMarks).toHaveCount(3);
  await page.keyboard.press('v');
  await page.locator('.recent-mark[data-mark-kind="vitals"]').getByRole('spinbutton', { name: /Heart rate/ }).fill('92');
  await page.locator('.recent-mark[data-mark-kind="vitals"]').getByRole('spinbutton', { name: /Heart rate/ }).press('Escape');
  await expect(recentMarks).toHaveCount(4);
  // A mark undone.
  await page.keyboard.press('m');
  await page.keyboard.press('Control+z');
  await expect(recentMarks).toHaveCount(4);
  await expect(page.getByTestId('save-summary')).toHaveText('Everything saved');

  await page.getByRole('link', { name: 'Start' }).click();
  await expect(page.getByTestId('open-session-mark-count')).toHaveText('4 marks');
  await page.getByRole('link', { name: 'Live session' }).click();
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('heading', { name: 'Session ended' })).toBeVisible();

  await page.getByRole('link', { name: 'Review', exact: true }).click();
  await expect(page.getByTestId('listed-mark-count')).toHaveText('4 marks');
  await page.locator('.session-link').first().click();
  await expect(page.getByTestId('session-mark-count')).toHaveText('4 marks · 3 taken back');
  await expect(page.locator('.marks-table tbody tr')).toHaveCount(4);
  const exported = JSON.parse(await downloadOf(page, 'json')) as { session: { markCounts: { count: number }[]; marksTakenBack: number } };
  expect(exported.session.markCounts.reduce((sum, kind) => sum + kind.count, 0)).toBe(4);
  expect(exported.session.marksTakenBack).toBe(3);
});
