/**
 * Byte-level knowledge of the containers whose edges a gapless join decodes on its own: where
 * the audio data starts (so a fragment can carry the file's own headers), where a frame or page
 * starts after an arbitrary byte (so a tail can be spliced behind those headers), and the
 * encoder's delay and padding where the format records them. Pure functions over bytes.
 */

export type FragmentFormat = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus';

export interface AudioLayout {
  readonly format: FragmentFormat;
  readonly sampleRate: number;
  /** Bytes before the first audio frame or page: the headers every fragment must carry. */
  readonly headerBytes: number;
  /** WAV: the data chunk's end (a LIST chunk may follow it); others: undefined (audio runs to the end of the file). */
  readonly dataEnd?: number;
  /** WAV: bytes per sample frame. */
  readonly blockAlign?: number;
}

export class UnsupportedLayoutError extends Error {}

const ascii = (bytes: Uint8Array, at: number, length: number): string => String.fromCharCode(...bytes.subarray(at, at + length));
const u16le = (bytes: Uint8Array, at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
const u32le = (bytes: Uint8Array, at: number): number => (u16le(bytes, at) + u16le(bytes, at + 2) * 65_536) >>> 0;
const u24be = (bytes: Uint8Array, at: number): number => ((bytes[at] ?? 0) << 16) | ((bytes[at + 1] ?? 0) << 8) | (bytes[at + 2] ?? 0);
const byteAt = (bytes: Uint8Array, at: number): number => bytes[at] ?? 0;

/**
 * Reads the layout from the start of a file. Returns `{ needBytes }` when the headers run past
 * the bytes given (embedded cover art can take megabytes), so the caller fetches more and asks again.
 */
export function readLayout(bytes: Uint8Array, extension: string): AudioLayout | { readonly needBytes: number } {
  switch (extension.toLowerCase()) {
    case 'wav':
      return readWavLayout(bytes);
    case 'flac':
      return readFlacLayout(bytes);
    case 'mp3':
      return readMp3Layout(bytes);
    case 'ogg':
    case 'oga':
    case 'opus':
      return readOggLayout(bytes);
    case 'm4a':
    case 'mp4':
    case 'm4b':
      // An MP4 file's edges are decoded from its own index by the platform's decoder, not spliced (see edge-decoding).
      throw new UnsupportedLayoutError(`an .${extension} file is not spliced; its edges are decoded from its index`);
    default:
      throw new UnsupportedLayoutError(`.${extension} files are not joined gaplessly`);
  }
}

function readWavLayout(bytes: Uint8Array): AudioLayout | { needBytes: number } {
  if (bytes.length < 12) return { needBytes: 12 };
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') throw new UnsupportedLayoutError('not a RIFF/WAVE file');
  let at = 12;
  let sampleRate = 0;
  let blockAlign = 0;
  for (;;) {
    if (at + 8 > bytes.length) return { needBytes: at + 8 };
    const id = ascii(bytes, at, 4);
    const size = u32le(bytes, at + 4);
    if (id === 'fmt ') {
      if (at + 8 + 16 > bytes.length) return { needBytes: at + 8 + 16 };
      sampleRate = u32le(bytes, at + 12);
      blockAlign = u16le(bytes, at + 20);
    } else if (id === 'data') {
      if (sampleRate === 0 || blockAlign === 0) throw new UnsupportedLayoutError('WAV data before its fmt chunk');
      return { format: 'wav', sampleRate, headerBytes: at + 8, dataEnd: at + 8 + size, blockAlign };
    }
    at += 8 + size + (size % 2);
  }
}

function readFlacLayout(bytes: Uint8Array): AudioLayout | { needBytes: number } {
  if (bytes.length < 4) return { needBytes: 4 };
  if (ascii(bytes, 0, 4) !== 'fLaC') throw new UnsupportedLayoutError('not a FLAC stream');
  let at = 4;
  let sampleRate = 0;
  for (;;) {
    if (at + 4 > bytes.length) return { needBytes: at + 4 };
    const header = byteAt(bytes, at);
    const length = u24be(bytes, at + 1);
    if ((header & 0x7f) === 0) {
      if (at + 4 + 13 > bytes.length) return { needBytes: at + 4 + 13 };
      const data = at + 4;
      sampleRate = (byteAt(bytes, data + 10) << 12) | (byteAt(bytes, data + 11) << 4) | (byteAt(bytes, data + 12) >> 4);
    }
    at += 4 + length;
    if ((header & 0x80) !== 0) break;
  }
  if (at > bytes.length) return { needBytes: at };
  if (sampleRate === 0) throw new UnsupportedLayoutError('FLAC without STREAMINFO');
  return { format: 'flac', sampleRate, headerBytes: at };
}

const mp3Bitrates = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const mp3SampleRates: Record<number, readonly number[]> = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8000] };

interface Mp3Frame {
  readonly length: number;
  readonly sampleRate: number;
  readonly mpeg1: boolean;
  readonly mono: boolean;
}

