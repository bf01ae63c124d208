import * as z from 'zod';
import { fail, ok, type Result } from './result';
import { describeZodError } from './validation';

export const slugId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'use 1–64 lowercase letters, digits and dashes, starting with a letter or digit');

export const soundscapePresets = ['breath', 'drone', 'earth', 'shimmer', 'dawn', 'tide', 'canopy', 'vast', 'hearth'] as const;
export type SoundscapePreset = (typeof soundscapePresets)[number];

/** Each preset's name and what it sounds like, as the editor and settings list them. */
export const soundscapePresetInfo: Record<SoundscapePreset, { readonly name: string; readonly description: string }> = {
  breath: { name: 'Breath', description: 'filtered noise swelling like slow breathing' },
  drone: { name: 'Drone', description: 'detuned pads on D, slowly filtered' },
  earth: { name: 'Earth', description: 'dark brown noise over a low beating drone' },
  shimmer: { name: 'Shimmer', description: 'soft high partials on D' },
  dawn: { name: 'Dawn', description: 'onset: F major, low and slow, a rare low bell' },
  tide: { name: 'Tide', description: 'onset or return: A minor under a swelling wash' },
  canopy: { name: 'Canopy', description: 'peak: E♭ lydian over four octaves, with bells' },
  vast: { name: 'Vast', description: 'peak: B dorian in wide, airy voicings' },
  hearth: { name: 'Hearth', description: 'return: G mixolydian, low and warm' },
};

export const phaseKinds = ['onset', 'peak', 'return'] as const;
export type PhaseKind = (typeof phaseKinds)[number];

const eightHoursSeconds = 8 * 3600;

