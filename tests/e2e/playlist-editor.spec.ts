import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/** The music folder in the library, scanned and measured (again, when an earlier test did it: rescans are quick). */
async function scanLibrary(page: Page): Promise<void> {
  await page.goto(`${host.url}/#/library`);
  await expect(page.getByRole('heading', { name: 'Music folders' })).toBeVisible();
  if ((await page.locator('.root-row', { hasText: musicFolder }).count()) === 0) {
    await page.getByLabel('Music folder to add (full path)').fill(musicFolder);
    await page.getByRole('button', { name: 'Add folder' }).click();
  }
  await page.getByRole('button', { name: 'Scan library' }).click();
  await expect(page.locator('.job-summary')).toContainText('4 tracks in the library', { timeout: 30_000 });
  await expect(page.locator('.track-table')).not.toContainText('not analysed');
}

/** A new playlist from the Playlists screen; resolves once its editor is open. */
async function newPlaylist(page: Page, title: string, id: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'Playlists' }).click();
  await page.getByLabel('Title of the new playlist').fill(title);
  await page.getByRole('button', { name: 'New playlist' }).click();
  await expect(page).toHaveURL(new RegExp(`#/playlists/${id}$`));
  await expect(page.locator('.save-indicator')).toHaveText('Saved');
}

/** The keyboard path into a phase: tick tracks in the library list, choose the phase, add. */
async function addByKeyboard(page: Page, keys: readonly (keyof typeof trackFiles)[], phaseTitle: string): Promise<void> {
  for (const key of keys) await pickerRow(page, key).getByRole('checkbox').check();
  await page.locator('.picker-add').getByLabel('Phase').selectOption({ label: phaseTitle });
  await page.getByRole('button', { name: `Add ${keys.length} to phase` }).click();
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
  await newPlaylist(page, 'E2E set', 'e2e-set');
  await expect(page.getByLabel('Playlist title')).toHaveValue('E2E set');

  // Each new phase opens with a soundscape; drag one track from the library into each phase.
  await pickerRow(page, 'tone').dragTo(phase(page, 'onset').locator('.phase-drop-zone'));
  await pickerRow(page, 'pink').dragTo(phase(page, 'peak').locator('.phase-drop-zone'));
  await pickerRow(page, 'quiet').dragTo(phase(page, 'return').locator('.phase-drop-zone'));
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);
  await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'pink-noise-normal']);
  await expect(titlesOf(page, 'return')).toHaveText(['earth soundscape', 'tone-440hz-quiet']);

  await addByKeyboard(page, ['pinkOgg'], 'Peak');
  await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'pink-noise-normal', 'pink-noise-normal']);

  // Reorder by drag (onto the top half of the first row) and back with Alt+↓.
  const tone = rowsOf(page, 'onset').filter({ hasText: 'tone-440hz-normal' });
  await tone.dragTo(rowsOf(page, 'onset').first(), { targetPosition: { x: 40, y: 4 } });
  await expect(titlesOf(page, 'onset')).toHaveText(['tone-440hz-normal', 'breath soundscape']);
  await tone.getByRole('button', { name: /tone-440hz-normal/ }).first().focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);
  // Past the end of its phase it moves into the next one, and the keyboard stays on it.
  const toneId = (await tone.getAttribute('data-segment-id')) as string;
  await page.keyboard.press('Alt+ArrowDown');
  await expect(titlesOf(page, 'peak')).toHaveText(['tone-440hz-normal', 'drone soundscape', 'pink-noise-normal', 'pink-noise-normal']);
  await expect(page.locator(`#segment-${toneId}`)).toBeFocused();
  await expect(page.getByTestId('move-announcement')).toHaveText('tone-440hz-normal: 1 of 4 in Peak');
  await page.keyboard.press('Alt+ArrowUp');
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal']);
  await expect(page.locator(`#segment-${toneId}`)).toBeFocused();

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
  // The curator's "this near-silence is meant" reaches the file, for the silence watchdog.
  await inspector.getByLabel(/^Intentionally quiet/).check();
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
  const saved = JSON.parse(await readFile(path.join(host.dataDir, 'playlists', 'e2e-set.json'), 'utf8')) as {
    phases: { segments: { path?: string; flags?: Record<string, unknown> }[] }[];
  };
  expect(saved.phases[0]?.segments[1]?.path).toBe(trackPath('tone'));
  expect(saved.phases[2]?.segments[2]?.flags).toEqual({ lyrics: true, intentionallyQuiet: true });

  // The M3U8 export downloads a file that lists the tracks.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download M3U8' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('e2e-set.m3u8');
  const text = await readFile(await download.path(), 'utf8');
  expect(text.startsWith('#EXTM3U')).toBe(true);
  for (const key of ['tone', 'pink', 'quiet', 'pinkOgg'] as const) expect(text).toContain(trackPath(key));
});

