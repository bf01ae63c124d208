import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright';
import { soundscapePresets, type SoundscapePreset } from '../../core/playlist';
import { bundleSoundscapeHarness } from '../support/bundle-soundscape-harness';
import type { RealtimeSource } from '../support/soundscape-harness';
import { median } from './stats';
import { openHarnessPage } from '../support/harness-page';
import { describeThreads, rendererThreadCpu } from './thread-cpu';

const renderSeconds = 60;
const renderSampleRate = 44_100;
const renderRuns = 3;
/** Per source; the issue asks for 60 s, 30 s keeps the six readings to about three and a half minutes. */
const cpuSeconds = Number(process.env.ATTUNE_BENCH_SOUNDSCAPE_CPU_SECONDS ?? 30);
const warmUpSeconds = 3;

async function harnessPage(browser: Browser, script: string): Promise<Page> {
  const page = await browser.newPage();
  await openHarnessPage(page, script, 'attuneSoundscapeHarness');
  return page;
}

/** Offline renders of `renderSeconds`, each source in the same page by turns, median of `renderRuns`. */
async function renderSpeeds(browser: Browser, script: string): Promise<Map<SoundscapePreset | 'oscillator', number>> {
  const page = await harnessPage(browser, script);
  const times = new Map<SoundscapePreset | 'oscillator', number[]>();
  try {
    const sources = ['oscillator', ...soundscapePresets] as const;
    // The first render of each also builds the noise bank and compiles the code paths; not counted.
    for (const source of sources) await page.evaluate(({ what, rate }) => window.attuneSoundscapeHarness.timeRender(what, 5, rate), { what: source, rate: renderSampleRate });
    for (let run = 0; run < renderRuns; run += 1) {
      for (const source of sources) {
        const elapsedMs = await page.evaluate(({ what, seconds, rate }) => window.attuneSoundscapeHarness.timeRender(what, seconds, rate), {
          what: source,
          seconds: renderSeconds,
          rate: renderSampleRate,
        });
        times.set(source, [...(times.get(source) ?? []), elapsedMs]);
      }
    }
  } finally {
    await page.close();
  }
  return new Map([...times].map(([source, elapsed]) => [source, renderSeconds / (median(elapsed) / 1000)]));
}

/** Renderer process CPU (all threads, the audio thread included) over `seconds`, as % of one core. */
async function processCpuPercent(page: Page, seconds: number): Promise<{ percent: number; threads: string }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    const reading = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
      return { processSeconds: value('ProcessTime'), timestamp: value('Timestamp') };
    };
    const start = await reading();
    const browser = page.context().browser();
    const threads = browser === null ? (await sleep(seconds * 1000), []) : await rendererThreadCpu(browser, seconds);
    const end = await reading();
    return { percent: ((end.processSeconds - start.processSeconds) / (end.timestamp - start.timestamp)) * 100, threads: describeThreads(threads) };
  } finally {
    await cdp.detach();
  }
}

/** A fresh page (its own renderer process) with the app's AudioOutput playing `source` on its soundscape bus. */
async function realtimeCpu(browser: Browser, script: string, source: RealtimeSource): Promise<{ percent: number; threads: string; levelDb: number; sampleRate: number }> {
  const page = await harnessPage(browser, script);
  try {
    const { sampleRate } = await page.evaluate(() => window.attuneSoundscapeHarness.openRealtime());
    await page.evaluate((what) => window.attuneSoundscapeHarness.playRealtime(what, { intensity: 0.5, brightness: 0.5 }), source);
    await sleep(warmUpSeconds * 1000);
    const { percent, threads } = await processCpuPercent(page, cpuSeconds);
    const levelDb = await page.evaluate(() => window.attuneSoundscapeHarness.realtimeLevelDb());
    await page.evaluate(() => window.attuneSoundscapeHarness.closeRealtime());
    return { percent, threads, levelDb, sampleRate };
  } finally {
    await page.close();
  }
}

export async function benchSoundscapes(browser: Browser): Promise<string[]> {
  const script = await bundleSoundscapeHarness();
  const speeds = await renderSpeeds(browser, script);
  const idle = await realtimeCpu(browser, script, 'none');
  const oscillator = await realtimeCpu(browser, script, 'oscillator');
  const presets: [SoundscapePreset, Awaited<ReturnType<typeof realtimeCpu>>][] = [];
  for (const preset of soundscapePresets) presets.push([preset, await realtimeCpu(browser, script, preset)]);
  const level = (db: number) => (Number.isFinite(db) ? `${db.toFixed(0)} dBFS` : 'silent');
  return [
    ...soundscapePresets.map(
      (preset) =>
        `soundscape_render_x_realtime_${preset}: ${(speeds.get(preset) ?? Number.NaN).toFixed(0)}× real time (${renderSeconds} s of the preset at default parameters rendered in an OfflineAudioContext at ${renderSampleRate} Hz, Tone's clock included; median of ${renderRuns})`,
    ),
    `reference_oscillator_render_x_realtime: ${(speeds.get('oscillator') ?? Number.NaN).toFixed(0)}× real time (one Tone.Oscillator, rendered the same way)`,
    ...presets.map(
      ([preset, measured]) =>
        `soundscape_cpu_percent_${preset}: ${measured.percent.toFixed(1)} % of one core (renderer process CPU, all threads, over ${cpuSeconds} s of the preset at default parameters on AudioOutput's soundscape bus at ${measured.sampleRate} Hz, limiter and shared reverb included; the preset's own share, over the oscillator reference: ${(measured.percent - oscillator.percent).toFixed(1)}; output at ${level(measured.levelDb)}; by thread: ${measured.threads}; goal ≤ 10)`,
    ),
    `reference_soundscape_idle_output_cpu_percent: ${idle.percent.toFixed(1)} % (the same AudioOutput with nothing on its bus, ${cpuSeconds} s; by thread: ${idle.threads})`,
    `reference_oscillator_cpu_percent: ${oscillator.percent.toFixed(1)} % (one Tone.Oscillator on the same bus, ${cpuSeconds} s: the shared reverb and limiter at work on any sound; output at ${level(oscillator.levelDb)}; by thread: ${oscillator.threads})`,
  ];
}
