import { z } from 'zod';
import { defaultMarkKinds, markKindListSchema } from './mark-kinds';

export const settingsSchema = z.strictObject({
  markKinds: markKindListSchema,
  /**
   * Subtracted from the moment a key is pressed, as ELAN's delayed mode: the time it
   * takes a facilitator to notice and react.
   */
  reactionOffsetMs: z.number().int().min(0).max(30_000),
});
export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = {
  markKinds: [...defaultMarkKinds],
  reactionOffsetMs: 0,
};

export const settingsUpdateSchema = settingsSchema.partial();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;
