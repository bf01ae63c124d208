import { expect, test, type Page } from '@playwright/test';
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

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Everything the page reports as wrong: console errors, uncaught exceptions and CSP violation reports. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  // The event every CSP violation fires, whether or not the browser also logs it.
  void page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations?.push(`${event.effectiveDirective} refused ${event.blockedURI.slice(0, 60)} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return problems;
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__cspViolations ?? []);
}

test('no screen logs a console error or violates the Content-Security-Policy, with music playing and ending', async ({ page }) => {
  test.setTimeout(120_000);
  host = await startWebHost();
  // Only files that play: a missing or broken file is meant to be reported (a 404 is a console error).
  const playlist = await installFixturePlaylist(host.dataDir, (original) => ({
    ...original,
    phases: original.phases.map((phase) => ({ ...phase, segments: phase.segments.filter((segment) => !['truncated', 'not-audio', 'missing'].includes(segment.id)) })),
  }));
  const problems = watchProblems(page);
  const violations: string[] = [];
  const visit = async (screen: string, ready: () => Promise<void>) => {
    await page.goto(`${host?.url}/#/${screen}`);
    await ready();
    violations.push(...(await cspViolations(page)).map((violation) => `${screen || 'start'}: ${violation}`));
  };

  await page.goto(`${host.url}/`);
  await page.getByRole('radio', { name: new RegExp(playlist.title) }).check();
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  // Tracks that end or are skipped are unloaded: howler clears their element then.
  await page.getByRole('group', { name: 'Marks' }).getByRole('button').first().click();
  await page.getByRole('button', { name: /^Skip segment/ }).click();
  await page.getByRole('button', { name: /^Skip segment/ }).click();
  await expect.poll(() => page.getByTestId('now-playing').innerText(), { timeout: 20_000 }).toMatch(/pink|tone/i);
  await page.waitForTimeout(9000);
  violations.push(...(await cspViolations(page)).map((violation) => `live: ${violation}`));
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('link', { name: 'Review this session' })).toBeVisible();
  violations.push(...(await cspViolations(page)).map((violation) => `live: ${violation}`));

  await visit('', () => expect(page.getByRole('heading', { name: 'New session' })).toBeVisible());
  await visit(`review/${sessionId}`, async () => {
    await expect(page.getByRole('button', { name: /Replay/ }).first()).toBeVisible();
    await page.getByRole('button', { name: /Replay/ }).first().click();
    await page.waitForTimeout(1500);
  });
  await visit('library', () => expect(page.getByRole('heading', { name: /Library/ }).first()).toBeVisible());
  await visit('playlists', () => expect(page.getByRole('heading', { name: /Playlists/ }).first()).toBeVisible());
  await visit(`playlists/${playlist.id}`, () => expect(page.getByRole('textbox').first()).toBeVisible());
  await visit('settings', () => expect(page.getByRole('heading', { name: /Settings/ }).first()).toBeVisible());
  await visit('insights', () => expect(page.getByRole('heading', { name: /Insights/ }).first()).toBeVisible());
  await page.waitForTimeout(500);

  expect(violations).toEqual([]);
  expect(problems).toEqual([]);
});
