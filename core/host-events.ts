import * as z from 'zod';
import { hostEventNames, type HostEventName } from './channels';
import { encryptionStatusSchema } from './encryption';
import { libraryJobSchema } from './library';
import { pairingHostEvents } from './pairing-contract';

/**
 * Host → renderer events: each name's payload, checked by the host before it sends and by the
 * renderer when it arrives, like every request and answer of the contract.
 */
export const hostEvents = {
  /** The library's one job (scan, analysis, portable export) as it changes; null when there has been none. */
  'library:job': libraryJobSchema.nullable(),
  /** How far encrypting or decrypting the existing sessions is; null once it is over. */
  'encryption:progress': encryptionStatusSchema.shape.progress.unwrap().nullable(),
  /** How many tracks wait for the app's own decoder; the app takes them with `library:platform-take`. */
  'library:platform-work': z.strictObject({ pending: z.number().int().min(0) }),
  ...pairingHostEvents,
} as const satisfies Record<HostEventName, z.ZodType>;

export type HostEventPayload<Name extends HostEventName> = z.infer<(typeof hostEvents)[Name]>;
export type HostEvent = { [Name in HostEventName]: { readonly name: Name; readonly payload: HostEventPayload<Name> } }[HostEventName];

/** A host event as it came over the wire, checked; undefined for anything else (a newer host's event is ignored, not fatal). */
export function parseHostEvent(raw: unknown): HostEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { name, payload } = raw as { name?: unknown; payload?: unknown };
  if (!(hostEventNames as readonly unknown[]).includes(name)) return undefined;
  const parsed = hostEvents[name as HostEventName].safeParse(payload);
  return parsed.success ? ({ name, payload: parsed.data } as HostEvent) : undefined;
}
