import { startSessionFromHome } from '../support/start-session';
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright';
import { buildPlan, type PlannedEntry } from '../../core/plan';
import type { FileSegment, Playlist } from '../../core/playlist';
import type { AttuneDiagnostics } from '../../renderer/diagnostics';
import { bundleAudioHarness } from '../support/bundle-audio-harness';
import { generatedDir, installFixturePlaylist } from '../support/fixture-playlist';
import { metricsAfterGc } from './metrics-after-gc';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { median } from './stats';
import { openHarnessPage } from '../support/harness-page';

/** [performance.now(), programMs, outputLevelDb] every ~10 ms, collected in the page. */
type LevelSample = [number, number, number];

declare global {
  interface Window {
    __benchLevelSamples?: LevelSample[];
  }
}

const silenceDb = -60;
/** SessionPlayer's startFadeSeconds: the music bus fades in over the first 2 s. */
const startFadeMs = 2000;

interface Manifest {
  readonly files: { readonly file: string; readonly signal: 'tone' | 'pink'; readonly integratedLufs: number; readonly truePeakDbtp: number }[];
}

async function manifest(): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(generatedDir, 'manifest.json'), 'utf8')) as Manifest;
}

/**
 * `count` short file segments in one phase, tone and pink noise by turns (two copies of
 * the same 440 Hz sine would be correlated and crossfade in or out of phase), every format.
 */
async function shortSegmentSet(id: string, count: number, segmentSeconds: number, crossfadeSeconds: number): Promise<(playlist: Playlist) => Playlist> {
  const { files } = await manifest();
  const normal = (signal: 'tone' | 'pink') => files.filter((file) => file.signal === signal && file.file.includes('-normal.'));
  const tones = normal('tone');
  const pinks = normal('pink');
  const segments: FileSegment[] = Array.from({ length: count }, (_, index) => {
    const pool = index % 2 === 0 ? tones : pinks;
    const file = pool[Math.floor(index / 2) % pool.length] ?? files[0];
    if (file === undefined) throw new Error('the fixture manifest lists no files');
    return {
      type: 'file',
      id: `s${String(index).padStart(3, '0')}`,
      path: path.join(generatedDir, file.file),
      title: `${index} ${file.file}`,
      durationSeconds: segmentSeconds,
      loudness: { integratedLufs: file.integratedLufs, truePeakDbtp: file.truePeakDbtp },
    };
  });
  const totalSeconds = (count - 1) * (segmentSeconds - crossfadeSeconds) + segmentSeconds;
  return (playlist) => ({
    ...playlist,
    id,
    title: `Bench ${id}`,
    crossfadeSeconds,
    phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: totalSeconds / 60, segments }],
  });
}

interface Running {
  readonly host: RunningWebHost;
  readonly page: Page;
  readonly playlist: Playlist;
  readonly sessionId: string;
  close(): Promise<void>;
}

/** Starts a session of `playlist` in the web host opened with `?diagnostics`, sampling the output level from before the start. */
async function startSession(
  browser: Browser,
  change: (dataDir: string) => Promise<(playlist: Playlist) => Playlist>,
  sampleLevels: boolean,
): Promise<Running> {
  const host = await startWebHost();
  const page = await browser.newPage();
  const close = async () => {
    if (!page.isClosed()) await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  };
  try {
    const playlist = await installFixturePlaylist(host.dataDir, await change(host.dataDir));
    await page.goto(`${host.url}/?diagnostics`);
    if (sampleLevels) {
      await page.evaluate(() => {
        const diagnostics: AttuneDiagnostics | undefined = window.__attuneDiagnostics;
        if (diagnostics === undefined) throw new Error('the page exposes no diagnostics');
        const samples: LevelSample[] = [];
        window.__benchLevelSamples = samples;
        setInterval(() => samples.push([performance.now(), diagnostics.programMs(), diagnostics.outputLevelDb()]), 10);
      });
    }
    await page.getByRole('radio', { name: playlist.title }).check();
    await startSessionFromHome(page);
    await page.getByTestId('now-playing').waitFor();
    const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
    return { host, page, playlist, sessionId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const programMs = (page: Page) => page.evaluate(() => window.__attuneDiagnostics?.programMs() ?? 0);

async function waitForProgram(page: Page, targetMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await programMs(page)) < targetMs) {
    if (Date.now() > deadline) throw new Error(`program time did not reach ${targetMs} ms in time (at ${await programMs(page)} ms)`);
    await sleep(100);
  }
}

/** Segment id → what went wrong, from the session's journal. */
async function playbackProblems(running: Running): Promise<Map<string, string>> {
  const text = await readFile(path.join(running.host.dataDir, 'sessions', running.sessionId, 'events.jsonl'), 'utf8');
  const events = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; payload: { segmentId?: string; reason?: string; detail?: string } });
  return new Map(
    events.filter((event) => event.kind === 'playback-problem').map((event) => [event.payload.segmentId ?? '', `${event.payload.reason ?? ''}: ${event.payload.detail ?? ''}`]),
  );
}

