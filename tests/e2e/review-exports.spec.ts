import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { OpenedSession } from '../../core/contract';
import { journalEventSchema } from '../../core/events';
import { buildSessionExport, toCsv, toEaf, toHtml, toJson, toMarkdown } from '../../core/exports';
import { playlistSchema } from '../../core/playlist';
import { sessionMetaSchema } from '../../core/session';
import { defaultSettings } from '../../core/settings';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { copyHostileSession, hostileSessionId } from './review-session-data';

let host: RunningWebHost;
const timeZone = 'Europe/Berlin';

test.use({ timezoneId: timeZone });

test.beforeAll(async () => {
  host = await startWebHost();
  await copyHostileSession(host.dataDir);
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

/** The session as the host reads it (the fixture journal is whole, so nothing is repaired). */
async function readSession(sessionId: string): Promise<OpenedSession> {
  const directory = path.join(host.dataDir, 'sessions', sessionId);
  const meta = sessionMetaSchema.parse(JSON.parse(await readFile(path.join(directory, 'session.json'), 'utf8')));
  const events = (await readFile(path.join(directory, 'events.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => journalEventSchema.parse(JSON.parse(line)));
  return { meta, events, repairs: [] };
}

async function downloadOf(page: Page, exportId: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${exportId}"]`).click()]);
  const filePath = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(filePath, 'utf8') };
}

test('each export downloads the file core writes for the session, in the local time zone', async ({ page }) => {
  await page.goto(`${host.url}/#/review/${hostileSessionId}`);
  await expect(page.locator('.timeline-viewport')).toBeVisible();
  await expect(page.getByText('Exports are written in clear')).toBeVisible();
  await expect(page.getByText(`Clock times are in ${timeZone}`)).toBeVisible();

  // The expected files are built by core from the session on disk, the playlist and the default mark kinds.
  const opened = await readSession(hostileSessionId);
  const playlist = playlistSchema.parse(JSON.parse(await readFile(path.join(host.dataDir, 'playlists', `${opened.meta.playlistId}.json`), 'utf8')));
  const model = buildSessionExport(opened, playlist, defaultSettings.markKinds);
  const expected = {
    markdown: { name: `attune-${hostileSessionId}-summary.md`, text: toMarkdown(model, { timeZone }) },
    html: { name: `attune-${hostileSessionId}-summary.html`, text: toHtml(model, { timeZone }) },
    csv: { name: `attune-${hostileSessionId}-events.csv`, text: toCsv(model) },
    json: { name: `attune-${hostileSessionId}-events.json`, text: toJson(model) },
    eaf: { name: `attune-${hostileSessionId}-elan.eaf`, text: toEaf(model) },
  };
  expect(expected.markdown.text).toContain(timeZone);

  for (const [exportId, file] of Object.entries(expected)) {
    const downloaded = await downloadOf(page, exportId);
    expect(downloaded.name, exportId).toBe(file.name);
    expect(downloaded.text, exportId).toBe(file.text);
  }
  await expect(page.getByRole('status').filter({ hasText: 'elan.eaf handed to the browser' })).toBeVisible();
});

test('an edit made in review is in the next export', async ({ page }) => {
  await page.goto(`${host.url}/#/review/${hostileSessionId}`);
  const row = page.locator('.mark-row[data-mark-kind="breakthrough"]');
  const note = row.locator('.note-input');
  await note.fill('Edited for the export, with "quotes", commas');
  await note.blur();
  await expect.poll(async () => (await downloadOf(page, 'csv')).text).toContain('"Edited for the export, with ""quotes"", commas"');
});
