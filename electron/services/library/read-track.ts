import { open } from 'node:fs/promises';
import path from 'node:path';
import { parseBuffer, parseFile, type IAudioMetadata } from 'music-metadata';
import type { LibraryTrack } from '../../../core/library';
import { taggedLoudnessFrom } from '../../../core/loudness-tags';

/** An audio file the scan found, with the stat that keys it. */
export interface FoundFile {
  readonly path: string;
  readonly root: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export type TrackReadResult = { readonly ok: true; readonly track: LibraryTrack } | { readonly ok: false; readonly reason: string };

/** Reads one file's tags and format; never throws (a file that cannot be read is a result with the reason). */
export type TrackReader = (file: FoundFile) => Promise<TrackReadResult>;

type Family = 'mp3' | 'mp4' | 'aac' | 'flac' | 'ogg' | 'wav';

const familyByExtension: Record<string, Family> = {
  mp3: 'mp3',
  m4a: 'mp4',
  mp4: 'mp4',
  aac: 'aac',
  flac: 'flac',
  ogg: 'ogg',
  oga: 'ogg',
  opus: 'ogg',
  wav: 'wav',
};

const familyNames: Record<Family, string> = { mp3: 'MP3', mp4: 'MP4/AAC', aac: 'AAC', flac: 'FLAC', ogg: 'Ogg', wav: 'WAV' };

/** music-metadata names MP4 containers after their brands ("M4A/isom/iso2", "mp42/isom"). */
const mp4Brand = /^(M4A|M4B|M4P|mp4\d|mp41|mp42|isom|iso\d|dash|avc1|f4a|3gp)/i;

function familyOfContainer(container: string): Family | undefined {
  if (container === 'MPEG') return 'mp3';
  if (container === 'FLAC') return 'flac';
  if (container === 'Ogg') return 'ogg';
  if (container === 'WAVE') return 'wav';
  if (container.startsWith('ADTS')) return 'aac';
  if (mp4Brand.test(container)) return 'mp4';
  return undefined;
}

function extensionFor(family: Family, codec: string | undefined): string {
  if (family === 'ogg') return codec === 'Opus' ? 'opus' : 'ogg';
  return { mp3: 'mp3', mp4: 'm4a', aac: 'aac', flac: 'flac', wav: 'wav' }[family];
}

/** What an operating-system error means to someone looking at their music folder. */
export function describeFileError(error: unknown): string | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'it disappeared while the library was being scanned';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ELOOP':
      return 'a symbolic link that points back to itself';
    case 'EIO':
      return 'the disk reported an input/output error';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files open at once; scan again';
    default:
      return undefined;
  }
}

/** Enough for every container's opening header. */
const sniffBytes = 16 * 1024;

/**
 * Files up to this size are read whole, with one read, and parsed from memory. music-metadata's
 * file reader asks the disk for a few bytes at a time (three reads per Ogg page, so hundreds for
 * a four-minute Ogg or Opus file whose length is on its last page; dozens for MP4 atoms and MP3
 * frame headers), and each read costs a round trip through Node's thread pool that is far slower
 * than copying a few megabytes from the page cache. Larger files (long FLAC and WAV files, whose
 * headers are at the front) are parsed from the file, which reads only what the parser asks for:
 * a scan holds at most one file per read in progress in memory, none larger than this.
 */
const wholeFileBytes = 16 * 1024 * 1024;

/** What a file's bytes are read from: all of them in memory, or only its path when it is too large to hold. */
interface Source {
  readonly path: string;
  readonly bytes?: Uint8Array;
}

/** Whole-file buffers grow in steps of this, so one buffer serves files of similar sizes. */
const bufferStep = 1024 * 1024;

/**
 * Buffers for whole-file reads, reused from file to file. A new buffer of a few MB per file
 * costs little to allocate, but V8 counts that memory and runs a full garbage collection every
 * few files, which doubled a scan's CPU time. At most `keep` buffers (one per read in progress)
 * are kept, and only as long as the reader that owns them.
 */
