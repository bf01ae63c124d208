import path from 'node:path';
import type { Browser } from 'playwright';
import { bundleBrowserHarness } from '../support/bundle-browser-harness';
import { generatedDir } from '../support/fixture-playlist';
import type { JoinRunOptions, JoinRunResult } from '../support/gapless-harness';
import { openHarnessPage } from '../support/harness-page';
import { serveMedia } from '../support/serve-media';

const formats = ['wav', 'flac', 'mp3', 'ogg', 'm4a', 'opus'] as const;
const formatsNamed = `${formats.slice(0, -1).join(', ')} and ${formats.at(-1) ?? ''}`;
const leadInParts = 3;
const partFile = (prefix: string, index: number, format: string) => `${prefix}part-${String(index + leadInParts).padStart(2, '0')}.${format}`;
/** Parts 3–23 of the fixture master after its lead-in: 21 zero-crossfade joins, every format into every other's neighbour. */
const files = Array.from({ length: 21 }, (_, index) => partFile('', index, formats[index % formats.length] ?? 'wav'));
/** Parts 3–11 of the pink-noise master, wav and flac by turns: 9 joins whose handovers can be lined up only one way. */
const noiseFiles = Array.from({ length: 9 }, (_, index) => partFile('noise-', index, index % 2 === 0 ? 'wav' : 'flac'));

async function run(browser: Browser, gaplessJoins: boolean, set: { readonly leadInFile: string; readonly files: readonly string[] } = { leadInFile: 'lead-in.flac', files }): Promise<JoinRunResult> {
  const page = await browser.newPage();
  try {
    await openHarnessPage(page, await bundleBrowserHarness(path.join(import.meta.dirname, '..', 'support', 'gapless-harness.ts')), 'attuneGaplessHarness');
    await serveMedia(page, path.join(generatedDir, 'gapless'));
    const options: JoinRunOptions = { leadInFile: set.leadInFile, leadInParts, files: [...set.files], partSeconds: 2.5, gaplessJoins, volume: 0.8 };
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
 * continuous sweep cut into 2.5 s parts in wav, flac, mp3, ogg, m4a and opus: the engine's gapless joins,
 * and beside them the same parts joined by the media elements' timers alone; then pink noise
 * cut the same way, broadband, where a dulled bridge or a handover off by a period would show.
 */
export async function benchGaplessJoins(browser: Browser): Promise<string[]> {
  const gapless = await run(browser, true);
  const noise = await run(browser, true, { leadInFile: 'noise-lead-in.flac', files: noiseFiles });
  const reference = await run(browser, false);
  for (const failure of failures(gapless)) console.error(`bench gapless: ${failure}`);
  const bridged = gapless.joinStatuses.filter((status) => status.endsWith(' scheduled')).length;
  const problems = [...gapless.problems, ...noise.problems];
  if (problems.length > 0) throw new Error(`playback problems: ${problems.join('; ')}`);
  const offsets = noise.joins.map((join) => Math.abs(join.incomingElementOffsetMs));
  return [
    `gapless_join_gap_max_ms: ${gapMax(gapless).toFixed(2)} ms (${gapless.joins.length} joins of ${formatsNamed} parts of a sweep, ${bridged} through a decoded bridge; silence under −60 dBFS within ±50 ms of each; largest difference from the files decoded end to end ${largest(gapless.joins.map((join) => join.rebuildError)).toExponential(1)}; on ${noise.joins.length} joins of pink-noise parts, whose highs show any dulling: gap ${gapMax(noise).toFixed(2)} ms, largest difference ${largest(noise.joins.map((join) => join.rebuildError)).toExponential(1)}; output at ${gapless.sampleRate} Hz; the master limiter's deepest gain reduction, which the reference models, ${Math.max(gapless.limiterGainReductionDb, noise.limiterGainReductionDb).toFixed(2)} dB; goal ≤ 5)`,
    `gapless_join_click_count: ${clicks(gapless)} (a step between samples over twice the decoded files' own there; ${clicks(noise)} on the noise joins; the handovers to the media elements, 0.75 s each side of a join, measured on the noise (a sweep matches a whole period of itself nearly as well): lined up to within ${largest(offsets).toFixed(3)} ms, ${offsets.filter((offset) => offset <= 0.02).length} of ${offsets.length} within 0.02 ms (half a frame is ${((0.5 / gapless.sampleRate) * 1000).toFixed(3)} ms); goal 0)`,
    `reference_element_join_gap_max_ms: ${gapMax(reference).toFixed(2)} ms (the same ${reference.joins.length} joins timed by the media elements alone; largest difference from the files decoded end to end ${largest(reference.joins.map((join) => join.rebuildError)).toFixed(2)})`,
    `reference_element_join_click_count: ${clicks(reference)}`,
  ];
}
