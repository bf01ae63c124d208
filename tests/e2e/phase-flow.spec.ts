import { startSessionFromHome } from '../support/start-session';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

/**
 * Three phases of six seconds each, so the whole arc plays in under twenty seconds; each
 * phase's music (two 3.5 s segments crossfaded over 1 s) fills its target, so it starts at once.
 */
const shortArc = {
  format: 'attune.playlist',
  version: 1,
  id: 'short-arc',
  title: 'Short arc',
  crossfadeSeconds: 1,
  phases: (['onset', 'peak', 'return'] as const).map((kind) => ({
    id: kind,
    kind,
    title: kind[0]?.toUpperCase() + kind.slice(1),
    targetMinutes: 0.1,
    segments: [
      { type: 'soundscape', id: `${kind}-a`, title: `${kind} A`, preset: kind === 'peak' ? 'drone' : 'breath', durationSeconds: 3.5 },
      { type: 'soundscape', id: `${kind}-b`, title: `${kind} B`, preset: kind === 'peak' ? 'shimmer' : 'earth', durationSeconds: 3.5 },
    ],
  })),
};

test.beforeAll(async () => {
  host = await startWebHost();
  await mkdir(path.join(host.dataDir, 'playlists'), { recursive: true });
  await writeFile(path.join(host.dataDir, 'playlists', 'short-arc.json'), JSON.stringify(shortArc));
  await writeFile(path.join(host.dataDir, 'playlists', 'broken.json'), '{"format":"attune.playlist","version":1,"id":"broken"');
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('a broken user playlist is listed with its error and does not hide the others', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByText('broken.json cannot be used')).toBeVisible();
  await expect(page.getByText(/not valid JSON/)).toBeVisible();
  await expect(page.getByRole('radio', { name: /Short arc/ })).toBeEnabled();
});

test('phases advance on schedule, crossfading without gaps, and the closing sound follows the plan until End session', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(host.url);
  await page.getByRole('radio', { name: /Short arc/ }).check();
  await startSessionFromHome(page);
  const sessionId = await page.waitForURL(/#\/live\//).then(() => new URL(page.url()).hash.split('/').at(-1) as string);

  const phaseLabel = page.locator('.live-now .label');
  const meter = page.getByRole('meter', { name: 'Output level' });
  const seenPhases: string[] = [];
  const levels: number[] = [];
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    if (await page.getByTestId('closing-notice').isVisible()) {
      // The phase label may have said so a frame before the notice showed.
      if (seenPhases.at(-1) !== 'Music ended') seenPhases.push('Music ended');
      break;
    }
    const label = (await phaseLabel.textContent({ timeout: 2000 })) ?? '';
    if (seenPhases.at(-1) !== label) seenPhases.push(label);
    const level = Number(await meter.getAttribute('data-level-db', { timeout: 2000 }));
    // Skip the first second's fade-in and the last entry's fade to silence.
    if (label !== 'Return' && seenPhases.length > 0) levels.push(level);
    await page.waitForTimeout(200);
  }
  expect(seenPhases.filter((label) => label !== 'Not started')).toEqual(['Onset', 'Peak', 'Return', 'Music ended']);
  // The session is the facilitators': it ends when they end it, not with the plan.
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('heading', { name: 'Session ended' })).toBeVisible();
  expect(Math.min(...levels.slice(5)), 'no silence through the onset and peak transitions').toBeGreaterThan(-60);

  const journal = (await readFile(path.join(host.dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; sessionMs: number; payload: Record<string, unknown> });
  const phaseStarts = journal.filter((event) => event.kind === 'phase-started').map((event) => event.payload.phaseId);
  expect(phaseStarts).toEqual(['onset', 'peak', 'return']);
  const segmentStarts = journal.filter((event) => event.kind === 'segment-started').map((event) => event.payload.segmentId as string);
  // Crossfades shorten each phase's music; a bridge soundscape may fill the rest of the phase.
  expect(segmentStarts.filter((id) => !id.endsWith('-bridge'))).toEqual(['onset-a', 'onset-b', 'peak-a', 'peak-b', 'return-a', 'return-b']);
  expect(journal.at(-1)?.kind).toBe('session-ended');
  const meta = JSON.parse(await readFile(path.join(host.dataDir, 'sessions', sessionId, 'session.json'), 'utf8')) as { status: string };
  expect(meta.status).toBe('ended');
});

test('skip, hold, release and advance bend the plan as they say, and are journaled', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(host.url);
  await page.getByRole('radio', { name: /Short arc/ }).check();
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).toHaveText('onset A (breath soundscape)');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  const phaseLabel = page.locator('.live-now .label');
  const meter = page.getByRole('meter', { name: 'Output level' });

  await page.keyboard.press('Shift+S');
  await expect(page.getByTestId('now-playing')).toHaveText('onset B (earth soundscape)', { timeout: 3000 });

  await page.keyboard.press('Shift+H');
  await expect(page.locator('[data-phase-id="onset"]')).toHaveAttribute('data-held', 'true');
  await expect(page.getByTestId('next-phase-change')).toHaveText('Onset is held');
  // Well past the onset's 6 s target, the held phase is still sounding (its bridge).
  await page.waitForTimeout(8000);
  await expect(phaseLabel).toHaveText('Onset');
  expect(Number(await meter.getAttribute('data-level-db'))).toBeGreaterThan(-60);

  await page.keyboard.press('Shift+H');
  await expect(phaseLabel).toHaveText('Peak', { timeout: 4000 });
  await page.keyboard.press('Shift+N');
  await expect(phaseLabel).toHaveText('Return', { timeout: 4000 });
  await expect(page.getByTestId('closing-notice')).toBeVisible({ timeout: 15_000 });

  const events = (await readFile(path.join(host.dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; payload: { kind?: string; phaseId?: string } });
  expect(events.filter((event) => event.kind === 'plan-changed').map((event) => event.payload.kind)).toEqual(['skip', 'hold', 'release', 'advance']);
  expect(events.filter((event) => event.kind === 'phase-started').map((event) => event.payload.phaseId)).toEqual(['onset', 'peak', 'return']);
});
