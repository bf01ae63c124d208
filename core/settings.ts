import * as z from 'zod';
import { defaultTargetLufs } from './loudness';
import { clientStateListSchema, defaultClientStates, stateKeyClashes } from './client-states';
import { defaultMarkKinds, markKindListSchema } from './mark-kinds';
import { soundscapePresets } from './playlist';

/** The fields, unchecked against each other (updates are partial: `settingsUpdateSchema`). */
export const settingsFieldsSchema = z.strictObject({
  markKinds: markKindListSchema,
  /** The client's states (window of tolerance, dissociation): keys and the live screen's prompts. */
  clientStates: clientStateListSchema,
  /**
   * Subtracted from the moment a key is pressed, as ELAN's delayed mode: the time it
   * takes a facilitator to notice and react.
   */
  reactionOffsetMs: z.number().int().min(0).max(30_000),
  /** Every file is normalised toward this loudness (ReplayGain 2.0 uses −18 LUFS). */
  targetLoudnessLufs: z.number().min(-30).max(-10),
  /** Master volume, 0–1, as the facilitator left it. */
  volume: z.number().min(0).max(1),
  /** Chosen audio output (AudioContext.setSinkId); empty for the system default. */
  outputDeviceId: z.string().max(512),
  /** Quiet reminders on the live screen (no sound, no dialog). */
  reminders: z.strictObject({
    /** Shown only when the session's setup plans a supplemental dose. */
    supplementalDose: z.strictObject({
      enabled: z.boolean(),
      afterMinutes: z.number().min(1).max(600),
      windowEndMinutes: z.number().min(1).max(600),
    }),
    vitals: z.strictObject({ enabled: z.boolean(), everyMinutes: z.number().min(5).max(240) }),
  }),
  /** What plays while the music is quiet: silence, or a soft soundscape bed. */
  quietBed: z.enum(['none', ...soundscapePresets]),
  /** What plays once the plan has run out, until the facilitators end the session: a soft soundscape, or silence. */
  closingSound: z.enum(['none', ...soundscapePresets]),
  /** Absolute folders music may be played from, besides each playlist's own folder. */
  libraryRoots: z.array(z.string().min(1).max(4096)).max(50),
});
/** Whole settings: a state key a mark kind already has is refused. */
export const settingsSchema = settingsFieldsSchema.superRefine((settings, context) => {
  for (const clash of stateKeyClashes(settings.markKinds, settings.clientStates)) {
    context.addIssue({ code: 'custom', path: ['clientStates', clash.index, 'key'], message: clash.message });
  }
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  markKinds: [...defaultMarkKinds],
  clientStates: [...defaultClientStates],
  reactionOffsetMs: 0,
  targetLoudnessLufs: defaultTargetLufs,
  volume: 0.8,
  outputDeviceId: '',
  reminders: {
    supplementalDose: { enabled: true, afterMinutes: 90, windowEndMinutes: 120 },
    vitals: { enabled: true, everyMinutes: 30 },
  },
  quietBed: 'none',
  closingSound: 'breath',
  libraryRoots: [],
};

export const settingsUpdateSchema = settingsFieldsSchema.partial();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
