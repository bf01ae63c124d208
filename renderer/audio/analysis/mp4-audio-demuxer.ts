import { createFile, MP4BoxBuffer, type ISOFile, type Movie } from 'mp4box';
import type { Seconds } from '../units';
import { PlatformDecodeError, type ByteSource } from './byte-source';

/** What a decoder needs to know of the file's first audio track, and which part of its output is the programme. */
export interface EncodedAudioTrack {
  /** A WebCodecs codec string: `mp4a.40.2` (AAC-LC), `mp4a.40.5` (HE-AAC), `mp3`, … */
  readonly codec: string;
  /** As the container says; HE-AAC decodes to twice its core rate, so the decoder's output has the last word. */
  readonly sampleRate: number;
  readonly channelCount: number;
  /** The codec's setup bytes (AAC's AudioSpecificConfig); absent for codecs that carry it in-band. */
  readonly description: Uint8Array | undefined;
  /** Decoded audio to drop at the start: the encoder's priming, as the edit list says (1024 frames for most AAC). */
  readonly skipSeconds: Seconds;
  /** How much to keep after that (the edit list's length, which drops the padding at the end); undefined keeps it all. */
  readonly keepSeconds: Seconds | undefined;
  readonly sampleCount: number;
}

/** The WebCodecs decoder configuration for a demuxed track. */
export function decoderConfig(track: EncodedAudioTrack): AudioDecoderConfig {
  return {
    codec: track.codec,
    sampleRate: track.sampleRate,
    numberOfChannels: track.channelCount,
    ...(track.description === undefined ? {} : { description: track.description }),
  };
}

/** The part of an `mp4a` sample entry read here (mp4box does not export its class). */
interface AudioSampleEntryWithEsds {
  readonly esds?: { readonly esd: { findDescriptor(tag: number): { findDescriptor(tag: number): unknown } | undefined } };
}

export interface EncodedAudioSample {
  readonly data: Uint8Array;
  readonly timestampUs: number;
  readonly durationUs: number;
}

export interface EncodedAudioStream {
  readonly track: EncodedAudioTrack;
  /** The track's samples in decode order, read a window of the file at a time. */
  samples(signal?: AbortSignal): AsyncGenerator<EncodedAudioSample>;
}

/** An MP4 track, whose index lets it be read from any sample (an ADTS stream only from its start). */
export interface Mp4AudioStream extends EncodedAudioStream {
  /** Where the track's last sample ends, in microseconds of its media time (the encoder's priming and padding included). */
  readonly endUs: number;
  /** The index of the last sample that starts at or before `timeUs` of media time (0 before the first). */
  sampleIndexAt(timeUs: number): number;
  /** The samples from `fromIndex` on (the first by default). */
  samples(signal?: AbortSignal, fromIndex?: number): AsyncGenerator<EncodedAudioSample>;
}

export interface Mp4DemuxOptions {
  /** Bytes read per request, both while looking for the index and while reading samples. */
  readonly windowBytes: number;
}

const defaults: Mp4DemuxOptions = { windowBytes: 1 << 20 };

/** mp4box's codec names for MP4 sample entries, as WebCodecs names them. */
function webCodecsName(codec: string): string {
  // MPEG-1/2 audio (MP3) carried in MP4.
  if (/^mp4a\.(6b|69)$/i.test(codec)) return 'mp3';
  return codec;
}

/**
 * Demuxes the first audio track of an MP4/M4A file with mp4box. Only the boxes before the
 * index (`moov`) are read while it is found; mp4box answers where to read next, so a file whose
 * index sits after the audio (no "fast start") skips the audio rather than buffering it. The
 * sample table is then kept as typed arrays (16 bytes a sample, 2.5 MB for an hour of AAC) and
 * mp4box's own objects are dropped.
 */
