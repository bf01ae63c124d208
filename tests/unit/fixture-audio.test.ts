import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlaylistText } from '../../core/playlist';
import { createMediaHandler } from '../../electron/services/media';
import { PlaylistCatalog } from '../../electron/services/playlists';

const generatedDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'generated');
const playlistPath = path.join(generatedDir, 'fixture-playlist.json');
const generated = existsSync(playlistPath) && existsSync(path.join(generatedDir, 'manifest.json'));
if (!generated) console.log('SKIP fixture audio: run `npm run fixtures` first (npm test does).');

interface ManifestEntry {
  readonly file: string;
  readonly format: string;
  readonly targetLufs: number;
  readonly integratedLufs: number;
  readonly truePeakDbtp: number;
}

const expectedTypes: Record<string, string> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
};

describe.skipIf(!generated)('generated audio fixtures', () => {
  it('include a playlist in the project format whose only missing file is the one meant to be missing', async () => {
    const parsed = parsePlaylistText(await readFile(playlistPath, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const fileSegments = parsed.value.phases.flatMap((phase) => phase.segments).filter((segment) => segment.type === 'file');
    const missing = fileSegments.filter((segment) => !existsSync(path.resolve(generatedDir, segment.path)));
    expect(missing.map((segment) => segment.id)).toEqual(['missing']);
  });

  it('cover every format at −18 LUFS, one 12 dB quieter and one near −9 LUFS, all under 0 dBTP', async () => {
    const manifest = JSON.parse(await readFile(path.join(generatedDir, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
    const normal = manifest.files.filter((entry) => entry.targetLufs === -18);
    expect(new Set(normal.map((entry) => entry.format))).toEqual(new Set(Object.keys(expectedTypes)));
    expect(manifest.files.map((entry) => entry.targetLufs).sort((a, b) => a - b)).toContain(-30);
    expect(manifest.files.map((entry) => entry.targetLufs)).toContain(-9);
    for (const entry of manifest.files) {
      expect(Math.abs(entry.integratedLufs - entry.targetLufs), entry.file).toBeLessThanOrEqual(1);
      expect(entry.truePeakDbtp, entry.file).toBeLessThan(0);
    }
  });

  it('include a truncated MP3 of about 30% of a whole one, and a text file named .mp3', async () => {
    const whole = (await stat(path.join(generatedDir, 'tone-440hz-normal.mp3'))).size;
    const truncated = (await stat(path.join(generatedDir, 'truncated.mp3'))).size;
    expect(truncated / whole).toBeCloseTo(0.3, 2);
    expect(await readFile(path.join(generatedDir, 'not-audio.mp3'), 'utf8')).toMatch(/text file/);
  });

  it('are served by the media handler with their types and ranges', async () => {
    const serveMedia = createMediaHandler({
      playlists: new PlaylistCatalog([{ kind: 'user', directory: generatedDir }]),
      libraryRoots: async () => [],
    });
    for (const [format, type] of Object.entries(expectedTypes)) {
      const answer = await serveMedia(`fixture-playlist/tone-${format}`, 'bytes=0-1023');
      expect(answer.status, format).toBe(206);
      expect(answer.headers['content-type'], format).toBe(type);
    }
    expect((await serveMedia('fixture-playlist/missing')).status).toBe(404);
    expect((await serveMedia('fixture-playlist/closing')).status).toBe(404);
  });
});