class ReadBuffers {
  private readonly spare: Buffer[] = [];

  constructor(private readonly keep: number) {}

  take(size: number): Buffer {
    let best = -1;
    for (let index = 0; index < this.spare.length; index += 1) {
      const candidate = this.spare[index] as Buffer;
      if (candidate.length >= size && (best === -1 || candidate.length < (this.spare[best] as Buffer).length)) best = index;
    }
    if (best !== -1) return this.spare.splice(best, 1)[0] as Buffer;
    // Every byte used is overwritten by the read, so the buffer need not be zeroed first.
    return Buffer.allocUnsafe(Math.max(bufferStep, Math.ceil(size / bufferStep) * bufferStep));
  }

  /** Takes back a buffer once nothing refers to its bytes any more; the largest are kept. */
  give(buffer: Buffer): void {
    this.spare.push(buffer);
    this.spare.sort((a, b) => b.length - a.length);
    this.spare.length = Math.min(this.spare.length, this.keep);
  }
}

/** Reads a file whole when it is at most `limit` bytes (see `wholeFileBytes`); its size is taken when opened, as music-metadata does. */
async function openSource(filePath: string, limit: number, buffers: ReadBuffers): Promise<{ source: Source; buffer?: Buffer }> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size > limit) return { source: { path: filePath } };
    const buffer = buffers.take(size);
    let filled = 0;
    try {
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) break; // the file shrank since it was opened: parse what is there
        filled += bytesRead;
      }
    } catch (error) {
      buffers.give(buffer);
      throw error;
    }
    return { source: { path: filePath, bytes: buffer.subarray(0, filled) }, buffer };
  } finally {
    await handle.close();
  }
}

/**
 * Where the audio starts: after an ID3v2 tag (cover art can make it hundreds of KB), whose
 * size is a 28-bit "synchsafe" integer in its 10-byte header (ID3v2.4 §3.1), plus a footer if flagged.
 */
function afterId3v2(header: Uint8Array): number {
  if (header.length < 10 || header[0] !== 0x49 || header[1] !== 0x44 || header[2] !== 0x33) return 0;
  const size = (((header[6] ?? 0) & 0x7f) << 21) | (((header[7] ?? 0) & 0x7f) << 14) | (((header[8] ?? 0) & 0x7f) << 7) | ((header[9] ?? 0) & 0x7f);
  const footer = ((header[5] ?? 0) & 0x10) === 0 ? 0 : 10;
  return 10 + size + footer;
}

