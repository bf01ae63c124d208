import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright';
import { chromiumLaunchOptions } from '../../playwright.config';
import type { LibraryTrack } from '../../core/library';
import { libraryIndexFileName } from '../../electron/services/library/library-index';
import { LoudnessAnalyzer } from '../../electron/services/library/loudness-analyzer';
import { removeDataDir, startWebHost } from '../support/web-host';
import { median } from './stats';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
/** Git-ignored; kept between runs, since making an hour of MP3 takes a while. */
const benchDir = path.join(repoRoot, 'tests', 'fixtures', 'generated', 'bench-loudness');
const runs = Math.max(1, Math.min(3, Number(process.env.ATTUNE_BENCH_RUNS ?? 3)));

const encoders: Record<string, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '192k'],
  flac: ['-c:a', 'flac'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '5'],
  opus: ['-c:a', 'libopus', '-b:a', '128k', '-ar', '48000'],
  wav: ['-c:a', 'pcm_s16le'],
  // AAC as most stores and rippers write it (index first), and as some tools leave it (index after the audio).
  m4a: ['-c:a', 'aac', '-b:a', '192k', '-movflags', '+faststart'],
  'slow-start.m4a': ['-c:a', 'aac', '-b:a', '160k', '-f', 'mp4'],
};

/** sox synth recipes, so the tracks differ in spectrum, dynamics and gaps as music does. */
const recipes: ((seconds: number) => string[])[] = [
  (seconds) => ['synth', `${seconds}`, 'pinknoise', 'tremolo', '0.2', '70'],
  (seconds) => ['synth', `${seconds}`, 'brownnoise', 'synth', `${seconds}`, 'sine', 'mix', '440', 'tremolo', '0.1', '50'],
  (seconds) => ['synth', `${seconds}`, 'sine', '100-4000', 'synth', `${seconds}`, 'pinknoise', 'mix'],
  (seconds) => ['synth', `${seconds - 10}`, 'pinknoise', 'tremolo', '0.5', '90', 'pad', `5@${Math.floor(seconds / 3)}`, `5@${Math.floor((2 * seconds) / 3)}`],
];

interface TrackSpec {
  readonly file: string;
  readonly rate: number;
  readonly channels: number;
  readonly seconds: number;
  readonly effects: string[];
  readonly format: string;
}

/** 20 tracks of 2½ to 4 minutes: five formats, 44.1 and 48 kHz, a few mono, levels from −1 to −18 dBFS peak. */
function trackSpecs(): TrackSpec[] {
  const formats = Object.keys(encoders);
  return Array.from({ length: 20 }, (_, index) => {
    const format = formats[index % formats.length] as string;
    const seconds = 150 + ((index * 17) % 90);
    const recipe = recipes[index % recipes.length] as (seconds: number) => string[];
    return {
      file: `track-${String(index + 1).padStart(2, '0')}.${format}`,
      rate: index % 3 === 0 ? 48_000 : 44_100,
      channels: index % 7 === 3 ? 1 : 2,
      seconds,
      effects: [...recipe(seconds), 'gain', '-n', `${-1 - ((index * 3) % 18)}`],
      format,
    };
  });
}

/** Six AAC tracks of 2½ to 4 minutes from the same recipes: 44.1 and 48 kHz, one mono, two with the index after the audio. */
function aacTrackSpecs(): TrackSpec[] {
  return Array.from({ length: 6 }, (_, index) => {
    const seconds = 150 + ((index * 23) % 90);
    const recipe = recipes[index % recipes.length] as (seconds: number) => string[];
    const format = index % 3 === 2 ? 'slow-start.m4a' : 'm4a';
    return {
      file: `aac-${String(index + 1).padStart(2, '0')}.${format}`,
      rate: index % 2 === 0 ? 44_100 : 48_000,
      channels: index === 3 ? 1 : 2,
      seconds,
      effects: [...recipe(seconds), 'gain', '-n', `${-2 - ((index * 5) % 16)}`],
      format,
    };
  });
}

async function requireTool(command: string, versionFlag: string): Promise<void> {
  try {
    await run(command, [versionFlag]);
  } catch {
    throw new Error(`benchLoudness needs "${command}" on PATH (Debian: sudo apt-get install ${command})`);
  }
}

