import * as z from 'zod';
import { slugId, soundscapePresets } from './playlist';

export const markKindSchema = slugId;
export type MarkKind = z.infer<typeof markKindSchema>;

const programMs = z.number().int().min(0);
const intensitySchema = z.number().int().min(1).max(5);
export const markNoteSchema = z.string().max(5000);
/** A facilitator as they sign (initials); Attune has no accounts. */
export const facilitatorInitialsSchema = z.string().trim().min(1).max(40);

export const vitalsSchema = z.strictObject({
  systolic: z.number().int().min(40).max(300).optional(),
  diastolic: z.number().int().min(20).max(200).optional(),
  heartRate: z.number().int().min(20).max(250).optional(),
  temperatureC: z.number().min(30).max(45).optional(),
});
export type Vitals = z.infer<typeof vitalsSchema>;

/** Where the music was: the phase, the segment, and the position inside the segment. */
const musicPlace = {
  phaseId: slugId,
  segmentId: slugId,
  positionMs: z.number().int().min(0),
};

const markPayload = z.strictObject({
  markKind: markKindSchema,
  ...musicPlace,
  /** Already subtracted from sessionMs and the position: the facilitator's reaction time. */
  reactionOffsetMs: z.number().int().min(0).default(0),
  /** Present when the kind is a span: this press opened it; a span-closed event ends it. */
  span: z.literal('open').optional(),
  intensity: intensitySchema.optional(),
  note: markNoteSchema.optional(),
  vitals: vitalsSchema.optional(),
  /**
   * Who made the mark, as they signed in (initials): present once a co-facilitator has paired
   * (core/pairing-contract.ts); absent in a one-facilitator session.
   */
  by: facilitatorInitialsSchema.optional(),
  /**
   * Made on a paired device while its link was down and journaled when it returned: sessionMs is
   * still when it was made (the device's clock, corrected by the offset measured at pairing).
   */
  late: z.literal(true).optional(),
});

/** Where a correction was made: on the live screen during the session, or in review afterwards. */
export const correctionOriginSchema = z.enum(['live', 'review']);
export type CorrectionOrigin = z.infer<typeof correctionOriginSchema>;
/** Who made a correction, as they sign it (initials). */
export const correctionAuthorSchema = facilitatorInitialsSchema;

/** A mark moved to another session time, with the music's place at that time (from the journal's record of what sounded). */
const movedToSchema = z.strictObject({ sessionMs: z.number().int().min(0), ...musicPlace });
export type MovedTo = z.infer<typeof movedToSchema>;

const markEditedPayload = z
  .strictObject({
    markId: z.uuid(),
    /** null clears the value; an absent field is left as it was. */
    intensity: intensitySchema.nullable().optional(),
    note: markNoteSchema.nullable().optional(),
    vitals: vitalsSchema.nullable().optional(),
    /** The kind it should have been (a mis-keyed mark). */
    markKind: markKindSchema.optional(),
    moved: movedToSchema.optional(),
    /** Brings back a mark deleted by mistake (the deletion stays in the journal and the history). */
    restored: z.literal(true).optional(),
    /** Absent in journals written before corrections were possible outside review's details. */
    from: correctionOriginSchema.optional(),
    by: correctionAuthorSchema.optional(),
  })
  .refine(
    (edit) =>
      edit.intensity !== undefined ||
      edit.note !== undefined ||
      edit.vitals !== undefined ||
      edit.markKind !== undefined ||
      edit.moved !== undefined ||
      edit.restored !== undefined,
    { message: 'an edit changes at least one of intensity, note, vitals, kind or time, or restores the mark' },
  );

/** Why a mark was deleted, in the facilitator's words (picked or typed). */
export const deletionNoteSchema = z.string().trim().min(1).max(500);

/**
 * A mark written afterwards, from memory: the event's own sessionMs and wallTime say when it
 * was written (so the journal's session time still only moves forward); `refersToSessionMs`
 * is the moment it is about.
 */
const markFromMemoryPayload = z.strictObject({
  markKind: markKindSchema,
  ...musicPlace,
  refersToSessionMs: z.number().int().min(0),
  intensity: intensitySchema.optional(),
  note: markNoteSchema.optional(),
  vitals: vitalsSchema.optional(),
  from: correctionOriginSchema,
  by: correctionAuthorSchema.optional(),
});

/** Written in review, days later: about one mark, or (without markId) about the whole session. */
const integrationNotePayload = z.strictObject({
  markId: z.uuid().optional(),
  /** Replaces the previous integration note of that mark (or of the session); null clears it. */
  note: markNoteSchema.nullable(),
});

