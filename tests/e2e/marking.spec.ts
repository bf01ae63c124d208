import { startSessionFromHome } from '../support/start-session';
import { expect, test, type Page } from '@playwright/test';
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

async function startDefaultSession(page: Page): Promise<string> {
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('K-17');
  await page.getByLabel('Facilitators’ initials').fill('AB, CD');
  await page.getByLabel('Substance').fill('MDMA');
  await page.getByLabel('Dose', { exact: true }).fill('120 mg');
  await page.getByLabel('Planned supplemental dose').fill('60 mg at 1 h 30');
  await page.getByLabel('Intention').fill('To feel safe again, "with" commas, and\nnew lines');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  return new URL(page.url()).hash.split('/').at(-1) as string;
}

const recentMarks = (page: Page) => page.locator('.recent-mark');
const savedMarks = (page: Page) => page.locator('.recent-mark[data-saved="true"]');

test('every kind by key, details later, undo, SIGKILL, resume: everything is there', async ({ page }) => {
  test.setTimeout(90_000);
  const sessionId = await startDefaultSession(page);

  // One key each; K opens the break span and the second K closes it.
  for (const key of ['r', 'd', 'n', 'b', 'm', 'o', 's', 'v', 'k']) {
    await page.keyboard.press(key);
  }
  await expect(page.getByRole('group', { name: 'Protocol events' }).getByRole('button', { name: /^Break/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('k');
  await expect(page.getByRole('group', { name: 'Protocol events' }).getByRole('button', { name: /^Break/ })).toHaveAttribute('aria-pressed', 'false');
  await expect(savedMarks(page)).toHaveCount(9);

  // A note mark focuses its note field; typing does not take marks.
  await page.keyboard.press('t');
  await page.keyboard.type('client smiled, then "cried"');
  await page.keyboard.press('Enter');
  await expect(recentMarks(page)).toHaveCount(10);

  // The digit sets the newest mark's intensity; a button sets an older one's.
  await page.keyboard.press('4');
  await expect(recentMarks(page).first().getByRole('button', { name: '4' })).toHaveAttribute('aria-pressed', 'true');
  const distressRow = page.locator('.recent-mark[data-mark-kind="distress"]');
  await distressRow.getByRole('button', { name: '5' }).click();
  await distressRow.getByRole('textbox').fill('during the strings');
  await distressRow.getByRole('textbox').press('Enter');

  await page.locator('.recent-mark[data-mark-kind="vitals"]').getByRole('spinbutton', { name: /Systolic/ }).fill('128');
  await page.locator('.recent-mark[data-mark-kind="vitals"]').getByRole('spinbutton', { name: /Heart rate/ }).fill('92');
  await page.locator('.recent-mark[data-mark-kind="vitals"]').getByRole('spinbutton', { name: /Heart rate/ }).press('Enter');

  // Take a mark by mistake and undo it.
  await page.keyboard.press('m');
  await expect(recentMarks(page)).toHaveCount(11);
  await page.keyboard.press('Control+z');
  await expect(recentMarks(page)).toHaveCount(10);

  await expect(page.locator('.recent-mark[data-saved="false"]')).toHaveCount(0);
  // Edits and the undo are events too: wait until the screen says everything is on disk.
  await expect(page.getByTestId('save-summary')).toHaveText('Everything saved');
  await expect(page.getByRole('alert')).toHaveCount(0);
  const clockBefore = await page.getByTestId('session-clock').textContent();

  await host.stop('SIGKILL');
  host = await startWebHost({ dataDir: host.dataDir });
  await page.goto(host.url);
  await expect(page.getByRole('heading', { name: 'Sessions still open' })).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page).toHaveURL(new RegExp(`#/live/${sessionId}$`));
  await expect(recentMarks(page)).toHaveCount(10);
  await expect(savedMarks(page)).toHaveCount(10);
  const meter = page.getByRole('meter', { name: 'Output level' });
  await expect.poll(async () => Number(await meter.getAttribute('data-level-db')), { timeout: 5000 }).toBeGreaterThan(-50);
  const clockAfter = (await page.getByTestId('session-clock').textContent()) ?? '';
  expect(clockAfter >= (clockBefore ?? ''), 'the clock continues from the journal, never restarts').toBe(true);

  const events = await readJournalFile(host.dataDir, sessionId);
  const marks = events.filter((event) => event.kind === 'mark');
  expect(marks.map((event) => event.payload.markKind)).toEqual([
    'resonance', 'distress', 'dissociation', 'breakthrough', 'music-resistance', 'dose', 'supplemental-dose', 'vitals', 'break', 'note', 'music-resistance',
  ]);
  expect(events.filter((event) => event.kind === 'mark-deleted').map((event) => event.payload.reason)).toEqual(['undo']);
  expect(events.filter((event) => event.kind === 'span-closed')).toHaveLength(1);
  expect(events.some((event) => event.kind === 'session-resumed')).toBe(true);

  // End: the summary counts current marks by kind.
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('heading', { name: 'Session ended' })).toBeVisible();
  await expect(page.getByTestId('summary-counts').locator('[data-mark-kind="music-resistance"] strong')).toHaveText('1');
  await expect(page.getByTestId('summary-counts').locator('[data-mark-kind="resonance"] strong')).toHaveText('1');

  await page.getByRole('link', { name: 'Review this session' }).click();
  const rows = page.locator('.marks-table tbody tr');
  await expect(rows).toHaveCount(10);
  const distress = page.locator('.mark-row[data-mark-kind="distress"]');
  await expect(distress.getByRole('combobox')).toHaveValue('5');
  await expect(distress.getByRole('textbox')).toHaveValue('during the strings');
  await expect(page.locator('.mark-row[data-mark-kind="note"]').getByRole('textbox')).toHaveValue('client smiled, then "cried"');
  await expect(page.locator('.mark-row[data-mark-kind="note"]').getByRole('combobox')).toHaveValue('4');
  await expect(page.locator('.mark-row[data-mark-kind="vitals"]')).toContainText('BP 128/?');
  await expect(page.locator('.mark-row[data-mark-kind="vitals"]')).toContainText('HR 92');
  await expect(page.getByText(/To feel safe again/)).toBeVisible();

  // Review edits are journaled after the end; new marks are not accepted.
  await page.locator('.mark-row[data-mark-kind="resonance"]').getByRole('combobox').selectOption('2');
  await expect.poll(async () => (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'mark-edited').at(-1)?.payload.intensity).toBe(2);
});

test('a failing disk shows a warning, keeps every mark, and saves them once it recovers', async ({ page }) => {
  let failuresLeft = 0;
  // The page journals over its socket to the host: the first appends get the answer a full disk gives.
  await page.routeWebSocket('**/api/socket', (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; channel: string };
      if (frame.channel === 'journal:append' && failuresLeft > 0) {
        failuresLeft -= 1;
        socket.send(JSON.stringify({ id: frame.id, result: { ok: false, error: { code: 'write-failed', message: 'the event could not be saved (ENOSPC); it will be retried' } } }));
        return;
      }
      server.send(message);
    });
  });
  await startDefaultSession(page);
  failuresLeft = 6;
  await page.keyboard.press('r');
  await page.keyboard.press('d');
  await expect(page.getByRole('alert')).toContainText('ENOSPC');
  await expect(page.getByRole('alert')).toContainText('nothing is dropped');
  await expect(savedMarks(page)).toHaveCount(2, { timeout: 15_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  const marks = (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'mark');
  expect(marks.map((event) => event.payload.markKind)).toEqual(['resonance', 'distress']);
});