/** Writes through a temporary name, so an interrupted run never leaves a half file behind. */
async function produce(target: string, write: (partial: string) => Promise<unknown>): Promise<void> {
  if (existsSync(target)) return;
  const { dir, name, ext } = path.parse(target);
  const partial = path.join(dir, `${name}.partial${ext}`);
  await rm(partial, { force: true });
  await write(partial);
  await rename(partial, target);
}

async function makeTrack(spec: TrackSpec, folder = benchDir): Promise<string> {
  const target = path.join(folder, spec.file);
  await produce(target, async (partial) => {
    const master = path.join(folder, `${spec.file}.master.wav`);
    try {
      await run('sox', ['-R', '-n', '-r', `${spec.rate}`, '-c', `${spec.channels}`, '-b', '24', master, ...spec.effects]);
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', master, ...(encoders[spec.format] as string[]), partial]);
    } finally {
      await rm(master, { force: true });
    }
  });
  return target;
}

/** An hour of slowly pulsing pink noise as a 128 kbps MP3 (the format that costs most to decode). */
async function makeHourTrack(): Promise<string> {
  const target = path.join(benchDir, 'hour.mp3');
  await produce(target, (partial) =>
    run('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=d=3600:c=pink:r=44100:a=0.3,tremolo=f=0.15:d=0.6',
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      partial,
    ]),
  );
  return target;
}

/** loudgain's integrated loudness per file (one process, files in turn, as a curator runs it). */
async function runLoudgain(files: readonly string[]): Promise<{ seconds: number; loudness: Map<string, number> }> {
  const started = performance.now();
  const { stdout } = await run('loudgain', ['-O', '-s', 's', '-q', ...files], { maxBuffer: 4 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  const [header, ...rows] = stdout.trim().split('\n');
  const columns = (header ?? '').split('\t');
  const fileColumn = columns.indexOf('File');
  const loudnessColumn = columns.indexOf('Loudness');
  return { seconds, loudness: new Map(rows.map((row) => row.split('\t')).map((cells) => [cells[fileColumn] as string, Number.parseFloat(cells[loudnessColumn] as string)])) };
}

/** The production worker when `npm run bench` has built it, else the TypeScript source. */
function workerUrl(): URL | undefined {
  const bundled = path.join(repoRoot, 'dist', 'electron', 'loudness-worker.js');
  return existsSync(bundled) ? pathToFileURL(bundled) : undefined;
}

async function runOurs(files: readonly string[]): Promise<{ seconds: number; loudness: Map<string, number>; audioSeconds: number; workers: number }> {
  const started = performance.now();
  const url = workerUrl();
  const analyzer = new LoudnessAnalyzer(url === undefined ? {} : { workerUrl: url });
  try {
    const results = await Promise.all(files.map((file) => analyzer.analyze(file)));
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds,
      loudness: new Map(files.map((file, index) => [file, results[index]?.integratedLufs ?? Number.NaN])),
      audioSeconds: results.reduce((sum, result) => sum + result.durationSeconds, 0),
      workers: analyzer.workerCount,
    };
  } finally {
    await analyzer.dispose();
  }
}

/** Peak resident memory of this process (its worker threads included) while one hour-long file is measured. */
async function peakRssMeasuringHour(file: string): Promise<{ peakAboveMb: number; baselineMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const url = workerUrl();
  const analyzer = new LoudnessAnalyzer(url === undefined ? {} : { workerUrl: url });
  try {
    await analyzer.analyze(file);
    peak = Math.max(peak, process.memoryUsage.rss());
  } finally {
    clearInterval(sampler);
    await analyzer.dispose();
  }
  const megabytes = (bytes: number) => bytes / (1024 * 1024);
  return { peakAboveMb: megabytes(peak - baseline), baselineMb: megabytes(baseline) };
}

/** An hour of slowly pulsing pink noise as 128 kbps AAC, with the index after the audio (the harder case to stream). */
async function makeHourAac(folder: string): Promise<string> {
  const target = path.join(folder, 'hour.m4a');
  await produce(target, (partial) =>
    run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=3600:c=pink:r=44100:a=0.3,tremolo=f=0.15:d=0.6', '-ac', '2', '-c:a', 'aac', '-b:a', '128k', '-f', 'mp4', partial]),
  );
  return target;
}

/** Resident memory of a process and all its descendants (Linux /proc), in bytes. */
async function treeRssBytes(rootPid: number): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      parents.set(pid, Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      rss.set(pid, Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // The process ended while the list was read.
    }
  }
  const inTree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!inTree.has(pid) && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of inTree) total += rss.get(pid) ?? 0;
  return total;
}

