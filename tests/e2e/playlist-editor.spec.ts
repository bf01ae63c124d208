import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { generatedDir } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;
let musicFolder: string;

const trackFiles = {
  tone: 'tone-440hz-normal.mp3',
  pink: 'pink-noise-normal.flac',
  quiet: 'tone-440hz-quiet.flac',
  pinkOgg: 'pink-noise-normal.ogg',
} as const;
const trackPath = (key: keyof typeof trackFiles) => path.join(musicFolder, trackFiles[key]);

test.beforeAll(async () => {
  host = await startWebHost();
  musicFolder = await mkdtemp(path.join(os.tmpdir(), 'attune-editor-music-'));
  await mkdir(musicFolder, { recursive: true });
  for (const file of Object.values(trackFiles)) await copyFile(path.join(generatedDir, file), path.join(musicFolder, file));
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
  await rm(musicFolder, { recursive: true, force: true });
});

/** Screenshots for a look by hand: set ATTUNE_SCREENSHOTS to a folder. */
async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.ATTUNE_SCREENSHOTS;
  if (folder !== undefined) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}

async function scanLibrary(page: Page): Promise<void> {
  await page.goto(`${host.url}/#/library`);
  await page.getByLabel('Music folder to add (full path)').fill(musicFolder);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await page.getByRole('button', { name: 'Scan library' }).click();
  await expect(page.locator('.job-summary')).toContainText('Measured 4 tracks', { timeout: 30_000 });
}

const phase = (page: Page, phaseId: string) => page.locator(`.phase-card[data-phase-id="${phaseId}"]`);
const rowsOf = (page: Page, phaseId: string) => phase(page, phaseId).locator('.segment-row');
const titlesOf = (page: Page, phaseId: string) => rowsOf(page, phaseId).locator('.segment-name');
const pickerRow = (page: Page, key: keyof typeof trackFiles) => page.locator(`.picker-row[data-path="${trackPath(key)}"]`);
const warning = (page: Page, prefix: string): Locator => page.locator(`.warning-item[data-warning-id^="${prefix}"]`);
// Tall enough that every phase's drop zone is on screen while a track is dragged.
test.use({ viewport: { width: 1400, height: 1500 } });

const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

