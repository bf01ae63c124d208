import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import { AudioDecodeError, type DecodedChunk } from './decoders/errors';
import { decodeWithFfmpeg } from './decoders/ffmpeg';
import { decodeWithWasm, type WasmCodec } from './decoders/wasm-codecs';
import { readWave } from './decoders/wave';

export { AudioDecodeError, type AudioDecodeProblem, type DecodedChunk } from './decoders/errors';

/** Bytes read from disk per step: large enough to keep the decoders busy, small enough to stay flat. */
const readChunkBytes = 64 * 1024;

type Decoder =
  | { readonly kind: 'wasm'; readonly codec: WasmCodec; readonly channelCount: number | undefined }
  | { readonly kind: 'wave' }
  | { readonly kind: 'ffmpeg'; readonly formatName: string };

/**
 * Streams a file's audio as planar float chunks (WAVE/SMPTE channel order) without holding
 * the file or its decoded signal in memory. The format is read from the content (via
 * music-metadata), not the extension. MP3, FLAC, Ogg Vorbis/FLAC and Opus decode in wasm,
 * WAV in a small reader of our own; AAC/M4A and other formats go through ffmpeg when it is
 * installed (without it they fail as `needs-ffmpeg`, and the library hands them to the app,
 * which measures them with the platform's decoder). Every chunk has the same sample rate and channel count. Fails with an
 * `AudioDecodeError` whose message says why in plain words, or with the signal's reason when
 * aborted.
 */
export async function* decodeAudioFile(filePath: string, signal?: AbortSignal): AsyncGenerator<DecodedChunk> {
  signal?.throwIfAborted();
  try {
    const decoder = chooseDecoder(await identify(filePath));
    signal?.throwIfAborted();
    const chunks =
      decoder.kind === 'ffmpeg'
        ? decodeWithFfmpeg(filePath, decoder.formatName, signal)
        : decoder.kind === 'wave'
          ? readWave(readBytes(filePath, signal))
          : decodeWithWasm(decoder.codec, readBytes(filePath, signal), decoder.channelCount);
    let frames = 0;
    let first: DecodedChunk | undefined;
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      const length = chunk.channels[0]?.length ?? 0;
      if (length === 0) continue;
      first ??= chunk;
      if (chunk.sampleRate !== first.sampleRate || chunk.channels.length !== first.channels.length) {
        // mpg123 finds "frames" in random bytes; a real file keeps its format.
        throw new AudioDecodeError(
          'corrupt',
          `The audio format changes part-way through the file (${describeFormat(first)} to ${describeFormat(chunk)}); the file is damaged.`,
        );
      }
      frames += length;
      yield chunk;
    }
    if (frames === 0) throw new AudioDecodeError('corrupt', 'No audio could be decoded from this file; it is empty or damaged.');
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason;
    throw asDecodeError(error);
  }
}

const describeFormat = (chunk: DecodedChunk) => `${chunk.sampleRate} Hz, ${chunk.channels.length === 1 ? 'mono' : `${chunk.channels.length} channels`}`;

async function* readBytes(filePath: string, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(filePath, { highWaterMark: readChunkBytes, ...(signal === undefined ? {} : { signal }) });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

async function identify(filePath: string): Promise<IAudioMetadata> {
  const stats = await stat(filePath);
  if (stats.isDirectory()) throw new AudioDecodeError('unreadable', 'This is a folder, not an audio file.');
  // FIFOs and devices could block a read forever.
  if (!stats.isFile()) throw new AudioDecodeError('unreadable', 'This is not a regular file.');
  if (stats.size === 0) throw new AudioDecodeError('not-audio', 'The file is empty.');
  try {
    return await parseFile(filePath, { duration: false, skipCovers: true, skipPostHeaders: true });
  } catch (error) {
    if (error instanceof Error && /determine audio format|unsupported|mime-type/i.test(error.message)) {
      throw new AudioDecodeError('not-audio', 'The file is not in a recognised audio format.');
    }
    throw error;
  }
}

function chooseDecoder(metadata: IAudioMetadata): Decoder {
  const container = metadata.format.container ?? '';
  const codec = metadata.format.codec ?? '';
  const channelCount = metadata.format.numberOfChannels;
  if (container === '') throw new AudioDecodeError('not-audio', 'The file is not in a recognised audio format.');
  if (container === 'MPEG' && /layer/i.test(codec)) return { kind: 'wasm', codec: 'mp3', channelCount };
  if (container === 'FLAC') return { kind: 'wasm', codec: 'flac', channelCount };
  if (container === 'Ogg') {
    if (/opus/i.test(codec)) return { kind: 'wasm', codec: 'opus', channelCount };
    if (/vorbis/i.test(codec)) return { kind: 'wasm', codec: 'vorbis', channelCount };
    if (/flac/i.test(codec)) return { kind: 'wasm', codec: 'flac', channelCount };
    throw new AudioDecodeError('unsupported', `Ogg files with ${codec === '' ? 'this codec' : codec} audio are not supported; Ogg Vorbis, Opus and FLAC are.`);
  }
  if (container === 'WAVE') return { kind: 'wave' };
  return { kind: 'ffmpeg', formatName: /aac|m4a|mp4|isom|adts/i.test(`${container} ${codec}`) ? 'AAC/M4A' : container };
}

function asDecodeError(error: unknown): AudioDecodeError {
  if (error instanceof AudioDecodeError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new AudioDecodeError('unreadable', 'The file does not exist (it may have been moved or deleted).');
    case 'EACCES':
    case 'EPERM':
      return new AudioDecodeError('unreadable', 'Attune is not allowed to read this file.');
    case 'EISDIR':
      return new AudioDecodeError('unreadable', 'This is a folder, not an audio file.');
    case 'EIO':
      return new AudioDecodeError('unreadable', 'The disk reported an error while reading this file.');
    default: {
      const detail = error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) : undefined;
      return new AudioDecodeError('corrupt', `The audio data could not be decoded; the file may be damaged${detail === undefined || detail === '' ? '' : ` (${detail})`}.`);
    }
  }
}
