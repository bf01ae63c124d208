import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAudioFile, type DecodedChunk } from './decode';
import { readWave } from './decoders/wave';

const run = promisify(execFile);
const generatedDir = path.resolve(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'generated');

function requireFixtures(): void {
  if (!existsSync(path.join(generatedDir, 'loudness', 'square-overs.wav'))) {
    throw new Error('The generated audio fixtures are missing: run `npm run fixtures` (npm test does) first.');
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'attune-decode-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface WaveSpec {
  readonly encoding: 'integer' | 'float';
  readonly bits: 8 | 16 | 24 | 32 | 64;
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
  readonly extensible?: boolean;
  /** As ffmpeg writes to a pipe: RIFF and data sizes 0xFFFFFFFF. */
  readonly unknownSizes?: boolean;
  /** Chunks placed before `fmt `, e.g. an odd-sized LIST chunk (which must be padded). */
  readonly leadingChunks?: readonly { id: string; body: Uint8Array }[];
}

/** Writes a WAVE file by the book, independently of the reader under test. */
function waveBytes(spec: WaveSpec): Uint8Array {
  const channelCount = spec.channels.length;
  const frames = (spec.channels[0] as Float32Array).length;
  const bytesPerSample = spec.bits / 8;
  const data = new DataView(new ArrayBuffer(frames * channelCount * bytesPerSample));
  for (let frame = 0; frame < frames; frame += 1) {
    for (let channel = 0; channel < channelCount; channel += 1) {
      const value = (spec.channels[channel] as Float32Array)[frame] as number;
      const offset = (frame * channelCount + channel) * bytesPerSample;
      if (spec.encoding === 'float') {
        if (spec.bits === 32) data.setFloat32(offset, value, true);
        else data.setFloat64(offset, value, true);
      } else if (spec.bits === 8) data.setUint8(offset, Math.min(127, Math.round(value * 128)) + 128);
      else if (spec.bits === 16) data.setInt16(offset, Math.min(32_767, Math.round(value * 32_768)), true);
      else if (spec.bits === 32) data.setInt32(offset, Math.min(2_147_483_647, Math.round(value * 2_147_483_648)), true);
      else {
        const scaled = Math.min(8_388_607, Math.round(value * 8_388_608));
        data.setUint8(offset, scaled & 0xff);
        data.setUint8(offset + 1, (scaled >> 8) & 0xff);
        data.setUint8(offset + 2, (scaled >> 16) & 0xff);
      }
    }
  }
  const fmt = new DataView(new ArrayBuffer(spec.extensible === true ? 40 : 16));
  const tag = spec.encoding === 'float' ? 3 : 1;
  fmt.setUint16(0, spec.extensible === true ? 0xfffe : tag, true);
  fmt.setUint16(2, channelCount, true);
  fmt.setUint32(4, spec.sampleRate, true);
  fmt.setUint32(8, spec.sampleRate * channelCount * bytesPerSample, true);
  fmt.setUint16(12, channelCount * bytesPerSample, true);
  fmt.setUint16(14, spec.bits, true);
  if (spec.extensible === true) {
    fmt.setUint16(16, 22, true);
    fmt.setUint16(18, spec.bits, true);
    fmt.setUint32(20, 0, true);
    fmt.setUint16(24, tag, true);
  }
  const chunk = (id: string, body: Uint8Array, size = body.length) => {
    const header = new DataView(new ArrayBuffer(8));
    [...id].forEach((char, index) => header.setUint8(index, char.charCodeAt(0)));
    header.setUint32(4, size, true);
    return [new Uint8Array(header.buffer), body, ...(body.length % 2 === 1 ? [new Uint8Array(1)] : [])];
  };
  const parts = [
    ...(spec.leadingChunks ?? []).flatMap(({ id, body }) => chunk(id, body)),
    ...chunk('fmt ', new Uint8Array(fmt.buffer)),
    ...chunk('data', new Uint8Array(data.buffer), spec.unknownSizes === true ? 0xffff_ffff : data.byteLength),
  ];
  const bodyLength = parts.reduce((sum, part) => sum + part.length, 0);
  const riff = new DataView(new ArrayBuffer(12));
  riff.setUint32(0, 0x46464952, true); // RIFF
  riff.setUint32(4, spec.unknownSizes === true ? 0xffff_ffff : bodyLength + 4, true);
  riff.setUint32(8, 0x45564157, true); // WAVE
  return Buffer.concat([new Uint8Array(riff.buffer), ...parts]);
}

/** Distinct, deterministic content per channel (a different sine each) within ±0.9. */
function testChannels(channelCount: number, frames: number): Float32Array[] {
  return Array.from({ length: channelCount }, (_, channel) =>
    Float32Array.from({ length: frames }, (_, frame) => 0.9 * Math.sin((2 * Math.PI * (channel + 1) * 3 * frame) / frames)),
  );
}

async function collect(chunks: AsyncIterable<DecodedChunk>): Promise<{ sampleRate: number; channels: Float32Array[]; chunkFrames: number[] }> {
  const parts: DecodedChunk[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  const channelCount = parts[0]?.channels.length ?? 0;
  const channels = Array.from({ length: channelCount }, (_, channel) => {
    const joined = new Float32Array(parts.reduce((sum, part) => sum + (part.channels[channel] as Float32Array).length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part.channels[channel] as Float32Array, offset);
      offset += (part.channels[channel] as Float32Array).length;
    }
    return joined;
  });
  return { sampleRate: parts[0]?.sampleRate ?? 0, channels, chunkFrames: parts.map((part) => (part.channels[0] as Float32Array).length) };
}

async function decodeError(filePath: string, signal?: AbortSignal): Promise<unknown> {
  try {
    await collect(decodeAudioFile(filePath, signal));
  } catch (error) {
    return error;
  }
  throw new Error(`${filePath} decoded without an error`);
}

async function* bytesOf(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= offset || cut >= bytes.length) continue;
    yield bytes.slice(offset, cut);
    offset = cut;
  }
  yield bytes.slice(offset);
}