export async function openMp4Audio(source: ByteSource, options: Partial<Mp4DemuxOptions> = {}, signal?: AbortSignal): Promise<Mp4AudioStream> {
  const { windowBytes } = { ...defaults, ...options };
  const file = createFile(false);
  const movie = await readIndex(file, source, windowBytes, signal);
  if (movie.isFragmented) throw new PlatformDecodeError('Fragmented MP4 files (as streamed video is cut) are not supported for loudness analysis.');
  // mp4box lists only the sample entries it knows as audio; a sound track of another codec (ALAC) is still named, and refused later by the decoder.
  const info = movie.audioTracks[0] ?? movie.tracks.find((candidate) => file.getTrackById(candidate.id).mdia.hdlr.handler === 'soun');
  if (info === undefined) throw new PlatformDecodeError('The file holds no audio track.');
  const trak = file.getTrackById(info.id);
  const entry = trak.mdia.minf.stbl.stsd.entries[0] as (AudioSampleEntryWithEsds & { readonly channel_count?: number; readonly samplerate?: number }) | undefined;
  if (entry === undefined) throw new PlatformDecodeError('The audio track has no sample description; the file is damaged.');
  const samples = file.getTrackSamplesInfo(info.id);
  if (samples.length === 0) throw new PlatformDecodeError('The audio track holds no audio.');
  const offsets = new Float64Array(samples.length);
  const sizes = new Uint32Array(samples.length);
  const timestamps = new Float64Array(samples.length);
  const durations = new Float64Array(samples.length);
  samples.forEach((sample, index) => {
    offsets[index] = sample.offset;
    sizes[index] = sample.size;
    timestamps[index] = (sample.dts / sample.timescale) * 1e6;
    durations[index] = (sample.duration / sample.timescale) * 1e6;
  });
  const { skipSeconds, keepSeconds } = programmeSpan(info.edits, info.timescale, info.movie_timescale);
  const track: EncodedAudioTrack = {
    codec: webCodecsName(info.codec),
    sampleRate: info.audio?.sample_rate ?? entry.samplerate ?? 0,
    channelCount: info.audio?.channel_count ?? entry.channel_count ?? 0,
    description: audioSpecificConfig(entry),
    skipSeconds,
    keepSeconds,
    sampleCount: samples.length,
  };
  const last = samples.length - 1;
  return {
    track,
    endUs: (timestamps[last] as number) + (durations[last] as number),
    sampleIndexAt(timeUs: number) {
      // Binary search over the start times, which rise in decode order for audio.
      let low = 0;
      let high = last;
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if ((timestamps[middle] as number) <= timeUs) low = middle;
        else high = middle - 1;
      }
      return low;
    },
    async *samples(readSignal?: AbortSignal, fromIndex = 0) {
      let windowStart = 0;
      let window: Uint8Array = new Uint8Array(0);
      for (let index = Math.max(0, fromIndex); index < offsets.length; index += 1) {
        readSignal?.throwIfAborted();
        const offset = offsets[index] as number;
        const size = sizes[index] as number;
        if (offset < windowStart || offset + size > windowStart + window.length) {
          windowStart = offset;
          window = await source.read(offset, Math.min(source.size, offset + Math.max(windowBytes, size)), readSignal);
          if (window.length < size) throw new PlatformDecodeError('The file ends in the middle of its audio; it is cut short or damaged.');
        }
        const from = offset - windowStart;
        yield { data: window.subarray(from, from + size), timestampUs: timestamps[index] as number, durationUs: durations[index] as number };
      }
    },
  };
}

async function readIndex(file: ISOFile, source: ByteSource, windowBytes: number, signal: AbortSignal | undefined): Promise<Movie> {
  let movie: Movie | undefined;
  let parseError: string | undefined;
  file.onReady = (ready) => {
    movie = ready;
  };
  file.onError = (module, message) => {
    parseError ??= `${module}: ${message}`;
  };
  let position = 0;
  while (movie === undefined && parseError === undefined && position < source.size) {
    signal?.throwIfAborted();
    const bytes = await source.read(position, Math.min(source.size, position + windowBytes), signal);
    if (bytes.length === 0) break;
    const buffer = MP4BoxBuffer.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), position);
    const next = file.appendBuffer(buffer, position + bytes.length >= source.size);
    // mp4box names the next byte it needs: past an `mdat` when the index comes after the audio.
    position = next > position ? next : position + bytes.length;
  }
  if (movie !== undefined) return movie;
  if (parseError !== undefined) throw new PlatformDecodeError(`The MP4 file could not be read (${parseError}); it is damaged.`);
  if (file.ftyp === undefined) throw new PlatformDecodeError('The file is not an MP4/M4A file.');
  throw new PlatformDecodeError('The MP4 file has no index (moov box); it is cut short or damaged.');
}

/** The DecoderSpecificInfo inside `esds` (tag 4 then 5): AAC's AudioSpecificConfig, which WebCodecs calls the description. */
function audioSpecificConfig(entry: AudioSampleEntryWithEsds): Uint8Array | undefined {
  const descriptor: unknown = entry.esds?.esd.findDescriptor(4)?.findDescriptor(5);
  const data = (descriptor as { data?: unknown } | undefined)?.data;
  return data instanceof Uint8Array && data.length > 0 ? data.slice() : undefined;
}

interface EditEntry {
  readonly segment_duration: number;
  readonly media_time: number;
}

/**
 * Which part of the decoded track is the programme, after its edit list: an empty edit
 * (media time −1) only delays the start; the first real edit names where the programme begins
 * (in the track's timescale) and how long it lasts (in the movie's). Anything fancier keeps the
 * whole track, which moves the loudness of music by far less than 0.01 LU.
 */
export function programmeSpan(edits: readonly EditEntry[] | undefined, trackTimescale: number, movieTimescale: number): { skipSeconds: Seconds; keepSeconds: Seconds | undefined } {
  const real = (edits ?? []).filter((edit) => edit.media_time >= 0);
  const first = real[0];
  if (first === undefined || real.length > 1 || trackTimescale <= 0 || movieTimescale <= 0) return { skipSeconds: 0, keepSeconds: undefined };
  const skipSeconds = first.media_time / trackTimescale;
  const keepSeconds = first.segment_duration > 0 ? first.segment_duration / movieTimescale : undefined;
  return { skipSeconds, keepSeconds };
}