/** A Layer III frame header at `at`, or undefined. */
export function mp3FrameAt(bytes: Uint8Array, at: number): Mp3Frame | undefined {
  if (at + 4 > bytes.length || byteAt(bytes, at) !== 0xff || (byteAt(bytes, at + 1) & 0xe0) !== 0xe0) return undefined;
  const version = (byteAt(bytes, at + 1) >> 3) & 3;
  const layer = (byteAt(bytes, at + 1) >> 1) & 3;
  const bitrateIndex = byteAt(bytes, at + 2) >> 4;
  const rateIndex = (byteAt(bytes, at + 2) >> 2) & 3;
  const padding = (byteAt(bytes, at + 2) >> 1) & 1;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const sampleRate = mp3SampleRates[version]?.[rateIndex];
  if (sampleRate === undefined) return undefined;
  const mpeg1 = version === 3;
  const kbps = (mpeg1 ? mp3Bitrates.v1 : mp3Bitrates.v2)[bitrateIndex] ?? 0;
  const length = Math.floor(((mpeg1 ? 144_000 : 72_000) * kbps) / sampleRate) + padding;
  return { length, sampleRate, mpeg1, mono: byteAt(bytes, at + 3) >> 6 === 3 };
}

function readMp3Layout(bytes: Uint8Array): AudioLayout | { needBytes: number } {
  if (bytes.length < 10) return { needBytes: 10 };
  let at = 0;
  if (ascii(bytes, 0, 3) === 'ID3') {
    const size = ((byteAt(bytes, 6) & 0x7f) << 21) | ((byteAt(bytes, 7) & 0x7f) << 14) | ((byteAt(bytes, 8) & 0x7f) << 7) | (byteAt(bytes, 9) & 0x7f);
    at = 10 + size + ((byteAt(bytes, 5) & 0x10) !== 0 ? 10 : 0);
  }
  const frameAt = findMp3Frame(bytes, at, Math.min(bytes.length, at + 4096));
  if (frameAt === undefined) {
    if (bytes.length < at + 4096 + 4) return { needBytes: at + 4096 + 4 };
    throw new UnsupportedLayoutError('no MPEG audio frame near the start');
  }
  const frame = mp3FrameAt(bytes, frameAt);
  if (frame === undefined) throw new UnsupportedLayoutError('no MPEG audio frame near the start');
  if (frameAt + frame.length > bytes.length) return { needBytes: frameAt + frame.length };
  const sideInfo = frame.mpeg1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
  const tagAt = frameAt + 4 + sideInfo;
  const tag = ascii(bytes, tagAt, 4);
  // A Xing/Info frame is silent metadata (frame count, the LAME tag's delay and padding): it belongs to the headers.
  return { format: 'mp3', sampleRate: frame.sampleRate, headerBytes: tag === 'Xing' || tag === 'Info' ? frameAt + frame.length : frameAt };
}

/** The first offset in [from, to) where three MPEG frames follow one another (one plausible header alone is often noise). */
export function findMp3Frame(bytes: Uint8Array, from: number, to: number): number | undefined {
  for (let at = from; at < to; at += 1) {
    let next = at;
    let chained = 0;
    while (chained < 3) {
      const frame = mp3FrameAt(bytes, next);
      if (frame === undefined) break;
      chained += 1;
      next += frame.length;
      if (next >= bytes.length) {
        chained = 3;
        break;
      }
    }
    if (chained === 3) return at;
  }
  return undefined;
}

interface OggPage {
  readonly length: number;
  readonly segments: Uint8Array;
  readonly bodyAt: number;
}

function oggPageAt(bytes: Uint8Array, at: number): OggPage | undefined {
  if (at + 27 > bytes.length || ascii(bytes, at, 4) !== 'OggS' || byteAt(bytes, at + 4) !== 0) return undefined;
  const count = byteAt(bytes, at + 26);
  if (at + 27 + count > bytes.length) return undefined;
  const segments = bytes.subarray(at + 27, at + 27 + count);
  const bodyLength = segments.reduce((sum, value) => sum + value, 0);
  return { length: 27 + count + bodyLength, segments, bodyAt: at + 27 + count };
}

/** Opus decodes at 48 kHz whatever rate its source had (OpusHead's rate is only informative). */
const opusSampleRate = 48_000;

