import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { replaySessionId, writeReplaySession } from './review-session-data';

let host: RunningWebHost;
let ids: { resonanceId: string; distressId: string };

test.beforeAll(async () => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir);
  ids = await writeReplaySession(host.dataDir, playlist);
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

const viewOf = async (viewport: Locator) => ({
  startMs: Number(await viewport.getAttribute('data-view-start')),
  endMs: Number(await viewport.getAttribute('data-view-end')),
});

const outputLevel = (page: Page) => page.evaluate(() => window.__attuneDiagnostics?.outputLevelDb() ?? Number.NEGATIVE_INFINITY);

async function openReview(page: Page): Promise<Locator> {
  await page.goto(`${host.url}/?diagnostics#/review/${replaySessionId}`);
  const viewport = page.locator('.timeline-viewport');
  await expect(viewport).toBeVisible();
  return viewport;
}

test('the timeline shows phases, music, pins, protocol events and actions; keyboard zooms and pans', async ({ page }) => {
  const viewport = await openReview(page);

  // Planned: onset 0:48, then peak; return was planned after the minute shown.
  await expect(page.locator('.tl-phase-planned')).toHaveCount(2);
  await expect(page.locator('.tl-phase-actual')).toHaveCount(2);
  await expect(page.locator('.tl-phase-actual[data-phase-id="return"]')).toBeVisible();
  await expect(page.locator('.tl-segment')).toHaveCount(3);
  await expect(page.locator('.tl-pin[data-kind="resonance"]')).toHaveCount(1);
  await expect(page.locator('.tl-pin[data-kind="distress"]')).toHaveCount(1);
  await expect(page.locator('.tl-pin[data-kind="vitals"]')).toHaveCount(1);
  await expect(page.locator('.tl-span[data-kind="break"]')).toHaveCount(1);
  // Music playing, quiet and back, the advance to return.
  await expect(page.locator('.tl-tick')).toHaveCount(4);

  const whole = await viewOf(viewport);
  expect(whole.startMs).toBe(0);
  // Shorter than a minute, so the whole view is the minimum span.
  expect(whole.endMs).toBe(60_000);

  // The session is shorter than the closest zoom: give it room by checking the keys on a longer one below;
  // here the keys must at least keep the view inside the session.
  await viewport.focus();
  await page.keyboard.press('-');
  expect(await viewOf(viewport)).toEqual(whole);

  // Filter: hiding a kind removes its pins, showing it brings them back.
  const resonanceFilter = page.locator('[data-filter-kind="resonance"]');
  await resonanceFilter.click();
  await expect(resonanceFilter).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('.tl-pin[data-kind="resonance"]')).toHaveCount(0);
  await resonanceFilter.click();
  await expect(page.locator('.tl-pin[data-kind="resonance"]')).toHaveCount(1);
  const actionsFilter = page.locator('[data-filter-kind="actions"]');
  await actionsFilter.click();
  await expect(page.locator('.tl-tick')).toHaveCount(0);
  await actionsFilter.click();

  // Hover shows the details of the pin under the pointer.
  const pin = page.locator('.tl-pin[data-kind="distress"]');
  const box = await pin.boundingBox();
  if (box === null) throw new Error('the distress pin has no box');
  await page.mouse.move(box.x + box.width / 2 + 3, box.y + box.height / 2);
  const hover = page.getByTestId('timeline-hover');
  await expect(hover).toBeVisible();
  await expect(hover).toContainText('Distress');
  await expect(hover).toContainText('Closing breath');
  await expect(hover).toContainText('0:06');
  await expect(hover).toContainText('Held her hand, "it passed", slowly');
  await page.mouse.move(5, 5);
  await expect(hover).toBeHidden();

  // Keyboard focus: "." walks to the next item (facilitator actions too); the details panel says what it is.
  await viewport.focus();
  await page.keyboard.press('.');
  const details = page.getByTestId('mark-details');
  await expect(details).toContainText('Music playing at 0:00:00');
  await page.keyboard.press('.');
  await expect(details).toContainText('Resonance at 0:00:05');
  await expect(details).toContainText('440 Hz sine, mp3, -18 LUFS');
  await expect(details).toContainText('Intensity');
  await expect(viewport).toHaveAttribute('aria-activedescendant', `timeline-item-${ids.resonanceId}`);
  await page.keyboard.press('.');
  await expect(details).toContainText('Vitals at 0:00:10');
  await expect(details).toContainText('BP 128/82; HR 92');
  await page.keyboard.press(',');
  await expect(details).toContainText('Resonance at 0:00:05');
});

