import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generatedDir } from '../support/fixture-playlist';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;
const folders: string[] = [];

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function tempFolder(name: string): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), `attune-${name}-`));
  folders.push(folder);
  return folder;
}

/** A small music folder: three tracks in nested folders (one with a unicode name) and a text file named .mp3. */
async function smallLibrary(): Promise<string> {
  const folder = await tempFolder('library');
  await mkdir(path.join(folder, 'Ambient', 'Évening'), { recursive: true });
  await copyFile(path.join(generatedDir, 'tone-440hz-normal.mp3'), path.join(folder, 'Ambient', 'tone.mp3'));
  await copyFile(path.join(generatedDir, 'pink-noise-normal.flac'), path.join(folder, 'Ambient', 'Évening', 'pink noise.flac'));
  await copyFile(path.join(generatedDir, 'tone-440hz-quiet.flac'), path.join(folder, 'quiet tone.flac'));
  await copyFile(path.join(generatedDir, 'not-audio.mp3'), path.join(folder, 'not really.mp3'));
  return folder;
}

/** Many copies of the fixtures, so a scan takes long enough to be watched and cancelled. */
async function largeLibrary(copies: number): Promise<string> {
  const folder = await tempFolder('large-library');
  const sources = ['tone-440hz-normal.wav', 'pink-noise-normal.wav', 'tone-440hz-normal.flac', 'pink-noise-normal.flac'];
  for (let index = 0; index < copies; index += 1) {
    const source = sources[index % sources.length] as string;
    const album = path.join(folder, `album-${Math.floor(index / 50)}`);
    await mkdir(album, { recursive: true });
    await copyFile(path.join(generatedDir, source), path.join(album, `${String(index).padStart(4, '0')}-${source}`));
  }
  return folder;
}

/** Screenshots for a look by hand: set ATTUNE_SCREENSHOTS to a folder. */
async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.ATTUNE_SCREENSHOTS;
  if (folder !== undefined) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}

async function addRoot(page: Page, folder: string): Promise<void> {
  await page.getByLabel('Music folder to add (full path)').fill(folder);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('.root-row', { hasText: folder })).toBeVisible();
}

test('a folder is added by typed path, scanned and analysed, and its tracks listed with loudness; an unreadable file is listed with its reason', async ({ page }) => {
  const folder = await smallLibrary();
  await page.goto(`${host.url}/#/library`);
  await expect(page.getByRole('heading', { name: 'Library', exact: true })).toBeVisible();

  // A path that is not a folder is refused in words, nothing added.
  await page.getByLabel('Music folder to add (full path)').fill(path.join(folder, 'no-such-folder'));
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.getByRole('alert')).toContainText('there is no folder at');
  await expect(page.locator('.root-row')).toHaveCount(0);

  await addRoot(page, folder);
  await page.getByRole('button', { name: 'Scan library' }).click();
  // The scan and the loudness analysis report their progress, then a summary.
  const summary = page.locator('.job-summary');
  await expect(summary).toContainText('3 tracks in the library', { timeout: 30_000 });
  await expect(summary).toContainText('Measured 3 tracks');

  const rows = page.locator('.track-table tbody tr');
  await expect(rows).toHaveCount(3);
  const pink = rows.filter({ hasText: 'pink noise' });
  await expect(pink).toContainText('flac');
  await expect(pink).toContainText('0:08');
  await expect(pink).toContainText(/\u221218\.\d LUFS · \u2212\d+\.\d dBTP \(measured\)/);
  await expect(page.locator('.track-table')).not.toContainText('not analysed');

  const unreadable = page.locator('.unreadable-row');
  await expect(unreadable).toHaveCount(1);
  await expect(unreadable).toContainText('not really.mp3');
  await expect(unreadable.locator('.notice')).not.toBeEmpty();

  await screenshot(page, 'library');
  // The filter narrows the table; a preview plays and stops.
  await page.getByPlaceholder('Filter by title, artist, album or file').fill('quiet');
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole('button', { name: /^Preview / }).click();
  await expect(rows.first().getByRole('button', { name: /^Stop / })).toHaveAttribute('aria-pressed', 'true');
  await rows.first().getByRole('button', { name: /^Stop / }).click();
  await expect(rows.first().getByRole('button', { name: /^Preview / })).toHaveAttribute('aria-pressed', 'false');

  // The folder can be removed again; its tracks leave the table.
  await page.getByPlaceholder('Filter by title, artist, album or file').fill('');
  await page.getByRole('button', { name: `Remove ${folder} from the library` }).click();
  await expect(page.locator('.root-row')).toHaveCount(0);
  await expect(rows).toHaveCount(0);
});

