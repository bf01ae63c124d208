import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { LoudnessAnalyzer } from './loudness-analyzer';

const run = promisify(execFile);
const generatedDir = path.resolve(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'generated');

/** Real encoded files: tones and noise at three levels, a pulsing 44.1 kHz noise with a gap, mono tones, square-wave overs. */
const files = [
  ...['mp3', 'flac', 'ogg', 'opus', 'wav', 'm4a'].flatMap((format) => [
    `pink-noise-normal.${format}`,
    `tone-440hz-normal.${format}`,
    `loudness/pulsing-noise-44k.${format}`,
    `loudness/mono-tones.${format}`,
    `loudness/square-overs.${format}`,
  ]),
  'tone-440hz-quiet.flac',
  'tone-440hz-loud.mp3',
];

interface Reference {
  readonly integratedLufs: number;
  readonly truePeakDbtp: number;
}

/** loudgain's track loudness (LUFS) and true peak per file, from its tab-separated `-O` output. */
async function loudgainReferences(paths: readonly string[]): Promise<Map<string, Reference>> {
  let stdout: string;
  try {
    ({ stdout } = await run('loudgain', ['-O', '-s', 's', '-q', ...paths], { maxBuffer: 4 * 1024 * 1024 }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('loudgain is not installed, and these tests compare with it: on Debian, `sudo apt-get install loudgain` (CI installs it).');
    }
    throw error;
  }
  const [header, ...rows] = stdout.trim().split('\n');
  const columns = (header ?? '').split('\t');
  const fileColumn = columns.indexOf('File');
  const loudnessColumn = columns.indexOf('Loudness');
  const peakColumn = columns.indexOf('True_Peak');
  if (fileColumn === -1 || loudnessColumn === -1 || peakColumn === -1) throw new Error(`loudgain's output has no File/Loudness/True_Peak columns: ${header}`);
  return new Map(
    rows.map((row) => {
      const cells = row.split('\t');
      // "−17.99 LUFS"; the linear peak has more digits than the dBTP column.
      return [cells[fileColumn] as string, { integratedLufs: Number.parseFloat(cells[loudnessColumn] as string), truePeakDbtp: 20 * Math.log10(Number(cells[peakColumn])) }];
    }),
  );
}

describe('loudness analysis compared with loudgain (libebur128)', () => {
  const paths = files.map((file) => path.join(generatedDir, file));
  let references: Map<string, Reference>;
  let ours: Map<string, Reference>;

  beforeAll(async () => {
    const missing = paths.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`Generated audio fixtures are missing (${missing.length}, e.g. ${missing[0]}): run \`npm run fixtures\` (npm test does) first.`);
    references = await loudgainReferences(paths);
    const analyzer = new LoudnessAnalyzer({ workerCount: 2 });
    try {
      const results = await Promise.all(paths.map((file) => analyzer.analyze(file)));
      ours = new Map(paths.map((file, index) => [file, results[index] as Reference]));
    } finally {
      await analyzer.dispose();
    }
  }, 120_000);

  for (const file of files) {
    it(`${file}: integrated loudness within ±0.1 LU, true peak within ±0.3 dB`, () => {
      const filePath = path.join(generatedDir, file);
      const reference = references.get(filePath);
      const measured = ours.get(filePath);
      if (reference === undefined || measured === undefined) throw new Error(`no loudgain result for ${file}`);
      expect(Math.abs(measured.integratedLufs - reference.integratedLufs), `ours ${measured.integratedLufs.toFixed(2)} LUFS, loudgain ${reference.integratedLufs} LUFS`).toBeLessThanOrEqual(0.1);
      expect(Math.abs(measured.truePeakDbtp - reference.truePeakDbtp), `ours ${measured.truePeakDbtp.toFixed(2)} dBTP, loudgain ${reference.truePeakDbtp.toFixed(2)} dBTP`).toBeLessThanOrEqual(0.3);
    });
  }
});
