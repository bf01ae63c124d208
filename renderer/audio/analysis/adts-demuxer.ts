import { PlatformDecodeError, type ByteSource } from './byte-source';
import type { EncodedAudioSample, EncodedAudioStream } from './mp4-audio-demuxer';

const sampleRates = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350];
const framesPerBlock = 1024;
const windowBytes = 1 << 20;

interface AdtsHeader {
  readonly objectType: number;
  readonly sampleRate: number;
  readonly channelCount: number;
  /** The whole frame, header included. */
  readonly frameBytes: number;
  readonly blocks: number;
}

/** Reads an ADTS frame header at `at`; undefined when there is no frame there. */
export function readAdtsHeader(bytes: Uint8Array, at: number): AdtsHeader | undefined {
  if (at + 7 > bytes.length) return undefined;
  const b1 = bytes[at + 1] as number;
  const b2 = bytes[at + 2] as number;
  const b3 = bytes[at + 3] as number;
  if (bytes[at] !== 0xff || (b1 & 0xf6) !== 0xf0) return undefined;
  const sampleRate = sampleRates[(b2 >> 2) & 0x0f];
  const frameBytes = ((b3 & 0x03) << 11) | ((bytes[at + 4] as number) << 3) | ((bytes[at + 5] as number) >> 5);
  if (sampleRate === undefined || frameBytes < 7) return undefined;
  return {
    objectType: ((b2 >> 6) & 0x03) + 1,
    sampleRate,
    channelCount: ((b2 & 0x01) << 2) | (b3 >> 6),
    frameBytes,
    blocks: ((bytes[at + 6] as number) & 0x03) + 1,
  };
}

/** Bytes of an ID3v2 tag at the start of the file (some .aac files carry one), else 0. */
function id3Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = (((bytes[6] as number) & 0x7f) << 21) | (((bytes[7] as number) & 0x7f) << 14) | (((bytes[8] as number) & 0x7f) << 7) | ((bytes[9] as number) & 0x7f);
  return 10 + size + ((bytes[5] as number) & 0x10 ? 10 : 0);
}

/**
 * Raw AAC in ADTS frames (`.aac`). WebCodecs takes ADTS frames as they are when the config has
 * no description, so each frame, header included, is one chunk; the file is read a window at a
 * time. ADTS has no edit list: the encoder's priming stays in, as it does for ffmpeg.
 */
export async function openAdtsAudio(source: ByteSource, signal?: AbortSignal): Promise<EncodedAudioStream> {
  const head = await source.read(0, Math.min(source.size, 64 * 1024), signal);
  const start = id3Length(head);
  const firstWindow = start + 16 <= head.length ? head : await source.read(start, Math.min(source.size, start + 64), signal);
  const first = readAdtsHeader(firstWindow, firstWindow === head ? start : 0);
  if (first === undefined) throw new PlatformDecodeError('The file is not an AAC (ADTS) or MP4/M4A file.');
  return {
    track: {
      codec: `mp4a.40.${first.objectType}`,
      sampleRate: first.sampleRate,
      channelCount: first.channelCount,
      description: undefined,
      skipSeconds: 0,
      keepSeconds: undefined,
      sampleCount: 0,
    },
    async *samples(readSignal?: AbortSignal): AsyncGenerator<EncodedAudioSample> {
      let windowStart = start;
      let window: Uint8Array = new Uint8Array(0);
      let position = start;
      let frames = 0;
      let produced = 0;
      while (position < source.size) {
        readSignal?.throwIfAborted();
        if (position + 7 > windowStart + window.length) {
          windowStart = position;
          window = await source.read(position, Math.min(source.size, position + windowBytes), readSignal);
        }
        const header = readAdtsHeader(window, position - windowStart);
        // A trailing tag (ID3v1, APE) or garbage ends the stream; damage before any frame was caught above.
        if (header === undefined) break;
        if (position + header.frameBytes > windowStart + window.length) {
          windowStart = position;
          window = await source.read(position, Math.min(source.size, position + Math.max(windowBytes, header.frameBytes)), readSignal);
          if (window.length < header.frameBytes) break; // a cut-off last frame
        }
        const from = position - windowStart;
        const durationUs = ((header.blocks * framesPerBlock) / header.sampleRate) * 1e6;
        yield { data: window.subarray(from, from + header.frameBytes), timestampUs: (produced / header.sampleRate) * 1e6, durationUs };
        produced += header.blocks * framesPerBlock;
        frames += 1;
        position += header.frameBytes;
      }
      if (frames === 0) throw new PlatformDecodeError('No AAC frames could be found in this file; it is damaged.');
    },
  };
}
