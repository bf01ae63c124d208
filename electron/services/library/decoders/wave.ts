import { AudioDecodeError, type DecodedChunk } from './errors';

/**
 * A streaming RIFF/WAVE reader for integer PCM (8, 16, 24, 32 bit) and IEEE float (32, 64
 * bit), plain or WAVE_FORMAT_EXTENSIBLE. It reads from any byte stream — a file, or ffmpeg's
 * stdout, whose WAVE header leaves the sizes unknown (0xFFFFFFFF) — and never holds more than
 * one incoming chunk of it.
 */

interface WaveFormat {
  readonly channels: number;
  readonly sampleRate: number;
  readonly encoding: 'integer' | 'float';
  readonly bytesPerSample: number;
  readonly blockAlign: number;
}

const unknownSize = 0xffff_ffff;
const formatPcm = 0x0001;
const formatFloat = 0x0003;
const formatExtensible = 0xfffe;

/** Pulls exact byte counts out of a stream of arbitrarily cut chunks. */
class ByteReader {
  private readonly pending: Uint8Array[] = [];
  private pendingLength = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Waits until `count` bytes are buffered; false when the stream ends first. */
  async fill(count: number): Promise<boolean> {
    while (this.pendingLength < count && !this.ended) {
      const next = await this.source.next();
      if (next.done === true) this.ended = true;
      else if (next.value.length > 0) {
        this.pending.push(next.value);
        this.pendingLength += next.value.length;
      }
    }
    return this.pendingLength >= count;
  }

  /** Removes and returns `count` buffered bytes (call fill first). */
  take(count: number): Uint8Array {
    const first = this.pending[0];
    if (first !== undefined && first.length >= count) {
      this.consume(count);
      return first.subarray(0, count);
    }
    const joined = new Uint8Array(count);
    let offset = 0;
    while (offset < count) {
      const head = this.pending[0] as Uint8Array;
      const part = head.subarray(0, count - offset);
      joined.set(part, offset);
      offset += part.length;
      this.consume(part.length);
    }
    return joined;
  }

  /** Drops `count` bytes, reading past them as needed; false when the stream ends first. */
  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (this.pendingLength === 0 && !(await this.fill(1))) return false;
      const step = Math.min(left, this.pendingLength);
      this.discard(step);
      left -= step;
    }
    return true;
  }

  /** Whatever is buffered, or else the next chunk of the stream, up to `limit` bytes; undefined at the end. */
  async next(limit: number): Promise<Uint8Array | undefined> {
    if (this.pendingLength === 0 && !(await this.fill(1))) return undefined;
    const head = this.pending[0] as Uint8Array;
    const count = Math.min(limit, head.length);
    this.consume(count);
    return head.subarray(0, count);
  }

  private consume(count: number): void {
    const head = this.pending[0] as Uint8Array;
    if (count === head.length) this.pending.shift();
    else this.pending[0] = head.subarray(count);
    this.pendingLength -= count;
  }

  private discard(count: number): void {
    let left = count;
    while (left > 0) {
      const head = this.pending[0] as Uint8Array;
      const step = Math.min(left, head.length);
      this.consume(step);
      left -= step;
    }
  }
}

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

