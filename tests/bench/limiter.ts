import type { Browser } from 'playwright';
import type { LimiterCheckResult, TestSignal } from '../support/audio-harness';
import { bundleAudioHarness } from '../support/bundle-audio-harness';
import { openHarnessPage } from '../support/harness-page';

const hotSignals: readonly (readonly [string, TestSignal])[] = [
  ['sine +6 dB', { kind: 'sine', frequency: 997, peakDb: 6 }],
  ['12 kHz sine +6 dB, peaks between samples', { kind: 'sine', frequency: 12_000, peakDb: 6, phase: Math.PI / 4 }],
  ['square +6 dB', { kind: 'square', frequency: 441, peakDb: 6 }],
  ['white noise +6 dB', { kind: 'white', seed: 5, rmsDb: 1 }],
];
const normalSignal: TestSignal = { kind: 'pink', seed: 9, rmsDb: -20 };

/**
 * The master-bus limiter, rendered offline through the engine's own output chain (its audio
 * worklet): the worst true peak out of four hot signals, and the gain reduction on music that
 * stays under the ceiling.
 */
export async function benchLimiter(browser: Browser): Promise<string[]> {
  const page = await browser.newPage();
  try {
    await openHarnessPage(page, await bundleAudioHarness(), 'attuneAudioHarness');
    const hot: (readonly [string, LimiterCheckResult])[] = [];
    for (const [name, signal] of hotSignals) hot.push([name, await page.evaluate((input) => window.attuneAudioHarness.renderLimiterCheck(input, 5), signal)]);
    const normal = await page.evaluate((input) => window.attuneAudioHarness.renderLimiterCheck(input, 10), normalSignal);
    const kinds = new Set([...hot.map(([, result]) => result.limiterKind), normal.limiterKind]);
    if (kinds.size !== 1 || !kinds.has('true-peak')) throw new Error(`the chain did not use the true-peak limiter (${[...kinds].join(', ')})`);
    const worst = hot.reduce((a, b) => (b[1].outputTruePeakDbtp > a[1].outputTruePeakDbtp ? b : a));
    return [
      `limiter_true_peak_dbtp_hot_input: ${worst[1].outputTruePeakDbtp.toFixed(2)} dBTP (the highest of ${hot.map(([name, result]) => `${name}: in ${result.inputTruePeakDbtp.toFixed(1)} → out ${result.outputTruePeakDbtp.toFixed(2)}`).join('; ')}; 4× oversampled, 48 taps per phase; goal ≤ −1.0)`,
      `limiter_gain_reduction_db_normal_input: ${normal.gainReductionDb.toFixed(1)} dB (10 s of pink noise at ${normal.inputTruePeakDbtp.toFixed(1)} dBTP; the largest sample difference from the input, ${normal.latencyFrames} frames later: ${normal.largestDifference}; goal 0.0)`,
    ];
  } finally {
    await page.close();
  }
}
