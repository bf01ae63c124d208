import { expect, test, type Page } from '@playwright/test';
import type { Playlist } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost | undefined;

test.afterEach(async () => {
  if (host === undefined) return;
  await host.stop();
  await removeDataDir(host.dataDir);
  host = undefined;
});

/** Two 8 s files, then (when asked) a soundscape. */
const filesThen = (soundscape: boolean) => (playlist: Playlist): Playlist => {
  const find = (id: string) => {
    const segment = playlist.phases.flatMap((phase) => phase.segments).find((candidate) => candidate.id === id);
    if (segment === undefined) throw new Error(`fixture segment ${id} is missing`);
    return segment;
  };
  return {
    ...playlist,
    id: soundscape ? 'files-then-soundscape' : 'files-only',
    title: soundscape ? 'Files then a soundscape' : 'Files only',
    crossfadeSeconds: 1,
    phases: [
      { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 15 / 60, segments: [find('tone-mp3'), find('tone-flac')] },
      ...(soundscape ? [{ id: 'return', kind: 'return' as const, title: 'Return', targetMinutes: 10 / 60, segments: [find('closing')] }] : []),
    ],
  };
};

const reverbRunning = (page: Page) => page.evaluate(() => window.__attuneDiagnostics?.reverbRunning() ?? null);
const levelDb = (page: Page) => page.evaluate(() => window.__attuneDiagnostics?.outputLevelDb() ?? Number.NEGATIVE_INFINITY);

async function startSet(page: Page, soundscape: boolean): Promise<void> {
  host = await startWebHost();
  await installFixturePlaylist(host.dataDir, filesThen(soundscape));
  await page.goto(`${host.url}/?diagnostics`);
  await page.getByRole('radio', { name: soundscape ? /Files then a soundscape/ : /Files only/ }).check();
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).toContainText('440 Hz sine, mp3');
}

test('files play without the soundscape reverb on the audio thread', async ({ page }) => {
  await startSet(page, false);
  await expect.poll(() => levelDb(page), { timeout: 5000 }).toBeGreaterThan(-40);
  for (let reading = 0; reading < 8; reading += 1) {
    expect(await reverbRunning(page), 'no reverb while only files play').toBe(false);
    await page.waitForTimeout(500);
  }
});

test('a soundscape gets the reverb as it comes, and sounds', async ({ page }) => {
  test.setTimeout(60_000);
  // The soundscape starts within the 30 s the player prepares ahead: its reverb is there before it sounds.
  await startSet(page, true);
  await expect.poll(() => reverbRunning(page), { timeout: 2000 }).toBe(true);
  await expect(page.getByTestId('now-playing')).toContainText('Closing breath', { timeout: 20_000 });
  expect(await reverbRunning(page)).toBe(true);
  await expect.poll(() => levelDb(page), { timeout: 5000 }).toBeGreaterThan(-60);
});