/** Energy of one frequency in a signal (Goertzel), to tell channels apart after a codec. */
function toneEnergy(samples: Float32Array, hz: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}

describe('WAV reader', () => {
  const variants = [
    // Integers are scaled by 2^(bits−1), so a sample is off by at most half a step (plus float32 rounding).
    { encoding: 'integer', bits: 8, step: 0.5 / 128 },
    { encoding: 'integer', bits: 16, step: 0.5 / 32_768 },
    { encoding: 'integer', bits: 24, step: 0.5 / 8_388_608 + 1e-7 },
    { encoding: 'integer', bits: 32, step: 1e-7 },
    { encoding: 'float', bits: 32, step: 1e-7 },
    { encoding: 'float', bits: 64, step: 1e-7 },
  ] as const;
  for (const { encoding, bits, step } of variants) {
    for (const extensible of [false, true]) {
      it(`reads ${bits}-bit ${encoding} samples${extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''} into planar channels in order`, async () => {
        const channels = testChannels(3, 4410);
        const file = path.join(scratch, `pcm-${encoding}-${bits}-${extensible}.wav`);
        await writeFile(file, waveBytes({ encoding, bits, sampleRate: 44_100, channels, extensible }));
        const decoded = await collect(decodeAudioFile(file));
        expect(decoded.sampleRate).toBe(44_100);
        expect(decoded.channels).toHaveLength(3);
        decoded.channels.forEach((channel, index) => {
          const source = channels[index] as Float32Array;
          expect(channel).toHaveLength(source.length);
          let worst = 0;
          for (let frame = 0; frame < source.length; frame += 1) worst = Math.max(worst, Math.abs((channel[frame] as number) - (source[frame] as number)));
          expect(worst, `channel ${index}`).toBeLessThanOrEqual(step);
        });
      });
    }
  }

  it('gives the same samples however the bytes arrive (split frames, split headers)', async () => {
    const bytes = waveBytes({ encoding: 'integer', bits: 24, sampleRate: 48_000, channels: testChannels(2, 3000), leadingChunks: [{ id: 'LIST', body: new Uint8Array(7) }] });
    const whole = await collect(readWave(bytesOf(bytes, [])));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }), async (cuts) => {
        const split = await collect(readWave(bytesOf(bytes, cuts)));
        expect(split.channels).toEqual(whole.channels);
      }),
      { numRuns: 60 },
    );
  });

  it('skips odd-sized chunks before the format (with their pad byte) and reads unknown-size data to the end, as ffmpeg writes it', async () => {
    const channels = testChannels(2, 2000);
    const bytes = waveBytes({
      encoding: 'float',
      bits: 32,
      sampleRate: 48_000,
      channels,
      unknownSizes: true,
      extensible: true,
      leadingChunks: [{ id: 'LIST', body: new TextEncoder().encode('INFOISFT odd') }],
    });
    const decoded = await collect(readWave(bytesOf(bytes, [5, 100, 1001])));
    expect(decoded.channels).toEqual(channels);
  });

  it('says why it cannot read compressed, damaged or truncated WAV files', async () => {
    const compressed = waveBytes({ encoding: 'integer', bits: 16, sampleRate: 8000, channels: testChannels(1, 100) });
    new DataView(compressed.buffer, compressed.byteOffset).setUint16(20, 2, true); // ADPCM
    await expect(collect(readWave(bytesOf(compressed, [])))).rejects.toMatchObject({ problem: 'unsupported', message: /compressed/ });

    const noChannels = waveBytes({ encoding: 'integer', bits: 16, sampleRate: 8000, channels: testChannels(1, 100) });
    new DataView(noChannels.buffer, noChannels.byteOffset).setUint16(22, 0, true);
    await expect(collect(readWave(bytesOf(noChannels, [])))).rejects.toMatchObject({ problem: 'corrupt', message: /0 channels/ });

    const headerOnly = waveBytes({ encoding: 'integer', bits: 16, sampleRate: 8000, channels: testChannels(1, 100) }).subarray(0, 30);
    await expect(collect(readWave(bytesOf(headerOnly, [])))).rejects.toMatchObject({ problem: 'corrupt' });

    const nan = waveBytes({ encoding: 'float', bits: 32, sampleRate: 8000, channels: [Float32Array.of(0, Number.NaN, 0)] });
    await expect(collect(readWave(bytesOf(nan, [])))).rejects.toMatchObject({ problem: 'corrupt', message: /invalid/ });
  });

  it('measures what is there when the data ends early', async () => {
    const bytes = waveBytes({ encoding: 'integer', bits: 16, sampleRate: 8000, channels: testChannels(2, 1000) });
    const decoded = await collect(readWave(bytesOf(bytes.subarray(0, bytes.length - 1001), [])));
    // 1001 bytes short of 1000 four-byte frames: 749 whole frames remain, and a partial one dropped.
    expect(decoded.channels[0]).toHaveLength(749);
  });
});

