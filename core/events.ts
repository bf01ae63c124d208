import { z } from 'zod';
import { slugId } from './playlist';

export const builtInMarkKinds = ['resonance', 'distress'] as const;
export const markKindSchema = slugId;
export type MarkKind = z.infer<typeof markKindSchema>;

const programMs = z.number().int().min(0);

const markPayload = z.strictObject({
  markKind: markKindSchema,
  phaseId: slugId,
  segmentId: slugId,
  /** Position within the segment that was playing. */
  positionMs: z.number().int().min(0),
});

const sessionStartedPayload = z.strictObject({ playlistId: slugId, playlistTitle: z.string() });
const playbackPayload = z.strictObject({ action: z.enum(['play', 'pause']), programMs });
const segmentStartedPayload = z.strictObject({ phaseId: slugId, segmentId: slugId, programMs });
const phaseStartedPayload = z.strictObject({ phaseId: slugId, programMs });
const sessionEndedPayload = z.strictObject({ reason: z.enum(['facilitator', 'plan-finished']) });

/** What the renderer sends: it chooses the id (so a retry cannot duplicate) and the session time. */
const inputBase = {
  id: z.uuid(),
  /** Milliseconds since the session started, from a monotonic clock. */
  sessionMs: z.number().int().min(0),
};
/** What the journal adds when it acknowledges the event. */
const storedBase = { ...inputBase, seq: z.number().int().min(0), wallTime: z.iso.datetime() };

function eventUnion<Shape extends z.ZodRawShape>(base: Shape) {
  return z.discriminatedUnion('kind', [
    z.strictObject({ ...base, kind: z.literal('session-started'), payload: sessionStartedPayload }),
    z.strictObject({ ...base, kind: z.literal('mark'), payload: markPayload }),
    z.strictObject({ ...base, kind: z.literal('playback'), payload: playbackPayload }),
    z.strictObject({ ...base, kind: z.literal('segment-started'), payload: segmentStartedPayload }),
    z.strictObject({ ...base, kind: z.literal('phase-started'), payload: phaseStartedPayload }),
    z.strictObject({ ...base, kind: z.literal('session-ended'), payload: sessionEndedPayload }),
  ]);
}

export const journalEventInputSchema = eventUnion(inputBase);
export const journalEventSchema = eventUnion(storedBase);
export type JournalEventInput = z.infer<typeof journalEventInputSchema>;
export type JournalEvent = z.infer<typeof journalEventSchema>;
export type JournalEventKind = JournalEvent['kind'];
export type MarkEvent = Extract<JournalEvent, { kind: 'mark' }>;

export const isMark = (event: JournalEvent): event is MarkEvent => event.kind === 'mark';
