import { expect, test, type Browser, type Page } from '@playwright/test';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

// The screens are judged as a facilitator sees them: 1280x800 (playwright.config's viewport).
let host: RunningWebHost | undefined;

test.afterEach(async () => {
  if (host === undefined) return;
  await host.stop();
  await removeDataDir(host.dataDir);
  host = undefined;
});

interface TextContrast {
  readonly text: string;
  readonly ratio: number;
  readonly colour: string;
  readonly background: string;
}

/**
 * WCAG 2 contrast of each element's own text against what is painted behind it: the nearest
 * ancestor backgrounds, composited by their alpha over the page's. Text inside a disabled control
 * is left out (WCAG exempts it).
 */
async function contrastOf(page: Page, selector: string): Promise<TextContrast[]> {
  return page.locator(selector).evaluateAll((elements) => {
    const parse = (css: string): [number, number, number, number] => {
      const parts = /rgba?\(([^)]+)\)/.exec(css)?.[1]?.split(/[\s,/]+/).filter(Boolean).map(Number) ?? [0, 0, 0, 0];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
    };
    const over = (top: number[], bottom: number[]): [number, number, number] => {
      const alpha = top[3] ?? 1;
      return [0, 1, 2].map((index) => (top[index] ?? 0) * alpha + (bottom[index] ?? 0) * (1 - alpha)) as [number, number, number];
    };
    const luminance = ([red, green, blue]: readonly number[]) => {
      const channel = (value: number) => {
        const unit = value / 255;
        return unit <= 0.04045 ? unit / 12.92 : ((unit + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(red ?? 0) + 0.7152 * channel(green ?? 0) + 0.0722 * channel(blue ?? 0);
    };
    return elements
      .filter((element) => element.closest('button:disabled') === null && (element.textContent ?? '').trim() !== '')
      .map((element) => {
        const layers: [number, number, number, number][] = [];
        for (let node: Element | null = element; node !== null; node = node.parentElement) {
          const background = parse(getComputedStyle(node).backgroundColor);
          if (background[3] > 0) layers.push(background);
        }
        let behind: number[] = [0, 0, 0];
        for (const layer of layers.reverse()) behind = over(layer, behind);
        const text = over(parse(getComputedStyle(element).color), behind);
        const [lighter, darker] = [luminance(text), luminance(behind)].sort((a, b) => b - a);
        return {
          text: (element.textContent ?? '').trim().slice(0, 40),
          ratio: Math.round((((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05)) * 100) / 100,
          colour: `rgb(${text.map(Math.round).join(', ')})`,
          background: `rgb(${behind.map(Math.round).join(', ')})`,
        };
      });
  });
}

/** The mean WCAG relative luminance of a screenshot's pixels, 0 (black) to 1 (white), decoded in a page of its own. */
async function meanLuminance(browser: Browser, png: Buffer): Promise<number> {
  const scratch = await browser.newPage();
  try {
    return await scratch.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('no 2d context');
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const linear = (value: number) => {
        const unit = value / 255;
        return unit <= 0.04045 ? unit / 12.92 : ((unit + 0.055) / 1.055) ** 2.4;
      };
      let sum = 0;
      for (let index = 0; index < data.length; index += 4) {
        sum += 0.2126 * linear(data[index] ?? 0) + 0.7152 * linear(data[index + 1] ?? 0) + 0.0722 * linear(data[index + 2] ?? 0);
      }
      return sum / (data.length / 4);
    }, png.toString('base64'));
  } finally {
    await scratch.close();
  }
}

const viewportHeight = 800;

test('the live screen in a dim room: secondary text at AA contrast, a dark screen, the newest marks and the vitals form above the fold; review pins with 24 px targets', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  host = await startWebHost();
  await page.goto(host.url);
  await page.getByRole('radio', { name: /Generative session/ }).check();
  await startSessionFromHome(page);
  await expect(page.getByText(/left in this segment/)).toBeVisible();
  for (const key of ['r', 'd', 'b', 'v']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(300);
  }
  await expect(page.locator('.recent-mark')).toHaveCount(4);
  await page.mouse.move(0, 0);

  // Time left, next phase, key hints, labels, the phase bar's figures and the recent marks' details.
  const secondary = await contrastOf(
    page,
    [
      '.segment-remaining',
      '[data-testid="next-phase-change"]',
      '.live kbd',
      '.live .label',
      '.phase-bar-label',
      '.phase-bar-delta',
      '.save-summary',
      '.mark-confirmation',
      '.level-reading',
      '.level-ticks span',
      '.recent-mark-place',
      '.save-state',
      '.vitals-fields .muted',
      '#recent-marks-heading .muted',
    ].join(', '),
  );
  expect(secondary.length).toBeGreaterThan(20);
  expect(secondary.filter((entry) => entry.ratio < 4.5)).toEqual([]);
  expect(secondary.some((entry) => /left in this segment/.test(entry.text))).toBe(true);
  expect(secondary.some((entry) => /to the next phase/.test(entry.text))).toBe(true);

  const luminance = await meanLuminance(browser, await page.screenshot());
  expect(luminance).toBeLessThanOrEqual(0.15);

  // At 1280x800, without scrolling: the vitals fields and the three newest marks.
  const bottomOf = async (selector: string) => (await page.locator(selector).boundingBox())?.y ?? Number.POSITIVE_INFINITY;
  for (const field of ['Systolic', 'Diastolic', 'Heart rate', 'Temp °C']) {
    const box = await page.getByLabel(field).boundingBox();
    expect(box, field).not.toBeNull();
    expect((box?.y ?? 0) + (box?.height ?? 0), `${field} field`).toBeLessThanOrEqual(viewportHeight);
  }
  const thirdMark = await page.locator('.recent-mark').nth(2).boundingBox();
  expect((thirdMark?.y ?? Number.POSITIVE_INFINITY) + (thirdMark?.height ?? 0)).toBeLessThanOrEqual(viewportHeight);
  expect(await bottomOf('.transport')).toBeLessThan(viewportHeight);

  // The level meter is a bar one can read across the room, with the level in figures.
  const meter = await page.getByRole('meter', { name: 'Output level' }).boundingBox();
  expect(meter?.height ?? 0).toBeGreaterThanOrEqual(20);
  expect(meter?.width ?? 0).toBeGreaterThanOrEqual(200);
  await expect(page.getByTestId('level-reading')).toHaveText(/^(−\d+ dB|0 dB|silent)$/);

  // Review: each pin answers the pointer 11 px to either side and 11 px above or below its middle.
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await page.goto(`${host.url}/#/review/${sessionId}`);
  await expect(page.locator('.marks-table tbody tr', { hasText: 'Breakthrough' })).toHaveCount(1);
  const pin = page.locator('.tl-pin[data-kind="resonance"]').first();
  await pin.scrollIntoViewIfNeeded();
  const card = page.getByTestId('timeline-hover');
  for (const [dx, dy] of [
    [-11, 0],
    [11, 0],
    [0, -11],
    [0, 11],
  ] as const) {
    // Measured each time: the page above the timeline may still be filling in.
    const pinBox = await pin.boundingBox();
    if (pinBox === null) throw new Error('no resonance pin drawn');
    // From an empty stretch of the same row, 40 px away: nothing is found there.
    await page.mouse.move(pinBox.x + pinBox.width / 2 + 40, pinBox.y + pinBox.height / 2);
    await expect(card).toHaveCount(0);
    await page.mouse.move(pinBox.x + pinBox.width / 2 + dx, pinBox.y + pinBox.height / 2 + dy);
    await expect(card, `pointer at ${dx}, ${dy} from the pin`).toContainText('Resonance');
    // Below the drawing: the neighbouring rows stay in sight.
    const cardBox = await card.boundingBox();
    const drawing = await page.locator('.timeline-svg').boundingBox();
    expect(cardBox?.y ?? 0).toBeGreaterThanOrEqual((drawing?.y ?? 0) + (drawing?.height ?? 0));
  }
});

