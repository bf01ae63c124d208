import { expect, test, type Page } from '@playwright/test';
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

const stretch = (page: Page, stateId: string) => page.getByTestId('state-band').locator(`.state-stretch[data-state="${stateId}"]`);

test('state keys draw the band live, are journaled, are refused during a break, and show as a lane in review', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('K-21');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  const stateButton = (name: RegExp) => page.getByRole('group', { name: 'Client state keys' }).getByRole('button', { name });

  await page.keyboard.press('w');
  await expect(stretch(page, 'within-window')).toHaveCount(1);
  await expect(stateButton(/^Within window/)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('u');
  await expect(stateButton(/^Hyperaroused/)).toHaveAttribute('aria-pressed', 'true');
  await expect(stateButton(/^Within window/)).toHaveAttribute('aria-pressed', 'false');
  // Dissociation is a span over the band: X opens it, X closes it.
  await page.keyboard.press('x');
  await expect(stateButton(/^Dissociated/)).toHaveAttribute('aria-pressed', 'true');
  await expect(stretch(page, 'dissociated')).toHaveClass(/state-span/);
  await page.keyboard.press('x');
  await expect(stateButton(/^Dissociated/)).toHaveAttribute('aria-pressed', 'false');

  // During a break a state key is refused, with the reason; the band stays as it was.
  await page.keyboard.press('k');
  await page.keyboard.press('l');
  await expect(page.getByText(/State not recorded: a break is open/)).toBeVisible();
  await expect(stretch(page, 'hypoaroused')).toHaveCount(0);
  await page.keyboard.press('k');
  await page.keyboard.press('l');
  await expect(stateButton(/^Hypoaroused/)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('save-summary')).toHaveText('Everything saved');

  const journaled = (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'client-state');
  expect(journaled.map((event) => `${String(event.payload.stateId)}:${String(event.payload.action)}`)).toEqual([
    'within-window:set',
    'hyperaroused:set',
    'dissociated:open',
    'dissociated:close',
    'hypoaroused:set',
  ]);

  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await page.getByRole('link', { name: 'Review this session' }).click();
  const lane = page.locator('[data-row="client-state"]');
  await expect(lane.locator('rect[data-state="within-window"]')).toHaveCount(1);
  await expect(lane.locator('rect[data-state="hyperaroused"]')).toHaveCount(1);
  await expect(lane.locator('rect[data-state="dissociated"]')).toHaveCount(1);
  await expect(lane.locator('rect[data-state="hypoaroused"]')).toHaveCount(1);
  await expect(page.locator('text.tl-row-label', { hasText: 'Client state' })).toHaveCount(1);
});

test('settings: a state key a mark kind has is refused with the reason; another key is saved and used', async ({ page }) => {
  await page.goto(`${host.url}/#/settings`);
  const hyperKey = page.getByRole('textbox', { name: 'Key for the state Hyperaroused' });
  await hyperKey.fill('d');
  await page.getByRole('button', { name: 'Save client states' }).click();
  await expect(page.getByRole('alert')).toContainText('the key "D" of the state Hyperaroused is already the mark Distress');

  await hyperKey.fill('a');
  await page.getByRole('button', { name: 'Save client states' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  await page.getByRole('link', { name: 'Start', exact: true }).click();
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  await page.keyboard.press('a');
  await expect(page.getByRole('group', { name: 'Client state keys' }).getByRole('button', { name: /^Hyperaroused/ })).toHaveAttribute('aria-pressed', 'true');
});

test('a prolonged state shows a quiet prompt with the plan’s options (accelerated: 20 minutes in 2 s)', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(`${host.url}/?diagnostics&speed=600`);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.keyboard.press('u');
  const prompt = page.locator('.state-prompt[data-state="hyperaroused"]');
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  await expect(prompt).toContainText(/Hyperaroused for \d+/);
  // Quiet: a line with buttons, no dialog and nothing that takes the keyboard's focus.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.locator(':focus')).toHaveCount(0);
  const phase = await page.locator('.live-now .label').textContent();
  await prompt.getByRole('button', { name: /Hold the phase/ }).click();
  await expect(prompt.getByRole('button', { name: /The phase is held/ })).toBeDisabled();
  await prompt.getByRole('button', { name: 'Dismiss' }).click();
  await expect(prompt).toHaveCount(0);
  const events = await readJournalFile(host.dataDir, sessionId);
  expect(events.filter((event) => event.kind === 'plan-changed').map((event) => `${String(event.payload.kind)}:${String(event.payload.phaseId)}`)).toEqual([
    `hold:${(phase ?? '').toLowerCase()}`,
  ]);
  // What was done with the prompt is journaled, with the stretch it answered and when.
  const stateKey = events.find((event) => event.kind === 'client-state');
  const answersOnDisk = async () => (await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'state-prompt-answered');
  await expect.poll(async () => (await answersOnDisk()).map((event) => event.payload)).toEqual(
    ['hold-phase', 'dismissed'].map((answer) => ({ stateId: 'hyperaroused', stateEventId: stateKey?.id, sinceMs: stateKey?.sessionMs, answer })),
  );
  expect((await answersOnDisk()).every((event) => event.sessionMs > (stateKey?.sessionMs ?? Number.POSITIVE_INFINITY))).toBe(true);
});
