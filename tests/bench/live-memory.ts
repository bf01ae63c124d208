import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost } from '../support/web-host';
import { metricsAfterGc } from './metrics-after-gc';

const hours = 8;
/** Simulated time per real time: eight hours in about a minute and a half. */
const speed = 300;
const pressEveryMs = 250;
const hourMs = 3_600_000;

/** Eight hours of soundscapes (no music files needed), 30-minute segments. */
function eightHourPlaylist() {
  const presets = ['breath', 'earth', 'drone', 'shimmer'] as const;
  const phase = (id: 'onset' | 'peak' | 'return', minutes: number) => ({
    id,
    kind: id,
    title: id[0]?.toUpperCase() + id.slice(1),
    targetMinutes: minutes,
    segments: Array.from({ length: minutes / 30 }, (_, index) => ({
      type: 'soundscape',
      id: `${id}-${index}`,
      preset: presets[index % presets.length],
      durationSeconds: 1800,
    })),
  });
  return {
    format: 'attune.playlist',
    version: 1,
    id: 'bench-eight-hours',
    title: 'Eight-hour bench day',
    crossfadeSeconds: 8,
    phases: [phase('onset', 120), phase('peak', 210), phase('return', 150)],
  };
}

async function heapAfterGcMb(page: Page): Promise<number> {
  return (await metricsAfterGc(page))('JSHeapUsedSize') / 1_048_576;
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

/**
 * A whole 8-hour session on the live page, time compressed (`?diagnostics&speed=300`) with
 * real events: the plan's segment and phase starts, a mark by key every 250 ms of real time
 * (about 48 an hour of session time, more than any real day) and a volume step every tenth
 * press. The JS heap after forced garbage collection is read at every session hour; the
 * figure is its growth per hour (least-squares from hour 1 to the last quarter hour).
 */
export async function benchLiveMemory(browser: Browser): Promise<string[]> {
  const host = await startWebHost();
  await mkdir(path.join(host.dataDir, 'playlists'), { recursive: true });
  await writeFile(path.join(host.dataDir, 'playlists', 'bench-eight-hours.json'), JSON.stringify(eightHourPlaylist()));
  const page = await browser.newPage();
  try {
    await page.goto(`${host.url}/?diagnostics&speed=${speed}`);
    await page.getByRole('radio', { name: /Eight-hour bench day/ }).check();
    await startSessionFromHome(page);
    await page.getByTestId('now-playing').waitFor();
    const programMs = () => page.evaluate(() => window.__attuneDiagnostics?.programMs() ?? 0);
    // Every session hour, and a quarter of an hour before the plan ends.
    const sampleAtHours = [...Array.from({ length: hours - 1 }, (_, index) => index + 1), hours - 0.25];
    const samples: [number, number][] = [];
    let presses = 0;
    while (samples.length < sampleAtHours.length) {
      const now = await programMs();
      if (now >= (sampleAtHours[samples.length] as number) * hourMs) {
        samples.push([now / hourMs, await heapAfterGcMb(page)]);
        continue;
      }
      presses += 1;
      const key = presses % 10 === 0 ? (presses % 20 === 0 ? 'ArrowUp' : 'ArrowDown') : ['r', 'd', 'n', 'b', 'm'][presses % 5] as string;
      await page.keyboard.press(key);
      await page.waitForTimeout(pressEveryMs);
    }
    const marks = await page.evaluate(() => performance.getEntriesByName('attune:mark-ack').length);
    const growth = slope(samples);
    const first = samples[0];
    const last = samples.at(-1);
    return [
      `live_heap_growth_mb_per_hour: ${growth.toFixed(2)} MB/h (JS heap after GC, least squares over session hours 1 to ${hours - 0.25}: ${first?.[1].toFixed(1)} MB at ${first?.[0].toFixed(1)} h, ${last?.[1].toFixed(1)} MB at ${last?.[0].toFixed(1)} h; ${marks} marks and ${Math.floor(presses / 10)} volume steps by key, ${speed}× time; goal ≤ 1)`,
    ];
  } finally {
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  }
}
