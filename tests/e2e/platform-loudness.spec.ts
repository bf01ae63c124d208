import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { libraryIndexFileName } from '../../electron/services/library/library-index';
import type { LibraryTrack } from '../../core/library';
import { generatedDir } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

const run = promisify(execFile);

/** The generated AAC fixtures: tone and noise at −18 LUFS, pulsing 44.1 kHz noise with a gap, mono tones, square-wave overs. */
const m4aFixtures = ['pink-noise-normal.m4a', 'tone-440hz-normal.m4a', 'loudness/pulsing-noise-44k.m4a', 'loudness/mono-tones.m4a', 'loudness/square-overs.m4a'];

let host: RunningWebHost;
let library: string;
let emptyPath: string;

/** loudgain's integrated loudness (LUFS) and true peak (dBTP) per file, from its tab-separated `-O` output. */
async function loudgain(files: readonly string[]): Promise<Map<string, { integratedLufs: number; truePeakDbtp: number }>> {
  const { stdout } = await run('loudgain', ['-O', '-s', 's', '-q', ...files], { maxBuffer: 4 * 1024 * 1024 });
  const [header, ...rows] = stdout.trim().split('\n');
  const columns = (header ?? '').split('\t');
  const [file, loudness, peak] = ['File', 'Loudness', 'True_Peak'].map((name) => columns.indexOf(name)) as [number, number, number];
  return new Map(
    rows.map((row) => {
      const cells = row.split('\t');
      return [cells[file] as string, { integratedLufs: Number.parseFloat(cells[loudness] as string), truePeakDbtp: 20 * Math.log10(Number(cells[peak])) }];
    }),
  );
}

test.beforeAll(async () => {
  library = await mkdtemp(path.join(os.tmpdir(), 'attune-platform-loudness-'));
  await mkdir(path.join(library, 'aac'), { recursive: true });
  for (const fixture of m4aFixtures) await copyFile(path.join(generatedDir, fixture), path.join(library, 'aac', fixture.replace('/', '-')));
  // The index after the audio (no "fast start"), and raw AAC in ADTS frames: the two other layouts AAC files come in.
  const master = path.join(generatedDir, 'pink-noise-normal.wav');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', master, '-c:a', 'aac', '-b:a', '160k', path.join(library, 'aac', 'index-at-end.m4a')]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', master, '-c:a', 'aac', '-b:a', '160k', '-f', 'adts', path.join(library, 'aac', 'raw-adts.aac')]);
  // Apple Lossless in M4A: neither the host (without ffmpeg) nor Chromium's decoder reads it.
  await run('ffmpeg', ['-v', 'error', '-y', '-i', master, '-c:a', 'alac', path.join(library, 'aac', 'lossless.m4a')]);
  // A format the host decodes itself, to show both paths share one scan.
  await copyFile(path.join(generatedDir, 'tone-440hz-normal.flac'), path.join(library, 'tone.flac'));
  // No ffmpeg for the host: a PATH with nothing on it (the host itself runs from an absolute path).
  emptyPath = await mkdtemp(path.join(os.tmpdir(), 'attune-empty-path-'));
  host = await startWebHost({ env: { ...process.env, PATH: emptyPath } });
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
  await rm(library, { recursive: true, force: true });
  await rm(emptyPath, { recursive: true, force: true });
});

test('without ffmpeg on the host, AAC/M4A tracks are measured by the browser decoder within 0.1 LU of loudgain; one it cannot decode gets its own reason', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${host.url}/#/library`);
  await page.getByLabel('Music folder to add (full path)').fill(library);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('.root-row', { hasText: library })).toBeVisible();
  await page.getByRole('button', { name: 'Scan library' }).click();

  const summary = page.locator('.job-summary');
  await expect(summary).toContainText("with the app's decoder", { timeout: 90_000 });
  await expect(summary).toContainText('Measured 7 tracks with the app');
  await expect(summary).toContainText('1 it could not decode');
  await expect(summary).toContainText('Measured 1 track.');

  const index = JSON.parse(await readFile(path.join(host.dataDir, libraryIndexFileName), 'utf8')) as { tracks: LibraryTrack[] };
  const byName = new Map(index.tracks.map((track) => [path.basename(track.path), track]));
  const aacFiles = [...m4aFixtures.map((fixture) => fixture.replace('/', '-')), 'index-at-end.m4a', 'raw-adts.aac'].map((name) => path.join(library, 'aac', name));
  const references = await loudgain(aacFiles);
  for (const file of aacFiles) {
    const track = byName.get(path.basename(file));
    const reference = references.get(file);
    expect(track?.awaitsPlatformDecode, path.basename(file)).toBeUndefined();
    expect(track?.measured, `${path.basename(file)}: ${track?.analysisProblem ?? 'not measured'}`).toBeDefined();
    if (track?.measured === undefined || reference === undefined) continue;
    expect(Math.abs(track.measured.integratedLufs - reference.integratedLufs), `${path.basename(file)}: ours ${track.measured.integratedLufs.toFixed(2)}, loudgain ${reference.integratedLufs}`).toBeLessThanOrEqual(0.1);
    expect(Math.abs(track.measured.truePeakDbtp - reference.truePeakDbtp), `${path.basename(file)} true peak`).toBeLessThanOrEqual(0.3);
  }
  const lossless = byName.get('lossless.m4a');
  expect(lossless?.measured).toBeUndefined();
  expect(lossless?.analysisProblem).toMatch(/^This computer's audio decoder cannot read Apple Lossless \(ALAC\) audio/);
  expect(byName.get('tone.flac')?.measured).toBeDefined();

  // The table shows the outcome per track once the list is read again.
  await page.reload();
  await expect(page.getByRole('row', { name: /lossless/ })).toContainText('could not be measured');
  await expect(page.getByRole('row', { name: /index-at-end/ })).toContainText('LUFS');
});
