import { startSessionFromHome } from '../support/start-session';
import { readJournalFile } from '../support/journal-file';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

/** Three ten-minute soundscape phases: half an hour of plan, three seconds at 600×. */
const shortDay = {
  format: 'attune.playlist',
  version: 1,
  id: 'short-day',
  title: 'Short day',
  crossfadeSeconds: 8,
  phases: (['onset', 'peak', 'return'] as const).map((kind) => ({
    id: kind,
    kind,
    title: kind[0]?.toUpperCase() + kind.slice(1),
    targetMinutes: 10,
    segments: [{ type: 'soundscape', id: `${kind}-bed`, title: `${kind} bed`, preset: 'breath', durationSeconds: 600 }],
  })),
};

test.beforeAll(async () => {
  host = await startWebHost();
  await mkdir(path.join(host.dataDir, 'playlists'), { recursive: true });
  await writeFile(path.join(host.dataDir, 'playlists', 'short-day.json'), JSON.stringify(shortDay));
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('the session outlives its music: the closing sound plays, a mark after the end is saved (also after a resume), and only End session ends it', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${host.url}/?diagnostics&speed=600`);
  await page.getByRole('radio', { name: /Short day/ }).check();
  await startSessionFromHome(page);
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;

  const closing = page.getByTestId('closing-notice');
  await expect(closing).toHaveText(/The music has ended — closing soundscape playing; marks, vitals and notes continue/, { timeout: 20_000 });
  await expect(page.locator('.live-now .label')).toHaveText('Music ended');
  await expect(page.getByTestId('now-playing')).toHaveText('Closing soundscape (breath)');
  const meter = page.getByRole('meter', { name: 'Output level' });
  await expect.poll(async () => Number(await meter.getAttribute('data-level-db')), { timeout: 10_000 }).toBeGreaterThan(-60);

  // The clock keeps running and marks go on.
  const clock = page.getByTestId('session-clock');
  const clockAtEnd = (await clock.textContent()) ?? '';
  await expect.poll(async () => (await clock.textContent()) ?? '', { timeout: 5000 }).not.toBe(clockAtEnd);
  await page.keyboard.press('r');
  await expect(page.locator('.recent-mark[data-mark-kind="resonance"][data-saved="true"]')).toHaveCount(1);

  // A crash here comes back to the closing sound, not to the music.
  await host.stop('SIGKILL');
  host = await startWebHost({ dataDir: host.dataDir });
  await page.goto(`${host.url}/?diagnostics&speed=600`);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(closing).toBeVisible();
  await expect(page.getByTestId('now-playing')).toHaveText('Closing soundscape (breath)');
  await page.keyboard.press('d');
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(2);

  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('heading', { name: 'Session ended' })).toBeVisible();

  const events = await readJournalFile(host.dataDir, sessionId);
  const closingAt = events.findIndex((event) => event.kind === 'closing-started');
  expect(events[closingAt]?.payload).toMatchObject({ sound: 'breath' });
  expect(events.filter((event) => event.kind === 'closing-started')).toHaveLength(1);
  const after = events.slice(closingAt + 1);
  expect(after.filter((event) => event.kind === 'mark').map((event) => event.payload.markKind)).toEqual(['resonance', 'distress']);
  // No music after the end: the resume did not start a segment or a phase again.
  expect(after.filter((event) => event.kind === 'segment-started' || event.kind === 'phase-started')).toEqual([]);
  expect(events.at(-1)).toMatchObject({ kind: 'session-ended', payload: { reason: 'facilitator' } });
});