const toPower = (db: number) => (Number.isFinite(db) ? 10 ** (db / 10) : 0);
const toDb = (power: number) => (power > 0 ? 10 * Math.log10(power) : Number.NEGATIVE_INFINITY);

/**
 * The program clock is read from AudioContext.currentTime, which moves in steps of one
 * audio callback (~23 ms here); the page's own clock is smooth and runs at the same rate
 * while nothing pauses. So each sample is placed at its wall-clock time plus the largest
 * program-minus-wall offset seen (the moment just after a step).
 */
function onProgramClock(samples: readonly LevelSample[]): LevelSample[] {
  const playing = samples.filter(([, program]) => program > 0);
  const offset = Math.max(...playing.map(([at, program]) => program - at));
  return playing.map(([at, , db]) => [at, at + offset, db]);
}

/** Power mean of the samples whose program time falls in [fromMs, toMs); NaN when there are none. */
function levelOver(samples: readonly LevelSample[], fromMs: number, toMs: number): number {
  const inside = samples.filter(([, program]) => program >= fromMs && program < toMs);
  if (inside.length === 0) return Number.NaN;
  return toDb(inside.reduce((sum, [, , db]) => sum + toPower(db), 0) / inside.length);
}

/** Longest run of consecutive samples under −60 dBFS with program time in [fromMs, toMs), in wall-clock ms. */
function longestSilence(samples: readonly LevelSample[], fromMs: number, toMs: number, intervalMs: number): number {
  let longest = 0;
  let runStart: number | undefined;
  let runEnd = 0;
  for (const [at, program, db] of samples) {
    if (program < fromMs || program >= toMs) continue;
    if (db < silenceDb) {
      runStart ??= at;
      runEnd = at;
      longest = Math.max(longest, runEnd - runStart + intervalMs);
    } else {
      runStart = undefined;
    }
  }
  return longest;
}

/** Worst 100 ms level (power mean) in [fromMs, toMs) under the quieter of the two steady levels beside it, in dB. */
function dipBelow(samples: readonly LevelSample[], fromMs: number, toMs: number, before: [number, number], after: [number, number]): number {
  const steady = Math.min(levelOver(samples, ...before), levelOver(samples, ...after));
  let lowest = Number.POSITIVE_INFINITY;
  for (let centre = fromMs; centre <= toMs; centre += 10) lowest = Math.min(lowest, levelOver(samples, centre - 50, centre + 50));
  return steady - lowest;
}

/** The analyser behind outputLevelDb() reads the last 2048 frames (46 ms at 44.1 kHz), so a ±50 ms mean of its readings spans about 150 ms. */
const liveWindowSeconds = 0.146;

/**
 * The same transitions (same files, positions and track gains) rendered offline through the
 * engine's fade and chain code: the dip the content itself makes, with sample-exact starts.
 */