/** A step of `inOneTask`: text typed into a field, a button pressed, or Ctrl+Z outside any field. */
type TaskStep = { readonly type: Locator; readonly text: string } | { readonly press: Locator } | 'undo';

/**
 * Runs several edits within one task, as a script, an input method or assistive software can:
 * the page gets no chance to draw between them (React draws after a click or a key in a
 * microtask, after typing at once), so each must be made on the draft the one before it left,
 * not on the one last drawn.
 */
async function inOneTask(page: Page, steps: readonly TaskStep[]): Promise<void> {
  const targets = await Promise.all(steps.map(async (step) => (step === 'undo' ? null : ('type' in step ? step.type : step.press).elementHandle())));
  await page.evaluate(
    ({ targets, texts }) => {
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      targets.forEach((target, index) => {
        const text = texts[index];
        if (target === null) {
          document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true, cancelable: true }));
        } else if (text === null || text === undefined) {
          if (!(target instanceof HTMLElement)) throw new Error('not an element');
          target.click();
        } else {
          if (!(target instanceof HTMLInputElement) || setValue === undefined) throw new Error('not a text input');
          setValue.call(target, text);
          target.dispatchEvent(new Event('input', { bubbles: true }));
        }
      });
    },
    { targets, texts: steps.map((step) => (step !== 'undo' && 'type' in step ? step.text : null)) },
  );
}