function readOggLayout(bytes: Uint8Array): AudioLayout | { needBytes: number } {
  let at = 0;
  let packets = 0;
  let sampleRate = 0;
  let format: 'ogg-vorbis' | 'ogg-opus' = 'ogg-vorbis';
  // Vorbis: identification, comment and setup packets; Opus: its head and tags packets. The first audio packet starts a fresh page.
  while (packets < (format === 'ogg-opus' ? 2 : 3)) {
    if (at + 27 > bytes.length) return { needBytes: at + 27 + 255 };
    const page = oggPageAt(bytes, at);
    if (page === undefined) {
      if (ascii(bytes, at, 4) === 'OggS') return { needBytes: at + 27 + 255 };
      throw new UnsupportedLayoutError('not an Ogg stream');
    }
    if (at + page.length > bytes.length) return { needBytes: at + page.length };
    if (at === 0) {
      if (ascii(bytes, page.bodyAt, 8) === 'OpusHead') {
        format = 'ogg-opus';
        sampleRate = opusSampleRate;
      } else if (ascii(bytes, page.bodyAt, 7) === '\u0001vorbis') {
        sampleRate = u32le(bytes, page.bodyAt + 12);
      } else {
        throw new UnsupportedLayoutError('an Ogg stream that is neither Vorbis nor Opus');
      }
    }
    for (const value of page.segments) if (value < 255) packets += 1;
    at += page.length;
  }
  return { format, sampleRate, headerBytes: at };
}

/** The first offset in [from, to) where an Ogg page starts and the next one follows it (or the data ends). */
export function findOggPage(bytes: Uint8Array, from: number, to: number): number | undefined {
  for (let at = from; at < to; at += 1) {
    if (byteAt(bytes, at) !== 0x4f) continue;
    const page = oggPageAt(bytes, at);
    if (page === undefined) continue;
    const next = at + page.length;
    if (next === bytes.length || oggPageAt(bytes, next) !== undefined) return at;
  }
  return undefined;
}

const crc8Table = (() => {
  const table = new Uint8Array(256);
  for (let value = 0; value < 256; value += 1) {
    let crc = value;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc & 0x80) !== 0 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    table[value] = crc;
  }
  return table;
})();

/** Whether a FLAC frame header starts at `at`: sync code, valid fields and a matching CRC-8. */
export function isFlacFrameAt(bytes: Uint8Array, at: number): boolean {
  if (at + 6 > bytes.length || byteAt(bytes, at) !== 0xff || (byteAt(bytes, at + 1) & 0xfe) !== 0xf8) return false;
  const blockSizeCode = byteAt(bytes, at + 2) >> 4;
  const rateCode = byteAt(bytes, at + 2) & 0x0f;
  if (blockSizeCode === 0 || rateCode === 15 || (byteAt(bytes, at + 3) & 1) !== 0) return false;
  let end = at + 4;
  // The frame or sample number, UTF-8 style: the leading ones of the first byte say how many follow.
  const lead = byteAt(bytes, end);
  let extra = 0;
  while (extra < 7 && (lead & (0x80 >> extra)) !== 0) extra += 1;
  if (extra === 1 || extra > 7) return false;
  end += extra === 0 ? 1 : extra;
  if (blockSizeCode === 6) end += 1;
  if (blockSizeCode === 7) end += 2;
  if (rateCode === 12) end += 1;
  if (rateCode === 13 || rateCode === 14) end += 2;
  if (end >= bytes.length) return false;
  let crc = 0;
  for (let index = at; index < end; index += 1) crc = crc8Table[crc ^ byteAt(bytes, index)] ?? 0;
  return crc === byteAt(bytes, end);
}

export function findFlacFrame(bytes: Uint8Array, from: number, to: number): number | undefined {
  for (let at = from; at < to; at += 1) if (isFlacFrameAt(bytes, at)) return at;
  return undefined;
}

/**
 * Where a decoder can start on its own at or after the first byte of `bytes`, which begin at
 * `bytesStart` in the file: the next frame or page. An offset in the file.
 */
export function findResyncPoint(layout: AudioLayout, bytes: Uint8Array, bytesStart: number): number | undefined {
  const to = Math.min(bytes.length, 256 * 1024);
  let found: number | undefined;
  switch (layout.format) {
    case 'wav': {
      const blockAlign = layout.blockAlign ?? 1;
      const past = (bytesStart - layout.headerBytes) % blockAlign;
      return past === 0 ? bytesStart : bytesStart + blockAlign - past;
    }
    case 'flac':
      found = findFlacFrame(bytes, 0, to);
      break;
    case 'mp3':
      found = findMp3Frame(bytes, 0, to);
      break;
    case 'ogg-vorbis':
    case 'ogg-opus':
      found = findOggPage(bytes, 0, to);
      break;
  }
  return found === undefined ? undefined : bytesStart + found;
}

/**
 * A decodable file made of the original headers and a run of audio data from elsewhere in the
 * file. WAV sizes are patched to the data actually present; the other formats' decoders read
 * until the bytes end.
 */
export function spliceFragment(layout: AudioLayout, header: Uint8Array, audio: Uint8Array): Uint8Array {
  const fragment = new Uint8Array(layout.headerBytes + audio.length);
  fragment.set(header.subarray(0, layout.headerBytes), 0);
  fragment.set(audio, layout.headerBytes);
  if (layout.format === 'wav') {
    const view = new DataView(fragment.buffer);
    view.setUint32(4, fragment.length - 8, true);
    view.setUint32(layout.headerBytes - 4, audio.length, true);
  }
  return fragment;
}
