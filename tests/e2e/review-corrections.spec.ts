import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { journalEventSchema } from '../../core/events';
import { parseCsvStrict } from '../fixtures/sessions/rfc4180';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { replaySessionId, writeReplaySession } from './review-session-data';

let host: RunningWebHost;

test.beforeAll(async () => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir);
  await writeReplaySession(host.dataDir, playlist);
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

const outputLevel = (page: Page) => page.evaluate(() => window.__attuneDiagnostics?.outputLevelDb() ?? Number.NEGATIVE_INFINITY);

async function openReview(page: Page) {
  await page.goto(`${host.url}/?diagnostics#/review/${replaySessionId}`);
  const viewport = page.locator('.timeline-viewport');
  await expect(viewport).toBeVisible();
  return viewport;
}

async function journalKinds(): Promise<string[]> {
  const text = await readFile(path.join(host.dataDir, 'sessions', replaySessionId, 'events.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => journalEventSchema.parse(JSON.parse(line)).kind);
}

test('"." then Enter on the timeline replays the chosen item out loud, a facilitator action from its own moment', async ({ page }) => {
  const viewport = await openReview(page);
  const details = page.getByTestId('mark-details');
  const status = page.getByTestId('replay-status');
  await viewport.focus();
  await page.keyboard.press('.');
  // The first item is not a mark: the music starting.
  await expect(details).toContainText('Music playing at 0:00:00');
  expect(await outputLevel(page)).toBeLessThan(-70);

  await page.keyboard.press('Enter');
  await expect(status).toHaveAttribute('data-replay-status', 'playing');
  await expect(status).toContainText('Playing 440 Hz sine, mp3, -18 LUFS — make-audio.mjs from 0:00.');
  await expect.poll(() => outputLevel(page), { timeout: 5000, intervals: [100] }).toBeGreaterThan(-50);

  await page.keyboard.press('Escape');
  await expect(status).toHaveAttribute('data-replay-status', 'idle');
  await expect.poll(() => outputLevel(page), { timeout: 5000, intervals: [100] }).toBeLessThan(-70);

  // And a mark, chosen the same way, from a little before it.
  await page.keyboard.press('.');
  await expect(details).toContainText('Resonance at 0:00:05');
  await page.keyboard.press('Enter');
  await expect(status).toContainText('(10 s before the mark)');
  await expect.poll(() => outputLevel(page), { timeout: 5000, intervals: [100] }).toBeGreaterThan(-50);
  await page.keyboard.press('Escape');
  await expect(status).toHaveAttribute('data-replay-status', 'idle');
});

test('a mark is corrected in review (kind, time, deletion with a reason, one added from memory): timeline, history, journal and export agree', async ({ page }) => {
  await openReview(page);
  const details = page.getByTestId('mark-details');
  const notice = page.getByTestId('correction-notice');
  const before = await journalKinds();

  // Change the kind of the resonance mark.
  await page.locator('.tl-pin[data-kind="resonance"]').click();
  await expect(details).toContainText('Resonance at 0:00:05');
  await details.getByLabel('Kind of Resonance at 0:00:05').selectOption('breakthrough');
  await details.getByRole('button', { name: 'Change kind' }).click();
  await expect(notice).toHaveText('Resonance at 0:00:05 is now Breakthrough.');
  await expect(page.locator('.tl-pin[data-kind="breakthrough"]')).toHaveCount(1);
  await expect(page.locator('.tl-pin[data-kind="resonance"]')).toHaveCount(0);
  await expect(details).toContainText('Kind at first');

  // Move it to 0:00:20, inside the closing soundscape: its place is recomputed from what sounded.
  await details.getByLabel('New time of Breakthrough at 0:00:05').fill('nonsense');
  await details.getByRole('button', { name: 'Move' }).click();
  await expect(details.getByRole('alert')).toContainText('h:mm:ss');
  await details.getByLabel('New time of Breakthrough at 0:00:05').fill('0:00:20');
  await details.getByRole('button', { name: 'Move' }).click();
  await expect(notice).toHaveText('Breakthrough at 0:00:05 moved to 0:00:20.');
  await expect(details).toContainText('Breakthrough at 0:00:20');
  await expect(details).toContainText('Closing breath');
  await expect(details).toContainText('Moved from');
  const history = details.getByTestId('mark-history');
  await expect(history).toContainText('in review · kind Resonance → Breakthrough');
  await expect(history).toContainText('in review · moved 0:00:05 → 0:00:20');
  const breakthroughRow = page.locator('.mark-row[data-mark-kind="breakthrough"]');
  await expect(breakthroughRow).toContainText('0:20');

  // Delete the vitals mark, with a reason typed, signed with initials.
  await page.getByLabel('Initials to sign corrections with').fill('AB');
  await page.locator('.tl-pin[data-kind="vitals"]').click();
  await expect(details).toContainText('Vitals at 0:00:10');
  await details.getByLabel('Why delete Vitals at 0:00:10').selectOption('other');
  await details.getByLabel('Reason for deleting Vitals at 0:00:10').fill('Measured on the co-facilitator');
  await details.getByRole('button', { name: 'Delete mark' }).click();
  await expect(notice).toContainText('Vitals at 0:00:10 deleted');
  await expect(page.locator('.tl-pin[data-kind="vitals"]')).toHaveCount(0);
  await expect(page.locator('.mark-row[data-mark-kind="vitals"]')).toHaveCount(0);
  const deleted = page.getByTestId('deleted-marks');
  await deleted.locator('summary').click();
  await expect(deleted).toContainText('Vitals at 0:00:10');
  await expect(deleted).toContainText('in review by AB · deleted: Measured on the co-facilitator');

  // Restored by mistake-correction, then deleted again: both stay in its history.
  await deleted.getByRole('button', { name: 'Restore Vitals at 0:00:10' }).click();
  await expect(notice).toHaveText('Vitals at 0:00:10 restored.');
  await expect(page.locator('.tl-pin[data-kind="vitals"]')).toHaveCount(1);
  await page.locator('.tl-pin[data-kind="vitals"]').click();
  await expect(details.getByTestId('mark-history')).toContainText('in review by AB · restored');
  await details.getByLabel('Why delete Vitals at 0:00:10').selectOption('Made twice');
  await details.getByRole('button', { name: 'Delete mark' }).click();
  await expect(page.locator('.tl-pin[data-kind="vitals"]')).toHaveCount(0);

  // Add a mark from memory at 0:00:12.
  const memory = page.locator('.add-from-memory');
  await memory.getByLabel('Kind of the mark from memory').selectOption('dissociation');
  await memory.getByLabel('Time the mark from memory refers to').fill('0:00:12');
  await memory.getByLabel('Note on the mark from memory').fill('Went quiet, eyes open');
  await memory.getByRole('button', { name: 'Add from memory' }).click();
  await expect(notice).toHaveText('Dissociation / numbness added at 0:00:12, flagged as from memory.');
  await expect(page.locator('.tl-pin[data-kind="dissociation"][data-from-memory="true"]')).toHaveCount(1);
  await page.locator('.tl-pin[data-kind="dissociation"]').click();
  await expect(details).toContainText('Dissociation / numbness at 0:00:12');
  await expect(details).toContainText('From memory');
  await expect(details.getByTestId('mark-history')).toContainText('Written from memory');

  // A time past the session's end is refused, and nothing is journaled for it.
  await memory.getByLabel('Time the mark from memory refers to').fill('2:00:00');
  await memory.getByRole('button', { name: 'Add from memory' }).click();
  await expect(memory.getByRole('alert')).toContainText("after the session's last moment");

  // Each correction is one new journal event; nothing before it was rewritten.
  const after = await journalKinds();
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after.slice(before.length)).toEqual(['mark-edited', 'mark-edited', 'mark-deleted', 'mark-edited', 'mark-deleted', 'mark-from-memory']);

  // The export carries the flags.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="csv"]').click()]);
  const csv = await readFile(await download.path(), 'utf8');
  const [columns = [], ...records] = parseCsvStrict(csv);
  const cell = (record: readonly string[], name: string) => record[columns.indexOf(name)];
  const remembered = records.find((record) => cell(record, 'note') === 'Went quiet, eyes open');
  expect(remembered === undefined ? undefined : cell(remembered, 'from_memory')).toBe('true');
  const moved = records.find((record) => cell(record, 'kind') === 'breakthrough');
  expect(moved === undefined ? undefined : [cell(moved, 'session_time_ms'), cell(moved, 'moved_from_ms'), cell(moved, 'original_kind')]).toEqual(['20000', '5000', 'resonance']);
  expect(records.some((record) => cell(record, 'kind') === 'vitals')).toBe(false);

  const [summary] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="markdown"]').click()]);
  const markdown = await readFile(await summary.path(), 'utf8');
  expect(markdown).toContain('## Deleted marks');
  expect(markdown).toContain('- 0:00:10 · Vitals — deleted: Made twice');
  expect(markdown).toContain('from memory, written');
  expect(markdown).toContain('moved from 0:00:05');

  // After a reload the same: it is the journal's fold.
  await page.reload();
  await expect(page.locator('.tl-pin[data-kind="breakthrough"]')).toHaveCount(1);
  await expect(page.locator('.tl-pin[data-kind="vitals"]')).toHaveCount(0);
  await expect(page.locator('.tl-pin[data-kind="dissociation"]')).toHaveCount(1);
});
