import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

const generatedDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'generated');
const generated = existsSync(path.join(generatedDir, 'fixture-playlist.json'));
if (!generated) console.log('SKIP media e2e: run `npm run fixtures` first (npm test does).');

let host: RunningWebHost | undefined;

test.beforeAll(async () => {
  if (!generated) return;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-e2e-media-'));
  const playlistsDir = path.join(dataDir, 'playlists');
  await mkdir(playlistsDir);
  // The fixture playlist and its audio side by side, as a user's playlist folder would hold them.
  for (const entry of await readdir(generatedDir, { withFileTypes: true })) {
    if (entry.isFile() && (entry.name === 'fixture-playlist.json' || !entry.name.endsWith('.json'))) {
      await copyFile(path.join(generatedDir, entry.name), path.join(playlistsDir, entry.name));
    }
  }
  host = await startWebHost({ dataDir });
});

test.afterAll(async () => {
  if (host === undefined) return;
  await host.stop('SIGTERM');
  await removeDataDir(host.dataDir);
});

test.beforeEach(() => {
  test.skip(!generated, 'audio fixtures not generated');
});

test('Chromium plays every fixture format from the media route', async ({ page }) => {
  await page.goto(host?.url ?? '');
  for (const format of ['mp3', 'm4a', 'flac', 'ogg', 'opus', 'wav']) {
    const outcome = await page.evaluate(async (src) => {
      const audio = new Audio(src);
      return new Promise<string>((resolve) => {
        audio.onloadedmetadata = () => resolve(`duration ${audio.duration.toFixed(0)}`);
        audio.onerror = () => resolve(`error ${audio.error?.code ?? '?'} ${audio.error?.message ?? ''}`);
      });
    }, `media/fixture-playlist/tone-${format}`);
    expect(outcome, format).toBe('duration 8');
  }
});

test('a seek is answered with 206 and Web Audio hears the same-origin element', async ({ page }) => {
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/media/fixture-playlist/tone-ogg')) statuses.push(response.status());
  });
  await page.goto(host?.url ?? '');
  const heard = await page.evaluate(async (src) => {
    const audio = new Audio(src);
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaElementSource(audio).connect(analyser);
    analyser.connect(context.destination);
    await context.resume();
    await new Promise((resolve, reject) => {
      audio.oncanplay = resolve;
      audio.onerror = () => reject(new Error(audio.error?.message ?? 'media error'));
    });
    audio.currentTime = 5;
    await audio.play();
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    for (let attempt = 0; attempt < 20 && peak === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      analyser.getFloatTimeDomainData(samples);
      peak = samples.reduce((highest, sample) => Math.max(highest, Math.abs(sample)), 0);
    }
    const position = audio.currentTime;
    audio.pause();
    await context.close();
    return { peak, position };
  }, 'media/fixture-playlist/tone-ogg');
  // A cross-origin element would feed Web Audio silence; the tone peaks near −17.6 dBFS (0.13).
  expect(heard.peak).toBeGreaterThan(0.05);
  expect(heard.position).toBeGreaterThanOrEqual(5);
  expect(statuses).toContain(206);
});

test('a missing file and a text file named .mp3 fail on the element instead of hanging', async ({ page }) => {
  await page.goto(host?.url ?? '');
  for (const segmentId of ['missing', 'not-audio']) {
    const outcome = await page.evaluate(async (src) => {
      const audio = new Audio(src);
      return new Promise<string>((resolve) => {
        audio.onloadedmetadata = () => resolve('loaded');
        audio.onerror = () => resolve('error');
      });
    }, `media/fixture-playlist/${segmentId}`);
    expect(outcome, segmentId).toBe('error');
  }
});
