import { taggedLoudnessSchema, type TaggedLoudness } from './library';

/**
 * The parts of a music-metadata result that carry loudness tags; music-metadata's
 * `IAudioMetadata` fits this shape, so its result is passed as is.
 */
export interface LoudnessTagSource {
  readonly common?: {
    readonly replaygain_track_gain?: { readonly dB: number };
    readonly replaygain_track_peak?: { readonly ratio: number };
  };
  /** Tags as written in the file, per tag format (ID3v2.4, vorbis, iTunes, APEv2, ...). */
  readonly native?: Readonly<Record<string, readonly { readonly id: string; readonly value: unknown }[]>>;
}

/** ReplayGain 2.0 gains are relative to −18 LUFS unless the file names another reference. */
const replayGainReferenceLufs = -18;
/** RFC 7845: R128 gains are relative to −23 LUFS (EBU R128), in 1/256 dB steps. */
const r128ReferenceLufs = -23;

const decibels = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?:dB)?\s*$/i;
const linearPeak = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*$/;
const lufs = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*LUFS\s*$/i;
const q78Integer = /^\s*([+-]?\d{1,6})\s*$/;

const hundredths = (value: number) => Math.round(value * 100) / 100;

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  // ID3v2 user text frames have been returned as { description, text } by some versions.
  if (typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string') return (value as { text: string }).text;
  return undefined;
}

/**
 * Every value of a tag across the file's tag formats. Names are compared case-insensitively and
 * may carry a prefix: ID3v2 writes `TXXX:REPLAYGAIN_TRACK_GAIN`, MP4 `----:com.apple.iTunes:replaygain_track_gain`.
 */
function nativeTexts(source: LoudnessTagSource, name: string): string[] {
  const wanted = name.toUpperCase();
  const texts: string[] = [];
  for (const tags of Object.values(source.native ?? {})) {
    for (const tag of tags) {
      const id = tag.id.toUpperCase();
      if (id !== wanted && !id.endsWith(`:${wanted}`)) continue;
      const text = textOf(tag.value);
      if (text !== undefined) texts.push(text);
    }
  }
  return texts;
}

function firstMatch(texts: readonly string[], pattern: RegExp): number | undefined {
  for (const text of texts) {
    const match = pattern.exec(text);
    const value = match?.[1] === undefined ? Number.NaN : Number(match[1]);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

const finite = (value: number | undefined): number | undefined => (value !== undefined && Number.isFinite(value) ? value : undefined);

function fromReplayGain(source: LoudnessTagSource): TaggedLoudness | undefined {
  // The native text is parsed first: music-metadata reads "-3.20dB" (no space) as a ratio and loses the gain.
  const gainDb = firstMatch(nativeTexts(source, 'REPLAYGAIN_TRACK_GAIN'), decibels) ?? finite(source.common?.replaygain_track_gain?.dB);
  if (gainDb === undefined) return undefined;
  const referenceLufs = firstMatch(nativeTexts(source, 'REPLAYGAIN_REFERENCE_LOUDNESS'), lufs) ?? replayGainReferenceLufs;
  // music-metadata's peak `dB` is 10·log10 of the ratio (a power ratio); a sample peak is an amplitude, so only `ratio` is used.
  const peak = firstMatch(nativeTexts(source, 'REPLAYGAIN_TRACK_PEAK'), linearPeak) ?? finite(source.common?.replaygain_track_peak?.ratio);
  const truePeakDbtp = peak !== undefined && peak > 0 ? hundredths(20 * Math.log10(peak)) : undefined;
  const parsed = taggedLoudnessSchema.safeParse({ integratedLufs: hundredths(referenceLufs - gainDb), source: 'replaygain' });
  if (!parsed.success) return undefined;
  const withPeak = taggedLoudnessSchema.safeParse({ ...parsed.data, truePeakDbtp });
  return withPeak.success ? withPeak.data : parsed.data;
}

function fromR128(source: LoudnessTagSource): TaggedLoudness | undefined {
  const gainQ78 = firstMatch(nativeTexts(source, 'R128_TRACK_GAIN'), q78Integer);
  if (gainQ78 === undefined || gainQ78 < -32768 || gainQ78 > 32767) return undefined;
  const parsed = taggedLoudnessSchema.safeParse({ integratedLufs: hundredths(r128ReferenceLufs - gainQ78 / 256), source: 'r128' });
  return parsed.success ? parsed.data : undefined;
}

/**
 * The loudness a file's tags claim, converted to LUFS and dBTP: ReplayGain (REPLAYGAIN_TRACK_GAIN
 * and _PEAK, honouring REPLAYGAIN_REFERENCE_LOUDNESS when given in LUFS) first, since it carries a
 * peak, then the Opus R128_TRACK_GAIN. Malformed or out-of-range values are ignored: the track is
 * then simply measured.
 */
export function taggedLoudnessFrom(source: LoudnessTagSource): TaggedLoudness | undefined {
  return fromReplayGain(source) ?? fromR128(source);
}