const markDeletedPayload = z.strictObject({
  markId: z.uuid(),
  /** undo: the live screen's take-back within seconds of the press; deleted: a correction later. */
  reason: z.enum(['undo', 'deleted']),
  note: deletionNoteSchema.optional(),
  from: correctionOriginSchema.optional(),
  by: correctionAuthorSchema.optional(),
});
const spanClosedPayload = z.strictObject({ markId: z.uuid(), ...musicPlace, autoClosed: z.boolean() });
/** How much earlier than the start press the dose really was (T0); replaces any earlier correction. */
const t0CorrectedPayload = z.strictObject({ offsetMs: z.number().int().min(-12 * 3600_000).max(12 * 3600_000) });
const sessionResumedPayload = z.strictObject({ programMs, gapMs: z.number().int().min(0), playing: z.boolean() });

/**
 * A facilitator's change to the plan, at the program time it was made. The plan is
 * rebuilt from the playlist and these actions (core/elastic-plan.ts).
 */
export const planActionSchema = z.discriminatedUnion('kind', [
  /** The phase does not end at its target: a bridge soundscape continues after its music. */
  z.strictObject({ kind: z.literal('hold'), phaseId: slugId, programMs }),
  z.strictObject({ kind: z.literal('release'), phaseId: slugId, programMs }),
  /** Adds to the phase's target; its extra segments or a bridge fill the time. */
  z.strictObject({ kind: z.literal('extend'), phaseId: slugId, byMs: z.number().int().min(60_000).max(4 * 3600_000), programMs }),
  /** Crossfades into the start of `toPhaseId` now (advance: the next phase; jump: e.g. return). */
  z.strictObject({ kind: z.literal('advance'), toPhaseId: slugId, programMs }),
  /** Crossfades from the segment playing into the next one now. */
  z.strictObject({ kind: z.literal('skip'), segmentId: slugId, programMs }),
]);
export type PlanAction = z.infer<typeof planActionSchema>;

const quietPayload = z.strictObject({ action: z.enum(['start', 'end']), programMs });
const volumePayload = z.strictObject({ volume: z.number().min(0).max(1) });
const playbackProblemPayload = z.strictObject({
  segmentId: slugId,
  /** The file, as the playlist names it (absent for soundscapes). */
  path: z.string().max(4096).optional(),
  reason: z.enum(['missing', 'unreadable', 'not-audio', 'stalled', 'silence', 'device-lost']),
  detail: z.string().max(500),
  programMs,
});

/** Supplemental-dose and vitals reminders: shown quietly, then dismissed or logged. */
export const reminderKinds = ['supplemental-dose', 'vitals'] as const;
export type ReminderKind = (typeof reminderKinds)[number];
const reminderPayload = z.strictObject({
  reminder: z.enum(reminderKinds),
  action: z.enum(['shown', 'dismissed', 'logged']),
  /** When it fell due, in session time: identifies which reminder of a repeating kind this is. */
  dueSessionMs: z.number().int().min(0),
});

/**
 * The wall clock and the monotonic clock disagreed: the system clock was changed, or the
 * computer slept. Recorded, never applied to session time.
 */
const clockJumpPayload = z.strictObject({
  wallDeltaMs: z.number().int(),
  monotonicDeltaMs: z.number().int().min(0),
  likelyCause: z.enum(['suspend-or-clock-forward', 'clock-back']),
});

/**
 * The session started past a pre-flight check with failing lines, after the facilitator
 * confirmed them: what they knowingly accepted, for review.
 */
const preflightConfirmedPayload = z.strictObject({
  lines: z
    .array(z.strictObject({ check: z.string().max(40), label: z.string().max(200), detail: z.string().max(2000) }))
    .min(1)
    .max(20),
});

/**
 * The client's state from this moment (core/client-states.ts): `set` a band state (it holds
 * until the next one), `open` or `close` a span state (dissociation) over the band.
 */
export const clientStatePayload = z.strictObject({
  stateId: slugId,
  action: z.enum(['set', 'open', 'close']),
  /** Already subtracted from sessionMs: the facilitator's reaction time. */
  reactionOffsetMs: z.number().int().min(0).default(0),
});
/** A state change keyed wrongly or at the wrong time, corrected later: the first record stays in the journal. */
const clientStateCorrectedPayload = z
  .strictObject({
    stateEventId: z.uuid(),
    stateId: slugId.optional(),
    movedToSessionMs: z.number().int().min(0).optional(),
    deleted: z.literal(true).optional(),
    /** Why it was corrected, as the facilitator put it. */
    note: deletionNoteSchema.optional(),
    from: correctionOriginSchema,
    by: correctionAuthorSchema.optional(),
  })
  .refine((edit) => edit.stateId !== undefined || edit.movedToSessionMs !== undefined || edit.deleted !== undefined, {
    message: 'a state correction changes the state, moves it or deletes it',
  });

/**
 * What the facilitators did with the quiet prompt after a prolonged state: held the phase,
 * bridged to a calm soundscape, or dismissed it (it stays away for that stretch). The prompt
 * is named by the state change that began the stretch, so the record reads on its own.
 */
