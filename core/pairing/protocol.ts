import * as z from 'zod';
import { facilitatorInitialsSchema, markKindSchema, markNoteSchema } from '../events';
import { slugId } from '../playlist';
import { sealedBoxSchema } from './sealed-box';

/**
 * What a paired device and the host exchange over the local network. The pairing messages are
 * public by design (CPace shares and confirmation tags give nothing away); everything else,
 * initials included, travels inside a sealed box (./channel.ts) whose plaintext is parsed with
 * the schemas below on the receiving side.
 */

export const pairingPaths = {
  hello: '/api/pair/hello',
  start: '/api/pair/start',
  finish: '/api/pair/finish',
  /** The one sealed endpoint of a paired device. */
  device: '/api/device',
} as const;

/** Request bodies above this many bytes are refused before they are parsed. */
export const MAX_PAIRING_BODY_BYTES = 256 * 1024;
/** How long the host holds a feed request when nothing changed. */
export const FEED_WAIT_MS = 20_000;

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, '32 bytes in lower-case hex');
const hex64 = z.string().regex(/^[0-9a-f]{128}$/, '64 bytes in lower-case hex');
const hostMs = z.number().int().min(0);
const intensitySchema = z.number().int().min(1).max(5);

// ---- pairing (public) ----

export const helloRequestSchema = z.strictObject({});
export const helloResponseSchema = z.strictObject({
  invitationId: z.uuid(),
  /** The host certificate's fingerprint (hex of SHA-256 over its public key): bound into the CPace run. */
  hostId: z.string().min(1).max(200),
  hostTime: hostMs,
});
export type HelloResponse = z.infer<typeof helloResponseSchema>;

export const startRequestSchema = z.strictObject({ invitationId: z.uuid(), deviceId: z.uuid(), share: hex32 });
export type StartRequest = z.infer<typeof startRequestSchema>;
export const startResponseSchema = z.strictObject({ share: hex32, hostConfirm: hex64, hostTime: hostMs });
export type StartResponse = z.infer<typeof startResponseSchema>;

export const finishRequestSchema = z.strictObject({ invitationId: z.uuid(), deviceId: z.uuid(), deviceConfirm: hex64, box: sealedBoxSchema });
export type FinishRequest = z.infer<typeof finishRequestSchema>;
/** Inside the finish request's box (counter 0). */
export const finishPlaintextSchema = z.strictObject({ initials: facilitatorInitialsSchema });

// ---- the sealed endpoint ----

export const deviceEnvelopeSchema = z.strictObject({
  deviceId: z.uuid(),
  counter: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  box: sealedBoxSchema,
});
export type DeviceEnvelope = z.infer<typeof deviceEnvelopeSchema>;
export const sealedResponseSchema = z.strictObject({ box: sealedBoxSchema });

/** A mark made on the device, with the time it was made on the host's clock (the device's clock corrected by the measured offset). */
export const deviceMarkSchema = z.strictObject({
  id: z.uuid(),
  markKind: markKindSchema,
  madeAtHostMs: hostMs,
  intensity: intensitySchema.optional(),
  note: markNoteSchema.optional(),
});
export type DeviceMark = z.infer<typeof deviceMarkSchema>;

/** Details added to any author's mark: null clears, absent leaves as it was. */
export const deviceDetailsSchema = z
  .strictObject({
    /** The journal event's id (chosen on the device, so a retry never duplicates). */
    id: z.uuid(),
    markId: z.uuid(),
    intensity: intensitySchema.nullable().optional(),
    note: markNoteSchema.nullable().optional(),
    madeAtHostMs: hostMs,
  })
  .refine((edit) => edit.intensity !== undefined || edit.note !== undefined, { message: 'details change the intensity or the note' });
export type DeviceDetails = z.infer<typeof deviceDetailsSchema>;

