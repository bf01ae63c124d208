import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryJob, LoudnessMeasurement } from '../../../core/library';
import { SettingsService } from '../settings';
import { LibraryService, platformStage, type LibraryServiceOptions, type LoudnessAnalysis } from './library-service';
import { LoudnessAnalysisError } from './loudness-analyzer';

const generated = fileURLToPath(new URL('../../../tests/fixtures/generated/', import.meta.url));
const measurement: LoudnessMeasurement = { integratedLufs: -18.4, truePeakDbtp: -7.9, rangeLu: 1, durationSeconds: 8 };

let dataDir: string;
let musicDir: string;
let services: LibraryService[];
let pendingTold: number[];

/** The worker pool as it answers without ffmpeg: FLAC is measured, AAC/M4A needs a decoder the host lacks. */
const analyzerWithoutFfmpeg: LoudnessAnalysis = {
  workerCount: 2,
  analyze: async (filePath) => {
    if (filePath.endsWith('.m4a')) throw new LoudnessAnalysisError('AAC/M4A files can be analysed when ffmpeg is installed', 'needs-ffmpeg');
    return { integratedLufs: -18, truePeakDbtp: -17.3, rangeLu: 0, durationSeconds: 8 };
  },
  dispose: async () => undefined,
};

function createService(options: Partial<LibraryServiceOptions> = {}): LibraryService {
  const settings = new SettingsService({
    openStore: () => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }),
    filePath: path.join(dataDir, 'settings.json'),
  });
  const service = new LibraryService({ dataDir, settings, createAnalyzer: () => analyzerWithoutFfmpeg, onPlatformWork: (pending) => pendingTold.push(pending), ...options });
  services.push(service);
  return service;
}

async function until<T>(read: () => T | Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const value = await read();
    if (accept(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('waited in vain');
}

const inPlatformStage = (job: LibraryJob | null) => job?.state === 'running' && job.stage === platformStage && job.total !== undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-platform-data-'));
  musicDir = await mkdtemp(path.join(os.tmpdir(), 'attune-platform-music-'));
  await copyFile(path.join(generated, 'tone-440hz-normal.flac'), path.join(musicDir, 'tone.flac'));
  await copyFile(path.join(generated, 'tone-440hz-normal.m4a'), path.join(musicDir, 'tone.m4a'));
  await copyFile(path.join(generated, 'pink-noise-normal.m4a'), path.join(musicDir, 'pink.m4a'));
  services = [];
  pendingTold = [];
});

afterEach(async () => {
  await Promise.all(services.map((service) => service.dispose()));
  await rm(dataDir, { recursive: true, force: true });
  await rm(musicDir, { recursive: true, force: true });
});

describe('tracks only the platform decoder can read', () => {
  it('wait in the scan job for the app, which takes each once and stores a measurement or the reason it could not decode', async () => {
    const library = createService();
    await library.addRoot(musicDir);
    library.scan(true);
    const job = await until(() => library.jobs.status(), inPlatformStage);
    expect(job?.total).toBe(2);
    expect(pendingTold.at(-1)).toBe(2);
    const waiting = (await library.view()).tracks.filter((track) => track.awaitsPlatformDecode === true).map((track) => path.basename(track.path));
    expect(waiting.sort()).toEqual(['pink.m4a', 'tone.m4a']);

    const first = await library.takePlatformTask();
    const second = await library.takePlatformTask();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(second?.path).not.toBe(first?.path);
    expect(await library.takePlatformTask()).toBeNull();
    expect(library.jobs.status()?.currentPath).toBe(second?.path);

    if (first === null || second === null) return;
    expect(await library.storePlatformResult(first, { kind: 'measured', measurement })).toBe(true);
    expect(library.jobs.status()?.done).toBe(1);
    expect(await library.storePlatformResult(second, { kind: 'failed', reason: "This computer's audio decoder cannot read Apple Lossless (ALAC) audio." })).toBe(true);

    await library.jobs.settled();
    const ended = library.jobs.status();
    expect(ended?.state).toBe('done');
    expect(ended?.summary).toContain('Measured 1 track.');
    expect(ended?.summary).toContain("Measured 1 track with the app's decoder; 1 it could not decode (see the list).");
    expect(pendingTold.at(-1)).toBe(0);

    const tracks = new Map((await createService().view()).tracks.map((track) => [track.path, track]));
    expect(tracks.get(first.path)?.measured).toEqual(measurement);
    expect(tracks.get(first.path)?.awaitsPlatformDecode).toBeUndefined();
    expect(tracks.get(second.path)?.analysisProblem).toMatch(/cannot read Apple Lossless/);
    expect(tracks.get(second.path)?.awaitsPlatformDecode).toBeUndefined();
  });

  it('stay waiting when no app asks (no window open), across a restart, until an app takes them in a job of their own', async () => {
    const library = createService({ platformIdleMs: 150 });
    await library.addRoot(musicDir);
    library.scan(true);
    await library.jobs.settled();
    expect(library.jobs.status()?.summary).toContain("2 tracks (AAC/M4A) wait for the app's decoder; they are measured while Attune is open.");
    await library.dispose();

    const restarted = createService({ platformIdleMs: 5_000 });
    expect(restarted.jobs.status()).toBeNull();
    const task = await restarted.takePlatformTask();
    expect(task).not.toBeNull();
    const job = restarted.jobs.status();
    expect(job).toMatchObject({ kind: 'analyse', state: 'running', stage: platformStage, currentPath: task?.path });
    if (task === null) return;
    await restarted.storePlatformResult(task, { kind: 'measured', measurement });
    const next = await restarted.takePlatformTask();
    if (next === null) throw new Error('the second track was not offered');
    await restarted.storePlatformResult(next, { kind: 'measured', measurement });
    await restarted.jobs.settled();
    expect(restarted.jobs.status()).toMatchObject({ state: 'done', total: 2, done: 2 });
    expect((await restarted.view()).tracks.filter((track) => track.measured !== undefined)).toHaveLength(3);
  });

  it('are not handed out while another job runs, and a claim the app never answers lapses and is offered again', async () => {
    const library = createService({ platformIdleMs: 5_000, platformClaimMs: 100 });
    await library.addRoot(musicDir);
    library.scan(false);
    expect(await library.takePlatformTask()).toBeNull();
    await library.jobs.settled();
    // Tags were read but nothing measured: nothing waits for the app yet.
    expect(await library.takePlatformTask()).toBeNull();

    library.scan(true);
    await until(() => library.jobs.status(), inPlatformStage);
    const taken = await library.takePlatformTask();
    const other = await library.takePlatformTask();
    expect(await library.takePlatformTask()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const again = await library.takePlatformTask();
    expect([taken?.path, other?.path]).toContain(again?.path);
    library.jobs.cancel();
    await library.jobs.settled();
    expect(library.jobs.status()?.state).toBe('cancelled');
  });

  it('keep a result only for the file version that was measured', async () => {
    const library = createService({ platformIdleMs: 5_000 });
    await library.addRoot(musicDir);
    library.scan(true);
    await until(() => library.jobs.status(), inPlatformStage);
    const task = await library.takePlatformTask();
    if (task === null) throw new Error('nothing was offered');
    expect(await library.storePlatformResult({ ...task, mtimeMs: task.mtimeMs - 1000 }, { kind: 'measured', measurement })).toBe(false);
    const track = (await library.view()).tracks.find((candidate) => candidate.path === task.path);
    expect(track?.measured).toBeUndefined();
    expect(track?.awaitsPlatformDecode).toBe(true);
    library.jobs.cancel();
  });
});
