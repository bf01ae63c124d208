import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findResyncPoint, readLayout, spliceFragment, UnsupportedLayoutError, type AudioLayout } from '../../renderer/audio/gapless/audio-fragments';

const gaplessDir = path.resolve(import.meta.dirname, '..', 'fixtures', 'generated', 'gapless');

async function fixture(name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path.join(gaplessDir, name)));
  } catch {
    throw new Error(`${name} is missing: run \`npm run fixtures\` first (npm test does)`);
  }
}

function layoutOf(bytes: Uint8Array, extension: string): AudioLayout {
  const layout = readLayout(bytes, extension);
  if ('needBytes' in layout) throw new Error(`the whole file was given, yet the layout asks for ${layout.needBytes} bytes`);
  return layout;
}

describe('readLayout', () => {
  it('finds each container’s sample rate and where its audio data starts', async () => {
    const wav = layoutOf(await fixture('part-03.wav'), 'wav');
    expect(wav).toMatchObject({ format: 'wav', sampleRate: 48_000, headerBytes: 44, blockAlign: 4, dataEnd: 44 + 120_000 * 4 });
    for (const [extension, format] of [['flac', 'flac'], ['mp3', 'mp3'], ['ogg', 'ogg-vorbis']] as const) {
      const bytes = await fixture(`part-03.${extension}`);
      const layout = layoutOf(bytes, extension);
      expect(layout.format).toBe(format);
      expect(layout.sampleRate).toBe(48_000);
      // The first audio frame or page starts right where the headers end.
      expect(findResyncPoint(layout, bytes.subarray(layout.headerBytes), layout.headerBytes)).toBe(layout.headerBytes);
    }
  });

  it('reads an Opus stream in Ogg: decoded at 48 kHz, its audio pages after the head and tags', async () => {
    const bytes = await readFile(path.join(gaplessDir, '..', 'pink-noise-normal.opus')).then((buffer) => new Uint8Array(buffer));
    const layout = layoutOf(bytes, 'opus');
    expect(layout).toMatchObject({ format: 'ogg-opus', sampleRate: 48_000 });
    expect(findResyncPoint(layout, bytes.subarray(layout.headerBytes), layout.headerBytes)).toBe(layout.headerBytes);
    // The head and tags pages come before it, nothing of the audio.
    expect(new TextDecoder().decode(bytes.subarray(0, layout.headerBytes))).toContain('OpusTags');
    expect(layout.headerBytes).toBeLessThan(4096);
    // Cut inside the tags, it asks for more.
    expect(readLayout(bytes.subarray(0, layout.headerBytes - 1), 'opus')).toHaveProperty('needBytes');
  });

  it('asks for more bytes when the headers run past what was read (cover art can take megabytes)', async () => {
    const flac = await fixture('part-03.flac');
    const short = readLayout(flac.subarray(0, 100), 'flac');
    expect(short).toHaveProperty('needBytes');
    const layout = layoutOf(flac, 'flac');
    expect('needBytes' in short && short.needBytes <= layout.headerBytes).toBe(true);
  });

  it('says plainly which formats it does not join', () => {
    expect(() => readLayout(new Uint8Array(64), 'm4a')).toThrow(UnsupportedLayoutError);
    expect(() => readLayout(new Uint8Array(64), 'flac')).toThrow(/not a FLAC stream/);
  });
});

describe('findResyncPoint', () => {
  it('finds the next frame or page after an arbitrary byte in the middle of the data', async () => {
    for (const extension of ['flac', 'mp3', 'ogg']) {
      const bytes = await fixture(`part-03.${extension}`);
      const layout = layoutOf(bytes, extension);
      const from = Math.floor(bytes.length / 2) + 3;
      const resync = findResyncPoint(layout, bytes.subarray(from), from);
      expect(resync).toBeDefined();
      expect(resync).toBeGreaterThanOrEqual(from);
      // Resyncing again from that point finds the same frame: it is a real one, not noise that happened to look like a header.
      expect(findResyncPoint(layout, bytes.subarray(resync ?? 0), resync ?? 0)).toBe(resync);
    }
  });

  it('rounds a WAV offset up to the next whole sample frame', async () => {
    const layout = layoutOf(await fixture('part-03.wav'), 'wav');
    expect(findResyncPoint(layout, new Uint8Array(16), 44 + 401)).toBe(44 + 404);
    expect(findResyncPoint(layout, new Uint8Array(16), 44 + 400)).toBe(44 + 400);
  });
});

describe('spliceFragment', () => {
  it('puts the headers before the audio and patches a WAV’s sizes to the data present', async () => {
    const wav = await fixture('part-03.wav');
    const layout = layoutOf(wav, 'wav');
    const audio = wav.subarray(44 + 4000, 44 + 8000);
    const fragment = spliceFragment(layout, wav, audio);
    const view = new DataView(fragment.buffer);
    expect(fragment.length).toBe(44 + 4000);
    expect(view.getUint32(4, true)).toBe(fragment.length - 8);
    expect(view.getUint32(40, true)).toBe(4000);
    expect(fragment.subarray(44)).toEqual(audio);
    // The original file is left as it was.
    expect(new DataView(wav.buffer, wav.byteOffset).getUint32(40, true)).toBe(480_000);
  });
});
