import * as z from 'zod';
import { clientIdSchema, clientNotesSchema, courseEventInputSchema, courseSessionIdSchema, linkOrigins, requiredClientCodeSchema } from './course';
import { sessionIdSchema } from './session';

export const courseAckSchema = z.strictObject({
  id: z.uuid(),
  seq: z.number().int().min(0),
  wallTime: z.iso.datetime(),
  /** True when this event id was already in the record (a retry); nothing new was written. */
  duplicate: z.boolean(),
});
export type CourseAck = z.infer<typeof courseAckSchema>;

export const clientSummarySchema = z.strictObject({
  id: clientIdSchema,
  code: z.string(),
  notes: z.string(),
  createdAt: z.iso.datetime(),
  sessionCounts: z.strictObject({ preparation: z.number().int().min(0), dosing: z.number().int().min(0), integration: z.number().int().min(0) }),
});
export type ClientSummary = z.infer<typeof clientSummarySchema>;

export const linkOfferSchema = z.strictObject({
  clientCode: z.string(),
  clientId: clientIdSchema.nullable(),
  sessionIds: z.array(sessionIdSchema),
});

const timelineEntrySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('dosing'),
    id: sessionIdSchema,
    date: z.iso.date(),
    number: z.number().int().min(0),
    playlistTitle: z.string(),
    facilitators: z.string(),
    notes: z.string(),
    status: z.enum(['open', 'ended']),
    markCount: z.number().int().min(0),
    durationMs: z.number().min(0),
  }),
  z.strictObject({
    type: z.enum(['preparation', 'integration']),
    id: courseSessionIdSchema,
    date: z.iso.date(),
    number: z.number().int().min(0),
    facilitators: z.string(),
    notes: z.string(),
    followsSessionId: sessionIdSchema.nullable(),
    followsNumber: z.number().int().min(0).nullable(),
    momentNoteCount: z.number().int().min(0),
  }),
]);

export const courseViewSchema = z.strictObject({
  client: clientSummarySchema,
  timeline: z.array(timelineEntrySchema),
  momentNotes: z.array(
    z.strictObject({ courseSessionId: courseSessionIdSchema, sessionId: sessionIdSchema, markId: z.uuid(), note: z.string(), writtenAt: z.iso.datetime() }),
  ),
  /** Dosing sessions the record links that could not be read now (missing, damaged): kept in the record, named here. */
  unreadableSessionIds: z.array(sessionIdSchema),
  /** Sessions with this client's code not yet in the course. */
  offeredSessionIds: z.array(sessionIdSchema),
});
export type CourseView = z.infer<typeof courseViewSchema>;

export const courseContract = {
  /** Every client (pseudonymous records) and the sessions saved under a code that no course holds yet. */
  'clients:list': {
    request: z.strictObject({}),
    response: z.strictObject({ clients: z.array(clientSummarySchema), offers: z.array(linkOfferSchema) }),
  },
  'clients:create': { request: z.strictObject({ code: requiredClientCodeSchema, notes: clientNotesSchema.default('') }), response: clientSummarySchema },
  /** One client's course: its sessions in time order, with the notes its integration sessions wrote on moments. */
  'clients:course': { request: z.strictObject({ clientId: clientIdSchema }), response: courseViewSchema },
  /** Appends to the client's record (edits, preparation and integration sessions, links, moment notes); checked, all or none. */
  'clients:append': {
    request: z.strictObject({ clientId: clientIdSchema, events: z.array(courseEventInputSchema).min(1).max(50) }),
    response: z.array(courseAckSchema),
  },
  /**
   * Links the sessions saved under a client code into that client's course (creating the client
   * when none has the code): journaled in the client's record; the sessions are not touched.
   */
  'clients:link-offered': {
    request: z.strictObject({ clientCode: requiredClientCodeSchema, sessionIds: z.array(sessionIdSchema).min(1).max(1000), via: z.enum(linkOrigins).default('migration') }),
    response: clientSummarySchema,
  },
  /**
   * The take-home playlist of dosing sessions (a client's course, when clientId is given, numbers
   * them): M3U8 and XSPF text with absolute paths, or with destination a new folder of copies.
   */
  'clients:take-home': {
    request: z.strictObject({
      clientId: clientIdSchema.optional(),
      sessionIds: z.array(sessionIdSchema).min(1).max(50),
      destination: z.string().min(1).max(4096).optional(),
    }),
    response: z.strictObject({
      fileBase: z.string(),
      m3u8: z.string(),
      xspf: z.string(),
      trackCount: z.number().int().min(0),
      leftOut: z.array(z.string()),
      folder: z.string().nullable(),
    }),
  },
} as const;