async function offlineDips(browser: Browser, pairs: readonly (readonly [FileSegment, FileSegment, number])[]): Promise<Map<string, number>> {
  const page = await browser.newPage();
  const dips = new Map<string, number>();
  try {
    await openHarnessPage(page, await bundleAudioHarness(), 'attuneAudioHarness');
    const bytes = new Map<string, string>();
    const base64 = async (file: string) => {
      const known = bytes.get(file);
      if (known !== undefined) return known;
      const read = (await readFile(file)).toString('base64');
      bytes.set(file, read);
      return read;
    };
    for (const [outgoing, incoming, outgoingPositionSeconds] of pairs) {
      const key = pairKey(outgoing, incoming);
      if (dips.has(key) || outgoing.loudness === undefined || incoming.loudness === undefined) continue;
      const options = {
        outgoing: await base64(outgoing.path),
        incoming: await base64(incoming.path),
        outgoingLoudness: outgoing.loudness,
        incomingLoudness: incoming.loudness,
        outgoingFrom: outgoingPositionSeconds - 0.5,
        fadeAt: 0.5,
        fadeSeconds: 0.5,
        totalSeconds: 1.5,
        windowSeconds: liveWindowSeconds,
      };
      const result = await page.evaluate((renderOptions) => window.attuneAudioHarness.renderFileCrossfade(renderOptions), options);
      dips.set(key, Math.min(result.steadyBeforeDb, result.steadyAfterDb) - result.lowestDb);
    }
    return dips;
  } finally {
    await page.close();
  }
}

const pairKey = (outgoing: FileSegment, incoming: FileSegment) => `${outgoing.path}\n${incoming.path}`;

interface TransitionFigures {
  readonly counted: number;
  readonly excluded: number;
  readonly gapMaxMs: number;
  readonly silentTransitions: number;
  readonly dipWorstDb: number;
  readonly dipMedianDb: number;
  readonly offlineDipWorstDb: number;
  /** The largest amount by which a live dip was deeper than the offline render of the same transition. */
  readonly excessWorstDb: number;
  readonly steadyGapMaxMs: number;
  readonly samplingMs: number;
}

function countedTransitions(entries: readonly PlannedEntry[], problems: ReadonlyMap<string, string>): { counted: [PlannedEntry, PlannedEntry][]; excluded: number } {
  const transitions = entries.filter((entry) => entry.index > 0 && entry.fadeInMs > 0 && entry.startMs >= startFadeMs + 500);
  const counted: [PlannedEntry, PlannedEntry][] = [];
  for (const entry of transitions) {
    const previous = entries[entry.index - 1];
    if (previous !== undefined && !problems.has(entry.segment.id) && !problems.has(previous.segment.id)) counted.push([previous, entry]);
  }
  return { counted, excluded: transitions.length - counted.length };
}

const fileOf = (entry: PlannedEntry): FileSegment => {
  if (entry.segment.type !== 'file') throw new Error(`${entry.segment.id} is not a file segment`);
  return entry.segment;
};

function transitionFigures(
  rawSamples: readonly LevelSample[],
  transitions: { counted: readonly [PlannedEntry, PlannedEntry][]; excluded: number },
  offline: ReadonlyMap<string, number>,
): TransitionFigures {
  const samples = onProgramClock(rawSamples);
  const intervals = samples.slice(1).map(([at], index) => at - (samples[index] as LevelSample)[0]);
  const samplingMs = median(intervals);
  const gaps: number[] = [];
  const dips: number[] = [];
  const offlineDipsSeen: number[] = [];
  const excess: number[] = [];
  const steadyGaps: number[] = [];
  for (const [previous, entry] of transitions.counted) {
    const fadeEnd = entry.startMs + entry.fadeInMs;
    gaps.push(longestSilence(samples, entry.startMs - 250, fadeEnd + 250, samplingMs));
    const dip = dipBelow(samples, entry.startMs, fadeEnd, [entry.startMs - 250, entry.startMs - 50], [fadeEnd + 50, fadeEnd + 250]);
    const offlineDip = offline.get(pairKey(fileOf(previous), fileOf(entry)));
    if (Number.isFinite(dip)) dips.push(dip);
    if (offlineDip !== undefined) offlineDipsSeen.push(offlineDip);
    if (Number.isFinite(dip) && offlineDip !== undefined) excess.push(dip - offlineDip);
    // The same gap measure in the middle of the segment, where one file plays alone.
    const middle = entry.startMs + entry.fadeInMs + (entry.endMs - entry.fadeOutMs - entry.startMs - entry.fadeInMs) / 2;
    steadyGaps.push(longestSilence(samples, middle - 250, middle + 250, samplingMs));
  }
  return {
    counted: transitions.counted.length,
    excluded: transitions.excluded,
    gapMaxMs: Math.max(0, ...gaps),
    silentTransitions: gaps.filter((gap) => gap > 0).length,
    dipWorstDb: Math.max(...dips),
    dipMedianDb: median(dips),
    offlineDipWorstDb: Math.max(...offlineDipsSeen),
    excessWorstDb: Math.max(...excess),
    steadyGapMaxMs: Math.max(0, ...steadyGaps),
    samplingMs,
  };
}