function parseFormat(bytes: Uint8Array): WaveFormat {
  if (bytes.length < 16) throw new AudioDecodeError('corrupt', 'The WAV file’s format header is too short; the file is damaged.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let tag = view.getUint16(0, true);
  const channels = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bitsPerSample = view.getUint16(14, true);
  if (tag === formatExtensible) {
    if (bytes.length < 40) throw new AudioDecodeError('corrupt', 'The WAV file’s extended format header is too short; the file is damaged.');
    tag = view.getUint16(24, true); // the first two bytes of the sub-format GUID
  }
  if (tag !== formatPcm && tag !== formatFloat) {
    throw new AudioDecodeError('unsupported', `This WAV file is compressed (format ${tag}); only uncompressed PCM and float WAV files can be analysed.`);
  }
  if (channels < 1 || channels > 64) throw new AudioDecodeError('corrupt', `The WAV file claims ${channels} channels; the file is damaged.`);
  if (sampleRate < 1000 || sampleRate > 768_000) throw new AudioDecodeError('corrupt', `The WAV file claims a sample rate of ${sampleRate} Hz; the file is damaged.`);
  // The container size, not the valid bits: 20-bit audio travels in 24-bit slots.
  const bytesPerSample = blockAlign / channels;
  const encoding = tag === formatFloat ? 'float' : 'integer';
  const supported = encoding === 'float' ? [4, 8] : [1, 2, 3, 4];
  if (!Number.isInteger(bytesPerSample) || !supported.includes(bytesPerSample) || bitsPerSample > bytesPerSample * 8) {
    throw new AudioDecodeError(
      'unsupported',
      `This WAV file stores ${bitsPerSample}-bit ${encoding === 'float' ? 'float' : 'integer'} samples in ${blockAlign}-byte frames of ${channels} channels, which Attune does not read.`,
    );
  }
  return { channels, sampleRate, encoding, bytesPerSample, blockAlign };
}

/** Converts whole frames of interleaved little-endian samples into planar floats. */
function toPlanar(bytes: Uint8Array, format: WaveFormat): Float32Array[] {
  const { channels, bytesPerSample, blockAlign } = format;
  const frames = Math.floor(bytes.length / blockAlign);
  const planar = Array.from({ length: channels }, () => new Float32Array(frames));
  const view = new DataView(bytes.buffer, bytes.byteOffset, frames * blockAlign);
  for (let channel = 0; channel < channels; channel += 1) {
    const out = planar[channel] as Float32Array;
    let offset = channel * bytesPerSample;
    if (format.encoding === 'float') {
      for (let frame = 0; frame < frames; frame += 1, offset += blockAlign) {
        const value = bytesPerSample === 4 ? view.getFloat32(offset, true) : view.getFloat64(offset, true);
        if (!Number.isFinite(value)) throw new AudioDecodeError('corrupt', 'The WAV file contains invalid (not-a-number or infinite) samples; the file is damaged.');
        out[frame] = value;
      }
    } else if (bytesPerSample === 2) {
      for (let frame = 0; frame < frames; frame += 1, offset += blockAlign) out[frame] = view.getInt16(offset, true) / 32_768;
    } else if (bytesPerSample === 3) {
      for (let frame = 0; frame < frames; frame += 1, offset += blockAlign) {
        const value = (bytes[offset] as number) | ((bytes[offset + 1] as number) << 8) | ((bytes[offset + 2] as number) << 16);
        out[frame] = ((value << 8) >> 8) / 8_388_608;
      }
    } else if (bytesPerSample === 4) {
      for (let frame = 0; frame < frames; frame += 1, offset += blockAlign) out[frame] = view.getInt32(offset, true) / 2_147_483_648;
    } else {
      // 8-bit WAV is unsigned.
      for (let frame = 0; frame < frames; frame += 1, offset += blockAlign) out[frame] = ((bytes[offset] as number) - 128) / 128;
    }
  }
  return planar;
}

export async function* readWave(source: AsyncIterable<Uint8Array>): AsyncGenerator<DecodedChunk> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    const reader = new ByteReader(iterator);
    if (!(await reader.fill(12))) throw new AudioDecodeError('not-audio', 'The file is too short to be a WAV file.');
    const header = reader.take(12);
    const riff = ascii(header, 0, 4);
    if (riff === 'RF64') throw new AudioDecodeError('unsupported', 'RF64 WAV files (over 4 GB) are not supported.');
    if (riff !== 'RIFF' || ascii(header, 8, 12) !== 'WAVE') throw new AudioDecodeError('not-audio', 'The file is not a WAV file.');

    let format: WaveFormat | undefined;
    for (;;) {
      if (!(await reader.fill(8))) throw new AudioDecodeError('corrupt', 'The WAV file ends before its audio data; the file is damaged or empty.');
      const chunkHeader = reader.take(8);
      const id = ascii(chunkHeader, 0, 4);
      const size = new DataView(chunkHeader.buffer, chunkHeader.byteOffset, 8).getUint32(4, true);
      if (id === 'fmt ') {
        if (size > 4096 || !(await reader.fill(size))) throw new AudioDecodeError('corrupt', 'The WAV file’s format header is damaged.');
        format = parseFormat(reader.take(size));
        await reader.skip(size & 1);
      } else if (id === 'data') {
        if (format === undefined) throw new AudioDecodeError('corrupt', 'The WAV file has audio data before its format header; the file is damaged.');
        yield* streamData(reader, format, size === unknownSize ? Number.POSITIVE_INFINITY : size);
        return;
      } else if (!(await reader.skip(size + (size & 1)))) {
        throw new AudioDecodeError('corrupt', 'The WAV file ends before its audio data; the file is damaged.');
      }
    }
  } finally {
    await iterator.return?.();
  }
}

async function* streamData(reader: ByteReader, format: WaveFormat, size: number): AsyncGenerator<DecodedChunk> {
  let left = size;
  let carry = new Uint8Array(0);
  while (left > 0) {
    const next = await reader.next(Math.min(left, 1 << 20));
    if (next === undefined) break; // a truncated file: measure what is there
    left -= next.length;
    let bytes = next;
    if (carry.length > 0) {
      bytes = new Uint8Array(carry.length + next.length);
      bytes.set(carry, 0);
      bytes.set(next, carry.length);
    }
    const whole = bytes.length - (bytes.length % format.blockAlign);
    // Copy the split frame's bytes: the stream may reuse the buffer behind `next`.
    carry = bytes.slice(whole);
    if (whole > 0) yield { sampleRate: format.sampleRate, channels: toPlanar(bytes.subarray(0, whole), format) };
  }
}
