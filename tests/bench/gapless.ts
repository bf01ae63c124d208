import path from 'node:path';
import type { Browser } from 'playwright';
import { bundleBrowserHarness } from '../support/bundle-browser-harness';
import { generatedDir } from '../support/fixture-playlist';
import type { JoinRunOptions, JoinRunResult } from '../support/gapless-harness';
import { openHarnessPage } from '../support/harness-page';
import { serveMedia } from '../support/serve-media';

const formats = ['wav', 'flac', 'mp3', 'ogg'] as const;
const leadInParts = 3;
/** Parts 3–23 of the fixture master after its lead-in: 21 zero-crossfade joins, every format into every other's neighbour. */
const files = Array.from({ length: 21 }, (_, index) => `part-${String(index + leadInParts).padStart(2, '0')}.${formats[index % formats.length] ?? 'wav'}`);

async function run(browser: Browser, gaplessJoins: boolean): Promise<JoinRunResult> {
  const page = await browser.newPage();
  try {
    await openHarnessPage(page, await bundleBrowserHarness(path.join(import.meta.dirname, '..', 'support', 'gapless-harness.ts')), 'attuneGaplessHarness');
    await serveMedia(page, path.join(generatedDir, 'gapless'));
    const options: JoinRunOptions = { leadInFile: 'lead-in.flac', leadInParts, files, partSeconds: 2.5, gaplessJoins, volume: 0.8 };
    return await page.evaluate((runOptions) => window.attuneGaplessHarness.playJoins(runOptions), options);
  } finally {
    await page.close();
  }
}

const gapMax = (result: JoinRunResult) => Math.max(...result.joins.map((join) => join.gapMs));
const clicks = (result: JoinRunResult) => result.joins.filter((join) => join.click).length;
/** The joins that clicked or left a gap, named by their files, with what the engine did at each. */
const failures = (result: JoinRunResult) =>
  result.joins
    .map((join, index) => ({ join, index }))
    .filter(({ join }) => join.click || join.gapMs > 5)
    .map(({ join, index }) => `${index === 0 ? 'lead-in' : files[index - 1]}→${files[index] ?? ''} (${result.joinStatuses[index] ?? 'no join'}; step ${join.largestStep.toFixed(3)}, difference ${join.rebuildError.toFixed(3)})`);
const largest = (values: readonly number[]) => Math.max(...values.map(Math.abs));

/**
 * Zero-crossfade joins measured from the live output (a recorder on the destination), one
 * continuous sweep cut into 2.5 s parts in wav, flac, mp3 and ogg: the engine's gapless joins,
 * and beside them the same parts joined by the media elements' timers alone.
 */
export async function benchGaplessJoins(browser: Browser): Promise<string[]> {
  const gapless = await run(browser, true);
  const reference = await run(browser, false);
  for (const failure of failures(gapless)) console.error(`bench gapless: ${failure}`);
  const bridged = gapless.joinStatuses.filter((status) => status.endsWith(' scheduled')).length;
  if (gapless.problems.length > 0) throw new Error(`playback problems: ${gapless.problems.join('; ')}`);
  return [
    `gapless_join_gap_max_ms: ${gapMax(gapless).toFixed(2)} ms (${gapless.joins.length} joins of wav, flac, mp3 and ogg parts, ${bridged} through a decoded bridge; silence under −60 dBFS within ±50 ms of each; largest difference from the files decoded end to end ${largest(gapless.joins.map((join) => join.rebuildError)).toExponential(1)}; output at ${gapless.sampleRate} Hz; goal ≤ 5)`,
    `gapless_join_click_count: ${clicks(gapless)} (a step between samples over twice the decoded files' own there; the handovers to the media elements, 0.75 s each side of a join, were lined up to under 0.05 ms at ${gapless.joins.filter((join) => Math.abs(join.incomingElementOffsetMs) < 0.05).length} of ${gapless.joins.length}, the others off by ${
      gapless.joins
        .map((join) => Math.abs(join.incomingElementOffsetMs))
        .filter((offset) => offset >= 0.05)
        .sort((a, b) => a - b)
        .map((offset) => offset.toFixed(2))
        .join(', ') || 'none'
    } ms (a whole period of the slow sweep there, 2.3–9 ms, fits nearly as well as none; more is an element whose lead was not measured in time); goal 0)`,
    `reference_element_join_gap_max_ms: ${gapMax(reference).toFixed(2)} ms (the same ${reference.joins.length} joins timed by the media elements alone; largest difference from the files decoded end to end ${largest(reference.joins.map((join) => join.rebuildError)).toFixed(2)})`,
    `reference_element_join_click_count: ${clicks(reference)}`,
  ];
}
