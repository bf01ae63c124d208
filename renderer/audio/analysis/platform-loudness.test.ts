import { execFile } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../core/loudness-meter';
import { readAdtsHeader } from './adts-demuxer';
import { PlatformDecodeError, type ByteSource } from './byte-source';
import { DecodedAudioMeter, type DecodedAudio } from './DecodedAudioMeter';
import { openMp4Audio, programmeSpan } from './mp4-audio-demuxer';
import { measureEncodedAudio, openEncodedAudio, type WebCodecsAudio } from './platform-loudness';

const run = promisify(execFile);
const generated = path.resolve(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'generated');
let scratch: string;

/** A file read the way the worker reads the media route: ranges only, each read counted. */
async function fileSource(filePath: string): Promise<ByteSource & { readonly reads: { start: number; length: number }[]; close(): Promise<void> }> {
  const handle = await open(filePath, 'r');
  const { size } = await handle.stat();
  const reads: { start: number; length: number }[] = [];
  return {
    size,
    reads,
    async read(start, end) {
      const length = Math.max(0, Math.min(end, size) - start);
      const bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, start);
      reads.push({ start, length });
      return bytes;
    },
    close: () => handle.close(),
  };
}

/** ffprobe's packets of the first audio stream: where each sits in the file and how big it is. */
async function ffprobePackets(filePath: string): Promise<{ size: number; pos: number }[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=size,pos', '-of', 'json', filePath], { maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { packets: { size: string; pos: string }[] };
  return parsed.packets.map((packet) => ({ size: Number(packet.size), pos: Number(packet.pos) }));
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'attune-platform-demux-'));
  const master = path.join(generated, 'pink-noise-normal.wav');
  // Three minutes with the index after the audio (no "fast start"): 4 MB of audio before the index.
  await run('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '21', '-i', master, '-t', '180', '-c:a', 'aac', '-b:a', '192k', path.join(scratch, 'index-at-end.m4a')]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', master, '-c:a', 'aac', '-b:a', '128k', '-f', 'adts', path.join(scratch, 'raw.aac')]);
}, 60_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('MP4/M4A demuxing (mp4box)', () => {
  it('finds the AAC track, its setup bytes and the edit list, and yields every packet ffmpeg finds, byte for byte', async () => {
    const file = path.join(generated, 'pink-noise-normal.m4a');
    const source = await fileSource(file);
    try {
      const stream = await openMp4Audio(source);
      expect(stream.track).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 48_000, channelCount: 2, skipSeconds: 1024 / 48_000, keepSeconds: 8 });
      // AudioSpecificConfig: object type 2 (AAC-LC) in the first five bits.
      expect((stream.track.description?.[0] ?? 0) >> 3).toBe(2);
      const packets = await ffprobePackets(file);
      expect(stream.track.sampleCount).toBe(packets.length);
      const whole = await source.read(0, source.size);
      let index = 0;
      for await (const sample of stream.samples()) {
        const packet = packets[index] as { size: number; pos: number };
        expect(sample.data).toEqual(whole.subarray(packet.pos, packet.pos + packet.size));
        index += 1;
      }
      expect(index).toBe(packets.length);
    } finally {
      await source.close();
    }
  });

  it('skips the audio to reach an index at the end, and reads the audio a window at a time, about once (a packet cut by the end of a window is read again)', async () => {
    const file = path.join(scratch, 'index-at-end.m4a');
    const source = await fileSource(file);
    const windowBytes = 256 * 1024;
    try {
      const stream = await openMp4Audio(source, { windowBytes });
      const indexBytes = source.reads.reduce((sum, read) => sum + read.length, 0);
      expect(source.size).toBeGreaterThan(4_000_000);
      // The first window, then the index: never the 4 MB of audio in between.
      expect(indexBytes).toBeLessThan(2 * windowBytes);
      source.reads.length = 0;
      let samples = 0;
      for await (const sample of stream.samples()) if (sample.data.length > 0) samples += 1;
      expect(samples).toBe((await ffprobePackets(file)).length);
      expect(Math.max(...source.reads.map((read) => read.length))).toBeLessThanOrEqual(windowBytes);
      const audioBytesRead = source.reads.reduce((sum, read) => sum + read.length, 0);
      expect(audioBytesRead).toBeLessThan(source.size + source.reads.length * 2048);
      expect(source.reads.length).toBeGreaterThanOrEqual(Math.floor(4_000_000 / windowBytes));
    } finally {
      await source.close();
    }
  });

  it('keeps the whole track when the edit list says nothing simple, and drops priming and padding when it does', () => {
    expect(programmeSpan(undefined, 44_100, 1000)).toEqual({ skipSeconds: 0, keepSeconds: undefined });
    expect(programmeSpan([{ segment_duration: 5000, media_time: 2112 }], 44_100, 1000)).toEqual({ skipSeconds: 2112 / 44_100, keepSeconds: 5 });
    // An empty edit first (a delayed start) is no part of the programme's audio.
    expect(programmeSpan([{ segment_duration: 500, media_time: -1 }, { segment_duration: 5000, media_time: 1024 }], 48_000, 1000)).toEqual({ skipSeconds: 1024 / 48_000, keepSeconds: 5 });
    expect(programmeSpan([{ segment_duration: 500, media_time: 0 }, { segment_duration: 500, media_time: 9000 }], 48_000, 1000)).toEqual({ skipSeconds: 0, keepSeconds: undefined });
  });

  it('refuses what is not MP4 or AAC with a reason, instead of guessing', async () => {
    const flac = await fileSource(path.join(generated, 'tone-440hz-normal.flac'));
    const text = await fileSource(path.join(generated, 'not-audio.mp3'));
    try {
      await expect(openEncodedAudio(flac)).rejects.toThrow(new PlatformDecodeError('The file is not an AAC (ADTS) or MP4/M4A file.'));
      await expect(openEncodedAudio(text)).rejects.toBeInstanceOf(PlatformDecodeError);
    } finally {
      await flac.close();
      await text.close();
    }
  });
});