/** 56 two-second segments with 0.5 s crossfades: 54 transitions after the start fade, sampled every ~10 ms. */
export async function benchTransitions(browser: Browser): Promise<string[]> {
  const running = await startSession(browser, () => shortSegmentSet('bench-transitions', 56, 2, 0.5), true);
  try {
    const plan = buildPlan(running.playlist);
    const last = plan.entries.at(-1);
    if (last === undefined) throw new Error('the bench plan is empty');
    // To the end of the last segment's fade to silence (the program clock stops there).
    await waitForProgram(running.page, plan.totalMs - 100, plan.totalMs + 60_000);
    const samples = await running.page.evaluate(() => window.__benchLevelSamples ?? []);
    const transitions = countedTransitions(plan.entries, await playbackProblems(running));
    const offline = await offlineDips(
      browser,
      transitions.counted.map(([previous, entry]) => [fileOf(previous), fileOf(entry), (entry.startMs - previous.startMs) / 1000] as const),
    );
    const figures = transitionFigures(samples, transitions, offline);
    return [
      `transition_gap_max_ms: ${figures.gapMaxMs.toFixed(0)} ms (longest run under −60 dBFS within 250 ms of ${figures.counted} crossfades of 0.5 s; ${figures.silentTransitions} had any; ${figures.excluded} excluded for a playback problem; level sampled every ${figures.samplingMs.toFixed(1)} ms)`,
      `reference_steady_gap_max_ms: ${figures.steadyGapMaxMs.toFixed(0)} ms (the same measure mid-segment, one file playing alone)`,
      `crossfade_dip_db: ${figures.dipWorstDb.toFixed(2)} dB (worst short-term level through a crossfade under the quieter 200 ms steady level beside it, from the live samples; median ${figures.dipMedianDb.toFixed(2)} dB; at most ${figures.excessWorstDb.toFixed(2)} dB deeper than the offline render of the same transition)`,
      `reference_offline_dip_db: ${figures.offlineDipWorstDb.toFixed(2)} dB (the same transitions, files and track gains rendered offline through the engine's fade and chain code: the dip the content makes by itself)`,
    ];
  } finally {
    await running.close();
  }
}

/** JS heap in use after two full collections, and the Web Audio nodes the renderer still holds. */
async function memoryAfterGc(page: Page): Promise<{ heapMb: number; audioHandlers: number }> {
  const metric = await metricsAfterGc(page);
  return { heapMb: metric('JSHeapUsedSize') / 1_048_576, audioHandlers: metric('AudioHandlers') };
}

const counts = (page: Page) => page.evaluate(() => ({ elements: window.__attuneDiagnostics?.audioElementCount() ?? 0, decks: window.__attuneDiagnostics?.deckCount() ?? 0 }));

/** One-second segments with 0.25 s crossfades; the plan runs on well past transition 200 so the preload window is full there. */
export async function benchLongRun(browser: Browser): Promise<string[]> {
  const segmentSeconds = 1;
  const crossfadeSeconds = 0.25;
  const stepMs = (segmentSeconds - crossfadeSeconds) * 1000;
  const running = await startSession(browser, () => shortSegmentSet('bench-long-run', 260, segmentSeconds, crossfadeSeconds), false);
  try {
    const at = async (transitions: number) => {
      await waitForProgram(running.page, transitions * stepMs + 400, transitions * stepMs + 120_000);
      return { ...(await memoryAfterGc(running.page)), ...(await counts(running.page)) };
    };
    const early = await at(20);
    const late = await at(200);
    const growth = ((late.heapMb - early.heapMb) / 180) * 100;
    return [
      `renderer_heap_growth_mb_per_100_transitions: ${growth.toFixed(2)} MB (JS heap after GC: ${early.heapMb.toFixed(1)} MB at transition 20, ${late.heapMb.toFixed(1)} MB at 200; 1 s segments, 0.25 s crossfades; Web Audio nodes alive ${early.audioHandlers} → ${late.audioHandlers})`,
      `audio_elements_after_200_transitions: ${late.elements} (howler's sounds of live Howls plus its unlocked html5 pool; ${early.elements} at transition 20)`,
      `decks_after_200_transitions: ${late.decks} (the player's live decks, every entry starting within its 30 s preload window; ${early.decks} at transition 20)`,
    ];
  } finally {
    await running.close();
  }
}