test('edits, a button and an undo by key in one task all count: none is made on the draft of the last render', async ({ page }) => {
  await page.goto(host.url);
  await newPlaylist(page, 'Same tick', 'same-tick');
  await rowsOf(page, 'onset').first().locator('.segment-select').click();
  const phaseTitle = phase(page, 'onset').getByLabel('Title', { exact: true });
  const crossfade = page.locator('.editor-details').getByLabel(/^Crossfade/);
  const segmentTitle = page.locator('.inspector').getByLabel('Title', { exact: true });
  await phase(page, 'peak').getByLabel('Title', { exact: true }).fill('Summit');
  await blur(page);
  await expect(page.getByRole('button', { name: 'Undo rename phase' })).toBeEnabled();

  await inOneTask(page, [
    'undo',
    { press: page.getByRole('button', { name: 'Add a phase' }) },
    { type: crossfade, text: '12' },
    { press: page.getByRole('button', { name: 'Add a phase' }) },
    { type: phaseTitle, text: 'Arrival' },
    { type: segmentTitle, text: 'Opening breath' },
    { type: page.getByLabel('Playlist title'), text: 'Same tick, renamed' },
  ]);
  await expect(page.locator('.phase-card .phase-select')).toHaveText(['Arrival', 'Peak', 'Return', 'New phase', 'New phase']);
  await expect(titlesOf(page, 'onset')).toHaveText([/^Opening breath/]);
  await expect(crossfade).toHaveValue('12');
  await expect(page.getByLabel('Playlist title')).toHaveValue('Same tick, renamed');
  await page.getByRole('button', { name: 'Undo rename playlist' }).click();
  await expect(page.getByLabel('Playlist title')).toHaveValue('Same tick');
  await expect(page.getByRole('button', { name: 'Undo rename', exact: true })).toBeEnabled();
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

test('a playlist file is imported as a new playlist into the chosen phase, with every entry that could not be used and why', async ({ page }) => {
  await scanLibrary(page);
  const folder = await mkdtemp(path.join(os.tmpdir(), 'attune-import-'));
  const missing = path.join(musicFolder, 'not-here.mp3');
  const file = path.join(folder, 'Late night.m3u8');
  await writeFile(file, ['#EXTM3U', '#EXTINF:8,Tone', trackPath('tone'), '#EXTINF:8,Not here', missing, trackPath('pink'), ''].join('\n'));
  try {
    await page.getByRole('navigation').getByRole('link', { name: 'Playlists' }).click();
    await page.getByLabel('Playlist file to import: M3U, M3U8, PLS or XSPF (full path)').fill(file);
    await page.getByRole('button', { name: 'Read playlist file' }).click();
    const report = page.locator('.import-report');
    await expect(report).toContainText('2 tracks found, 1 entry could not be used');
    const unresolved = report.locator('.unresolved-row');
    await expect(unresolved).toHaveCount(1);
    await expect(unresolved).toContainText(missing);
    await expect(unresolved.locator('.notice')).not.toBeEmpty();
    await screenshot(page, 'playlists');

    await report.getByLabel('Into phase').selectOption({ label: 'Peak' });
    await report.getByRole('button', { name: 'Create a playlist with 2 tracks' }).click();
    await expect(page).toHaveURL(/#\/playlists\/[a-z0-9-]+$/);
    await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'Tone', 'pink-noise-normal']);
    await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape']);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('previews sound on the output (a track, and a transition that ends by itself); a warning shows its segment', async ({ page }) => {
  test.setTimeout(60_000);
  await scanLibrary(page);
  await newPlaylist(page, 'Preview set', 'preview-set');
  await addByKeyboard(page, ['tone', 'pink'], 'Onset');
  await expect(titlesOf(page, 'onset')).toHaveText(['breath soundscape', 'tone-440hz-normal', 'pink-noise-normal']);
  await expect(page.locator('.save-indicator')).toHaveText('Saved');
  await page.goto(`${host.url}/?diagnostics#/playlists/preview-set`);
  const level = () => page.evaluate(() => window.__attuneDiagnostics?.outputLevelDb() ?? Number.NEGATIVE_INFINITY);

  // A warning names a segment: choosing it selects that segment in the editor and the inspector.
  const crossfade = warning(page, 'crossfade:').first();
  await expect(crossfade).toBeVisible();
  const segmentId = ((await crossfade.getAttribute('data-warning-id')) ?? '').split(':')[1] as string;
  await crossfade.getByRole('button').click();
  await expect(page.locator(`.segment-row[data-segment-id="${segmentId}"]`)).toHaveClass(/selected/);
  await expect(page.locator('.inspector')).toHaveAttribute('data-segment-id', segmentId);
  await expect(page.locator(`#segment-${segmentId}`)).toBeFocused();

  await rowsOf(page, 'onset').filter({ hasText: 'tone-440hz-normal' }).locator('.segment-select').click();
  const inspector = page.locator('.inspector');
  await inspector.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect.poll(level, { timeout: 5000 }).toBeGreaterThan(-40);
  await inspector.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect.poll(level, { timeout: 5000 }).toBeLessThan(-60);

  // The tone crossfading into the pink noise: sounds, then stops on its own once the next piece has played a little.
  const transition = inspector.getByRole('button', { name: 'Preview transition into next' });
  await transition.click();
  await expect(inspector.getByRole('button', { name: 'Stop transition' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(level, { timeout: 5000 }).toBeGreaterThan(-40);
  await expect(transition).toHaveAttribute('aria-pressed', 'false', { timeout: 20_000 });
  await expect.poll(level, { timeout: 5000 }).toBeLessThan(-60);
});

test('a portable folder is exported and its summary shown; a playlist is deleted only after confirmation', async ({ page }) => {
  await scanLibrary(page);
  await newPlaylist(page, 'Export set', 'export-set');
  await addByKeyboard(page, ['tone', 'quiet'], 'Return');
  await expect(page.locator('.save-indicator')).toHaveText('Saved');

  const destination = await mkdtemp(path.join(os.tmpdir(), 'attune-export-'));
  try {
    await page.getByLabel('Folder to export into (full path)').fill(destination);
    await page.getByRole('button', { name: 'Export here' }).click();
    await expect(page.locator('.playlist-export .job-summary')).toContainText('2 file(s) copied', { timeout: 30_000 });
    const exported = await readdir(path.join(destination, 'export-set'), { recursive: true });
    expect(exported.some((name) => name.endsWith('.json'))).toBe(true);
    expect(exported.filter((name) => /\.(mp3|flac)$/.test(name))).toHaveLength(2);
  } finally {
    await rm(destination, { recursive: true, force: true });
  }

  await page.getByRole('navigation').getByRole('link', { name: 'Playlists' }).click();
  const row = page.locator('.playlist-card[data-playlist-id="export-set"]');
  await row.getByRole('button', { name: 'Delete Export set' }).click();
  const confirm = row.getByRole('group', { name: 'Delete Export set?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Delete Export set' }).click();
  await row.getByRole('group', { name: 'Delete Export set?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
  // Moved aside, not erased.
  expect((await readdir(path.join(host.dataDir, 'playlists', 'deleted'))).some((name) => name.endsWith('export-set.json'))).toBe(true);
});

test('a playlist that does not carry the loudness the library measured is updated from the library in one undoable step', async ({ page }) => {
  await scanLibrary(page);
  const playlist = {
    format: 'attune.playlist',
    version: 1,
    id: 'older-set',
    title: 'Older set',
    crossfadeSeconds: 2,
    phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 1, segments: [{ type: 'file', id: 'tone', path: trackPath('tone'), title: 'Tone' }] }],
  };
  await mkdir(path.join(host.dataDir, 'playlists'), { recursive: true });
  await writeFile(path.join(host.dataDir, 'playlists', 'older-set.json'), JSON.stringify(playlist));
  await page.goto(`${host.url}/#/playlists/older-set`);
  await expect(warning(page, 'loudness-not-saved:tone')).toContainText('Update the playlist from the library');
  await page.getByRole('button', { name: 'Update from library', exact: true }).click();
  await expect(warning(page, 'loudness-not-saved:tone')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Update from library', exact: true })).toHaveCount(0);
  await expect(page.locator('.save-indicator')).toHaveText('Saved');
  const saved = JSON.parse(await readFile(path.join(host.dataDir, 'playlists', 'older-set.json'), 'utf8')) as { phases: { segments: { loudness?: { source?: string } }[] }[] };
  expect(saved.phases[0]?.segments[0]?.loudness?.source).toBe('measured');
  await page.getByRole('button', { name: 'Undo update from library' }).click();
  await expect(warning(page, 'loudness-not-saved:tone')).toBeVisible();
  // Leaving the editor at once (before the autosave's pause) still writes the change.
  await page.getByRole('navigation').getByRole('link', { name: 'Library' }).click();
  await expect
    .poll(async () => (JSON.parse(await readFile(path.join(host.dataDir, 'playlists', 'older-set.json'), 'utf8')) as typeof saved).phases[0]?.segments[0]?.loudness)
    .toBeUndefined();
});

test('a playlist built in the editor passes the pre-flight check for its music and starts a session that plays it', async ({ page }) => {
  test.setTimeout(90_000);
  await scanLibrary(page);
  await newPlaylist(page, 'Flow set', 'flow-set');
  await pickerRow(page, 'tone').dragTo(phase(page, 'onset').locator('.phase-drop-zone'));
  await pickerRow(page, 'pink').dragTo(phase(page, 'peak').locator('.phase-drop-zone'));
  await pickerRow(page, 'quiet').dragTo(phase(page, 'return').locator('.phase-drop-zone'));
  // The music first: the onset's soundscape goes, so the session opens on the track.
  await page.getByRole('button', { name: 'Remove breath soundscape from Onset' }).click();
  await expect(titlesOf(page, 'onset')).toHaveText(['tone-440hz-normal']);
  await expect(page.locator('.save-indicator')).toHaveText('Saved');

  await page.getByRole('navigation').getByRole('link', { name: 'Start' }).click();
  await page.getByRole('radio', { name: /Flow set/ }).check();
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const check = page.getByRole('region', { name: 'Pre-flight check' });
  const line = (id: string) => check.locator(`li[data-check="${id}"]`);
  // Tracks added from the analysed library carry their loudness: nothing to fix about the music.
  await expect(line('files')).toHaveClass(/preflight-ok/);
  await expect(line('analysed')).toHaveClass(/preflight-ok/);
  await check.getByRole('checkbox', { name: /start the session anyway/ }).check();
  await check.getByRole('button', { name: 'Start with warnings' }).click();
  await page.waitForURL(/#\/live\//);
  await expect(page.getByTestId('now-playing')).toContainText('tone-440hz-normal');
});

test('a portable folder opens in another Attune: the playlist is there and its music plays from the folder', async ({ page }) => {
  test.setTimeout(90_000);
  await scanLibrary(page);
  await newPlaylist(page, 'Travel set', 'travel-set');
  await addByKeyboard(page, ['tone', 'pink'], 'Peak');
  await expect(page.locator('.save-indicator')).toHaveText('Saved');
  const destination = await mkdtemp(path.join(os.tmpdir(), 'attune-travel-'));
  const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'attune-other-machine-'));
  const otherHost = await startWebHost();
  try {
    await page.getByLabel('Folder to export into (full path)').fill(destination);
    await page.getByRole('button', { name: 'Export here' }).click();
    await expect(page.locator('.playlist-export .job-summary')).toContainText('2 file(s) copied', { timeout: 30_000 });
    // Carried to another machine: the folder moves, the original library is not there.
    const carried = path.join(elsewhere, 'travel-set');
    await cp(path.join(destination, 'travel-set'), carried, { recursive: true });
    await rm(destination, { recursive: true, force: true });

    await page.goto(`${otherHost.url}/#/playlists`);
    await page.getByLabel('Portable folder (full path)').fill(path.join(elsewhere, 'nothing-here'));
    await page.getByRole('button', { name: 'Open folder' }).click();
    await expect(page.getByRole('alert')).toContainText('no playlist.json');
    await page.getByLabel('Portable folder (full path)').fill(carried);
    await page.getByRole('button', { name: 'Open folder' }).click();
    await expect(page).toHaveURL(/#\/playlists\/travel-set$/);
    await expect(titlesOf(page, 'peak')).toHaveText(['drone soundscape', 'tone-440hz-normal', 'pink-noise-normal']);
    await expect(page.locator('.warning-item[data-warning-id^="missing:"], .warning-item[data-warning-id^="unreadable:"]')).toHaveCount(0);

    const segmentIds = await rowsOf(page, 'peak').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-segment-id')));
    const statuses = await page.evaluate(
      async (ids) => Promise.all(ids.map(async (id) => (await fetch(`media/travel-set/${id}`, { headers: { range: 'bytes=0-15' } })).status)),
      segmentIds.slice(1) as string[],
    );
    expect(statuses).toEqual([206, 206]);
  } finally {
    await otherHost.stop();
    await removeDataDir(otherHost.dataDir);
    await rm(destination, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  }
});
