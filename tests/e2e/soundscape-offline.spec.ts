import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { soundscapePresets, type SoundscapeParams, type SoundscapePreset } from '../../core/playlist';
import { bundleSoundscapeHarness } from '../support/bundle-soundscape-harness';
import type { RenderOptions, SoundscapeAnalysis } from '../support/soundscape-harness';
import { bandEdgesHz, chromaDistance, clickThresholdRatio } from '../support/soundscape-measure';
import { openHarnessPage } from '../support/harness-page';

/**
 * Every preset as the app builds it, rendered in an OfflineAudioContext. The long renders
 * run at 22,050 Hz so that 5 minutes of each of the nine presets at two settings (an hour and
 * a half of audio; at least three chord changes each, as the slowest design changes every
 * 55–85 s) render in about a minute on two cores; the presets' content lies below 8 kHz, and
 * every measure here is relative to the render's own sample rate. The hour-long renders that
 * look for loops run at 4 kHz: they compare spectra below 2 kHz.
 */
const sampleRate = 22_050;
const longSeconds = 300;
const longHopSeconds = 10;
/** The 4 s fade-in is over and the slowest filter has settled. */
const settledAt = 10;
const windowSeconds = 30;
const stableWithinDb = 3;
const audibleAboveDb = -50;
const distinctSpectraDb = 6;
const seed = 1;

const settings: { readonly name: string; readonly params: SoundscapeParams }[] = [
  { name: 'default (intensity 0.5, brightness 0.5)', params: { intensity: 0.5, brightness: 0.5 } },
  { name: 'loudest and brightest (intensity 1, brightness 1)', params: { intensity: 1, brightness: 1 } },
];

let harnessScript = '';
/** settings index → preset → the long render's analysis. */
const longRenders = new Map<number, Map<SoundscapePreset, SoundscapeAnalysis>>();

function openHarness(page: Page): Promise<void> {
  return openHarnessPage(page, harnessScript, 'attuneSoundscapeHarness');
}

const longOptions = (preset: SoundscapePreset, params: SoundscapeParams): RenderOptions => ({ preset, params, seconds: longSeconds, sampleRate, seed });

/** The presets dealt to two lanes by turns. */
const twoLanes = (): SoundscapePreset[][] => [soundscapePresets.filter((_, index) => index % 2 === 0), soundscapePresets.filter((_, index) => index % 2 === 1)];

/** Two pages (two renderer processes, so two cores) share the long renders, about evenly. */
async function renderLongOnTwoPages(browser: Browser): Promise<void> {
  const lanes = twoLanes();
  await Promise.all(
    lanes.map(async (presets) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await openHarness(page);
        for (const [index, { params }] of settings.entries()) {
          for (const preset of presets) {
            const analysis = await page.evaluate(
              ({ options, analyse }) => window.attuneSoundscapeHarness.renderAndAnalyse(options, analyse),
              { options: longOptions(preset, params), analyse: { settledAt, windowSeconds, hopSeconds: longHopSeconds } },
            );
            const byPreset = longRenders.get(index) ?? new Map<SoundscapePreset, SoundscapeAnalysis>();
            byPreset.set(preset, analysis);
            longRenders.set(index, byPreset);
          }
        }
      } finally {
        await context.close();
      }
    }),
  );
}

function longRender(settingIndex: number, preset: SoundscapePreset): SoundscapeAnalysis {
  const analysis = longRenders.get(settingIndex)?.get(preset);
  if (analysis === undefined) throw new Error(`no ${longSeconds / 60}-minute render of ${preset} at setting ${settingIndex}`);
  return analysis;
}

/** Two presets are told apart by their spectra (octave bands) or by their harmony (pitch classes). */
const distinctChroma = 0.3;

/** RMS difference of the octave-band levels (each in dB re the total, floored at −60 dB). */
function spectralDistanceDb(a: SoundscapeAnalysis, b: SoundscapeAnalysis): number {
  const floored = (values: number[]) => values.map((value) => Math.max(-60, value));
  const [left, right] = [floored(a.spectrum.bandsDb), floored(b.spectrum.bandsDb)];
  return Math.sqrt(left.reduce((sum, value, index) => sum + (value - (right[index] as number)) ** 2, 0) / left.length);
}

test.beforeAll(async () => {
  harnessScript = await bundleSoundscapeHarness();
});

