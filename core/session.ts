import * as z from 'zod';
import { slugId } from './playlist';

/** Sortable and safe as a folder name: `20261121-093000-a1b2c3`. */
export const sessionIdSchema = z.string().regex(/^\d{8}-\d{6}-[a-z0-9]{6}$/, 'not a session id');
export type SessionId = z.infer<typeof sessionIdSchema>;

export const clientCodeSchema = z.string().trim().max(40);

/** What the facilitators fill in before the dose; every field is free text and optional. */
export const sessionSetupSchema = z.strictObject({
  /** A pseudonym, never the client's name. */
  clientCode: clientCodeSchema.default(''),
  facilitators: z.string().trim().max(80).default(''),
  intention: z.string().trim().max(2000).default(''),
  substance: z.string().trim().max(200).default(''),
  dose: z.string().trim().max(200).default(''),
  supplementalDosePlan: z.string().trim().max(200).default(''),
});
export type SessionSetup = z.infer<typeof sessionSetupSchema>;

export const sessionMetaSchema = z.strictObject({
  id: sessionIdSchema,
  playlistId: slugId,
  playlistTitle: z.string(),
  ...sessionSetupSchema.shape,
  createdAt: z.iso.datetime(),
  status: z.enum(['open', 'ended']),
  endedAt: z.iso.datetime().optional(),
});
export type SessionMeta = z.infer<typeof sessionMetaSchema>;

export function newSessionId(now: Date, randomSuffix: string): SessionId {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${date}-${time}-${randomSuffix}`;
}
