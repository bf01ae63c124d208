import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoudnessMeasurement } from '../../../core/library';
import { ContractFailure } from '../../../core/result';
import { SettingsService } from '../settings';
import { LibraryService, type LoudnessAnalysis } from './library-service';

const generated = fileURLToPath(new URL('../../../tests/fixtures/generated/', import.meta.url));

let dataDir: string;
let musicDir: string;
let service: LibraryService;
let analysed: string[];

/** Stands in for the worker pool: records what it was asked to measure; one file fails as a corrupt one would. */
function fakeAnalyzer(options: { delayMs?: number } = {}): LoudnessAnalysis {
  return {
    workerCount: 2,
    analyze: async (filePath: string, signal?: AbortSignal): Promise<LoudnessMeasurement> => {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      if (signal?.aborted === true) throw new Error('cancelled');
      analysed.push(filePath);
      if (filePath.includes('broken')) throw new Error('the audio data is corrupt');
      return { integratedLufs: -20, truePeakDbtp: -3, rangeLu: 4, durationSeconds: 8 };
    },
    dispose: async () => undefined,
  };
}

function createService(analyzer: LoudnessAnalysis = fakeAnalyzer()) {
  const settings = new SettingsService({
    openStore: () => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }),
    filePath: path.join(dataDir, 'settings.json'),
  });
  return new LibraryService({ dataDir, settings, createAnalyzer: () => analyzer });
}

async function finished(library: LibraryService) {
  await library.jobs.settled();
  const job = library.jobs.status();
  if (job === null) throw new Error('no job ran');
  return job;
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-library-data-'));
  musicDir = await mkdtemp(path.join(os.tmpdir(), 'attune-library-music-'));
  await mkdir(path.join(musicDir, 'Album'), { recursive: true });
  await copyFile(path.join(generated, 'tone-440hz-normal.flac'), path.join(musicDir, 'Album', 'one.flac'));
  await copyFile(path.join(generated, 'pink-noise-normal.mp3'), path.join(musicDir, 'Album', 'two.mp3'));
  await copyFile(path.join(generated, 'tone-440hz-normal.ogg'), path.join(musicDir, 'broken-but-tagged.ogg'));
  await copyFile(path.join(generated, 'not-audio.mp3'), path.join(musicDir, 'not-audio.mp3'));
  analysed = [];
  service = createService();
});

afterEach(async () => {
  await service.dispose();
  await rm(dataDir, { recursive: true, force: true });
  await rm(musicDir, { recursive: true, force: true });
});

describe('library roots', () => {
  it('keeps added folders in the settings, and refuses what is not a folder with the reason', async () => {
    const view = await service.addRoot(musicDir);
    expect(view.roots).toEqual([musicDir]);
    expect(createService().roots()).toEqual([musicDir]);

    await expect(service.addRoot('music')).rejects.toThrow(/full path/);
    await expect(service.addRoot(path.join(musicDir, 'nowhere'))).rejects.toThrow(/no folder/);
    await expect(service.addRoot(path.join(musicDir, 'Album', 'one.flac'))).rejects.toThrow(/is a file/);
    await expect(service.addRoot(path.join(musicDir, 'Album'))).rejects.toMatchObject({ code: 'conflict' });
    expect((await service.addRoot(musicDir)).roots).toEqual([musicDir]);

    expect((await service.removeRoot(musicDir)).roots).toEqual([]);
  });

  it('forgets a removed folder\'s tracks and unreadable files in the view', async () => {
    await service.addRoot(musicDir);
    service.scan(false);
    await finished(service);
    expect((await service.view()).unreadable).toHaveLength(1);
    const view = await service.removeRoot(musicDir);
    expect(view.tracks).toEqual([]);
    expect(view.unreadable).toEqual([]);
  });
});