describe('raw AAC (ADTS) reading', () => {
  it('yields each ADTS frame whole, as WebCodecs takes them without a description', async () => {
    const file = path.join(scratch, 'raw.aac');
    const source = await fileSource(file);
    try {
      const stream = await openEncodedAudio(source);
      expect(stream.track).toMatchObject({ codec: 'mp4a.40.2', sampleRate: 48_000, channelCount: 2, description: undefined, skipSeconds: 0 });
      const packets = await ffprobePackets(file);
      let frames = 0;
      for await (const sample of stream.samples()) {
        const header = readAdtsHeader(sample.data, 0);
        expect(header?.frameBytes).toBe(sample.data.length);
        frames += 1;
      }
      expect(frames).toBe(packets.length);
    } finally {
      await source.close();
    }
  });
});

/** Decoder output as WebCodecs hands it out: planar float chunks, copied out by plane. */
function audioData(channels: readonly Float32Array[], sampleRate: number): DecodedAudio {
  return {
    sampleRate,
    numberOfFrames: channels[0]?.length ?? 0,
    numberOfChannels: channels.length,
    copyTo: (destination, { planeIndex }) => destination.set(channels[planeIndex] as Float32Array),
  };
}

function noiseAndTone(frames: number, sampleRate: number, seed: number): Float32Array[] {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648 - 0.5;
  };
  return [0, 1].map((channel) => Float32Array.from({ length: frames }, (_, index) => 0.2 * Math.sin((2 * Math.PI * (440 + channel * 110) * index) / sampleRate) + 0.1 * random()));
}

describe('metering decoded chunks with the host meter', () => {
  it('measures exactly the programme: priming before it and padding after it are left out, whatever the chunking', () => {
    const sampleRate = 44_100;
    const priming = 2112;
    const programme = noiseAndTone(5 * sampleRate, sampleRate, 7);
    // Loud junk where the encoder's priming and padding sit: counted, it would move every figure.
    const junk = (frames: number) => [Float32Array.from({ length: frames }, () => 0.99), Float32Array.from({ length: frames }, () => -0.99)];
    const decoded = [junk(priming), programme, junk(700)].reduce<Float32Array[]>(
      (joined, part) => joined.map((channel, index) => Float32Array.from([...channel, ...(part[index] as Float32Array)])),
      [new Float32Array(0), new Float32Array(0)],
    );
    const meter = new DecodedAudioMeter({ skipSeconds: priming / sampleRate, keepSeconds: 5 });
    const total = (decoded[0] as Float32Array).length;
    for (let from = 0; from < total; from += 1024) meter.push(audioData(decoded.map((channel) => channel.slice(from, from + 1024)), sampleRate));

    const reference = new LoudnessMeter(sampleRate, 2);
    reference.push(programme);
    const ours = meter.result();
    const expected = reference.result();
    expect(ours.durationSeconds).toBe(expected.durationSeconds);
    expect(ours.truePeakDbtp).toBe(expected.truePeakDbtp);
    // Sums over other chunk lengths differ in the last bits only.
    expect(ours.integratedLufs).toBeCloseTo(expected.integratedLufs, 9);
    expect(ours.rangeLu).toBeCloseTo(expected.rangeLu, 9);
  });

  it('refuses output that changes format part-way, and a file that decodes to nothing', () => {
    const meter = new DecodedAudioMeter({ skipSeconds: 0, keepSeconds: undefined });
    meter.push(audioData(noiseAndTone(1024, 48_000, 1), 48_000));
    expect(() => meter.push(audioData(noiseAndTone(1024, 44_100, 1), 44_100))).toThrow(/format changes part-way/);
    expect(() => new DecodedAudioMeter({ skipSeconds: 0, keepSeconds: undefined }).result()).toThrow(/No audio could be decoded/);
  });
});