test('a three-phase playlist built by drag and drop: reorder, warnings that appear and clear, undo/redo, autosave, M3U8 export', async ({ page }) => {
  test.setTimeout(90_000);
  await scanLibrary(page);

  await page.getByRole('navigation').getByRole('link', { name: 'Playlists' }).click();
  await page.getByLabel('Title of the new playlist').fill('E2E set');
  await page.getByRole('button', { name: 'New playlist' }).click();
  await expect(page).toHaveURL(/#\/playlists\/e2e-set$/);
  await expect(page.getByLabel('Playlist title')).toHaveValue('E2E set');
  await expect(page.locator('.save-indicator')).toHaveText('Saved');

  // Each new phase opens with a soundscape; drag one track from the library into each phase.
  await pickerRow(page, 'tone').dragTo(phase(page, 'onset').locator('.phase-drop-zone'));
  await pickerRow(page, 'pink').dragTo(phase(page, 'peak').locator('.phase-drop-zone'));
  await pickerRow(page, 'quiet').dragTo(phase(page, 'return').locator('.phase-drop-zone'));
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);
  await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'pink-noise-normal']);
  await expect(titlesOf(page, 'return')).toHaveText(['earth soundscape', 'tone-440hz-quiet']);

  // The keyboard path: select a track, choose a phase, add it.
  await pickerRow(page, 'pinkOgg').getByRole('checkbox').check();
  await page.locator('.picker-add').getByLabel('Phase').selectOption({ label: 'Peak' });
  await page.getByRole('button', { name: 'Add 1 to phase' }).click();
  await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'pink-noise-normal', 'pink-noise-normal']);

  // Reorder by drag (onto the top half of the first row) and back with Alt+↓.
  const tone = rowsOf(page, 'onset').filter({ hasText: 'tone-440hz-normal' });
  await tone.dragTo(rowsOf(page, 'onset').first(), { targetPosition: { x: 40, y: 4 } });
  await expect(titlesOf(page, 'onset')).toHaveText(['tone-440hz-normal', 'breath soundscape']);
  await tone.getByRole('button', { name: /tone-440hz-normal/ }).first().focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);

  // A phase far from its target is flagged, and the flag clears once the target fits the music.
  await expect(warning(page, 'phase-short:onset')).toBeVisible();
  const onsetTarget = phase(page, 'onset').getByLabel('Target');
  await onsetTarget.fill('10');
  await expect(warning(page, 'phase-short:onset')).toHaveCount(0);
  await expect(phase(page, 'onset').locator('.phase-total')).toHaveAttribute('data-fit', 'fits');

  // Words in the peak are flagged; moving the track to the return clears it.
  const peakPink = rowsOf(page, 'peak').filter({ hasText: 'pink-noise-normal' }).first();
  await peakPink.locator('.segment-select').click();
  const inspector = page.locator('.inspector');
  await inspector.getByLabel('Has words (lyrics or speech)').check();
  await expect(warning(page, 'lyrics:')).toHaveCount(1);
  await expect(warning(page, 'lyrics:')).toContainText('Move it to the return phase');
  await expect(peakPink.locator('.segment-warning')).toBeVisible();
  await inspector.getByLabel('Move to phase').selectOption({ label: 'Return' });
  await expect(warning(page, 'lyrics:')).toHaveCount(0);
  await expect(titlesOf(page, 'return')).toHaveText(['earth soundscape', 'tone-440hz-quiet', 'pink-noise-normal']);

  // Undo and redo, by button label and by key (not while typing in a field).
  await expect(page.getByRole('button', { name: 'Undo move to Return' })).toBeEnabled();
  await blur(page);
  await page.keyboard.press('Control+z');
  await expect(warning(page, 'lyrics:')).toHaveCount(1);
  await expect(titlesOf(page, 'return')).toHaveText(['earth soundscape', 'tone-440hz-quiet']);
  await page.keyboard.press('Control+Shift+z');
  await expect(warning(page, 'lyrics:')).toHaveCount(0);
  await expect(titlesOf(page, 'return')).toHaveText(['earth soundscape', 'tone-440hz-quiet', 'pink-noise-normal']);
  await page.getByRole('button', { name: 'Undo move to Return' }).click();
  await expect(page.getByRole('button', { name: 'Redo move to Return' })).toBeEnabled();
  await page.getByRole('button', { name: 'Redo move to Return' }).click();

  // Removing the only music of a phase is not saved, and the indicator says why.
  await rowsOf(page, 'onset').getByRole('button', { name: /^Remove breath soundscape/ }).click();
  await rowsOf(page, 'onset').getByRole('button', { name: /^Remove tone-440hz-normal/ }).click();
  await expect(page.locator('.save-indicator')).toContainText('Not saved: Phase "Onset" has no music');
  await expect(warning(page, 'phase-empty:onset')).toBeVisible();
  await blur(page);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);

  // Autosave: what is on screen is what comes back after a reload.
  await expect(page.locator('.save-indicator')).toHaveText('Saved');
  await screenshot(page, 'playlist-editor');
  await page.reload();
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);
  await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'pink-noise-normal']);
  await expect(titlesOf(page, 'return')).toHaveText(['earth soundscape', 'tone-440hz-quiet', 'pink-noise-normal']);
  await expect(rowsOf(page, 'return').last()).toContainText('words');
  await expect(phase(page, 'onset').getByLabel('Target')).toHaveValue('10');
  const saved = JSON.parse(await readFile(path.join(host.dataDir, 'playlists', 'e2e-set.json'), 'utf8')) as { phases: { segments: { path?: string }[] }[] };
  expect(saved.phases[0]?.segments[1]?.path).toBe(trackPath('tone'));

  // The M3U8 export downloads a file that lists the tracks.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download M3U8' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('e2e-set.m3u8');
  const text = await readFile(await download.path(), 'utf8');
  expect(text.startsWith('#EXTM3U')).toBe(true);
  for (const key of ['tone', 'pink', 'quiet', 'pinkOgg'] as const) expect(text).toContain(trackPath(key));
});

test('a bundled playlist opens read-only until it is duplicated', async ({ page }) => {
  await page.goto(`${host.url}/#/playlists/generative-session`);
  await expect(page.locator('.save-indicator')).toHaveText('Bundled playlist: read-only');
  await expect(page.getByRole('heading', { name: 'Generative session', level: 1 })).toBeVisible();
  await expect(page.locator('.segment-row').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await expect(page.getByLabel('Playlist title')).toHaveCount(0);
  await expect(page.locator('.segment-row[draggable="true"]')).toHaveCount(0);
  // Its settings are shown, not editable.
  await page.locator('.segment-select').first().click();
  await expect(page.locator('.inspector').getByLabel('Title')).toBeDisabled();
  await expect(page.locator('.inspector').getByLabel('Notes')).toBeDisabled();

  await page.getByRole('button', { name: 'Duplicate to edit' }).click();
  await expect(page).toHaveURL(/#\/playlists\/copy-of-generative-session$/);
  await expect(page.getByLabel('Playlist title')).toHaveValue('Copy of Generative session');
  await expect(page.locator('.save-indicator')).toHaveText('Saved');
  await expect(page.getByRole('button', { name: /^Remove / }).first()).toBeVisible();
});