test('the playlist editor and the library at 1280x800: phase fields on one row, rows inside the panel, repeated titles told apart by file name', async ({ page }) => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir);
  await page.goto(`${host.url}/#/library`);
  await page.getByRole('button', { name: 'Scan library' }).click();
  await expect(page.locator('.track-table tbody tr').first()).toBeVisible({ timeout: 30_000 });

  // The generated fixtures hold the same piece as flac, mp3, ogg…: one title, several files (filtered to them: the fixtures fill more than one page).
  await page.getByPlaceholder('Filter by title, artist, album or file').fill('pulsing-noise-44k');
  const repeated = page.locator('.track-table tbody tr', { hasText: 'pulsing-noise-44k.flac' });
  await expect(repeated).toHaveCount(1);
  await expect(page.locator('.track-table tbody tr', { hasText: 'pulsing-noise-44k.ogg' })).toHaveCount(1);
  const table = await page.locator('.track-table').boundingBox();
  const panel = await page.locator('.track-table').locator('xpath=ancestor::section[1]').boundingBox();
  expect((table?.x ?? 0) + (table?.width ?? 0)).toBeLessThanOrEqual((panel?.x ?? 0) + (panel?.width ?? 0));
  const overflowing = await page.locator('.track-table td').evaluateAll((cells) => cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).length);
  expect(overflowing).toBe(0);

  await page.goto(`${host.url}/#/playlists/${playlist.id}`);
  const phase = page.locator(`[data-phase-id="${playlist.phases[0]?.id}"]`);
  const labelTop = async (name: string) => (await phase.locator('.phase-fields > label').filter({ has: page.getByText(name, { exact: true }) }).first().boundingBox())?.y;
  const titleTop = await labelTop('Title');
  expect(titleTop).toBeDefined();
  for (const field of ['Kind', 'Target', 'Min', 'Max']) expect(await labelTop(field), field).toBe(titleTop);
  await page.getByPlaceholder('Search title, artist, album').fill('pulsing-noise-44k');
  await expect(page.locator('.picker-file', { hasText: 'pulsing-noise-44k.flac' })).toHaveCount(1);
});