export const deviceStateSchema = z.strictObject({ id: z.uuid(), stateId: slugId, madeAtHostMs: hostMs });
export type DeviceState = z.infer<typeof deviceStateSchema>;

export const deviceRequestSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('mark'), marks: z.array(deviceMarkSchema).min(1).max(500) }),
  z.strictObject({ op: z.literal('details'), edits: z.array(deviceDetailsSchema).min(1).max(500) }),
  z.strictObject({ op: z.literal('state'), states: z.array(deviceStateSchema).min(1).max(100) }),
  /** Answered at once when the feed's revision differs from `since`, else when it changes or after FEED_WAIT_MS. */
  z.strictObject({ op: z.literal('feed'), since: z.number().int().min(0).nullable() }),
]);
export type DeviceRequest = z.infer<typeof deviceRequestSchema>;

export const feedSessionSchema = z.strictObject({
  title: z.string(),
  phaseTitle: z.string().nullable(),
  trackTitle: z.string().nullable(),
  markKinds: z.array(z.strictObject({ id: markKindSchema, label: z.string(), span: z.boolean() })),
  states: z.array(z.strictObject({ id: slugId, label: z.string() })),
  currentStateId: slugId.nullable(),
});
export type FeedSession = z.infer<typeof feedSessionSchema>;

export const feedMarkSchema = z.strictObject({
  id: z.uuid(),
  markKind: markKindSchema,
  by: facilitatorInitialsSchema.nullable(),
  /** 'main' for the main screen, a deviceId for a paired device, null in marks made before anyone paired. */
  device: z.union([z.literal('main'), z.uuid()]).nullable(),
  sessionMs: z.number().int().min(0),
  intensity: intensitySchema.nullable(),
  note: markNoteSchema.nullable(),
  late: z.boolean(),
});
export type FeedMark = z.infer<typeof feedMarkSchema>;

export const feedSchema = z.strictObject({
  revision: z.number().int().min(0),
  /** The session time at one instant of the host's clock: lets the device place its unacknowledged marks. */
  clock: z.strictObject({ hostTime: hostMs, sessionMs: z.number().int().min(0) }),
  session: feedSessionSchema,
  /** Every author's marks (deleted ones left out), in session-time order. */
  marks: z.array(feedMarkSchema),
});
export type Feed = z.infer<typeof feedSchema>;

/** Why the host would not journal one item (the device drops it and says so). */
export const rejectedItemSchema = z.strictObject({ id: z.uuid(), reason: z.string().max(500) });

export const deviceResponseSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('ok'),
    hostTime: hostMs,
    /** Item ids now journaled (or journaled before: a retry). */
    accepted: z.array(z.uuid()),
    rejected: z.array(rejectedItemSchema),
    feed: feedSchema.nullable(),
  }),
  /** The device was removed or the session ended: nothing more is journaled for it. */
  z.strictObject({ status: z.literal('gone'), hostTime: hostMs, reason: z.enum(['removed', 'session-ended']) }),
]);
export type DeviceResponse = z.infer<typeof deviceResponseSchema>;

/** Inside the finish response's box (counter 0): the pairing is complete. */
export const finishResponsePlaintextSchema = z.strictObject({ hostTime: hostMs, feed: feedSchema });

// ---- errors (plaintext: they say what went wrong, never anything of the session) ----

export const pairingErrorCodes = [
  'bad-request',
  'too-large',
  'unsupported-media-type',
  'not-found',
  'no-invitation',
  'expired',
  'locked',
  'slow-down',
  'wrong-code',
  'unknown-device',
  'stale-counter',
] as const;
export type PairingErrorCode = (typeof pairingErrorCodes)[number];
export const pairingErrorSchema = z.strictObject({
  error: z.enum(pairingErrorCodes),
  message: z.string(),
  /** With slow-down: when the next attempt will be heard. */
  retryAfterMs: z.number().int().min(0).optional(),
});
export type PairingError = z.infer<typeof pairingErrorSchema>;