describe('decodeAudioFile', () => {
  beforeAll(requireFixtures);

  for (const format of ['mp3', 'flac', 'ogg', 'opus', 'wav', 'm4a']) {
    it(`decodes ${format} as 48 kHz stereo of the right length`, async () => {
      const decoded = await collect(decodeAudioFile(path.join(generatedDir, `pink-noise-normal.${format}`)));
      expect(decoded.sampleRate).toBe(48_000);
      expect(decoded.channels).toHaveLength(2);
      expect(Math.abs((decoded.channels[0] as Float32Array).length / 48_000 - 8)).toBeLessThan(0.05);
    });
  }

  it('streams a minute of audio in every format as many short chunks, never the whole signal at once', async () => {
    const codecs: Record<string, string[]> = {
      mp3: ['-c:a', 'libmp3lame', '-b:a', '128k'],
      flac: ['-c:a', 'flac'],
      ogg: ['-c:a', 'libvorbis'],
      opus: ['-c:a', 'libopus'],
      wav: ['-c:a', 'pcm_s16le'],
      m4a: ['-c:a', 'aac'],
    };
    for (const [format, codec] of Object.entries(codecs)) {
      const file = path.join(scratch, `minute.${format}`);
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=60:c=pink:a=0.3:r=48000', '-ac', '2', ...codec, file]);
      let chunks = 0;
      let longest = 0;
      let frames = 0;
      for await (const chunk of decodeAudioFile(file)) {
        const length = (chunk.channels[0] as Float32Array).length;
        chunks += 1;
        frames += length;
        longest = Math.max(longest, length);
      }
      expect(Math.abs(frames / 48_000 - 60), format).toBeLessThan(0.1);
      expect(chunks, format).toBeGreaterThanOrEqual(6);
      expect(longest / 48_000, format).toBeLessThanOrEqual(10);
    }
  }, 60_000);

  for (const format of ['mp3', 'flac', 'ogg', 'opus', 'wav', 'm4a']) {
    it(`keeps a mono ${format} file mono`, async () => {
      const decoded = await collect(decodeAudioFile(path.join(generatedDir, 'loudness', `mono-tones.${format}`)));
      expect(decoded.channels).toHaveLength(1);
    });
  }

  it('hands out 44.1 kHz files at 44.1 kHz', async () => {
    expect((await collect(decodeAudioFile(path.join(generatedDir, 'loudness', 'pulsing-noise-44k.flac')))).sampleRate).toBe(44_100);
  });

  for (const format of ['ogg', 'opus']) {
    it(`puts 5.1 ${format} channels in WAVE order (L R C LFE Ls Rs), as the meter weights them`, async () => {
      const frequencies = [500, 700, 1100, 80, 1700, 2300];
      const sampleRate = 48_000;
      const channels = frequencies.map((hz) => Float32Array.from({ length: sampleRate }, (_, frame) => 0.3 * Math.sin((2 * Math.PI * hz * frame) / sampleRate)));
      const source = path.join(scratch, `surround-${format}.wav`);
      const encoded = path.join(scratch, `surround.${format}`);
      await writeFile(source, waveBytes({ encoding: 'integer', bits: 16, sampleRate, channels }));
      const codec = format === 'ogg' ? ['-c:a', 'libvorbis'] : ['-c:a', 'libopus', '-b:a', '256k'];
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-channel_layout', '5.1', '-i', source, ...codec, encoded]);
      const decoded = await collect(decodeAudioFile(encoded));
      expect(decoded.channels).toHaveLength(6);
      decoded.channels.forEach((channel, index) => {
        const energies = frequencies.map((hz) => toneEnergy(channel, hz, sampleRate));
        expect(energies.indexOf(Math.max(...energies)), `channel ${index}`).toBe(index);
      });
    });
  }

  it('decodes what survives of a truncated MP3 (about 30% of it)', async () => {
    const decoded = await collect(decodeAudioFile(path.join(generatedDir, 'truncated.mp3')));
    expect((decoded.channels[0] as Float32Array).length / 48_000).toBeGreaterThan(2);
    expect((decoded.channels[0] as Float32Array).length / 48_000).toBeLessThan(2.6);
  });

  it('rejects a text file named .mp3 as not audio', async () => {
    expect(await decodeError(path.join(generatedDir, 'not-audio.mp3'))).toMatchObject({ name: 'AudioDecodeError', problem: 'not-audio' });
  });

  it('rejects missing files, folders and empty files with the reason', async () => {
    expect(await decodeError(path.join(scratch, 'gone.flac'))).toMatchObject({ problem: 'unreadable', message: /does not exist/ });
    const folder = path.join(scratch, 'folder.mp3');
    await mkdir(folder, { recursive: true });
    expect(await decodeError(folder)).toMatchObject({ problem: 'unreadable', message: /folder/ });
    const empty = path.join(scratch, 'empty.wav');
    await writeFile(empty, '');
    expect(await decodeError(empty)).toMatchObject({ problem: 'not-audio', message: /empty/ });
  });

  it('reports a FLAC file whose frames are garbage as damaged', async () => {
    const real = await readFile(path.join(generatedDir, 'tone-440hz-normal.flac'));
    const garbage = Buffer.alloc(200_000);
    for (let index = 0; index < garbage.length; index += 1) garbage[index] = (index * 7919 + (index >> 3) * 31) & 0xff;
    const file = path.join(scratch, 'garbage.flac');
    await writeFile(file, Buffer.concat([real.subarray(0, 42), garbage])); // "fLaC" and STREAMINFO, then noise
    const error = await decodeError(file);
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect(error).toMatchObject({ problem: 'corrupt' });
    expect((error as Error).message).not.toMatch(/\n\s+at /); // a reason, not a stack
  });

  it('stops when aborted: before it starts, and between chunks', async () => {
    const before = new AbortController();
    before.abort();
    expect(await decodeError(path.join(generatedDir, 'pink-noise-normal.flac'), before.signal)).toMatchObject({ name: 'AbortError' });

    const during = new AbortController();
    let chunks = 0;
    const consume = async () => {
      for await (const chunk of decodeAudioFile(path.join(generatedDir, 'pink-noise-normal.wav'), during.signal)) {
        expect(chunk.channels).toHaveLength(2);
        chunks += 1;
        during.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toBe(1);
  });

  it('stops ffmpeg when aborted part-way through an M4A file', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const consume = async () => {
      for await (const chunk of decodeAudioFile(path.join(generatedDir, 'pink-noise-normal.m4a'), controller.signal)) {
        expect(chunk.sampleRate).toBe(48_000);
        chunks += 1;
        controller.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ name: 'AbortError' });
    expect(chunks).toBe(1);
  });

  it('explains what to do with AAC/M4A files when ffmpeg is not installed', async () => {
    const emptyPath = path.join(scratch, 'no-tools');
    await mkdir(emptyPath, { recursive: true });
    const savedPath = process.env.PATH;
    process.env.PATH = emptyPath;
    try {
      expect(await decodeError(path.join(generatedDir, 'tone-440hz-normal.m4a'))).toMatchObject({
        problem: 'needs-ffmpeg',
        message: 'AAC/M4A files can be analysed when ffmpeg is installed; tag them with ReplayGain (e.g. loudgain) or install ffmpeg',
      });
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