test('settings: a new kind with its own key marks at once; a conflicting key is refused', async ({ page }) => {
  await page.goto(`${host.url}/#/settings`);
  await page.getByRole('button', { name: 'Add a kind' }).click();
  const newRow = page.locator('.kinds-table tbody tr').last();
  await newRow.getByRole('textbox', { name: /Label/ }).fill('Tears');
  await newRow.getByRole('textbox', { name: /Key for/ }).fill('r');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toContainText('already used by Resonance');

  await newRow.getByRole('textbox', { name: /Key for/ }).fill('y');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  await page.getByRole('link', { name: 'Start', exact: true }).click();
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  await page.keyboard.press('y');
  await expect(page.locator('.recent-mark[data-saved="true"]').first()).toContainText('Tears');
});

test('a key pressed the moment the live screen appears is taken as a mark', async ({ page }) => {
  await page.goto(host.url);
  // The key goes in with the very first paint of the live screen (from the same task that put the track
  // on screen), as a facilitator marking the dose right after Start would: nothing may be listening late.
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const nowPlaying = document.querySelector('[data-testid="now-playing"]');
      if (nowPlaying === null) return;
      observer.disconnect();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'o', bubbles: true }));
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await startSessionFromHome(page);
  await expect(page.locator('.recent-mark[data-mark-kind="dose"]')).toHaveCount(1);
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(1);
});