/**
 * A stand-in for WebCodecs in Node: each chunk "decodes" to the next 1024 frames of a known
 * signal, a little later, as a real decoder does; it records how many chunks ever waited.
 */
function fakeWebCodecs(signal: readonly Float32Array[], options: { failAtChunk?: number; supported?: boolean } = {}) {
  const seen = { largestQueue: 0, closed: 0 };
  class FakeChunk {
    constructor(readonly init: EncodedAudioChunkInit) {}
  }
  class FakeDecoder extends EventTarget {
    static isConfigSupported = async (config: AudioDecoderConfig) => ({ supported: options.supported ?? true, config });
    state: CodecState = 'unconfigured';
    decodeQueueSize = 0;
    private decoded = 0;
    private pending: Promise<void> = Promise.resolve();
    constructor(private readonly init: AudioDecoderInit) {
      super();
    }
    configure() {
      this.state = 'configured';
    }
    decode() {
      this.decodeQueueSize += 1;
      seen.largestQueue = Math.max(seen.largestQueue, this.decodeQueueSize);
      this.pending = this.pending.then(async () => {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (this.state !== 'configured') return;
        this.decodeQueueSize -= 1;
        this.dispatchEvent(new Event('dequeue'));
        const index = this.decoded++;
        if (index === options.failAtChunk) {
          this.state = 'closed';
          this.init.error(new DOMException('Decoding error.', 'EncodingError'));
          return;
        }
        const frames = signal.map((channel) => channel.slice(index * 1024, (index + 1) * 1024));
        const data = { ...audioData(frames, 48_000), close: () => (seen.closed += 1) };
        this.init.output(data as unknown as AudioData);
      });
    }
    async flush() {
      await this.pending;
      if (this.state === 'closed') throw new DOMException('Aborted due to close()', 'AbortError');
    }
    close() {
      this.state = 'closed';
    }
  }
  return { codecs: { AudioDecoder: FakeDecoder, EncodedAudioChunk: FakeChunk } as unknown as WebCodecsAudio, seen };
}

function streamOf(chunks: number, skipSeconds = 0) {
  return {
    track: { codec: 'mp4a.40.2', sampleRate: 48_000, channelCount: 2, description: new Uint8Array([0x11, 0x90]), skipSeconds, keepSeconds: undefined, sampleCount: chunks },
    async *samples() {
      for (let index = 0; index < chunks; index += 1) yield { data: new Uint8Array(300), timestampUs: (index * 1024 * 1e6) / 48_000, durationUs: (1024 * 1e6) / 48_000 };
    },
  };
}

describe('the decode-and-meter pipeline', () => {
  const chunks = 400;
  const signal = noiseAndTone(chunks * 1024, 48_000, 3);

  it('meters every decoded chunk and closes it, with never more than a few dozen chunks waiting in the decoder', async () => {
    const { codecs, seen } = fakeWebCodecs(signal);
    const result = await measureEncodedAudio(streamOf(chunks, 1024 / 48_000), codecs);
    const reference = new LoudnessMeter(48_000, 2);
    reference.push(signal.map((channel) => channel.subarray(1024)));
    expect(result.durationSeconds).toBe(reference.result().durationSeconds);
    expect(result.integratedLufs).toBeCloseTo(reference.result().integratedLufs, 9);
    expect(seen.closed).toBe(chunks);
    expect(seen.largestQueue).toBeLessThanOrEqual(33);
  });

  it('turns a decoder error part-way into the file’s reason, and a codec the platform lacks into another', async () => {
    await expect(measureEncodedAudio(streamOf(chunks), fakeWebCodecs(signal, { failAtChunk: 120 }).codecs)).rejects.toThrow(/AAC-LC audio could not be decoded \(Decoding error\.\); the file may be damaged/);
    await expect(measureEncodedAudio(streamOf(chunks), fakeWebCodecs(signal, { supported: false }).codecs)).rejects.toThrow("This computer's audio decoder cannot read AAC-LC audio at 48000 Hz with 2 channels.");
  });
});