test.describe(`${longSeconds / 60} minutes of each preset, rendered offline`, () => {
  test.beforeAll(async ({ browser }) => {
    // An hour and a half of audio: about a minute on two idle cores, longer on a shared machine.
    test.setTimeout(900_000);
    const started = Date.now();
    await renderLongOnTwoPages(browser);
    console.log(`soundscapes: ${soundscapePresets.length * settings.length} renders of ${longSeconds} s at ${sampleRate} Hz, rendered and analysed in ${((Date.now() - started) / 1000).toFixed(1)} s on two pages`);
  });

  for (const [settingIndex, setting] of settings.entries()) {
    for (const preset of soundscapePresets) {
      test(`${preset}, ${setting.name}: ${longSeconds / 60} minutes audible, unclipped, steady within ±${stableWithinDb} dB and click-free`, () => {
        const analysis = longRender(settingIndex, preset);
        const deviations = analysis.windows.map((point) => ({ at: point.at, db: point.db - analysis.rmsDb }));
        const farthest = deviations.reduce((far, point) => (Math.abs(point.db) > Math.abs(far.db) ? point : far));
        test.info().annotations.push({
          type: 'measured',
          description:
            `RMS ${analysis.rmsDb.toFixed(1)} dBFS, sample peak ${analysis.samplePeakDb.toFixed(1)} dBFS, ` +
            `${deviations.length} windows of ${windowSeconds} s within ${Math.min(...deviations.map((point) => point.db)).toFixed(1)}…+${Math.max(...deviations.map((point) => point.db)).toFixed(1)} dB, ` +
            `worst click ratio ${analysis.clicks.worstRatio.toFixed(2)} (threshold ${clickThresholdRatio}), centroid ${analysis.spectrum.centroidHz.toFixed(0)} Hz, rendered in ${(analysis.renderMs / 1000).toFixed(1)} s`,
        });
        expect(analysis.seconds).toBeCloseTo(longSeconds, 3);
        expect(analysis.rmsDb).toBeGreaterThan(audibleAboveDb);
        expect(analysis.samplePeakDb).toBeLessThan(0);
        // 30 s windows every 10 s from the end of the fade-in to the end of the render.
        expect(deviations.length).toBeGreaterThanOrEqual(Math.floor((longSeconds - settledAt - windowSeconds) / longHopSeconds) + 1);
        expect(Math.abs(farthest.db), `window centred at ${farthest.at.toFixed(0)} s`).toBeLessThanOrEqual(stableWithinDb);
        expect(analysis.clicks.events, JSON.stringify(analysis.clicks.events.slice(0, 5))).toEqual([]);
      });
    }

    test(`every two presets differ in spectrum or in harmony, ${setting.name}`, () => {
      const described: string[] = [];
      for (const [index, first] of soundscapePresets.entries()) {
        for (const second of soundscapePresets.slice(index + 1)) {
          const [a, b] = [longRender(settingIndex, first), longRender(settingIndex, second)];
          const spectral = spectralDistanceDb(a, b);
          const harmonic = chromaDistance(a.spectrum.chroma, b.spectrum.chroma);
          described.push(`${first}–${second} ${spectral.toFixed(1)} dB / ${harmonic.toFixed(2)}`);
          expect(spectral >= distinctSpectraDb || harmonic >= distinctChroma, `${first} vs ${second}: ${spectral.toFixed(1)} dB, chroma ${harmonic.toFixed(2)}`).toBe(true);
        }
      }
      const centroids = soundscapePresets.map((preset) => `${preset} ${longRender(settingIndex, preset).spectrum.centroidHz.toFixed(0)} Hz`);
      test.info().annotations.push({ type: 'measured', description: `octave-band distance (${bandEdgesHz.length} bands from ${bandEdgesHz[0]} Hz, goal ≥ ${distinctSpectraDb} dB) / pitch-class distance (cosine, goal ≥ ${distinctChroma}): ${described.join(', ')}; centroids ${centroids.join(', ')}` });
    });
  }
});