/**
 * Chromium's resident memory (every process of its own launch, sampled every 100 ms) while the
 * app measures the AAC files in `folder` through the platform path, above what it held before.
 */
async function platformPeakRss(folder: string): Promise<{ peakAboveMb: number; baselineMb: number; seconds: number }> {
  const server = await chromium.launchServer(chromiumLaunchOptions);
  const browser = await chromium.connect(server.wsEndpoint());
  const rootPid = server.process().pid;
  if (rootPid === undefined) throw new Error('Chromium started without a process id');
  try {
    let peak = 0;
    let baseline = 0;
    let sampling: ReturnType<typeof setInterval> | undefined;
    const result = await runPlatformPath(browser, folder, {
      beforeScan: async () => {
        baseline = await treeRssBytes(rootPid);
        peak = baseline;
        sampling = setInterval(() => void treeRssBytes(rootPid).then((bytes) => (peak = Math.max(peak, bytes))), 100);
      },
    });
    clearInterval(sampling);
    const megabytes = (bytes: number) => bytes / (1024 * 1024);
    return { peakAboveMb: megabytes(peak - baseline), baselineMb: megabytes(baseline), seconds: result.seconds };
  } finally {
    await browser.close();
    await server.close();
  }
}

/**
 * The platform path as a user meets it: the built web host with no ffmpeg on its PATH scans a
 * folder of AAC tracks, and the app (open in Chromium) measures them with WebCodecs. Answers
 * each file's integrated loudness as the library index stored it, and the scan's wall time.
 */
async function runPlatformPath(browser: Browser, folder: string, hooks: { beforeScan?: () => Promise<void> } = {}): Promise<{ seconds: number; loudness: Map<string, number> }> {
  const emptyPath = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-no-ffmpeg-'));
  const host = await startWebHost({ env: { ...process.env, PATH: emptyPath } });
  const page = await browser.newPage();
  try {
    await page.goto(`${host.url}/#/library`);
    await page.getByLabel('Music folder to add (full path)').fill(folder);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await page.locator('.root-row', { hasText: folder }).waitFor();
    await hooks.beforeScan?.();
    const started = performance.now();
    await page.getByRole('button', { name: 'Scan library' }).click();
    await page.locator('.job-summary', { hasText: "with the app's decoder" }).waitFor({ timeout: 600_000 });
    const seconds = (performance.now() - started) / 1000;
    const summary = (await page.locator('.job-summary').textContent()) ?? '';
    if (/could not decode|wait for the app/.test(summary)) throw new Error(`the platform path did not measure every AAC track: ${summary}`);
    const index = JSON.parse(await readFile(path.join(host.dataDir, libraryIndexFileName), 'utf8')) as { tracks: LibraryTrack[] };
    return { seconds, loudness: new Map(index.tracks.map((track) => [track.path, track.measured?.integratedLufs ?? Number.NaN])) };
  } finally {
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
    await rm(emptyPath, { recursive: true, force: true });
  }
}

