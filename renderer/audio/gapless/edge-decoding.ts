import { findResyncPoint, readLayout, spliceFragment, UnsupportedLayoutError, type AudioLayout } from './audio-fragments';
import type { Seconds } from '../units';
import { decodeMp4Head, decodeMp4Tail } from './mp4-edges';
import { sliceBuffer } from './resample-as-decoded';

/**
 * Decodes the first or the last seconds of a file without the rest: byte-range requests for
 * the headers and the edge, spliced into a small file the browser's own decoder reads. Memory
 * is the edge's, however long the file (a 60-minute track costs what a 3-minute one does).
 */

export interface EdgeSource {
  readonly url: string;
  /** The file name's extension, which says the container. */
  readonly extension: string;
}

/** Bytes of slack around the estimate: a frame or page to resync on, and variable bitrates. */
const slackBytes = 16 * 1024;
const firstHeaderRead = 64 * 1024;

async function fetchRange(url: string, from: number, toExclusive: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; totalBytes: number }> {
  const response = await fetch(url, { headers: { Range: `bytes=${from}-${toExclusive - 1}` }, ...(signal === undefined ? {} : { signal }) });
  if (!response.ok) throw new Error(`could not read bytes ${from}–${toExclusive - 1} (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const range = /\/(\d+)$/.exec(response.headers.get('Content-Range') ?? '');
  if (response.status === 200) return { bytes: bytes.subarray(from, toExclusive), totalBytes: bytes.length };
  return { bytes, totalBytes: range?.[1] === undefined ? from + bytes.length : Number(range[1]) };
}

interface Headers {
  readonly layout: AudioLayout;
  readonly header: Uint8Array;
  readonly totalBytes: number;
}

async function readHeaders(source: EdgeSource, signal?: AbortSignal): Promise<Headers> {
  let wanted = firstHeaderRead;
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const { bytes, totalBytes } = await fetchRange(source.url, 0, wanted, signal);
    const layout = readLayout(bytes, source.extension);
    const needBytes = 'needBytes' in layout ? layout.needBytes : layout.headerBytes;
    if (!('needBytes' in layout) && layout.headerBytes <= bytes.length) return { layout, header: bytes.subarray(0, layout.headerBytes), totalBytes };
    if (needBytes > totalBytes) throw new Error('the file ends inside its headers');
    wanted = Math.max(needBytes + firstHeaderRead, wanted * 2);
  }
  throw new Error('the headers are too large to read');
}

async function decodeAt(sampleRate: number, bytes: Uint8Array): Promise<AudioBuffer> {
  // A context at the file's own rate decodes without resampling, so the two edges of a join meet sample for sample.
  const context = new OfflineAudioContext(1, 1, sampleRate);
  return context.decodeAudioData(bytes.slice().buffer);
}

export interface EdgeRequest {
  readonly seconds: Seconds;
  /** The file's whole duration, for the byte estimate. */
  readonly fileSeconds: Seconds;
  /** Head: where the segment starts in the file (its start trim). Tail: seconds cut off the file's end (its end trim). */
  readonly trimSeconds: Seconds;
  readonly signal?: AbortSignal;
}

/** MP4 containers: their edges are decoded by the platform's decoder (WebCodecs), not spliced. */
const mp4Extensions = new Set(['m4a', 'mp4', 'm4b']);

/** The first `seconds` of the file after `trimSeconds`, at the file's own sample rate. */
export async function decodeHead(source: EdgeSource, request: EdgeRequest): Promise<AudioBuffer> {
  if (mp4Extensions.has(source.extension.toLowerCase())) {
    if (typeof AudioDecoder === 'undefined') throw new UnsupportedLayoutError('this browser has no WebCodecs audio decoder for an MP4 file’s start');
    return decodeMp4Head(source.url, request);
  }
  const { layout, totalBytes } = await readHeaders(source, request.signal);
  const dataBytes = (layout.dataEnd ?? totalBytes) - layout.headerBytes;
  const bytesPerSecond = dataBytes / Math.max(0.001, request.fileSeconds);
  let fraction = 1.25;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const end = Math.min(layout.dataEnd ?? totalBytes, Math.ceil(layout.headerBytes + bytesPerSecond * (request.trimSeconds + request.seconds) * fraction + slackBytes));
    const { bytes } = await fetchRange(source.url, 0, end, request.signal);
    const decoded = await decodeAt(layout.sampleRate, spliceFragment(layout, bytes, bytes.subarray(layout.headerBytes)));
    const from = request.trimSeconds * layout.sampleRate;
    const wantedFrames = request.seconds * layout.sampleRate;
    if (decoded.length >= from + wantedFrames || end >= (layout.dataEnd ?? totalBytes)) return sliceBuffer(decoded, from, from + wantedFrames);
    fraction *= 2;
  }
  throw new Error('could not decode enough of the file’s start');
}

/**
 * The last `seconds` of the file before `trimSeconds` from its end, at the file's own rate.
 * The headers are spliced in front of the first frame (or page) found in the tail bytes.
 */
export async function decodeTail(source: EdgeSource, request: EdgeRequest): Promise<AudioBuffer> {
  if (mp4Extensions.has(source.extension.toLowerCase())) {
    if (typeof AudioDecoder === 'undefined') throw new UnsupportedLayoutError('this browser has no WebCodecs audio decoder for an MP4 file’s end');
    return decodeMp4Tail(source.url, request);
  }
  const { layout, header, totalBytes } = await readHeaders(source, request.signal);
  const dataEnd = layout.dataEnd ?? totalBytes;
  const dataBytes = dataEnd - layout.headerBytes;
  const bytesPerSecond = dataBytes / Math.max(0.001, request.fileSeconds);
  // The decoder's first frames after a splice may be incomplete (MP3's bit reservoir, Vorbis's overlap, Opus's state): a second of margin.
  const wantedSeconds = request.seconds + request.trimSeconds + 1;
  let fraction = 1.25;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const start = Math.max(layout.headerBytes, Math.floor(dataEnd - bytesPerSecond * wantedSeconds * fraction - slackBytes));
    const { bytes } = await fetchRange(source.url, start, dataEnd, request.signal);
    const resync = start === layout.headerBytes ? start : findResyncPoint(layout, bytes, start);
    if (resync === undefined) throw new Error('found no frame to start decoding from in the file’s last bytes');
    // Chromium's decoder drops the encoder's delay and padding (MP3's LAME tag, Vorbis and Opus granules) in a spliced
    // fragment as in the whole file: an Ogg demuxer that starts mid-stream times the first page's packets back from its
    // granule, so the last page's granule cuts the padding there as it does in the whole file.
    const decoded = await decodeAt(layout.sampleRate, spliceFragment(layout, header, bytes.subarray(resync - start)));
    const end = decoded.length - request.trimSeconds * layout.sampleRate;
    const wantedFrames = request.seconds * layout.sampleRate;
    if (end - wantedFrames >= layout.sampleRate * 0.5 || start === layout.headerBytes) return sliceBuffer(decoded, end - wantedFrames, end);
    fraction *= 2;
  }
  throw new Error('could not decode enough of the file’s end');
}