/** Renderer process CPU (all its threads, audio included) and main-thread task time, as % of one core over the window. */
async function cpuOver(page: Page, seconds: number): Promise<{ processPercent: number; mainThreadPercent: number }> {
  // One session for both readings: TaskDuration counts from Performance.enable on that session.
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    const reading = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
      return { processSeconds: value('ProcessTime'), taskSeconds: value('TaskDuration'), timestamp: value('Timestamp') };
    };
    const start = await reading();
    await sleep(seconds * 1000);
    const end = await reading();
    const elapsed = end.timestamp - start.timestamp;
    return {
      processPercent: ((end.processSeconds - start.processSeconds) / elapsed) * 100,
      mainThreadPercent: ((end.taskSeconds - start.taskSeconds) / elapsed) * 100,
    };
  } finally {
    await cdp.detach();
  }
}

const cpuSeconds = 60;

/** A 75 s mp3 of the fixture pink noise looped, so one file plays through the whole window. */
async function longFile(dataDir: string): Promise<string> {
  // Next to the playlist file, where the host serves files from.
  const folder = path.join(dataDir, 'playlists');
  await mkdir(folder, { recursive: true });
  const target = path.join(folder, 'long-pink-noise.mp3');
  await promisify(execFile)('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-stream_loop',
    '9',
    '-i',
    path.join(generatedDir, 'pink-noise-normal.flac'),
    '-t',
    '75',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '192k',
    target,
  ]);
  return target;
}

export async function benchPlaybackCpu(browser: Browser): Promise<string[]> {
  const pink = (await manifest()).files.find((file) => file.file === 'pink-noise-normal.mp3');
  const oneLongFile = async (dataDir: string) => {
    const filePath = await longFile(dataDir);
    return (playlist: Playlist): Playlist => ({
      ...playlist,
      id: 'bench-cpu',
      title: 'Bench CPU',
      phases: [
        {
          id: 'onset',
          kind: 'onset',
          title: 'Onset',
          targetMinutes: 75 / 60,
          segments: [
            {
              type: 'file',
              id: 'long',
              path: filePath,
              title: 'Pink noise, 75 s mp3',
              durationSeconds: 75,
              ...(pink === undefined ? {} : { loudness: { integratedLufs: pink.integratedLufs, truePeakDbtp: pink.truePeakDbtp } }),
            },
          ],
        },
      ],
    });
  };
  const running = await startSession(browser, oneLongFile, false);
  try {
    await waitForProgram(running.page, startFadeMs + 1000, 30_000);
    const playing = await cpuOver(running.page, cpuSeconds);
    const level = await running.page.evaluate(() => window.__attuneDiagnostics?.outputLevelDb() ?? Number.NEGATIVE_INFINITY);
    const problems = [...(await playbackProblems(running)).values()];
    // The idle page gets a renderer of its own once the playing one is gone.
    await running.page.close();
    const idlePage = await browser.newPage();
    try {
      await idlePage.goto(running.host.url);
      await idlePage.getByRole('button', { name: 'Start session' }).waitFor();
      const idle = await cpuOver(idlePage, cpuSeconds);
      return [
        `playback_cpu_percent: ${playing.processPercent.toFixed(1)} % of one core (renderer process CPU time, all threads, over ${cpuSeconds} s playing one mp3 through the limiter; output at ${level.toFixed(0)} dBFS${problems.length > 0 ? `; PLAYBACK PROBLEM ${problems.join('; ')}` : ''}; main thread ${playing.mainThreadPercent.toFixed(1)} %)`,
        `reference_idle_cpu_percent: ${idle.processPercent.toFixed(1)} % (the same measure on the start screen, idle, ${cpuSeconds} s; main thread ${idle.mainThreadPercent.toFixed(1)} %)`,
      ];
    } finally {
      await idlePage.close();
    }
  } finally {
    await running.close();
  }
}