export const statePromptAnswers = ['hold-phase', 'calm-bridge', 'dismissed'] as const;
const statePromptAnsweredPayload = z.strictObject({
  stateId: slugId,
  stateEventId: z.uuid(),
  /** Session time the state began. */
  sinceMs: z.number().int().min(0),
  answer: z.enum(statePromptAnswers),
});

/**
 * A facilitator joined or left the session's marking: the main screen's facilitator signs in
 * when they first invite a co-facilitator (device 'main'); a paired device joins with its own
 * initials and leaves when it is removed or the session ends.
 */
const coFacilitatorPayload = z.strictObject({
  action: z.enum(['joined', 'left']),
  device: z.union([z.literal('main'), z.uuid()]),
  by: facilitatorInitialsSchema,
  reason: z.enum(['removed', 'session-ended']).optional(),
});

const sessionStartedPayload = z.strictObject({ playlistId: slugId, playlistTitle: z.string() });
const playbackPayload = z.strictObject({ action: z.enum(['play', 'pause']), programMs });
const segmentStartedPayload = z.strictObject({ phaseId: slugId, segmentId: slugId, programMs });
const phaseStartedPayload = z.strictObject({ phaseId: slugId, programMs });
/**
 * The plan ran out: the music has ended and the closing sound (a soundscape, or silence)
 * took over. The session goes on until the facilitators end it.
 */
const closingStartedPayload = z.strictObject({ sound: z.enum(['none', ...soundscapePresets]), programMs });
/** 'plan-finished' only in journals written before the session outlived its music. */
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
    z.strictObject({ ...base, kind: z.literal('closing-started'), payload: closingStartedPayload }),
    z.strictObject({ ...base, kind: z.literal('session-ended'), payload: sessionEndedPayload }),
    z.strictObject({ ...base, kind: z.literal('mark-edited'), payload: markEditedPayload }),
    z.strictObject({ ...base, kind: z.literal('mark-deleted'), payload: markDeletedPayload }),
    z.strictObject({ ...base, kind: z.literal('mark-from-memory'), payload: markFromMemoryPayload }),
    z.strictObject({ ...base, kind: z.literal('integration-note'), payload: integrationNotePayload }),
    z.strictObject({ ...base, kind: z.literal('span-closed'), payload: spanClosedPayload }),
    z.strictObject({ ...base, kind: z.literal('t0-corrected'), payload: t0CorrectedPayload }),
    z.strictObject({ ...base, kind: z.literal('session-resumed'), payload: sessionResumedPayload }),
    z.strictObject({ ...base, kind: z.literal('plan-changed'), payload: planActionSchema }),
    z.strictObject({ ...base, kind: z.literal('quiet'), payload: quietPayload }),
    z.strictObject({ ...base, kind: z.literal('volume'), payload: volumePayload }),
    z.strictObject({ ...base, kind: z.literal('playback-problem'), payload: playbackProblemPayload }),
    z.strictObject({ ...base, kind: z.literal('reminder'), payload: reminderPayload }),
    z.strictObject({ ...base, kind: z.literal('clock-jump'), payload: clockJumpPayload }),
    z.strictObject({ ...base, kind: z.literal('preflight-confirmed'), payload: preflightConfirmedPayload }),
    z.strictObject({ ...base, kind: z.literal('client-state'), payload: clientStatePayload }),
    z.strictObject({ ...base, kind: z.literal('client-state-corrected'), payload: clientStateCorrectedPayload }),
    z.strictObject({ ...base, kind: z.literal('state-prompt-answered'), payload: statePromptAnsweredPayload }),
    z.strictObject({ ...base, kind: z.literal('co-facilitator'), payload: coFacilitatorPayload }),
  ]);
}

export const journalEventInputSchema = eventUnion(inputBase);
export const journalEventSchema = eventUnion(storedBase);
export type JournalEventInput = z.infer<typeof journalEventInputSchema>;
export type JournalEvent = z.infer<typeof journalEventSchema>;
export type JournalEventKind = JournalEvent['kind'];
export type MarkEvent = Extract<JournalEvent, { kind: 'mark' }>;

export type MarkFromMemoryEvent = Extract<JournalEvent, { kind: 'mark-from-memory' }>;
export type ClientStateEvent = Extract<JournalEvent, { kind: 'client-state' | 'client-state-corrected' }>;
export type StatePromptAnsweredEvent = Extract<JournalEvent, { kind: 'state-prompt-answered' }>;

export const isMark = (event: JournalEvent): event is MarkEvent => event.kind === 'mark';

/** What may still be journaled once a session has ended: review's corrections, marks from memory and notes. */
export const kindsAllowedAfterEnd: readonly JournalEventKind[] = ['mark-edited', 'mark-deleted', 'mark-from-memory', 'integration-note', 'client-state-corrected'];
