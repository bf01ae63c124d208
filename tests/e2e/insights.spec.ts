import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { insightsKinds, insightsToCsv, sortInsights, type InsightsFilter, type InsightsSortKey } from '../../core/insights';
import { defaultMarkKinds } from '../../core/mark-kinds';
import { InsightsService } from '../../electron/services/insights';
import { PlaylistCatalog } from '../../electron/services/playlists';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { copyHostileSession, writeLargeSession, writeReplaySession } from './review-session-data';

let host: RunningWebHost;

test.use({ timezoneId: 'UTC' });

test.beforeAll(async () => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir);
  await writeReplaySession(host.dataDir, playlist); // 2026-11-20, fixture playlist
  await copyHostileSession(host.dataDir); // 2026-11-21, harbour-light
  await writeLargeSession(host.dataDir, 300); // 2026-11-19, generative session
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

/** The report the host computes, computed here by the same service over the same folder. */
async function expectedCsv(filter: InsightsFilter, sort: InsightsSortKey, direction: 'asc' | 'desc'): Promise<string> {
  const playlists = new PlaylistCatalog([
    { kind: 'bundled', directory: path.resolve(import.meta.dirname, '..', '..', 'playlists') },
    { kind: 'user', directory: path.join(host.dataDir, 'playlists') },
  ]);
  const report = await new InsightsService({ dataDir: host.dataDir, playlists }).compute(filter);
  return insightsToCsv(sortInsights(report.rows, sort, direction), insightsKinds(report.rows, defaultMarkKinds));
}

async function downloadCsv(page: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

test('insights list every track across sessions, sort by column, filter, and download as CSV', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Insights' }).click();
  const summary = page.getByTestId('insights-summary');
  await expect(summary).toContainText('3 sessions');
  const table = page.locator('.insights-table');
  await expect(table.getByRole('rowheader', { name: 'Gymnopédie No. 1 — Erik Satie' })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: /440 Hz sine, mp3/ })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: /Wide drone/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /Resonance \/ h/ })).toBeVisible();

  // Name order by default; the CSV follows the table's order.
  const byName = await downloadCsv(page);
  expect(byName.name).toMatch(/^attune-insights-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(byName.text).toBe(await expectedCsv({}, 'name', 'asc'));

  // Sorting: numbers start with the largest; a second click turns the order round.
  const minutesHeader = table.getByRole('columnheader', { name: /Minutes played/ });
  await minutesHeader.getByRole('button').click();
  await expect(minutesHeader).toHaveAttribute('aria-sort', 'descending');
  expect((await downloadCsv(page)).text).toBe(await expectedCsv({}, 'minutes', 'desc'));
  await minutesHeader.getByRole('button').click();
  await expect(minutesHeader).toHaveAttribute('aria-sort', 'ascending');
  const resonanceHeader = table.getByRole('columnheader', { name: /Resonance \/ h/ });
  await resonanceHeader.getByRole('button').click();
  await expect(resonanceHeader).toHaveAttribute('aria-sort', 'descending');
  expect((await downloadCsv(page)).text).toBe(await expectedCsv({}, { kind: 'resonance', measure: 'perHour' }, 'desc'));

  // Filter by playlist.
  await page.getByRole('checkbox', { name: /Harbour "Light"/ }).check();
  await expect(summary).toContainText('1 session ·');
  await expect(table.getByRole('rowheader', { name: /440 Hz sine/ })).toHaveCount(0);
  await expect(table.getByRole('rowheader', { name: 'Gymnopédie No. 1 — Erik Satie' })).toBeVisible();
  expect((await downloadCsv(page)).text).toBe(await expectedCsv({ playlistIds: ['harbour-light'] }, { kind: 'resonance', measure: 'perHour' }, 'desc'));
  await page.getByRole('checkbox', { name: /Harbour "Light"/ }).uncheck();
  await expect(summary).toContainText('3 sessions');

  // Filter by date: the 20th alone holds the fixture-playlist session.
  await page.getByLabel('Sessions from').fill('2026-11-20');
  await page.getByLabel('to (included)').fill('2026-11-20');
  await expect(summary).toContainText('1 session ·');
  await expect(table.getByRole('rowheader', { name: /440 Hz sine, mp3/ })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: /Gymnopédie/ })).toHaveCount(0);
  expect((await downloadCsv(page)).text).toBe(
    await expectedCsv({ from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' }, { kind: 'resonance', measure: 'perHour' }, 'desc'),
  );
  await page.getByLabel('Sessions from').fill('2027-01-01');
  await page.getByLabel('to (included)').fill('2027-01-31');
  await expect(page.getByText('No sessions match.')).toBeVisible();
});
