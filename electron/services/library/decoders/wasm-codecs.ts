import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { MPEGDecoder } from 'mpg123-decoder';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { AudioDecodeError, type DecodedChunk } from './errors';

/** What the wasm decoders share: feed bytes as they come, flush at the end, free the wasm memory. */
interface StreamingDecoder {
  readonly ready: Promise<void>;
  decode(bytes: Uint8Array): Decoded | Promise<Decoded>;
  flush?(): Promise<Decoded>;
  free(): void;
}

interface Decoded {
  readonly channelData: Float32Array[];
  readonly samplesDecoded: number;
  readonly sampleRate: number;
  readonly errors: readonly { readonly message: string }[];
}

export type WasmCodec = 'mp3' | 'flac' | 'vorbis' | 'opus';

/**
 * Vorbis and Opus order 3 to 8 channels as Vorbis does (L, C, R, …, LFE last); the meter
 * and every other decoder here use WAVE/SMPTE order (L, R, C, LFE, …). Indexes into the
 * decoder's channels, per channel count.
 */
const vorbisToWaveOrder: Readonly<Record<number, readonly number[]>> = {
  3: [0, 2, 1],
  5: [0, 2, 1, 3, 4],
  6: [0, 2, 1, 5, 3, 4],
  7: [0, 2, 1, 6, 5, 3, 4],
  8: [0, 2, 1, 7, 5, 6, 3, 4],
};

function createDecoder(codec: WasmCodec): StreamingDecoder {
  switch (codec) {
    case 'mp3':
      return new MPEGDecoder();
    case 'flac':
      return new FLACDecoder();
    case 'vorbis':
      return new OggVorbisDecoder();
    case 'opus':
      return new OggOpusDecoder();
  }
}

/**
 * Decodes a compressed byte stream chunk by chunk. `channelCount` is what the file's header
 * says: mpg123 always hands out two channels, so a mono MP3 keeps only the first (otherwise it
 * would measure 3 LU louder than it is).
 */
export async function* decodeWithWasm(codec: WasmCodec, bytes: AsyncIterable<Uint8Array>, channelCount: number | undefined): AsyncGenerator<DecodedChunk> {
  const decoder = createDecoder(codec);
  let firstError: string | undefined;
  const shape = (decoded: Decoded): DecodedChunk | undefined => {
    if (firstError === undefined && decoded.errors.length > 0) firstError = decoded.errors[0]?.message;
    if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0) return undefined;
    let channels = decoded.channelData.map((channel) => channel.subarray(0, decoded.samplesDecoded));
    if (codec === 'mp3' && channelCount === 1) channels = channels.slice(0, 1);
    const order = codec === 'vorbis' || codec === 'opus' ? vorbisToWaveOrder[channels.length] : undefined;
    if (order !== undefined) channels = order.map((index) => channels[index] as Float32Array);
    return { sampleRate: decoded.sampleRate, channels };
  };
  try {
    await decoder.ready;
    let decodedAny = false;
    for await (const chunk of bytes) {
      const decoded = shape(await decoder.decode(chunk));
      if (decoded !== undefined) {
        decodedAny = true;
        yield decoded;
      }
    }
    if (decoder.flush !== undefined) {
      const decoded = shape(await decoder.flush());
      if (decoded !== undefined) {
        decodedAny = true;
        yield decoded;
      }
    }
    if (!decodedAny && firstError !== undefined) {
      throw new AudioDecodeError('corrupt', `The audio data is damaged and could not be decoded (${firstError.trim()}).`);
    }
  } finally {
    decoder.free();
  }
}
