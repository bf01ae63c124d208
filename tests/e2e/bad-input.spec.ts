import { startSessionFromHome } from '../support/start-session';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  acceptedPlaylists,
  goodPlaylistTitle,
  hostileSegmentPaths,
  hostileTitle,
  outsideSecret,
  rejectedPlaylists,
  traversalPlaylistId,
  typedHostileNote,
  writeBadInputCorpus,
} from '../fixtures/bad-input/bad-playlists';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { readJournalFile } from '../support/journal-file';

let root: string;
let host: RunningWebHost;

test.beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'attune-e2e-bad-input-'));
  const dataDir = path.join(root, 'data');
  await writeBadInputCorpus({ playlistsDir: path.join(dataDir, 'playlists'), outsideDir: path.join(root, 'outside') });
  host = await startWebHost({ dataDir });
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(root);
});

/** Markup in a playlist or a note that ran would set this flag or leave an element behind. */
async function expectNothingInjected(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __attuneInjected?: unknown }).__attuneInjected)).toBeUndefined();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('script', { hasText: '__attuneInjected' })).toHaveCount(0);
}

const playlistCards = (page: Page) => page.locator('.playlist-card');

test('the start screen lists every bad playlist with its reason and prints hostile text as text', async ({ page }) => {
  await page.goto(host.url);
  await expect(playlistCards(page)).toHaveCount(1 + rejectedPlaylists.length + acceptedPlaylists.length, { timeout: 15_000 });

  for (const rejected of rejectedPlaylists) {
    const card = playlistCards(page).filter({ hasText: `${rejected.fileName} cannot be used:` });
    await expect(card, rejected.what).toHaveCount(1);
    await expect(card, rejected.what).toContainText(rejected.problem);
    await expect(card.getByRole('radio'), `${rejected.what} cannot be chosen`).toHaveCount(0);
  }
  for (const accepted of acceptedPlaylists) {
    await expect(page.locator('.playlist-option').filter({ hasText: accepted.title }), accepted.fileName).toHaveCount(1);
  }
  // The title with markup and a right-to-left override is shown as it is written.
  await expect(page.locator('.playlist-option strong').filter({ hasText: hostileTitle })).toHaveText(hostileTitle);
  await expectNothingInjected(page);
});

test('the good playlist starts next to the bad ones, marks are saved, and a typed hostile note comes back as text', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(host.url);
  await page.getByRole('radio', { name: new RegExp(`^${goodPlaylistTitle}`) }).check();
  await page.getByLabel('Client code').fill('BAD-INPUT');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;

  await page.keyboard.press('r');
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(1);

  // T makes a note mark and focuses its field; typing there takes no marks.
  await page.keyboard.press('t');
  const noteRow = page.locator('.recent-mark[data-mark-kind="note"]');
  await expect(noteRow.getByRole('textbox')).toBeFocused();
  await page.keyboard.type(typedHostileNote);
  await page.keyboard.press('Enter');
  await expect(page.locator('.recent-mark')).toHaveCount(2);
  await expect(page.getByTestId('save-summary')).toHaveText('Everything saved');
  await expect(noteRow.getByRole('textbox')).toHaveValue(typedHostileNote);
  await expectNothingInjected(page);

  const events = await readJournalFile(host.dataDir, sessionId);
  expect(events.filter((event) => event.kind === 'mark').map((event) => event.payload.markKind)).toEqual(['resonance', 'note']);
  expect(events.filter((event) => event.kind === 'mark-edited').at(-1)?.payload.note).toBe(typedHostileNote);
  expect(events.filter((event) => event.kind === 'session-started').map((event) => event.payload.playlistTitle)).toEqual([goodPlaylistTitle]);

  // Read back from the journal: a reload resumes the session with the note as it was typed.
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page).toHaveURL(new RegExp(`#/live/${sessionId}$`));
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(2);
  await expect(page.locator('.recent-mark[data-mark-kind="note"]').getByRole('textbox')).toHaveValue(typedHostileNote);
  await expectNothingInjected(page);

  // Review shows it too, as the value of a field or as text, never as markup.
  await page.evaluate((id) => (window.location.hash = `#/review/${id}`), sessionId);
  await expect
    .poll(() =>
      page.evaluate(
        (note) =>
          [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')].some((field) => field.value === note) ||
          document.body.innerText.includes(note),
        typedHostileNote,
      ),
    )
    .toBe(true);
  await expectNothingInjected(page);
  expect(host.process.exitCode).toBeNull();
});

test('the media route refuses segment paths that lead out of the playlist folder', async ({ page }) => {
  await page.goto(host.url);
  for (const segment of hostileSegmentPaths) {
    const answer = await page.evaluate(async (src) => {
      const response = await fetch(src);
      return { status: response.status, text: await response.text() };
    }, `media/${traversalPlaylistId}/${segment.segmentId}`);
    expect(answer.status, segment.segmentId).toBe(segment.status);
    expect(answer.text, segment.segmentId).not.toContain(outsideSecret);
    expect(answer.text, segment.segmentId).not.toContain('root:');
  }
  expect(host.process.exitCode).toBeNull();
});