describe('scan and analysis job', () => {
  it('scans, lists unreadable files with reasons, then measures the tracks without trustworthy tags', async () => {
    await service.addRoot(musicDir);
    const started = service.scan(true);
    expect(started).toMatchObject({ kind: 'scan', state: 'running' });

    const job = await finished(service);
    expect(job.state).toBe('done');
    expect(job.summary).toMatch(/3 tracks in the library/);
    expect(job.summary).toMatch(/1 unreadable/);
    expect(job.summary).toMatch(/Measured 2 tracks; 1 could not be measured/);

    const view = await service.view();
    expect(view.tracks.map((track) => path.basename(track.path)).sort()).toEqual(['broken-but-tagged.ogg', 'one.flac', 'two.mp3']);
    expect(view.unreadable.map((file) => path.basename(file.path))).toEqual(['not-audio.mp3']);
    expect(view.unreadable[0]?.reason).not.toBe('');
    const one = view.tracks.find((track) => track.path.endsWith('one.flac'));
    expect(one?.measured).toEqual({ integratedLufs: -20, truePeakDbtp: -3, rangeLu: 4, durationSeconds: 8 });
    const broken = view.tracks.find((track) => track.path.endsWith('broken-but-tagged.ogg'));
    expect(broken?.analysisProblem).toBe('the audio data is corrupt');
  });

  it('measures nothing again on a second scan, and keeps results across a restart', async () => {
    await service.addRoot(musicDir);
    service.scan(true);
    await finished(service);
    const firstRound = analysed.length;

    const restarted = createService();
    try {
      restarted.scan(true);
      const job = await finished(restarted);
      expect(job.summary).toMatch(/Every track has trustworthy loudness/);
      expect(analysed.length).toBe(firstRound);
      expect((await restarted.view()).tracks.filter((track) => track.measured !== undefined)).toHaveLength(2);
    } finally {
      await restarted.dispose();
    }
  });

  it('measures a file again once it changed', async () => {
    await service.addRoot(musicDir);
    service.scan(true);
    await finished(service);
    await copyFile(path.join(generated, 'tone-440hz-quiet.flac'), path.join(musicDir, 'Album', 'one.flac'));
    analysed = [];
    service.scan(true);
    await finished(service);
    expect(analysed.map((file) => path.basename(file))).toEqual(['one.flac']);
  });

  it('refuses a second job while one runs, and cancelling keeps what was measured', async () => {
    for (let copy = 0; copy < 12; copy += 1) await copyFile(path.join(generated, 'tone-440hz-normal.wav'), path.join(musicDir, `copy-${copy}.wav`));
    const slow = createService(fakeAnalyzer({ delayMs: 60 }));
    try {
      await slow.addRoot(musicDir);
      slow.scan(true);
      expect(() => slow.scan(true)).toThrow(ContractFailure);
      while ((slow.jobs.status()?.stage ?? '') !== 'Measuring loudness' || (slow.jobs.status()?.done ?? 0) < 2) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(slow.jobs.status()?.total).toBe(15);
      slow.jobs.cancel();
      const job = await finished(slow);
      expect(job.state).toBe('cancelled');
      const measured = (await slow.view()).tracks.filter((track) => track.measured !== undefined).length;
      expect(measured).toBeGreaterThanOrEqual(2);
      expect(measured).toBeLessThan(15);
    } finally {
      await slow.dispose();
    }
  });

  it('analyses chosen tracks on request, and says when none is in the library', async () => {
    await service.addRoot(musicDir);
    service.scan(false);
    await finished(service);
    expect(analysed).toEqual([]);
    service.analyse([path.join(musicDir, 'Album', 'two.mp3')]);
    expect((await finished(service)).summary).toBe('Measured 1 track.');
    service.analyse([path.join(musicDir, 'elsewhere.mp3')]);
    expect(await finished(service)).toMatchObject({ state: 'failed', summary: expect.stringMatching(/scan it first/) });
  });

  it('reports a library folder that disappeared, and keeps its tracks', async () => {
    await service.addRoot(musicDir);
    service.scan(false);
    await finished(service);
    await rm(musicDir, { recursive: true, force: true });
    await writeFile(path.join(dataDir, 'marker'), '');
    service.scan(false);
    const job = await finished(service);
    expect(job.summary).toMatch(/Could not scan/);
    expect((await service.view()).rootProblems).toHaveLength(1);
  });
});