export const soundscapeParamsSchema = z.strictObject({
  intensity: z.number().min(0).max(1).default(0.5),
  brightness: z.number().min(0).max(1).default(0.5),
  /** Fixes every random choice the bed makes (default: one from the preset's name), so a session replays it exactly. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});
export type SoundscapeParams = z.infer<typeof soundscapeParamsSchema>;

const crossfadeSeconds = z.number().min(0).max(60);

/** What a curator knows about a segment that the warnings and the facilitator use. */
export const segmentFlagsSchema = z.strictObject({
  /** Sung or spoken words: a distraction in onset and peak. */
  lyrics: z.boolean().optional(),
  /** Language of the words (BCP 47 tag or a plain name). */
  language: z.string().max(40).optional(),
  /** How intense the piece feels, 1 (gentle) to 5 (overwhelming). */
  intensity: z.number().int().min(1).max(5).optional(),
  /** Near-silence is meant (a pause, a very soft piece): the silence watchdog leaves it alone. */
  intentionallyQuiet: z.boolean().optional(),
});
export type SegmentFlags = z.infer<typeof segmentFlagsSchema>;

/** Fields every segment may carry: the curator's notes and flags. */
const curatorFields = {
  flags: segmentFlagsSchema.optional(),
  notes: z.string().max(5000).optional(),
};

/** Measured (EBU R128) or read from ReplayGain/R128 tags; playback normalises the track with it. */
export const loudnessSchema = z.strictObject({
  integratedLufs: z.number().min(-70).max(5),
  truePeakDbtp: z.number().min(-70).max(20),
  /** EBU Tech 3342 loudness range; only a measurement has it (tags do not carry it). */
  rangeLu: z.number().min(0).max(60).optional(),
  /** Where the figures came from: Attune's own analysis, or the file's ReplayGain/R128 tags. */
  source: z.enum(['measured', 'replaygain', 'r128']).optional(),
});
export type Loudness = z.infer<typeof loudnessSchema>;

export const fileSegmentSchema = z.strictObject({
  type: z.literal('file'),
  id: slugId,
  /** Relative to the playlist file, or absolute. */
  path: z.string().min(1).max(4096),
  title: z.string().max(300).optional(),
  artist: z.string().max(300).optional(),
  durationSeconds: z.number().positive().max(eightHoursSeconds).optional(),
  crossfadeSeconds: crossfadeSeconds.optional(),
  loudness: loudnessSchema.optional(),
  /** The curator's trim on top of normalisation. */
  gainDb: z.number().min(-24).max(12).optional(),
  /** Seconds of the file skipped at its start (a silent intro) and at its end (a silent outro). */
  trimStartSeconds: z.number().min(0).max(eightHoursSeconds).optional(),
  trimEndSeconds: z.number().min(0).max(eightHoursSeconds).optional(),
  ...curatorFields,
});

export const soundscapeSegmentSchema = z.strictObject({
  type: z.literal('soundscape'),
  id: slugId,
  title: z.string().max(300).optional(),
  preset: z.enum(soundscapePresets),
  params: soundscapeParamsSchema.default({ intensity: 0.5, brightness: 0.5 }),
  durationSeconds: z.number().positive().max(eightHoursSeconds),
  crossfadeSeconds: crossfadeSeconds.optional(),
  ...curatorFields,
});

export const segmentSchema = z.discriminatedUnion('type', [fileSegmentSchema, soundscapeSegmentSchema]);
export type FileSegment = z.infer<typeof fileSegmentSchema>;
export type SoundscapeSegment = z.infer<typeof soundscapeSegmentSchema>;
export type Segment = z.infer<typeof segmentSchema>;

/**
 * How long a segment sounds: a file's duration less its trims (never below a second), a
 * soundscape's duration. Undefined while a file's duration is unknown.
 */
export function playedSeconds(segment: Segment, fileDurationSeconds: number | undefined = segment.durationSeconds): number | undefined {
  if (segment.type === 'soundscape') return segment.durationSeconds;
  if (fileDurationSeconds === undefined) return undefined;
  const trimmed = fileDurationSeconds - (segment.trimStartSeconds ?? 0) - (segment.trimEndSeconds ?? 0);
  return Math.max(Math.min(1, fileDurationSeconds), trimmed);
}

export const phaseSchema = z
  .strictObject({
    id: slugId,
    kind: z.enum(phaseKinds),
    title: z.string().min(1).max(120),
    targetMinutes: z.number().positive().max(8 * 60),
    minMinutes: z.number().positive().optional(),
    maxMinutes: z.number().positive().optional(),
    segments: z.array(segmentSchema).min(1).max(2000),
    /**
     * Played only when the phase has time beyond its own music (it was extended, or the
     * music runs short of the target), before a bridge soundscape takes over.
     */
    extras: z.array(segmentSchema).max(500).optional(),
  })
  .refine((phase) => phase.minMinutes === undefined || phase.minMinutes <= phase.targetMinutes, {
    message: 'minMinutes must not be greater than targetMinutes',
    path: ['minMinutes'],
  })
  .refine((phase) => phase.maxMinutes === undefined || phase.maxMinutes >= phase.targetMinutes, {
    message: 'maxMinutes must not be less than targetMinutes',
    path: ['maxMinutes'],
  });
export type Phase = z.infer<typeof phaseSchema>;

export const playlistFormat = 'attune.playlist';

export const playlistSchema = z
  .strictObject({
    format: z.literal(playlistFormat),
    version: z.literal(1),
    id: slugId,
    title: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    crossfadeSeconds: crossfadeSeconds.default(8),
    phases: z.array(phaseSchema).min(1).max(12),
  })
  .superRefine((playlist, context) => {
    const seen = new Set<string>();
    playlist.phases.forEach((phase, phaseIndex) => {
      if (seen.has(phase.id)) {
        context.addIssue({ code: 'custom', message: `duplicate id "${phase.id}"`, path: ['phases', phaseIndex, 'id'] });
      }
      seen.add(phase.id);
      for (const list of ['segments', 'extras'] as const) {
        (phase[list] ?? []).forEach((segment, segmentIndex) => {
          if (seen.has(segment.id)) {
            context.addIssue({ code: 'custom', message: `duplicate id "${segment.id}"`, path: ['phases', phaseIndex, list, segmentIndex, 'id'] });
          }
          seen.add(segment.id);
        });
      }
    });
  });
export type Playlist = z.infer<typeof playlistSchema>;

/** Parses a playlist file's text; every failure names the field or the JSON position. */
export function parsePlaylistText(text: string): Result<Playlist> {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(withoutBom);
  } catch (error) {
    // Only where it broke, never a piece of the file: a playlist path may point at a private file.
    const where = /position (\d+)|line (\d+) column (\d+)/.exec(error instanceof Error ? error.message : '');
    const place = where === null ? '' : where[1] !== undefined ? ` (at character ${where[1]})` : ` (line ${where[2]}, column ${where[3]})`;
    return fail('invalid-data', `not valid JSON${withoutBom.trim() === '' ? ': the file is empty' : place}`);
  }
  return parsePlaylist(json);
}

export function parsePlaylist(json: unknown): Result<Playlist> {
  const parsed = playlistSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : fail('invalid-data', describeZodError(parsed.error));
}

/** A phase's music and then its extras: every segment it may play, in order. */
export function phaseSegments(phase: { readonly segments: readonly Segment[]; readonly extras?: readonly Segment[] | undefined }): Segment[] {
  return [...phase.segments, ...(phase.extras ?? [])];
}

/** Every segment of a playlist (or draft), phase by phase, each phase's extras after its music. */
export function allSegments(playlist: { readonly phases: readonly Parameters<typeof phaseSegments>[0][] }): Segment[] {
  return playlist.phases.flatMap(phaseSegments);
}

export function playlistTargetMinutes(playlist: Playlist): number {
  return playlist.phases.reduce((total, phase) => total + phase.targetMinutes, 0);
}