test('zoom and pan by keyboard change the visible range (an eight-minute view of a longer session)', async ({ page }) => {
  // The replay session is under a minute; use the nav to a longer one written on the fly.
  const { writeLargeSession, largeSessionId } = await import('./review-session-data');
  await writeLargeSession(host.dataDir, 200);
  await page.goto(`${host.url}/#/review/${largeSessionId}`);
  const viewport = page.locator('.timeline-viewport');
  await expect(viewport).toBeVisible();
  const whole = await viewOf(viewport);
  expect(whole).toEqual({ startMs: 0, endMs: 8 * 3_600_000 });

  await viewport.focus();
  await page.keyboard.press('+');
  const zoomed = await viewOf(viewport);
  expect(zoomed.endMs - zoomed.startMs).toBe(4 * 3_600_000);
  await page.keyboard.press('ArrowRight');
  const panned = await viewOf(viewport);
  expect(panned.startMs).toBe(zoomed.startMs + 3_600_000);
  await page.keyboard.press('Home');
  expect((await viewOf(viewport)).startMs).toBe(0);
  await page.keyboard.press('End');
  expect((await viewOf(viewport)).endMs).toBe(8 * 3_600_000);
  for (let step = 0; step < 12; step += 1) await page.keyboard.press('+');
  const closest = await viewOf(viewport);
  expect(closest.endMs - closest.startMs).toBe(60_000);
  // Zoomed around the middle of the view it had (4:00–8:00).
  await expect(page.getByTestId('timeline-range')).toContainText('Showing 5:59:30–6:00:30');
  await page.keyboard.press('0');
  expect(await viewOf(viewport)).toEqual(whole);

  // The wheel zooms around the pointer; a drag pans.
  const box = await viewport.boundingBox();
  if (box === null) throw new Error('the timeline has no box');
  await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
  await page.mouse.wheel(0, -400);
  const wheeled = await viewOf(viewport);
  expect(wheeled.endMs - wheeled.startMs).toBeLessThan(whole.endMs - whole.startMs);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + 40, { steps: 5 });
  await page.mouse.up();
  const dragged = await viewOf(viewport);
  expect(dragged.startMs).toBeGreaterThan(wheeled.startMs);
  expect(dragged.endMs - dragged.startMs).toBeCloseTo(wheeled.endMs - wheeled.startMs, -1);
});

test('replay plays the moment on the output (a file and a soundscape), one at a time, and stops', async ({ page }) => {
  const viewport = await openReview(page);
  await page.locator('[data-filter-kind="actions"]').click();
  await viewport.focus();
  await page.keyboard.press('.');
  const details = page.getByTestId('mark-details');
  await expect(details).toContainText('Resonance at 0:00:05');
  const status = page.getByTestId('replay-status');

  await details.getByRole('button', { name: /^Replay from 0:00$/ }).click();
  await expect(status).toHaveAttribute('data-replay-status', 'playing');
  await expect(status).toContainText('Playing 440 Hz sine, mp3, -18 LUFS — make-audio.mjs from 0:00 (10 s before the mark)');
  await expect.poll(() => outputLevel(page), { timeout: 5000, intervals: [100] }).toBeGreaterThan(-50);
  await page.waitForTimeout(1000);
  console.log(`replay (file, −18 LUFS tone): output level ${(await outputLevel(page)).toFixed(1)} dBFS`);

  await details.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(status).toHaveAttribute('data-replay-status', 'idle');
  await expect.poll(() => outputLevel(page), { timeout: 5000, intervals: [100] }).toBeLessThan(-70);

  // The distress mark sounded inside a soundscape: it is re-synthesised from its preset.
  const distressRow = page.locator('.mark-row[data-mark-kind="distress"]');
  await distressRow.getByRole('button', { name: /^Replay Distress/ }).click();
  await expect(status).toContainText('Playing Closing breath');
  // The breath swells and recedes about every 12 s.
  await expect.poll(() => outputLevel(page), { timeout: 15_000, intervals: [100] }).toBeGreaterThan(-50);
  console.log(`replay (breath soundscape): output level ${(await outputLevel(page)).toFixed(1)} dBFS`);

  // A second replay replaces the first: one at a time.
  const resonanceRow = page.locator('.mark-row[data-mark-kind="resonance"]');
  await resonanceRow.getByRole('button', { name: /^Replay Resonance/ }).click();
  await expect(status).toContainText('Playing 440 Hz sine');
  await expect(distressRow.getByRole('button', { name: /^Replay Distress/ })).toBeVisible();
  await expect(resonanceRow.getByRole('button', { name: /^Stop the replay/ })).toBeVisible();

  // Escape on the timeline stops it.
  await viewport.focus();
  await page.keyboard.press('Escape');
  await expect(status).toHaveAttribute('data-replay-status', 'idle');
  // The soundscape's reverb tail may still be dying away.
  await expect.poll(() => outputLevel(page), { timeout: 20_000, intervals: [250] }).toBeLessThan(-70);
});

test('intensity and note edited from the timeline are journaled', async ({ page }) => {
  await openReview(page);
  await page.locator('.tl-pin[data-kind="resonance"]').click();
  const details = page.getByTestId('mark-details');
  await details.getByLabel(/^Intensity of Resonance/).selectOption('2');
  const note = details.getByLabel(/^Note on Resonance/);
  await note.fill('In integration: "the tone was the bell at school", she said');
  await note.blur();
  await expect(page.locator('.mark-row[data-mark-kind="resonance"] .note-input')).toHaveValue('In integration: "the tone was the bell at school", she said');

  const lines = (await readFile(path.join(host.dataDir, 'sessions', replaySessionId, 'events.jsonl'), 'utf8')).trim().split('\n');
  const edits = lines.map((line) => JSON.parse(line) as { kind: string; payload: Record<string, unknown> }).filter((event) => event.kind === 'mark-edited');
  expect(edits.map((edit) => edit.payload)).toEqual([
    { markId: ids.resonanceId, intensity: 2 },
    { markId: ids.resonanceId, note: 'In integration: "the tone was the bell at school", she said' },
  ]);
  await expect(details).toContainText('In integration');
});