test.describe('an hour of each preset, rendered offline', () => {
  const loopSampleRate = 4000;
  /** An hour, as the issue that asked for hours of soundscape says: a loop that set in late would show too. */
  const loopRenderSeconds = 3600;
  /** A loop, of any length up to 5 minutes, measures 0 here (its control does); a bed that keeps moving stays well above. */
  const loopBelowRatio = 0.05;

  test('none repeats a loop shorter than 5 minutes; the same render looped every 2 minutes does', async ({ browser }) => {
    test.setTimeout(600_000);
    const reports: string[] = [];
    await Promise.all(
      twoLanes().map(async (presets) => {
        const context = await browser.newContext();
        const page = await context.newPage();
        try {
          await openHarness(page);
          for (const preset of presets) {
            const report = await page.evaluate(
              (options) => window.attuneSoundscapeHarness.renderRepetition(options, 30, 300),
              { preset, params: { intensity: 0.5, brightness: 0.5 }, seconds: loopRenderSeconds, sampleRate: loopSampleRate, seed },
            );
            reports.push(`${preset}: closest ${report.closestRatio.toFixed(3)} at ${report.closestLagSeconds} s (looped control ${report.controlRatio.toFixed(3)} at ${report.controlLagSeconds} s)`);
            expect(report.seconds).toBeCloseTo(loopRenderSeconds, 0);
            expect(report.controlRatio, `${preset}'s looped control`).toBeLessThan(loopBelowRatio);
            expect(report.closestRatio, `${preset} at ${report.closestLagSeconds} s`).toBeGreaterThan(loopBelowRatio);
          }
        } finally {
          await context.close();
        }
      }),
    );
    test.info().annotations.push({ type: 'measured', description: `spectral self-similarity at lags 30–300 s over ${loopRenderSeconds / 60} minutes (0 = a loop): ${reports.join('; ')}` });
  });
});

test.describe('the output at rest', () => {
  test.beforeEach(async ({ page }) => openHarness(page));

  test('rest() suspends the context, silent; start() resumes it and the bed sounds again', async ({ page }) => {
    await page.evaluate(() => window.attuneSoundscapeHarness.openRealtime());
    await page.evaluate(() => window.attuneSoundscapeHarness.playRealtime('hearth', { intensity: 0.8, brightness: 0.5 }));
    await expect.poll(() => page.evaluate(() => window.attuneSoundscapeHarness.realtimeLevelDb()), { timeout: 10_000 }).toBeGreaterThan(-60);
    expect(await page.evaluate(() => window.attuneSoundscapeHarness.restRealtime(true))).toBe('suspended');
    const heldAt = await page.evaluate(() => window.attuneSoundscapeHarness.realtimeTime());
    await sleep(500);
    // A suspended context's clock stands still: the audio thread does no work.
    expect(await page.evaluate(() => window.attuneSoundscapeHarness.realtimeTime())).toBe(heldAt);
    expect(await page.evaluate(() => window.attuneSoundscapeHarness.restRealtime(false))).toBe('running');
    await expect.poll(() => page.evaluate(() => window.attuneSoundscapeHarness.realtimeTime()), { timeout: 5_000 }).toBeGreaterThan(heldAt);
    await page.evaluate(() => window.attuneSoundscapeHarness.closeRealtime());
  });
});

test.describe('the musical presets replay from their seed', () => {
  test.beforeEach(async ({ page }) => openHarness(page));

  test('the same seed renders the same bed; another seed another', async ({ page }) => {
    for (const preset of ['dawn', 'canopy'] as const) {
      const render = (renderSeed: number) =>
        page.evaluate(({ options, analyse }) => window.attuneSoundscapeHarness.renderAndAnalyse(options, analyse), {
          options: { preset, params: { intensity: 0.5, brightness: 0.5 }, seconds: 150, sampleRate, seed: renderSeed },
          analyse: { settledAt, windowSeconds, hopSeconds: 10 },
        });
      const [first, again, other] = [await render(5), await render(5), await render(6)];
      // What a listener could tell apart: levels (dB) over time and per band, and the pitch classes (×100, so a 1 % shift counts as 1).
      const heard = (analysis: SoundscapeAnalysis) => [analysis.rmsDb, ...analysis.windows.map((point) => point.db), ...analysis.spectrum.bandsDb, ...analysis.spectrum.chroma.map((share) => share * 100)];
      const largestDifference = (a: SoundscapeAnalysis, b: SoundscapeAnalysis) => Math.max(...heard(a).map((value, index) => Math.abs(value - (heard(b)[index] as number))));
      // The same seed: the same bed, up to the renderer's float rounding (~10⁻⁸ dB seen).
      expect(largestDifference(again, first), preset).toBeLessThan(0.001);
      expect(largestDifference(other, first), preset).toBeGreaterThan(0.1);
    }
  });
});

