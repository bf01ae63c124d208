import type { LoudnessMeasurement } from '../../../core/library';
import { openAdtsAudio } from './adts-demuxer';
import { PlatformDecodeError, type ByteSource } from './byte-source';
import { DecodedAudioMeter } from './DecodedAudioMeter';
import { decoderConfig, openMp4Audio, type EncodedAudioStream } from './mp4-audio-demuxer';

/** The WebCodecs constructors used (the global ones in a worker; injectable for a test). */
export interface WebCodecsAudio {
  readonly AudioDecoder: typeof AudioDecoder;
  readonly EncodedAudioChunk: typeof EncodedAudioChunk;
}

/**
 * Encoded chunks waiting in the decoder at most: enough to keep it busy, few enough that
 * memory stays flat (an AAC chunk is well under a kilobyte).
 */
const maxQueuedChunks = 32;

/** MP4/M4A (an `ftyp` box first) or raw AAC in ADTS frames, by the file's first bytes. */
export async function openEncodedAudio(source: ByteSource, signal?: AbortSignal): Promise<EncodedAudioStream> {
  if (source.size === 0) throw new PlatformDecodeError('The file is empty.');
  const head = await source.read(0, Math.min(source.size, 12), signal);
  const boxType = String.fromCharCode(...head.subarray(4, 8));
  if (boxType === 'ftyp' || boxType === 'moov' || boxType === 'mdat' || boxType === 'free' || boxType === 'wide') return openMp4Audio(source, {}, signal);
  return openAdtsAudio(source, signal);
}

const codecNames: Readonly<Record<string, string>> = {
  'mp4a.40.2': 'AAC-LC',
  'mp4a.40.5': 'HE-AAC',
  'mp4a.40.29': 'HE-AAC v2',
  'mp4a.40.42': 'xHE-AAC',
  alac: 'Apple Lossless (ALAC)',
};

/**
 * Decodes a stream with the platform's own decoder (WebCodecs AudioDecoder) and meters it as
 * it comes: demuxed chunks go in as the decoder makes room, decoded chunks are metered and
 * closed at once, so neither the file nor its decoded signal is ever held whole.
 */
export async function measureEncodedAudio(stream: EncodedAudioStream, codecs: WebCodecsAudio, signal?: AbortSignal): Promise<LoudnessMeasurement> {
  const { track } = stream;
  const config = decoderConfig(track);
  const described = codecNames[track.codec] ?? track.codec;
  const support = await codecs.AudioDecoder.isConfigSupported(config).catch(() => ({ supported: false }));
  if (support.supported !== true) {
    const shape = track.sampleRate > 0 && track.channelCount > 0 ? ` at ${track.sampleRate} Hz with ${track.channelCount} channels` : '';
    throw new PlatformDecodeError(`This computer's audio decoder cannot read ${described} audio${shape}.`);
  }

  const meter = new DecodedAudioMeter(track);
  let failure: Error | undefined;
  let wake: () => void = () => {};
  const decoder = new codecs.AudioDecoder({
    output: (audio) => {
      try {
        if (failure === undefined) meter.push(audio);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        audio.close();
      }
    },
    error: (error) => {
      failure ??= new PlatformDecodeError(`The ${described} audio could not be decoded (${error.message}); the file may be damaged.`);
      wake();
    },
  });
  const onDequeue = () => wake();
  decoder.addEventListener('dequeue', onDequeue);
  try {
    decoder.configure(config);
    for await (const sample of stream.samples(signal)) {
      if (failure !== undefined) throw failure;
      decoder.decode(new codecs.EncodedAudioChunk({ type: 'key', timestamp: sample.timestampUs, duration: sample.durationUs, data: sample.data }));
      while (decoder.decodeQueueSize > maxQueuedChunks && failure === undefined && decoder.state === 'configured') {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
    if (failure !== undefined) throw failure;
    await decoder.flush().catch((error: unknown) => {
      throw failure ?? new PlatformDecodeError(`The ${described} audio could not be decoded (${error instanceof Error ? error.message : String(error)}).`);
    });
    if (failure !== undefined) throw failure;
    return meter.result();
  } finally {
    decoder.removeEventListener('dequeue', onDequeue);
    if (decoder.state !== 'closed') decoder.close();
  }
}

export async function measurePlatformLoudness(source: ByteSource, codecs: WebCodecsAudio, signal?: AbortSignal): Promise<LoudnessMeasurement> {
  return measureEncodedAudio(await openEncodedAudio(source, signal), codecs, signal);
}
