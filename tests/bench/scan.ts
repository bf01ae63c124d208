import { link, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LibraryIndex } from '../../electron/services/library/library-index';
import { scanLibrary } from '../../electron/services/library/scanner';
import { copyWithTags, makeLibraryMasters, tagWithLoudgain, type LibraryFormat } from '../support/make-library';
import { median } from './stats';

const fileCount = 2000;
const trackSeconds = 240;
const formats: LibraryFormat[] = ['mp3', 'flac', 'm4a', 'ogg', 'opus'];
/** Distinct tagged files per format; the library links each many times (see below). */
const variantsPerFormat = 4;
const runs = 3;

/**
 * 2,000 tagged four-minute tracks in five formats, 80 per folder. Writing 2,000 real copies
 * (several GB) would churn a shared disk, so 20 distinct tagged files are hard-linked under
 * 2,000 paths: the scanner still stats and parses every path; the page cache is warm either way.
 */
async function makeBenchLibrary(dir: string): Promise<string> {
  const masters = await makeLibraryMasters(trackSeconds);
  try {
    const variantsDir = path.join(dir, 'variants');
    await mkdir(variantsDir);
    const variants: string[] = [];
    const loudgainTagged: string[] = [];
    for (const format of formats) {
      for (let variant = 0; variant < variantsPerFormat; variant += 1) {
        const file = path.join(variantsDir, `${format}-${variant}.${format}`);
        const gain = (-8 + variant * 1.37).toFixed(2);
        // ffmpeg cannot write ReplayGain into MP4 in a form music-metadata reads; loudgain can (slowly: it measures).
        const loudness =
          format === 'm4a' ? {} : format === 'opus' ? { r128: String(-1200 + variant * 317) } : { gain: `${gain} dB`, peak: (0.5 + variant * 0.05).toFixed(6) };
        await copyWithTags(masters.files[format], file, { title: `Track ${variant}`, artist: 'Bench ensemble', album: `Album ${format}`, ...loudness });
        if (format === 'm4a') loudgainTagged.push(file);
        variants.push(file);
      }
    }
    await tagWithLoudgain(loudgainTagged);
    const root = path.join(dir, 'Music');
    for (let index = 0; index < fileCount; index += 1) {
      const folder = path.join(root, `Artist ${Math.floor(index / 400)}`, `Album ${Math.floor(index / 80)}`);
      if (index % 80 === 0) await mkdir(folder, { recursive: true });
      const variant = variants[index % variants.length] as string;
      await link(variant, path.join(folder, `${String(index).padStart(4, '0')} Track${path.extname(variant)}`));
    }
    return root;
  } finally {
    await masters.remove();
  }
}

export async function benchScan(): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-scan-'));
  try {
    const root = await makeBenchLibrary(dir);
    const cold: number[] = [];
    const incremental: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const dataDir = await mkdtemp(path.join(dir, 'data-'));
      const index = await LibraryIndex.open(dataDir);
      const first = await scanLibrary([root], index);
      const tagged = index.tracks().filter((track) => track.tagged !== undefined).length;
      if (first.added !== fileCount || tagged !== fileCount) {
        throw new Error(`bench scan: expected ${fileCount} tagged tracks, got ${first.added} tracks (${tagged} tagged), ${first.unreadable} unreadable`);
      }
      cold.push(fileCount / (first.elapsedMs / 1000));
      const again = await scanLibrary([root], index);
      if (again.unchanged !== fileCount) throw new Error(`bench scan: the rescan found ${again.unchanged} of ${fileCount} unchanged`);
      incremental.push(fileCount / (again.elapsedMs / 1000));
    }
    return [
      `scan_tracks_per_s_cold: ${median(cold).toFixed(0)} tracks/s (${fileCount} tagged ${trackSeconds / 60}-minute files, ${formats.join('/')}, empty index, page cache warm; median of ${runs})`,
      `scan_tracks_per_s_incremental: ${median(incremental).toFixed(0)} tracks/s (${fileCount} files, none changed; median of ${runs})`,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
