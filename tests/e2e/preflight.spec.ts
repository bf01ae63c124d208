import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Playlist } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { readJournalFile } from '../support/journal-file';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost | undefined;

test.afterEach(async () => {
  if (host === undefined) return;
  await host.stop();
  await removeDataDir(host.dataDir);
  host = undefined;
});

/** The fixture playlist with one file moved out of reach and the loudness of another forgotten. */
function withProblems(playlist: Playlist): Playlist {
  let fileIndex = 0;
  return {
    ...playlist,
    phases: playlist.phases.map((phase) => ({
      ...phase,
      segments: phase.segments.map((segment) => {
        if (segment.type !== 'file') return segment;
        fileIndex += 1;
        if (fileIndex === 1) return { ...segment, path: path.join(path.dirname(segment.path), 'gone-since-curation.flac') };
        if (fileIndex === 2) return { ...segment, loudness: undefined };
        return segment;
      }),
    })),
  };
}

test('the pre-flight check shows each problem with its fix, and starts only after an explicit confirmation', async ({ page }) => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir, withProblems);
  await page.goto(host.url);
  await page.getByRole('radio', { name: new RegExp(playlist.title) }).check();
  await page.getByRole('button', { name: 'Start session', exact: true }).click();

  const check = page.getByRole('region', { name: 'Pre-flight check' });
  await expect(check).toBeVisible();
  const line = (id: string) => check.locator(`li[data-check="${id}"]`);
  await expect(line('files')).toHaveClass(/preflight-failing/);
  await expect(line('files')).toContainText('gone-since-curation.flac');
  await expect(line('files')).toContainText('Fix:');
  await expect(line('analysed')).toHaveClass(/preflight-failing/);
  await expect(line('journal-space')).toHaveClass(/preflight-ok/);
  await expect(line('output-device')).toHaveClass(/preflight-ok/);
  // The browser holds a screen wake lock for the web host.
  await expect(line('power-save')).toHaveClass(/preflight-ok/);

  const start = check.getByRole('button', { name: 'Start with warnings' });
  await expect(start).toBeDisabled();
  expect(page.url()).not.toContain('#/live/');
  await check.getByRole('checkbox', { name: /start the session anyway/ }).check();
  await expect(start).toBeEnabled();
  await start.click();
  await page.waitForURL(/#\/live\//);
  await expect(page.getByTestId('session-clock')).toBeVisible();

  // What was confirmed is kept with the session, and review shows it.
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await expect
    .poll(async () => (await readJournalFile(host?.dataDir ?? '', sessionId)).filter((event) => event.kind === 'preflight-confirmed').length)
    .toBe(1);
  const journal = await readJournalFile(host.dataDir, sessionId);
  const confirmed = journal.find((event) => event.kind === 'preflight-confirmed')?.payload.lines as { check: string }[];
  // The fixture's phases hold about 80 % of their targets in music: short by the 10 % rule, an advisory line.
  expect(confirmed.map((line) => line.check).sort()).toEqual(['analysed', 'duration', 'files']);
  await page.goto(`${host.url}/#/review/${sessionId}`);
  await expect(page.getByTestId('preflight-confirmed')).toContainText('gone-since-curation.flac');
});

test('a healthy playlist starts with one click in the web host, and the screen is kept awake for the whole session', async ({ page }) => {
  host = await startWebHost();
  await page.goto(`${host.url}/?diagnostics`);
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  await page.waitForURL(/#\/live\//);
  await expect(page.getByTestId('session-clock')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Pre-flight check' })).toHaveCount(0);
  const wakeLock = () => page.evaluate(() => window.__attuneDiagnostics?.screenWakeLock());
  await expect.poll(wakeLock).toBe('held');

  // Nothing was confirmed past, so nothing is recorded as such.
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  const journal = await readJournalFile(host.dataDir, sessionId);
  expect(journal.filter((event) => event.kind === 'preflight-confirmed')).toEqual([]);

  // Leaving for another screen keeps it; ending the session lets it go.
  await page.getByRole('link', { name: 'Review' }).click();
  expect(await wakeLock()).toBe('held');
  await page.getByRole('link', { name: 'Live session' }).click();
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect.poll(wakeLock).toBe('idle');
});

test('where the browser refuses the wake lock, the pre-flight says so with its reason and asks for a confirmation', async ({ page }) => {
  host = await startWebHost();
  // As a browser whose policy forbids the lock answers (the real refusal's name and message).
  await page.addInitScript(() => {
    const refuse = () => Promise.reject(new DOMException('Wake Lock permission request denied', 'NotAllowedError'));
    Object.defineProperty(navigator.wakeLock, 'request', { value: refuse });
  });
  await page.goto(host.url);
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const check = page.getByRole('region', { name: 'Pre-flight check' });
  const keepAwake = check.locator('li[data-check="power-save"]');
  await expect(keepAwake).toHaveClass(/preflight-failing/);
  await expect(keepAwake).toContainText('The browser refused to keep the screen awake (NotAllowedError: Wake Lock permission request denied)');
  await expect(keepAwake).toContainText('Fix: Set the computer never to sleep');
  await expect(check.getByRole('button', { name: 'Start with warnings' })).toBeDisabled();
  await check.getByRole('checkbox', { name: /start the session anyway/ }).check();
  await check.getByRole('button', { name: 'Start with warnings' }).click();
  await page.waitForURL(/#\/live\//);
  // The live screen says it too, in words, rather than the session trusting a lock it does not have.
  await expect(page.getByText('The browser will not keep the screen awake')).toBeVisible();
});

test('going back from the pre-flight check starts nothing', async ({ page }) => {
  host = await startWebHost();
  await page.goto(host.url);
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await page.getByRole('button', { name: 'Run pre-flight check' }).click();
  const check = page.getByRole('region', { name: 'Pre-flight check' });
  await expect(check.locator('li')).toHaveCount(6);
  await check.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'New session' })).toBeVisible();
  const sessions = await page.evaluate(async () => (await fetch('api/sessions:list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json());
  expect(sessions).toEqual({ ok: true, value: [] });
});

test('a playlist none of whose music can be found cannot start at all', async ({ page }) => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir, (original) => ({
    ...original,
    phases: original.phases.map((phase) => ({
      ...phase,
      // Only files, all gone: soundscapes would always play.
      segments: phase.segments.filter((segment) => segment.type === 'file').map((segment) => ({ ...segment, path: `/nowhere/${segment.id}.flac` })),
    })),
  }));
  await page.goto(host.url);
  await page.getByRole('radio', { name: new RegExp(playlist.title) }).check();
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const check = page.getByRole('region', { name: 'Pre-flight check' });
  await expect(check.getByRole('alert')).toContainText('cannot start');
  await expect(check.getByRole('checkbox')).toHaveCount(0);
  await expect(check.getByRole('button', { name: /Start/ })).toBeDisabled();
});
