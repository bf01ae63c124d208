import path from 'node:path';
import { expect, test } from '@playwright/test';
import { bundleBrowserHarness } from '../support/bundle-browser-harness';
import { generatedDir } from '../support/fixture-playlist';
import { openHarnessPage } from '../support/harness-page';
import { serveMedia } from '../support/serve-media';

const gaplessDir = path.join(generatedDir, 'gapless');

const harness = () => bundleBrowserHarness(path.join(import.meta.dirname, '..', 'support', 'gapless-harness.ts'));

for (const extension of ['wav', 'flac', 'mp3', 'ogg']) {
  test(`the first and last second of a ${extension} part, decoded from byte ranges alone, equal the whole file decoded, without encoder delay or padding`, async ({ page }) => {
    await openHarnessPage(page, await harness(), 'attuneGaplessHarness');
    await serveMedia(page, gaplessDir);
    const result = await page.evaluate(([url, ext]) => window.attuneGaplessHarness.checkEdges(url, ext, 1), [`http://localhost/media/part-03.${extension}`, extension] as const);
    // The part is 120 000 frames cut from the continuous master: an encoder's delay or padding left in would lengthen it.
    expect(result.wholeFrames).toBe(120_000);
    expect(result.headFrames).toBe(48_000);
    expect(result.tailFrames).toBe(48_000);
    expect(result.headLargestDifference).toBe(0);
    expect(result.tailLargestDifference).toBe(0);
  });
}