test.describe('soundscape presets rendered offline', () => {
  test.beforeEach(async ({ page }) => openHarness(page));

  test('the click detector trips on a pulse 12 dB under each preset, and not on the same render without it', async ({ page }) => {
    const pulseAt = 12.34;
    for (const preset of soundscapePresets) {
      const result = await page.evaluate(
        ({ options, at }) => window.attuneSoundscapeHarness.renderPulseControl(options, at, -12, 6),
        { options: { preset, params: { intensity: 0.5, brightness: 0.5 }, seconds: 20, sampleRate, seed }, at: pulseAt },
      );
      test.info().annotations.push({
        type: 'measured',
        description: `${preset}: local ${result.localRmsDb.toFixed(1)} dBFS, pulse ${result.pulseDb.toFixed(1)} dBFS; clean worst ratio ${result.clean.worstRatio.toFixed(2)}, with the pulse ${result.withPulse.events.map((event) => `${event.ratio.toFixed(1)} at ${event.at.toFixed(3)} s`).join(', ')}`,
      });
      expect(result.clean.events, preset).toEqual([]);
      // Both edges of the 100 ms pulse, and nothing else.
      expect(result.withPulse.events.map((event) => Math.round(event.at * 100) / 100), preset).toEqual([12.34, 12.44]);
    }
  });

  test('at the quietest setting (intensity 0, brightness 0) every preset is still audible, click-free and steady over 2 minutes', async ({ page }) => {
    for (const preset of soundscapePresets) {
      const analysis = await page.evaluate(
        ({ options, analyse }) => window.attuneSoundscapeHarness.renderAndAnalyse(options, analyse),
        { options: { preset, params: { intensity: 0, brightness: 0 }, seconds: 120, sampleRate, seed }, analyse: { settledAt, windowSeconds, hopSeconds: 10 } },
      );
      test.info().annotations.push({ type: 'measured', description: `${preset}: RMS ${analysis.rmsDb.toFixed(1)} dBFS, worst click ratio ${analysis.clicks.worstRatio.toFixed(2)}` });
      expect(analysis.rmsDb, preset).toBeGreaterThan(audibleAboveDb);
      expect(analysis.clicks.events, preset).toEqual([]);
      for (const point of analysis.windows) expect(Math.abs(point.db - analysis.rmsDb), `${preset} at ${point.at} s`).toBeLessThanOrEqual(stableWithinDb);
    }
  });

  test("through a reverb like AudioOutput's, the loudest setting stays under 0 dBFS and click-free", async ({ page }) => {
    for (const preset of soundscapePresets) {
      const analysis = await page.evaluate(
        ({ options, analyse }) => window.attuneSoundscapeHarness.renderAndAnalyse(options, analyse),
        { options: { preset, params: { intensity: 1, brightness: 1 }, seconds: 60, sampleRate, seed, reverb: true }, analyse: { settledAt, windowSeconds, hopSeconds: 10 } },
      );
      test.info().annotations.push({ type: 'measured', description: `${preset} with reverb: RMS ${analysis.rmsDb.toFixed(1)} dBFS, sample peak ${analysis.samplePeakDb.toFixed(1)} dBFS` });
      expect(analysis.rmsDb, preset).toBeGreaterThan(audibleAboveDb);
      expect(analysis.samplePeakDb, preset).toBeLessThan(0);
      expect(analysis.clicks.events, preset).toEqual([]);
    }
  });

  test("the presets' glide loops fire on time at the live transport's coarse resolution", async ({ page }) => {
    // The presets glide every 29 to 70 s; 37 and 41 are two of their periods.
    for (const everySeconds of [29, 37, 41]) {
      const fired = await page.evaluate((every) => window.attuneSoundscapeHarness.glideLoopTimes(every, 130), everySeconds);
      const expected = Array.from({ length: Math.floor(129 / everySeconds) + 1 }, (_, index) => index * everySeconds);
      expect(fired).toHaveLength(expected.length);
      fired.forEach((time, index) => expect(time).toBeCloseTo(expected[index] as number, 2));
    }
  });

  test('stop() and dispose() leave no sound after them', async ({ page }) => {
    const quantum = 128 / sampleRate;
    for (const preset of soundscapePresets) {
      const base: RenderOptions = { preset, params: { intensity: 1, brightness: 1 }, seconds: 12, sampleRate, seed, fadeInSeconds: 2 };
      // The offline render suspends for dispose() at a render-quantum boundary.
      const disposeAt = Math.ceil(8 / quantum) * quantum;
      const cases: { name: string; options: RenderOptions; silentFrom: number }[] = [
        { name: 'stop', options: { ...base, stopAt: 8 }, silentFrom: 8 },
        { name: 'dispose while playing', options: { ...base, disposeAt }, silentFrom: disposeAt },
        { name: 'stop, then dispose', options: { ...base, stopAt: 6, disposeAt }, silentFrom: 6 },
      ];
      for (const { name, options, silentFrom } of cases) {
        const result = await page.evaluate(({ renderOptions, from }) => window.attuneSoundscapeHarness.renderStop(renderOptions, from), { renderOptions: options, from: silentFrom });
        expect(result.beforeDb, `${preset}: ${name}`).toBeGreaterThan(audibleAboveDb);
        expect(result.afterPeakDb, `${preset}: ${name}`).toBe(Number.NEGATIVE_INFINITY);
      }
    }
  });

  test('the noise bank loops its buffers without a click at the seam; an unsmoothed wrap does click', async ({ page }) => {
    const described: string[] = [];
    for (const color of ['pink', 'brown'] as const) {
      for (const playbackRate of [0.97, 1, 1.03]) {
        const result = await page.evaluate((options) => window.attuneSoundscapeHarness.renderNoiseLoop(options), { color, sampleRate, playbackRate, rawSeam: false, seed });
        described.push(`${color} ×${playbackRate}: worst ${result.clicks.worstRatio.toFixed(2)}`);
        expect(result.clicks.events, `${color} at ×${playbackRate}`).toEqual([]);
      }
      const control = await page.evaluate((options) => window.attuneSoundscapeHarness.renderNoiseLoop(options), { color, sampleRate, playbackRate: 1, rawSeam: true, seed });
      described.push(`${color} unsmoothed: ${control.clicks.worstRatio.toFixed(2)} at ${control.clicks.worstAt.toFixed(3)} s`);
      expect(control.clicks.events.map((event) => Math.round(event.at * 100) / 100), `${color} unsmoothed`).toEqual([control.seamAt]);
    }
    test.info().annotations.push({ type: 'measured', description: `click ratios around the seam (threshold ${clickThresholdRatio}): ${described.join(', ')}` });
  });

  test('playing, stopping and disposing presets in a running AudioOutput leaves no audio nodes behind', async ({ page }) => {
    const cdp = await page.context().newCDPSession(page);
    // Every Web Audio node the page creates and lets go, as Chromium's WebAudio domain reports
    // them (its renderer-wide AudioHandlers metric now lags the nodes by longer than a test waits).
    const alive = new Map<string, string>();
    cdp.on('WebAudio.audioNodeCreated', ({ node }) => alive.set(node.nodeId, node.nodeType));
    cdp.on('WebAudio.audioNodeWillBeDestroyed', ({ nodeId }) => alive.delete(nodeId));
    await cdp.send('WebAudio.enable');
    await cdp.send('HeapProfiler.enable');
    const liveNodes = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      return alive.size;
    };
    await page.evaluate(() => window.attuneSoundscapeHarness.openRealtime());
    await sleep(300);
    const before = await liveNodes();
    const levels: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const preset of soundscapePresets) {
        await page.evaluate((source) => window.attuneSoundscapeHarness.playRealtime(source, { intensity: 0.5, brightness: 0.5 }), preset);
        await sleep(round === 0 ? 1500 : 200);
        if (round === 0) {
          const level = await page.evaluate(() => window.attuneSoundscapeHarness.realtimeLevelDb());
          levels.push(`${preset} ${level.toFixed(0)} dBFS`);
          expect(level, preset).toBeGreaterThan(-60);
        }
      }
    }
    await page.evaluate(() => window.attuneSoundscapeHarness.playRealtime('none', { intensity: 0.5, brightness: 0.5 }));
    const stoppedAt = Date.now();
    // The audio thread lets go of stopped, unreferenced nodes a little later (up to ~2 s seen); a leak stays.
    let after = Number.NaN;
    await expect
      .poll(
        async () => {
          after = await liveNodes();
          return after;
        },
        { timeout: 10_000, intervals: [500] },
      )
      .toBeLessThanOrEqual(before);
    await page.evaluate(() => window.attuneSoundscapeHarness.closeRealtime());
    test.info().annotations.push({
      type: 'measured',
      description: `live output while playing: ${levels.join(', ')}; Web Audio nodes ${before} before, ${after} ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after 12 presets came and went`,
    });
  });
});
