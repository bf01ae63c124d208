import { httpByteSource } from '../analysis/byte-source';
import { decoderConfig, openMp4Audio, type Mp4AudioStream } from '../analysis/mp4-audio-demuxer';
import type { Seconds } from '../units';

/** Bytes per request while the index is looked for and the samples are read: an edge needs a few tens of KB. */
const windowBytes = 256 * 1024;

/**
 * A tail is decoded from a few frames before it: an AAC frame is only whole with the one before
 * it (its transform overlaps the previous frame's), and HE-AAC's band replication carries state
 * a little longer. What is decoded before the tail is thrown away.
 */
const tailPreRollSeconds = 0.1;

export interface Mp4EdgeRequest {
  readonly seconds: Seconds;
  /** Head: where the segment starts after the programme's start. Tail: seconds cut off before the programme's end. */
  readonly trimSeconds: Seconds;
  readonly signal?: AbortSignal;
}

/**
 * The first `seconds` of an MP4/M4A file's audio after `trimSeconds`, decoded by the platform's
 * own decoder (WebCodecs), at the rate the decoder gives (HE-AAC decodes to twice its core
 * rate). The encoder's priming is dropped as the edit list says, as the media element drops it,
 * so the head starts on the sample the element starts on. Only the index and the first samples
 * are read (by byte ranges: an index after the audio is reached without reading the audio).
 */
export async function decodeMp4Head(url: string, request: Mp4EdgeRequest): Promise<AudioBuffer> {
  const stream = await openMp4Audio(await httpByteSource(url, request.signal), { windowBytes }, request.signal);
  const from = stream.track.skipSeconds + request.trimSeconds;
  return decodeSpan(stream, { fromIndex: 0, from, to: from + request.seconds }, request.signal, 'start');
}

/**
 * The last `seconds` of an MP4/M4A file's audio before `trimSeconds` from its programme's end,
 * decoded as `decodeMp4Head` decodes. The programme ends where the edit list says (the encoder's
 * padding dropped, as the media element drops it), or with the last sample when there is none.
 * Only the index and the samples from just before the tail are read.
 */
export async function decodeMp4Tail(url: string, request: Mp4EdgeRequest): Promise<AudioBuffer> {
  const stream = await openMp4Audio(await httpByteSource(url, request.signal), { windowBytes }, request.signal);
  const { skipSeconds, keepSeconds } = stream.track;
  const mediaEnd = stream.endUs / 1e6;
  const programmeEnd = keepSeconds === undefined ? mediaEnd : Math.min(mediaEnd, skipSeconds + keepSeconds);
  const to = programmeEnd - request.trimSeconds;
  const from = to - request.seconds;
  if (from < skipSeconds) throw new Error('the file is shorter than the end wanted of it');
  const fromIndex = stream.sampleIndexAt(Math.max(0, from - tailPreRollSeconds) * 1e6);
  return decodeSpan(stream, { fromIndex, from, to }, request.signal, 'end');
}

/**
 * Decodes the samples from `fromIndex` on and keeps the media time [`from`, `to`) of what the
 * decoder gives, which starts at that sample's own time.
 */
async function decodeSpan(
  stream: Mp4AudioStream,
  span: { readonly fromIndex: number; readonly from: Seconds; readonly to: Seconds },
  signal: AbortSignal | undefined,
  edge: 'start' | 'end',
): Promise<AudioBuffer> {
  const planes: Float32Array[][] = [];
  let rate = 0;
  let channels = 0;
  let decodedFrames = 0;
  let firstTimestampUs: number | undefined;
  let failure: Error | undefined;
  const decoder = new AudioDecoder({
    output: (audio) => {
      try {
        rate ||= audio.sampleRate;
        channels ||= audio.numberOfChannels;
        const chunk = Array.from({ length: channels }, (_, planeIndex) => {
          const plane = new Float32Array(audio.numberOfFrames);
          audio.copyTo(plane, { planeIndex: Math.min(planeIndex, audio.numberOfChannels - 1), format: 'f32-planar' });
          return plane;
        });
        planes.push(chunk);
        decodedFrames += audio.numberOfFrames;
      } finally {
        audio.close();
      }
    },
    error: (error) => {
      failure ??= new Error(`the file's ${edge} could not be decoded (${error.message})`);
    },
  });
  try {
    decoder.configure(decoderConfig(stream.track));
    for await (const sample of stream.samples(signal, span.fromIndex)) {
      if (failure !== undefined) throw failure;
      firstTimestampUs ??= sample.timestampUs;
      decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: sample.timestampUs, duration: sample.durationUs, data: sample.data }));
      // Fed a little past what is wanted; the flush below gives back what the decoder still holds.
      if ((sample.timestampUs + sample.durationUs) / 1e6 >= span.to + 0.2) break;
    }
    await decoder.flush();
    if (failure !== undefined) throw failure;
  } finally {
    if (decoder.state !== 'closed') decoder.close();
  }
  // The decoder's first frame is the first fed sample's: positions count from its time.
  const decodedFrom = (firstTimestampUs ?? 0) / 1e6;
  const end = Math.round((span.to - decodedFrom) * rate);
  const from = end - Math.round((span.to - span.from) * rate);
  if (rate === 0 || from < 0 || decodedFrames < end) throw new Error(`could not decode enough of the file’s ${edge}`);
  const wanted = end - from;
  const edgeBuffer = new AudioBuffer({ length: wanted, numberOfChannels: channels, sampleRate: rate });
  for (let channel = 0; channel < channels; channel += 1) {
    const data = edgeBuffer.getChannelData(channel);
    let at = 0;
    for (const chunk of planes) {
      const plane = chunk[channel] as Float32Array;
      const start = Math.max(0, from - at);
      const stop = Math.min(plane.length, end - at);
      if (stop > start) data.set(plane.subarray(start, stop), at + start - from);
      at += plane.length;
    }
  }
  return edgeBuffer;
}