test('a long scan shows a progress bar with counts and the current file, and Cancel stops it', async ({ page }) => {
  test.setTimeout(120_000);
  const folder = await largeLibrary(400);
  // The host pushes progress (Server-Sent Events): the page asks for the job once per job it starts following, never on a timer.
  let jobReads = 0;
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      if (String(frame.payload).includes('"channel":"library:job"')) jobReads += 1;
    }),
  );
  page.on('request', (request) => {
    if (request.url().endsWith('/api/library:job')) jobReads += 1;
  });
  await page.goto(`${host.url}/#/library`);
  await addRoot(page, folder);
  await page.getByRole('button', { name: 'Scan library' }).click();

  const bar = page.getByRole('progressbar', { name: 'Library progress' });
  await expect(bar).toBeVisible();
  // Counted against a total once the files are found: "120 of 400".
  await expect(bar).toHaveAttribute('aria-valuemax', '400', { timeout: 30_000 });
  await expect(page.locator('.job-count')).toHaveText(/^\d+ of 400$/);
  await expect(page.locator('.job-current')).toContainText(folder);
  await screenshot(page, 'library-scanning');
  const now = Number(await bar.getAttribute('aria-valuenow'));
  expect(now).toBeGreaterThanOrEqual(0);
  expect(now).toBeLessThanOrEqual(400);

  // Cancelled while measuring: the tracks found are kept, those not measured yet say so.
  await expect(page.locator('.job-progress')).toContainText('Measuring loudness', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  const summary = page.locator('.job-summary');
  await expect(summary).toContainText('Stopped', { timeout: 30_000 });
  await expect(summary).toContainText('Cancelled');
  await expect(bar).toHaveCount(0);
  expect(jobReads, 'the job was read once when the scan started; every change after came from the host').toBe(1);
  await expect(page.locator('.track-table-wrap .pager')).toContainText('of 400 tracks');
  await expect(page.locator('.track-table')).toContainText('not analysed');

  // "Analyse" measures only those, with the same bar and Cancel.
  const analyse = page.getByRole('button', { name: /^Analyse [\d,]+ not analysed$/ });
  await analyse.click();
  await expect(page.locator('.job-progress')).toContainText('Measuring loudness');
  await expect(bar).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(summary).toContainText('Stopped', { timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Scan library' })).toBeEnabled();
  // Out of the library again, so later scans do not measure it.
  await page.getByRole('button', { name: `Remove ${folder} from the library` }).click();
  await expect(page.locator('.root-row')).toHaveCount(0);
});

test('previews, scans and measuring wait while a session plays', async ({ page }) => {
  const folder = await smallLibrary();
  await page.goto(`${host.url}/#/library`);
  await addRoot(page, folder);
  await page.getByRole('button', { name: 'Scan library' }).click();
  await expect(page.locator('.job-summary')).toContainText('Finished', { timeout: 30_000 });

  await page.getByRole('navigation').getByRole('link', { name: 'Start' }).click();
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await startSessionFromHome(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Library' }).click();
  await expect(page.getByText('A session is playing: previews wait until it has ended.')).toBeVisible();
  // Only this test's folder (the library keeps the folders of the tests before it).
  await page.getByPlaceholder('Filter by title, artist, album or file').fill(path.basename(folder));
  const previews = page.locator('.track-table').getByRole('button', { name: /^Preview / });
  await expect(previews).toHaveCount(3);
  for (const button of await previews.all()) await expect(button).toBeDisabled();
  await expect(page.getByText(/scanning and measuring wait until it has ended/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Scan library' })).toBeDisabled();
});

test('starting a session cancels a running scan, so the music has the computer', async ({ page }) => {
  const folder = await largeLibrary(600);
  await page.goto(`${host.url}/#/library`);
  await addRoot(page, folder);
  await page.getByRole('button', { name: 'Scan library' }).click();
  await expect(page.getByRole('progressbar', { name: 'Library progress' })).toBeVisible();
  await page.getByRole('navigation').getByRole('link', { name: 'Start' }).click();
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await startSessionFromHome(page);
  const jobState = () =>
    page.evaluate(async () => {
      const answer = (await (await fetch('api/library:job', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
        value: { state: string } | null;
      };
      return answer.value?.state;
    });
  await expect.poll(jobState).toBe('cancelled');
});

test('a library index that cannot be read is kept aside, the screen says so, and a scan rebuilds it', async ({ page }) => {
  const damaged = await startWebHost();
  try {
    const music = await smallLibrary();
    await mkdir(path.join(damaged.dataDir, 'library'), { recursive: true });
    await writeFile(path.join(damaged.dataDir, 'library', 'index.json'), '{"version": 1, "tracks": [');
    await page.goto(`${damaged.url}/#/library`);
    await expect(page.getByRole('status').filter({ hasText: 'The library index was not valid JSON' })).toBeVisible();
    await addRoot(page, music);
    await page.getByRole('button', { name: 'Scan library' }).click();
    await expect(page.locator('.job-summary')).toContainText('3 tracks in the library', { timeout: 30_000 });
    const kept = (await readdir(path.join(damaged.dataDir, 'library'))).filter((name) => name.startsWith('index.json.unreadable-'));
    expect(kept).toHaveLength(1);
  } finally {
    await damaged.stop();
    await removeDataDir(damaged.dataDir);
  }
});
