import { httpByteSource } from '../analysis/byte-source';
import { decoderConfig, openMp4Audio } from '../analysis/mp4-audio-demuxer';
import type { Seconds } from '../units';

/** Bytes per request while the index is looked for and the first samples are read: the head needs a few tens of KB. */
const windowBytes = 256 * 1024;

/**
 * The first `seconds` of an MP4/M4A file's audio after `trimSeconds`, decoded by the platform's
 * own decoder (WebCodecs), at the rate the decoder gives (HE-AAC decodes to twice its core
 * rate). The encoder's priming is dropped as the edit list says, as the media element drops it,
 * so the head starts on the sample the element starts on. Only the index and the first samples
 * are read (by byte ranges: an index after the audio is reached without reading the audio).
 */
export async function decodeMp4Head(url: string, request: { readonly seconds: Seconds; readonly trimSeconds: Seconds; readonly signal?: AbortSignal }): Promise<AudioBuffer> {
  const { signal } = request;
  const stream = await openMp4Audio(await httpByteSource(url, signal), { windowBytes }, signal);
  const { track } = stream;
  const config = decoderConfig(track);
  const planes: Float32Array[][] = [];
  let rate = 0;
  let channels = 0;
  let decodedFrames = 0;
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
      failure ??= new Error(`the file's start could not be decoded (${error.message})`);
    },
  });
  // The priming and the trim come before the head in what the decoder gives.
  const fromSeconds = track.skipSeconds + request.trimSeconds;
  try {
    decoder.configure(config);
    let fedUs = 0;
    for await (const sample of stream.samples(signal)) {
      if (failure !== undefined) throw failure;
      decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: sample.timestampUs, duration: sample.durationUs, data: sample.data }));
      fedUs += sample.durationUs;
      // Fed a little past what is wanted; the flush below gives back what the decoder still holds.
      if (fedUs / 1e6 >= fromSeconds + request.seconds + 0.2) break;
    }
    await decoder.flush();
    if (failure !== undefined) throw failure;
  } finally {
    if (decoder.state !== 'closed') decoder.close();
  }
  const from = Math.round(fromSeconds * rate);
  const wanted = Math.round(request.seconds * rate);
  if (rate === 0 || decodedFrames < from + wanted) throw new Error('could not decode enough of the file’s start');
  const head = new AudioBuffer({ length: wanted, numberOfChannels: channels, sampleRate: rate });
  for (let channel = 0; channel < channels; channel += 1) {
    const data = head.getChannelData(channel);
    let at = 0;
    for (const chunk of planes) {
      const plane = chunk[channel] as Float32Array;
      const start = Math.max(0, from - at);
      const end = Math.min(plane.length, from + wanted - at);
      if (end > start) data.set(plane.subarray(start, end), at + start - from);
      at += plane.length;
    }
  }
  return head;
}
