import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { plaintextFindings } from '../support/data-folder-scan';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

const clientCode = 'E2E-ENC-7731';
const intention = 'to visit the quiet harbour';
const note = 'saw the heron again by the water';
const passphrase = 'amber lantern over still water';
const nextPassphrase = 'seven slow boats at dawn';

let host: RunningWebHost;

test.afterEach(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

async function restart(): Promise<void> {
  expect(await host.stop('SIGTERM')).toBe(0);
  host = await startWebHost({ dataDir: host.dataDir });
}

const encryptionSection = (page: Page) => page.getByRole('region', { name: 'Encryption at rest' });

test('turned on in the browser host: nothing in clear in the data folder, locked after a restart until the passphrase is typed', async ({ page }) => {
  test.setTimeout(90_000);
  host = await startWebHost();
  await page.goto(host.url);
  await page.getByLabel('Client code').fill(clientCode);
  await page.getByLabel('Intention').fill(intention);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.keyboard.press('t');
  await expect(page.locator('.note-input:focus')).toHaveCount(1);
  await page.keyboard.type(note);
  await page.keyboard.press('Enter');
  await expect(page.locator('.recent-mark[data-saved="false"]')).toHaveCount(0);
  // Saved in clear so far (the note reaches the journal as an edit of the mark).
  await expect.poll(() => plaintextFindings(host.dataDir, [note])).not.toEqual([]);

  // Settings, by keyboard: the browser host offers only a passphrase.
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
  const section = encryptionSection(page);
  await expect(section.getByText(/if you forget it, the sessions cannot be read/)).toBeVisible();
  await expect(section.getByRole('radio', { name: /keychain/ })).toBeDisabled();
  await expect(section.getByText(/no system keychain/)).toBeVisible();
  await expect(section.getByRole('radio', { name: /passphrase/ })).toBeChecked();
  await section.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await section.getByLabel('The passphrase again').fill('something else entirely');
  await section.getByRole('checkbox', { name: /forgotten/ }).check();
  await section.getByRole('button', { name: 'Encrypt the sessions' }).click();
  await expect(section.getByRole('alert')).toHaveText('The two passphrases are not the same.');
  await section.getByLabel('The passphrase again').fill(passphrase);
  await section.getByLabel('The passphrase again').press('Enter');
  await expect(section.getByRole('status').filter({ hasText: 'On: the sessions are encrypted' })).toBeVisible({ timeout: 15_000 });

  // The live session carries on; a mark saved now is encrypted too.
  const journalLinesBefore = (await readFile(path.join(host.dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8')).split('\n').length;
  await page.getByRole('navigation').getByRole('link', { name: 'Live session' }).click();
  await expect(page.getByTestId('session-clock')).toBeVisible();
  await page.keyboard.press('t');
  // Typed only once the new note field has the focus: earlier keys would be marks.
  await expect(page.locator('.note-input:focus')).toHaveCount(1);
  await page.keyboard.type(`later: ${note}`);
  await page.keyboard.press('Enter');
  await expect(page.locator('.recent-mark[data-saved="false"]')).toHaveCount(0);
  await expect.poll(async () => (await readFile(path.join(host.dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8')).split('\n').length).toBeGreaterThan(journalLinesBefore + 1);

  expect(await plaintextFindings(host.dataDir, [note, clientCode, intention, 'heron', 'harbour'])).toEqual([]);
  const journal = await readFile(path.join(host.dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8');
  expect(journal.split('\n').filter((line) => line !== '' && !line.startsWith('{"enc":1,'))).toEqual([]);

  await restart();
  await page.goto(host.url);
  const prompt = page.getByRole('region', { name: 'The sessions are locked' });
  await expect(prompt).toBeVisible();
  await expect(page.getByText(clientCode)).toHaveCount(0);
  // The passphrase field has the focus: type and press Enter.
  await expect(prompt.getByLabel('Passphrase')).toBeFocused();
  await page.keyboard.type('amber lantern over still waters');
  await page.keyboard.press('Enter');
  await expect(prompt.getByRole('alert')).toHaveText('That passphrase does not open these sessions.');
  await prompt.getByLabel('Passphrase').fill(passphrase);
  await prompt.getByLabel('Passphrase').press('Enter');
  await expect(prompt).toBeHidden();
  await expect(page.getByRole('region', { name: 'Sessions still open' }).getByText(clientCode)).toBeVisible();

  await page.goto(`${host.url}/#/review/${sessionId}`);
  const noteFields = page.locator('.mark-row[data-mark-kind="note"]').getByRole('textbox');
  await expect
    .poll(() => noteFields.evaluateAll((fields) => fields.map((field) => (field as HTMLInputElement).value)))
    .toEqual(expect.arrayContaining([note, `later: ${note}`]));
});

test('the passphrase is changed in Settings: the old one no longer opens the sessions, the new one does', async ({ page }) => {
  test.setTimeout(90_000);
  host = await startWebHost();
  await page.goto(host.url);
  const enabled = await page.evaluate(
    async (secret) => (await fetch('api/encryption:enable', { method: 'POST', body: JSON.stringify({ method: 'passphrase', passphrase: secret }) })).json(),
    passphrase,
  );
  expect(enabled).toMatchObject({ ok: true, value: { enabled: true, locked: false } });
  await page.getByLabel('Client code').fill(clientCode);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');

  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
  const section = encryptionSection(page);
  await section.getByLabel('Current passphrase').fill('not the passphrase');
  await section.getByLabel('New passphrase', { exact: true }).fill(nextPassphrase);
  await section.getByLabel('The new passphrase again').fill(nextPassphrase);
  await section.getByRole('button', { name: 'Change the passphrase' }).click();
  await expect(section.getByRole('alert')).toHaveText('The current passphrase is not right.');
  await section.getByLabel('Current passphrase').fill(passphrase);
  await section.getByRole('button', { name: 'Change the passphrase' }).click();
  await expect(section.getByRole('status').filter({ hasText: 'The passphrase is changed' })).toBeVisible();

  await restart();
  await page.goto(host.url);
  const prompt = page.getByRole('region', { name: 'The sessions are locked' });
  await prompt.getByLabel('Passphrase').fill(passphrase);
  await prompt.getByLabel('Passphrase').press('Enter');
  await expect(prompt.getByRole('alert')).toHaveText('That passphrase does not open these sessions.');
  await prompt.getByLabel('Passphrase').fill(nextPassphrase);
  await prompt.getByLabel('Passphrase').press('Enter');
  await expect(page.getByRole('region', { name: 'Sessions still open' }).getByText(clientCode)).toBeVisible();
});
