import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoudnessAnalyzer } from './loudness-analyzer';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const generatedDir = path.join(repoRoot, 'tests', 'fixtures', 'generated');

interface ManifestEntry {
  readonly file: string;
  readonly integratedLufs: number;
  readonly truePeakDbtp: number;
}

let scratch: string;
let manifest: ManifestEntry[];
let longFile: string;

beforeAll(async () => {
  if (!existsSync(path.join(generatedDir, 'manifest.json'))) {
    throw new Error('The generated audio fixtures are missing: run `npm run fixtures` (npm test does) first.');
  }
  manifest = (JSON.parse(await readFile(path.join(generatedDir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }).files;
  scratch = await mkdtemp(path.join(os.tmpdir(), 'attune-analyzer-'));
  // A day of silence (a sparse 16 GB WAV with the size left open, as streams write it): far
  // longer to measure than any test may run, so only a working cancellation gets past it.
  longFile = path.join(scratch, 'a-day-of-silence.wav');
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(0xffff_ffff, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(48_000 * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(0xffff_ffff, 40);
  await writeFile(longFile, header);
  await truncate(longFile, 16 * 1024 ** 3);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('LoudnessAnalyzer', () => {
  it('measures every fixture format on a pool of workers, agreeing with ffmpeg’s ebur128 filter', async () => {
    const analyzer = new LoudnessAnalyzer({ workerCount: 2 });
    try {
      const results = await Promise.all(manifest.map((entry) => analyzer.analyze(path.join(generatedDir, entry.file))));
      results.forEach((result, index) => {
        const entry = manifest[index] as ManifestEntry;
        // The manifest rounds to 0.1.
        expect(Math.abs(result.integratedLufs - entry.integratedLufs), entry.file).toBeLessThanOrEqual(0.1);
        expect(Math.abs(result.truePeakDbtp - entry.truePeakDbtp), entry.file).toBeLessThanOrEqual(0.3);
        expect(result.durationSeconds, entry.file).toBeCloseTo(8, 1);
      });
    } finally {
      await analyzer.dispose();
    }
  });

  it('rejects files it cannot measure with the reason, and goes on with the others', async () => {
    const analyzer = new LoudnessAnalyzer({ workerCount: 1 });
    try {
      const [notAudio, missing, fine] = await Promise.allSettled([
        analyzer.analyze(path.join(generatedDir, 'not-audio.mp3')),
        analyzer.analyze(path.join(scratch, 'missing.flac')),
        analyzer.analyze(path.join(generatedDir, 'tone-440hz-quiet.flac')),
      ]);
      expect(notAudio).toMatchObject({ status: 'rejected', reason: { message: 'The file is not in a recognised audio format.' } });
      expect(missing).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/does not exist/) } });
      expect(fine.status).toBe('fulfilled');
    } finally {
      await analyzer.dispose();
    }
  });

  it('stops a cancelled file and frees its worker for the next one', async () => {
    // No replacement worker after a grace period: the one worker must stop by itself.
    const analyzer = new LoudnessAnalyzer({ workerCount: 1, cancelGraceMs: 600_000 });
    try {
      const controller = new AbortController();
      const long = analyzer.analyze(longFile, controller.signal);
      setTimeout(() => controller.abort(), 300);
      await expect(long).rejects.toMatchObject({ name: 'AbortError', message: 'The loudness analysis was cancelled.' });
      const next = await analyzer.analyze(path.join(generatedDir, 'tone-440hz-quiet.flac'));
      expect(next.integratedLufs).toBeCloseTo(-30, 0);
    } finally {
      await analyzer.dispose();
    }
  });

  it('drops a cancelled file that was still waiting for a worker', async () => {
    const analyzer = new LoudnessAnalyzer({ workerCount: 1 });
    try {
      const first = analyzer.analyze(path.join(generatedDir, 'tone-440hz-normal.flac'));
      const controller = new AbortController();
      const waiting = analyzer.analyze(path.join(generatedDir, 'tone-440hz-quiet.flac'), controller.signal);
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
      expect((await first).integratedLufs).toBeCloseTo(-18, 0);
      const aborted = new AbortController();
      aborted.abort();
      await expect(analyzer.analyze(path.join(generatedDir, 'tone-440hz-normal.flac'), aborted.signal)).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await analyzer.dispose();
    }
  });

  it('fails only the file whose worker crashed, and replaces the worker', async () => {
    // The real worker, plus a listener that kills the thread on one file name.
    const crashingWorker = path.join(scratch, 'crashing-worker.mts');
    await writeFile(
      crashingWorker,
      [
        "import { parentPort } from 'node:worker_threads';",
        "parentPort?.on('message', (request) => { if (request.type === 'analyze' && request.filePath.endsWith('crash-me.wav')) process.exit(70); });",
        `await import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'loudness-worker.ts')).href)});`,
      ].join('\n'),
    );
    await writeFile(path.join(scratch, 'crash-me.wav'), await readFile(path.join(generatedDir, 'tone-440hz-normal.wav')));
    const analyzer = new LoudnessAnalyzer({ workerCount: 1, workerUrl: pathToFileURL(crashingWorker) });
    try {
      const [crashed, after] = await Promise.allSettled([
        analyzer.analyze(path.join(scratch, 'crash-me.wav')),
        analyzer.analyze(path.join(generatedDir, 'tone-440hz-normal.wav')),
      ]);
      expect(crashed).toMatchObject({ status: 'rejected', reason: { message: 'Measuring this file stopped unexpectedly (it exited with code 70); other files are not affected.' } });
      expect(after).toMatchObject({ status: 'fulfilled', value: { integratedLufs: expect.closeTo(-18, 0) } });
    } finally {
      await analyzer.dispose();
    }
  });

  it('rejects waiting and later files once disposed', async () => {
    const analyzer = new LoudnessAnalyzer({ workerCount: 1 });
    const running = expect(analyzer.analyze(longFile)).rejects.toThrow(/shut down while measuring/);
    const waiting = expect(analyzer.analyze(path.join(generatedDir, 'tone-440hz-normal.flac'))).rejects.toThrow(/shut down before/);
    await analyzer.dispose();
    await running;
    await waiting;
    await expect(analyzer.analyze(path.join(generatedDir, 'tone-440hz-normal.flac'))).rejects.toThrow(/shut down/);
  });

  it('finds its worker when bundled, as dist/electron and dist/web run it (worker beside main.js)', async () => {
    // Inside the repository, so the bundle's external packages resolve from node_modules as dist/ does.
    const bundleDir = path.join(repoRoot, 'node_modules', '.cache', `attune-loudness-bundle-${process.pid}`);
    await mkdir(bundleDir, { recursive: true });
    try {
      const entry = path.join(bundleDir, 'entry.ts');
      await writeFile(
        entry,
        [
          `import { LoudnessAnalyzer } from ${JSON.stringify(path.join(import.meta.dirname, 'loudness-analyzer.ts'))};`,
          'const analyzer = new LoudnessAnalyzer({ workerCount: 1 });',
          'console.log(JSON.stringify(await analyzer.analyze(process.argv[2])));',
          'await analyzer.dispose();',
        ].join('\n'),
      );
      const shared = { bundle: true, platform: 'node', target: 'node22', format: 'esm', packages: 'external', logLevel: 'silent' } as const;
      await build({ ...shared, entryPoints: [entry], outfile: path.join(bundleDir, 'main.js') });
      await build({ ...shared, entryPoints: [path.join(import.meta.dirname, 'loudness-worker.ts')], outfile: path.join(bundleDir, 'loudness-worker.js') });
      const { stdout } = await run(process.execPath, [path.join(bundleDir, 'main.js'), path.join(generatedDir, 'tone-440hz-quiet.flac')]);
      expect(JSON.parse(stdout)).toMatchObject({ integratedLufs: expect.closeTo(-30, 0), durationSeconds: 8 });
    } finally {
      await rm(bundleDir, { recursive: true, force: true });
    }
  }, 30_000);
});
