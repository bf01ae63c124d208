import * as z from 'zod';
import { loudnessSchema, type FileSegment, type Loudness } from './playlist';
import { fileNameOf } from './segment-names';

/** The audio containers the library scans for (what Chromium plays here and music-metadata reads). */
export const audioExtensions = ['mp3', 'm4a', 'aac', 'mp4', 'flac', 'ogg', 'oga', 'opus', 'wav'] as const;

export const isAudioFileName = (name: string): boolean =>
  (audioExtensions as readonly string[]).includes(name.split('.').at(-1)?.toLowerCase() ?? '');

/** Our own EBU R128 measurement of a file. */
export const loudnessMeasurementSchema = z.strictObject({
  integratedLufs: z.number().min(-70).max(5),
  truePeakDbtp: z.number().min(-70).max(20),
  rangeLu: z.number().min(0).max(60),
  durationSeconds: z.number().min(0),
});
export type LoudnessMeasurement = z.infer<typeof loudnessMeasurementSchema>;

/** Loudness as read from a file's ReplayGain or R128 tags (already converted to LUFS / dBTP). */
export const taggedLoudnessSchema = z.strictObject({
  integratedLufs: z.number().min(-70).max(5),
  /** Absent when the tags carry a gain but no peak (R128 tags never carry one). */
  truePeakDbtp: z.number().min(-70).max(20).optional(),
  source: z.enum(['replaygain', 'r128']),
});
export type TaggedLoudness = z.infer<typeof taggedLoudnessSchema>;

export const libraryTrackSchema = z.strictObject({
  /** Absolute path; the key of the track. */
  path: z.string(),
  /** The library root it was found under. */
  root: z.string(),
  size: z.number().int().min(0),
  mtimeMs: z.number(),
  /** Lower-case extension, e.g. `flac`. */
  format: z.string(),
  title: z.string().optional(),
  artist: z.string().optional(),
  album: z.string().optional(),
  durationSeconds: z.number().min(0).optional(),
  sampleRate: z.number().optional(),
  channels: z.number().int().optional(),
  codec: z.string().optional(),
  tagged: taggedLoudnessSchema.optional(),
  measured: loudnessMeasurementSchema.optional(),
  /** Why the last analysis failed (the file could still be read for its tags). */
  analysisProblem: z.string().optional(),
  /**
   * The host has no decoder for this file (AAC/M4A without ffmpeg): the app measures it with the
   * platform's own decoder (WebCodecs) while it is open, and the result replaces this mark.
   */
  awaitsPlatformDecode: z.literal(true).optional(),
});
export type LibraryTrack = z.infer<typeof libraryTrackSchema>;

export const unreadableFileSchema = z.strictObject({ path: z.string(), reason: z.string() });
export type UnreadableFile = z.infer<typeof unreadableFileSchema>;

/**
 * Tags are trusted when they carry both a gain and a peak (ReplayGain written by a tool
 * such as loudgain); an R128 gain alone has no peak, so the track is measured.
 */
export function hasTrustworthyTags(track: Pick<LibraryTrack, 'tagged'>): boolean {
  return track.tagged?.truePeakDbtp !== undefined;
}

/** What playback normalises with: our measurement first, then trustworthy tags; undefined means "not analysed". */
export function trackLoudness(track: Pick<LibraryTrack, 'tagged' | 'measured'>): Loudness | undefined {
  if (track.measured !== undefined) {
    return { integratedLufs: track.measured.integratedLufs, truePeakDbtp: track.measured.truePeakDbtp, rangeLu: track.measured.rangeLu, source: 'measured' };
  }
  if (track.tagged?.truePeakDbtp !== undefined) {
    return loudnessSchema.parse({ integratedLufs: track.tagged.integratedLufs, truePeakDbtp: track.tagged.truePeakDbtp, source: track.tagged.source });
  }
  return undefined;
}

/** A playlist segment for a library track, carrying what the library knows (title, duration, loudness). */
export function segmentFromTrack(track: LibraryTrack, id: string, playlistPath: (absolutePath: string) => string = (p) => p): FileSegment {
  const loudness = trackLoudness(track);
  const fileName = fileNameOf(track.path);
  return {
    type: 'file',
    id,
    path: playlistPath(track.path),
    title: track.title ?? fileName.replace(/\.[^.]+$/, ''),
    ...(track.artist === undefined ? {} : { artist: track.artist }),
    ...(track.durationSeconds === undefined || track.durationSeconds <= 0 ? {} : { durationSeconds: Math.min(track.durationSeconds, 8 * 3600) }),
    ...(loudness === undefined ? {} : { loudness }),
  };
}

/**
 * A long piece of library work (a scan followed by loudness analysis, or a portable export),
 * polled by the UI for its progress bar; one runs at a time.
 */
export const libraryJobSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['scan', 'analyse', 'export-folder']),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  /** What it is doing now, in words: "Reading tags", "Measuring loudness". */
  stage: z.string(),
  done: z.number().int().min(0),
  /** Unknown while files are still being found. */
  total: z.number().int().min(0).optional(),
  currentPath: z.string().optional(),
  startedAt: z.iso.datetime(),
  /** The outcome in a sentence once it is over ("412 tracks, 3 unreadable, 28 measured"). */
  summary: z.string().optional(),
});
export type LibraryJob = z.infer<typeof libraryJobSchema>;

export const libraryViewSchema = z.strictObject({
  roots: z.array(z.string()),
  /** Roots that could not be read at the last scan, with the reason. */
  rootProblems: z.array(z.strictObject({ root: z.string(), reason: z.string() })),
  tracks: z.array(libraryTrackSchema),
  unreadable: z.array(unreadableFileSchema),
  job: libraryJobSchema.nullable(),
  /** Set when the stored index could not be used as it was (what happened, where the old file went). */
  notice: z.string().optional(),
});
export type LibraryView = z.infer<typeof libraryViewSchema>;