/** AAC/M4A through both paths against loudgain: the app's WebCodecs decoder (no ffmpeg) and the host's ffmpeg. */
async function benchAac(browser: Browser): Promise<string[]> {
  const folder = path.join(benchDir, 'aac');
  await mkdir(folder, { recursive: true });
  const files: string[] = [];
  for (const spec of aacTrackSpecs()) files.push(await makeTrack(spec, folder));
  const reference = await runLoudgain(files);
  const platform = await runPlatformPath(browser, folder);
  const ffmpeg = await runOurs(files);
  const maxDiff = (loudness: Map<string, number>) => Math.max(...files.map((file) => Math.abs((loudness.get(file) ?? Number.NaN) - (reference.loudness.get(file) ?? Number.NaN))));
  const minutes = ffmpeg.audioSeconds / 60;
  const hourFolder = path.join(benchDir, 'aac-hour');
  const shortFolder = path.join(benchDir, 'aac-short');
  await mkdir(hourFolder, { recursive: true });
  await mkdir(shortFolder, { recursive: true });
  const hour = await makeHourAac(hourFolder);
  // The hour twice in a row (a hard link): what stays from one file would add up on the second.
  await produce(path.join(hourFolder, 'hour-again.m4a'), (partial) => link(hour, partial));
  await produce(path.join(shortFolder, 'short.m4a'), (partial) => copyFile(files[2] as string, partial));
  // The same measurement of one 3-minute file: what a worker and a decoder cost whatever the length.
  const short = await platformPeakRss(shortFolder);
  const hours = await platformPeakRss(hourFolder);
  return [
    `loudness_max_abs_diff_lu_aac: ${maxDiff(platform.loudness).toFixed(3)} LU (the app's WebCodecs decoder, web host without ffmpeg, vs loudgain; ${files.length} AAC tracks, ${minutes.toFixed(0)} min, 2 with the index after the audio)`,
    `loudness_max_abs_diff_lu_aac_ffmpeg: ${maxDiff(ffmpeg.loudness).toFixed(3)} LU (the host's ffmpeg path on the same tracks, vs loudgain)`,
    `loudness_aac_platform_x_realtime: ${(ffmpeg.audioSeconds / platform.seconds).toFixed(0)} x (scan and measure in one Chromium tab, one file at a time; the ffmpeg path: ${(ffmpeg.audioSeconds / ffmpeg.seconds).toFixed(0)} x on ${ffmpeg.workers} worker threads)`,
    `loudness_platform_peak_rss_mb_60min_aac: ${hours.peakAboveMb.toFixed(0)} MB above baseline (every Chromium process while two 60-minute files are measured in turn, baseline ${hours.baselineMb.toFixed(0)} MB; ${hours.seconds.toFixed(0)} s for the two)`,
    `reference_platform_peak_rss_mb_3min_aac: ${short.peakAboveMb.toFixed(0)} MB above baseline (the same for one 3-minute file, index after the audio)`,
  ];
}

export async function benchLoudness(browser: () => Promise<Browser>): Promise<string[]> {
  await requireTool('sox', '--version');
  await requireTool('ffmpeg', '-version');
  await requireTool('loudgain', '--version');
  await mkdir(benchDir, { recursive: true });
  const files: string[] = [];
  for (const spec of trackSpecs()) files.push(await makeTrack(spec));
  const hour = await makeHourTrack();

  // Memory first, while the process holds nothing freed by earlier runs that a worker could reuse unseen.
  const memory = await peakRssMeasuringHour(hour);

  // Alternating, so both see the same file cache and the same neighbours on the CPU.
  const loudgainSeconds: number[] = [];
  const ourSeconds: number[] = [];
  let loudgainLoudness = new Map<string, number>();
  let ours = await runOurs(files); // warms the file cache; not counted
  for (let index = 0; index < runs; index += 1) {
    const reference = await runLoudgain(files);
    loudgainSeconds.push(reference.seconds);
    loudgainLoudness = reference.loudness;
    ours = await runOurs(files);
    ourSeconds.push(ours.seconds);
  }
  const loudgainMedian = median(loudgainSeconds);
  const ourMedian = median(ourSeconds);
  const maxDiff = Math.max(...files.map((file) => Math.abs((ours.loudness.get(file) ?? Number.NaN) - (loudgainLoudness.get(file) ?? Number.NaN))));
  const worker = workerUrl() === undefined ? 'TypeScript worker' : 'bundled worker';
  return [
    `loudness_x_realtime: ${(ours.audioSeconds / ourMedian).toFixed(0)} x (20 tracks, ${(ours.audioSeconds / 60).toFixed(0)} min of audio, ${ours.workers} worker threads, ${worker}; median of ${runs})`,
    `loudness_vs_loudgain_ratio: ${(ourMedian / loudgainMedian).toFixed(2)} (our wall time / loudgain's on the same 20 generated tracks; loudgain: ${loudgainMedian.toFixed(1)} s, ours: ${ourMedian.toFixed(1)} s)`,
    `loudness_max_abs_diff_lu: ${maxDiff.toFixed(2)} LU`,
    `loudness_peak_rss_mb_60min_track: ${memory.peakAboveMb.toFixed(0)} MB above baseline (baseline ${memory.baselineMb.toFixed(0)} MB)`,
    ...(await benchAac(await browser())),
  ];
}