/** The first `sniffBytes` of the audio, after any ID3v2 tag. */
async function audioHead(source: Source): Promise<Uint8Array> {
  const header = new Uint8Array(10);
  const { bytes } = source;
  if (bytes !== undefined) {
    header.set(bytes.subarray(0, 10)); // zero-padded when shorter, as a read into it would leave it
    const start = afterId3v2(header);
    return bytes.subarray(start, start + sniffBytes);
  }
  const handle = await open(source.path, 'r');
  try {
    await handle.read(header, 0, 10, 0);
    const buffer = new Uint8Array(sniffBytes);
    const { bytesRead } = await handle.read(buffer, 0, sniffBytes, afterId3v2(header));
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The container the file's bytes hold, whatever its name says (music-metadata guesses by content when given no name). */
async function sniffContainer(source: Source): Promise<{ container?: string; codec?: string }> {
  const found: { container?: string; codec?: string } = {};
  const head = await audioHead(source);
  try {
    await parseBuffer(head, undefined, {
      skipCovers: true,
      skipPostHeaders: true,
      observer: ({ tag }) => {
        if (tag.type !== 'format') return;
        if (tag.id === 'container' && typeof tag.value === 'string') found.container ??= tag.value;
        if (tag.id === 'codec' && typeof tag.value === 'string') found.codec ??= tag.value;
      },
    });
  } catch {
    // The head ends mid-file: whatever was recognised before that is what we wanted.
  }
  return found;
}

interface Doubt {
  readonly detail: string;
  /** Only parse warnings: the file may still be fine if its content matches its name. */
  readonly warningsOnly: boolean;
}

/** Why the parse by extension cannot be trusted, or undefined when it looks like real audio. */
function doubtAbout(metadata: IAudioMetadata): Doubt | undefined {
  const { format } = metadata;
  if (format.container === undefined) return { detail: 'no audio stream found', warningsOnly: false };
  if (!(typeof format.sampleRate === 'number' && format.sampleRate > 0)) return { detail: 'no sample rate', warningsOnly: false };
  if (!(typeof format.numberOfChannels === 'number' && format.numberOfChannels > 0)) return { detail: 'no channels', warningsOnly: false };
  const parseError = metadata.quality.warnings.find((warning) => warning.message.startsWith('Parse error'));
  if (parseError !== undefined) return { detail: parseError.message.replace(/^Parse error:\s*/, '').toLowerCase(), warningsOnly: true };
  return undefined;
}

/** What a file's first bytes hold, as a family, when music-metadata recognises them regardless of the name. */
async function sniffFamily(source: Source): Promise<{ family?: Family; container?: string; codec?: string }> {
  const sniffed = await sniffContainer(source);
  return sniffed.container === undefined ? {} : { ...sniffed, family: familyOfContainer(sniffed.container) };
}

const sameFamily = (a: Family | undefined, b: Family | undefined) => a === b || ((a === 'mp4' || a === 'aac') && (b === 'mp4' || b === 'aac'));

const renameHint = (file: FoundFile, family: Family, codec: string | undefined) =>
  `named .${path.extname(file.path).slice(1)} but holds ${familyNames[family]} audio; rename it to .${extensionFor(family, codec)}`;

/**
 * What a file that failed to parse (or parsed into nonsense) really holds, told from its first
 * bytes: `matchesName` when its content is what its extension says (then it is damaged).
 */
async function judgeContent(
  file: FoundFile,
  source: Source,
  family: Family | undefined,
  detail: string,
): Promise<{ matchesName: boolean; reason: string }> {
  const expected = family === undefined ? 'audio' : familyNames[family];
  let sniffed: Awaited<ReturnType<typeof sniffFamily>>;
  try {
    sniffed = await sniffFamily(source);
  } catch (error) {
    return { matchesName: false, reason: describeFileError(error) ?? `could not be read (${detail})` };
  }
  if (sniffed.container === undefined) return { matchesName: false, reason: `not an audio file: no ${expected} audio could be found in it` };
  if (sniffed.family === undefined) return { matchesName: false, reason: `holds ${sniffed.container} audio, which Attune does not play` };
  if (!sameFamily(sniffed.family, family)) return { matchesName: false, reason: renameHint(file, sniffed.family, sniffed.codec) };
  return { matchesName: true, reason: `damaged ${expected} file (${detail})` };
}

/**
 * The MP3 and ADTS parsers hunt for a frame sync anywhere in the file, so a FLAC or MP4 file
 * named .mp3 can parse as a plausible MP3 now and then. Their content is checked: a file whose
 * audio is recognisably another container is named wrongly (nothing recognised: no verdict).
 */
async function misnamedAs(file: FoundFile, source: Source, family: Family | undefined): Promise<string | undefined> {
  if (family !== 'mp3' && family !== 'aac') return undefined;
  const sniffed = await sniffFamily(source).catch(() => ({}) as Awaited<ReturnType<typeof sniffFamily>>);
  if (sniffed.family === undefined || sameFamily(sniffed.family, family)) return undefined;
  return renameHint(file, sniffed.family, sniffed.codec);
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Reads a file's tags and format with music-metadata. Duration is taken from headers only,
 * except for Ogg (Vorbis, Opus), whose length is only known from its last page; a VBR MP3
 * without a Xing header would need every frame read (seconds for a long file), so its
 * duration stays unknown until loudness analysis decodes it.
 */
async function readTrackWith(file: FoundFile, limit: number, buffers: ReadBuffers): Promise<TrackReadResult> {
  if (file.size === 0) return { ok: false, reason: 'empty file (0 bytes)' };
  const extension = path.extname(file.path).slice(1).toLowerCase();
  const family = familyByExtension[extension];
  const options = { skipCovers: true, duration: family === 'ogg' };
  let source: Source = { path: file.path };
  let buffer: Buffer | undefined;
  try {
    let metadata: IAudioMetadata;
    try {
      ({ source, buffer } = await openSource(file.path, limit, buffers));
      // Given the path, music-metadata picks its parser by extension either way, as parseFile does.
      metadata = source.bytes === undefined ? await parseFile(file.path, options) : await parseBuffer(source.bytes, { path: file.path }, options);
    } catch (error) {
      const fileProblem = describeFileError(error);
      if (fileProblem !== undefined) return { ok: false, reason: fileProblem };
      return { ok: false, reason: (await judgeContent(file, source, family, 'its header could not be read')).reason };
    }
    const doubt = doubtAbout(metadata);
    if (doubt !== undefined) {
      // A real MP3 with a damaged frame warns too; it plays, so it is kept when its content matches its name.
      const judged = await judgeContent(file, source, family, doubt.detail);
      if (!(doubt.warningsOnly && judged.matchesName)) return { ok: false, reason: judged.reason };
    } else {
      const misnamed = await misnamedAs(file, source, family);
      if (misnamed !== undefined) return { ok: false, reason: misnamed };
    }
    return trackFrom(file, extension, metadata);
  } finally {
    // What is returned holds strings and numbers decoded from the bytes, never the bytes themselves.
    if (buffer !== undefined) buffers.give(buffer);
  }
}

function trackFrom(file: FoundFile, extension: string, metadata: IAudioMetadata): TrackReadResult {
  const { format, common } = metadata;
  if (format.duration === 0) return { ok: false, reason: 'holds no audio (0 seconds long)' };
  const tagged = taggedLoudnessFrom(metadata);
  const track: LibraryTrack = {
    path: file.path,
    root: file.root,
    size: file.size,
    mtimeMs: file.mtimeMs,
    format: extension,
    ...(text(common.title) === undefined ? {} : { title: text(common.title) }),
    ...(text(common.artist) === undefined ? {} : { artist: text(common.artist) }),
    ...(text(common.album) === undefined ? {} : { album: text(common.album) }),
    ...(format.duration !== undefined && Number.isFinite(format.duration) && format.duration > 0 ? { durationSeconds: format.duration } : {}),
    ...(format.sampleRate === undefined ? {} : { sampleRate: format.sampleRate }),
    ...(format.numberOfChannels === undefined ? {} : { channels: format.numberOfChannels }),
    ...(text(format.codec) === undefined ? {} : { codec: text(format.codec) }),
    ...(tagged === undefined ? {} : { tagged }),
  };
  return { ok: true, track };
}

export interface TrackReaderOptions {
  /** Whole-file buffers kept between files, freed with the reader; a scan keeps one per read in progress (see ReadBuffers). */
  readonly keepBuffers?: number;
  /** Larger files are parsed from the file instead of from memory (see `wholeFileBytes`); tests lower it to compare both. */
  readonly wholeFileBytes?: number;
}

export function createTrackReader(options: TrackReaderOptions = {}): TrackReader {
  const buffers = new ReadBuffers(options.keepBuffers ?? 0);
  const limit = options.wholeFileBytes ?? wholeFileBytes;
  return (file) => readTrackWith(file, limit, buffers);
}

/** Reads one file; keeps nothing between calls. */
export const readTrack: TrackReader = createTrackReader();
