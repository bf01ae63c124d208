import * as z from 'zod';
import { facilitatorInitialsSchema, journalEventSchema } from './events';
import { sessionIdSchema } from './session';

/**
 * The main screen's side of co-facilitation: inviting a second device to mark into the running
 * session, seeing who is paired, removing a device. The device itself never uses this contract:
 * it speaks the end-to-end encrypted protocol of core/pairing/ over the local network.
 */

/** A paired device as the main screen lists it. */
export const pairedDeviceSchema = z.strictObject({
  deviceId: z.uuid(),
  initials: facilitatorInitialsSchema,
  pairedAt: z.iso.datetime(),
  /** The last time the device was heard from (any request); null before its first after pairing. */
  lastSeenAt: z.iso.datetime().nullable(),
  /** Not heard from for longer than a device's polling allows: its link is probably down. */
  quiet: z.boolean(),
  /** Marks the device made that are journaled. */
  markCount: z.number().int().min(0),
});
export type PairedDevice = z.infer<typeof pairedDeviceSchema>;

/** An open invitation: what the main screen shows for the second device to scan or type. */
export const invitationSchema = z.strictObject({
  /** The address the device opens, with the code and the host's certificate fingerprint in the fragment (never sent over the network). */
  url: z.string().url(),
  /** The short single-use code, as shown (groups separated by a space). */
  code: z.string(),
  expiresAt: z.iso.datetime(),
  /** SHA-256 of the host certificate's public key, grouped for reading aloud and comparing with the device's certificate warning. */
  fingerprint: z.string(),
  /** The QR code of `url`, as rows of dark (true) and light modules, quiet zone excluded. */
  qr: z.array(z.array(z.boolean())),
  /** Wrong codes tried so far; the invitation locks at the limit. */
  failedAttempts: z.number().int().min(0),
  locked: z.boolean(),
});
export type Invitation = z.infer<typeof invitationSchema>;

export const pairingStatusSchema = z.strictObject({
  sessionId: sessionIdSchema,
  /** The main screen's facilitator, as they signed when inviting; null before the first invitation. */
  hostInitials: facilitatorInitialsSchema.nullable(),
  invitation: invitationSchema.nullable(),
  devices: z.array(pairedDeviceSchema),
  /** Where the local-network server listens; null when it does not (no invitation open, no device paired). */
  listening: z.strictObject({ addresses: z.array(z.string()), port: z.number().int().min(1).max(65535) }).nullable(),
});
export type PairingStatus = z.infer<typeof pairingStatusSchema>;

export const pairingContract = {
  /**
   * Opens (or renews) the invitation for this running session: starts the local-network server
   * if it is not listening. The first invitation journals the main facilitator joining.
   */
  'pairing:invite': {
    request: z.strictObject({ sessionId: sessionIdSchema, hostInitials: facilitatorInitialsSchema }),
    response: pairingStatusSchema,
  },
  /** Withdraws the open invitation; the server stops when no device stays paired. */
  'pairing:cancel-invite': { request: z.strictObject({ sessionId: sessionIdSchema }), response: pairingStatusSchema },
  'pairing:status': { request: z.strictObject({ sessionId: sessionIdSchema }), response: pairingStatusSchema },
  /** Revokes the device's keys at once (its next request is refused) and journals it leaving. */
  'pairing:remove': { request: z.strictObject({ sessionId: sessionIdSchema, deviceId: z.uuid() }), response: pairingStatusSchema },
} as const;

/** Host events of co-facilitation (payload schemas; names in core/channels.ts). */
export const pairingHostEvents = {
  /** The pairing of a session changed: invitation opened, expired or locked, a device paired, quiet, back or removed. */
  'pairing:status': pairingStatusSchema,
  /**
   * Events the host journaled for a paired device (its marks, its details on marks), for the
   * live screen to fold in; already saved, in journal order.
   */
  'journal:remote-events': z.strictObject({ sessionId: sessionIdSchema, events: z.array(journalEventSchema).min(1) }),
} as const;
