import { expect, test } from '@playwright/test';
import { readJournalFile } from '../support/journal-file';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

test.beforeEach(async () => {
  host = await startWebHost();
});

test.afterEach(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('during the session a mark is given another kind, another is deleted with why, and one is added from memory: each journaled', async ({ page }) => {
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('K-17');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;

  await page.keyboard.press('r');
  await page.keyboard.press('d');
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(2);

  const corrections = page.getByTestId('live-corrections');
  await corrections.locator('summary').click();
  const notice = page.getByTestId('live-correction-notice');
  // The newest mark is chosen first.
  const distressLabel = (await corrections.getByLabel('Mark to correct').locator('option:checked').textContent()) ?? '';
  expect(distressLabel).toMatch(/^Distress at /);
  await corrections.getByLabel(`Kind of ${distressLabel}`).selectOption('dissociation');
  await corrections.getByRole('button', { name: 'Change kind' }).click();
  await expect(notice).toHaveText(`${distressLabel} is now Dissociation / numbness.`);
  await expect(page.locator('.recent-mark[data-mark-kind="dissociation"]')).toHaveCount(1);

  const resonanceOption = corrections.getByLabel('Mark to correct').locator('option', { hasText: /^Resonance at / });
  const resonanceLabel = (await resonanceOption.textContent()) ?? '';
  await corrections.getByLabel('Mark to correct').selectOption({ label: resonanceLabel });
  await corrections.getByLabel(`Why delete ${resonanceLabel}`).selectOption('Made twice');
  await corrections.getByRole('button', { name: 'Delete mark' }).click();
  await expect(notice).toContainText(`${resonanceLabel} deleted`);
  await expect(page.locator('.recent-mark[data-mark-kind="resonance"]')).toHaveCount(0);

  // Typing in the corrections takes no marks.
  const memory = corrections.locator('.add-from-memory');
  await memory.getByLabel('Kind of the mark from memory').selectOption('breakthrough');
  await memory.getByLabel('Time the mark from memory refers to').fill('0:00:00');
  await memory.getByLabel('Note on the mark from memory').fill('before the music, a long sigh');
  await memory.getByRole('button', { name: 'Add from memory' }).click();
  await expect(notice).toHaveText('Breakthrough added at 0:00:00, flagged as from memory.');
  await expect(page.locator('.recent-mark[data-mark-kind="breakthrough"][data-saved="true"]')).toHaveCount(1);

  await expect
    .poll(async () => (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind.startsWith('mark')).map((event) => event.kind))
    .toEqual(['mark', 'mark', 'mark-edited', 'mark-deleted', 'mark-from-memory']);
  const journal = await readJournalFile(host.dataDir, sessionId);
  const [resonance, distress] = journal.filter((event) => event.kind === 'mark');
  expect(journal.find((event) => event.kind === 'mark-edited')?.payload).toEqual({ markId: distress?.id, markKind: 'dissociation', from: 'live' });
  expect(journal.find((event) => event.kind === 'mark-deleted')?.payload).toEqual({ markId: resonance?.id, reason: 'deleted', note: 'Made twice', from: 'live' });
  expect(journal.find((event) => event.kind === 'mark-from-memory')?.payload).toMatchObject({
    markKind: 'breakthrough',
    refersToSessionMs: 0,
    note: 'before the music, a long sigh',
    from: 'live',
  });
});
