import type { OpenedSession } from '../contract';
import { ElasticPlanner, type ElasticSessionPlan } from '../elastic-plan';
import type { JournalEvent, PlanAction, Vitals } from '../events';
import { inJournalOrder } from '../journal-order';
import { foldSession, takenBackMarkCount, type FoldedMark, type FoldedSession } from '../fold';
import { musicPlaceAt } from '../music-place';
import type { MarkKindDefinition } from '../mark-kinds';
import type { Playlist } from '../playlist';
import { fileNameOf, segmentResolver, type SegmentInfo } from '../segment-names';
import type { Milliseconds } from '../units';
import { ProgramClock } from './program-clock';
import { defaultClientStates, type ClientStateDefinition } from '../client-states';
import type { ExportPhase, ExportSegment } from './export-places';
import { exportStatePrompts, exportStateSpans, type ExportStateKind, type ExportStatePrompt, type ExportStateSpan } from './state-export';

export type { ExportPhase, ExportSegment } from './export-places';

/**
 * One session, normalised for export: every time is session time since the dose (the T0
 * correction applied), every name is resolved, and nothing identifies the client beyond
 * the client code (no names, no file paths). Absent values are null, so every export
 * sees the same shape.
 */
export interface SessionExport {
  readonly facts: ExportFacts;
  /** The playlist's phases in order, as played; phases never reached are listed with reached: false. */
  readonly phases: readonly ExportPhase[];
  /** What sounded, from the journal's segment starts, in order (crossfades end where the next begins). */
  readonly segments: readonly ExportSegment[];
  /** Mark kinds that have a tier or a count: the configured ones, then any others the marks use. */
  readonly kinds: readonly ExportKind[];
  /** Marks, then facilitator and playback events, in session-time order. */
  readonly rows: readonly ExportRow[];
  /** Marks deleted or taken back, kept with why (nothing is erased), in session-time order. */
  readonly deletedMarks: readonly ExportRow[];
  /** The client's state over the day (band and span states), by start. */
  readonly states: readonly ExportStateSpan[];
  readonly stateKinds: readonly ExportStateKind[];
  /** What was done with each prolonged-state prompt (held, bridged, dismissed), in time order. */
  readonly statePrompts: readonly ExportStatePrompt[];
}

export interface ExportFacts {
  readonly sessionId: string;
  /** A pseudonym; '' when none was given. */
  readonly clientCode: string;
  readonly playlistId: string;
  readonly playlistTitle: string;
  /** False when the playlist could not be read: titles fall back to ids. */
  readonly playlistAvailable: boolean;
  /** Wall-clock time of the Start press (ISO 8601, UTC). */
  readonly startedAt: string;
  /** Wall-clock time of the dose: the Start press less the T0 correction. */
  readonly doseAt: string;
  /** How much earlier than the Start press the dose was. */
  readonly t0OffsetMs: Milliseconds;
  readonly status: 'open' | 'ended';
  readonly endedAt: string | null;
  readonly endReason: string | null;
  /** From the dose to the end of the session (or its last event, while it is open). */
  readonly durationMs: Milliseconds;
  readonly facilitators: string;
  readonly substance: string;
  readonly dose: string;
  readonly supplementalDosePlan: string;
  readonly intention: string;
  /** The therapist's note on the session as a whole, written in review; null when there is none. */
  readonly integrationNote: string | null;
  readonly markCounts: readonly { readonly kind: string; readonly label: string; readonly count: number }[];
  /**
   * Marks per author (co-facilitation): the facilitators in order of joining, then marks no one
   * signed (by: null) if any. Empty in a session no facilitator joined and no mark was signed.
   */
  readonly markCountsByAuthor: readonly ExportAuthorCount[];
  /** Each time a facilitator joined the marking, in order; empty without co-facilitation. */
  readonly facilitatorsJoined: readonly ExportFacilitatorPresence[];
  readonly marksTakenBack: number;
  readonly playbackProblems: number;
  /** What was repaired or skipped when the journal was read. */
  readonly journalRepairs: readonly string[];
  /** Pre-flight lines that were failing when the facilitator confirmed and started anyway ("label: detail"). */
  readonly preflightConfirmed: readonly string[];
}

export interface ExportAuthorCount {
  /** Initials; null for the marks no one signed. */
  readonly by: string | null;
  readonly count: number;
}

export interface ExportFacilitatorPresence {
  readonly by: string;
  /** The main screen, or a paired device (its id is not exported: it says nothing to a reader). */
  readonly device: 'main' | 'paired device';
  readonly joinedMs: Milliseconds;
  /** Null while they were still in the session. */
  readonly leftMs: Milliseconds | null;
  readonly leftReason: 'removed' | 'session-ended' | null;
}

export interface ExportKind {
  readonly id: string;
  readonly label: string;
  readonly category: 'observation' | 'protocol';
  readonly span: boolean;
  readonly color: string | null;
}

export type ExportRowCategory = 'observation' | 'protocol' | 'session';

export interface ExportRow {
  /** The journal event's id. */
  readonly id: string;
  readonly source: 'mark' | 'event';
  readonly sessionMs: Milliseconds;
  /** When the journal saved it (ISO 8601, UTC). */
  readonly wallTime: string;
  readonly phaseId: string | null;
  readonly phaseTitle: string | null;
  readonly segment: SegmentInfo | null;
  /** Position inside the segment (a mark's already has the reaction time taken off). */
  readonly positionMs: Milliseconds | null;
  /** A mark kind id, or `event:…` for facilitator and playback events (never a valid mark kind id). */
  readonly kind: string;
  readonly kindLabel: string;
  readonly category: ExportRowCategory;
  /** Who made the mark (initials); null when unsigned, and for events. */
  readonly author: string | null;
  /** Sent from a paired device after its link came back (`sessionMs` is still when it was made). */
  readonly late: boolean;
  readonly intensity: number | null;
  /** The facilitator's note; for an event, what happened. */
  readonly note: string | null;
  readonly vitals: Vitals | null;
  /** `BP 120/80; HR 90; 37.1 °C`; '' without vitals. */
  readonly vitalsText: string;
  /** For spans: where they ended; null while open or for point marks. */
  readonly spanEndMs: Milliseconds | null;
  readonly span: 'open' | 'closed' | 'auto-closed' | null;
  /** Edited after it was made (intensity, note or vitals). */
  readonly edited: boolean;
  /** A mark's note written in review, in the integration sessions after the day; null for events. */
  readonly integrationNote: string | null;
  /** Added afterwards from memory: `sessionMs` is the moment it refers to. */
  readonly fromMemory: boolean;
  /** When a mark from memory was written (ISO 8601, UTC); null otherwise. */
  readonly writtenAt: string | null;
  /** The time since the dose it was made at, when a correction moved it; null otherwise. */
  readonly movedFromMs: Milliseconds | null;
  /** The kind it was made with, when a correction changed it; null otherwise. */
  readonly originalKind: string | null;
  readonly originalKindLabel: string | null;
  /** How many corrections the mark has had (edits, kind changes, moves, deletion). */
  readonly corrections: number;
  /** For a deleted mark: taken back at once (undo) or deleted later, and why. */
  readonly deletion: { readonly reason: 'undo' | 'deleted'; readonly note: string | null } | null;
}

export function describeVitals(vitals: Vitals | undefined | null): string {
  if (vitals === undefined || vitals === null) return '';
  const parts: string[] = [];
  if (vitals.systolic !== undefined || vitals.diastolic !== undefined) parts.push(`BP ${vitals.systolic ?? '?'}/${vitals.diastolic ?? '?'}`);
  if (vitals.heartRate !== undefined) parts.push(`HR ${vitals.heartRate}`);
  if (vitals.temperatureC !== undefined) parts.push(`${vitals.temperatureC} °C`);
  return parts.join('; ');
}

/** An absolute path (POSIX, Windows drive, UNC) standing as a word of its own in an engine message. */
const absolutePath = /(?<=^|[\s"'“(])(?:[A-Za-z]:[\\/]|\\\\|\/)[^\s"'”)]*/g;

/** Paths in engine messages shortened to the file's name (or `…` for what looks like a folder, which may be a user's name). */
function withoutFolders(text: string, knownPath: string | undefined): string {
  const named = knownPath === undefined || knownPath === '' ? text : text.split(knownPath).join(fileNameOf(knownPath));
  return named.replace(absolutePath, (path) => {
    const name = fileNameOf(path);
    return /[^.]\.[a-z0-9]{1,8}$/i.test(name) ? name : '…';
  });
}

const formatMinutesShort = (ms: Milliseconds) => `${Math.round(ms / 60_000)} min`;
/** A gap under a minute in seconds ("15 s", never "0 min"), longer ones in minutes. */
export const formatGap = (ms: Milliseconds) => (ms < 59_500 ? `${Math.round(ms / 1000)} s` : formatMinutesShort(ms));

const eventLabels = {
  'event:play': 'Music playing',
  'event:pause': 'Music paused',
  'event:quiet-start': 'Quiet (faded to silence)',
  'event:quiet-end': 'Back from quiet',
  'event:hold': 'Phase held',
  'event:release': 'Hold released',
  'event:extend': 'Phase extended',
  'event:advance': 'Phase changed',
  'event:skip': 'Segment skipped',
  'event:playback-problem': 'Playback problem',
  'event:resumed': 'Resumed after an interruption',
  'event:music-ended': 'Music ended',
} as const;
type EventKind = keyof typeof eventLabels;

interface PhaseStart {
  readonly id: string;
  readonly sessionMs: Milliseconds;
  readonly programMs: Milliseconds;
}

interface Timed {
  readonly startMs: Milliseconds;
}

/** The last item starting at or before `ms` (the first one for earlier times); items are in start order. */
function at<T extends Timed>(items: readonly T[], ms: Milliseconds): T | undefined {
  let found = items[0];
  for (const item of items) {
    if (item.startMs > ms) break;
    found = item;
  }
  return found;
}

/**
 * The plan as the live screen had it at each event, walked in journal order: an event is
 * placed on the plan bent by the actions before it (a plan change, on the plan it changed),
 * so an event shows the segment and position the facilitators saw.
 */
class PlanAsItStood {
  private readonly planner: ElasticPlanner | undefined;
  private current: ElasticSessionPlan | undefined;

  constructor(playlist: Playlist | undefined) {
    this.planner = playlist === undefined ? undefined : new ElasticPlanner(playlist);
  }

  apply(action: PlanAction): void {
    if (this.planner === undefined) return;
    this.planner.apply(action);
    this.current = undefined;
  }

  placeAt(programMs: Milliseconds, segmentId: string | undefined) {
    const plan = this.plan();
    return plan === undefined ? undefined : musicPlaceAt(plan, programMs, segmentId);
  }

  /** The plan bent by every action applied so far: after the walk, the plan as the session ended. */
  plan(): ElasticSessionPlan | undefined {
    if (this.planner === undefined) return undefined;
    this.current ??= this.planner.plan();
    return this.current;
  }
}

function markCountsByAuthor(folded: Pick<FoldedSession, 'facilitators' | 'unsignedMarks'>): ExportAuthorCount[] {
  if (folded.facilitators.length === 0) return [];
  const counts: ExportAuthorCount[] = folded.facilitators.map((facilitator) => ({ by: facilitator.by, count: facilitator.marks }));
  return folded.unsignedMarks > 0 ? [...counts, { by: null, count: folded.unsignedMarks }] : counts;
}

/**
 * `folded` is the fold of these same events when the caller already has it (review folds once
 * for the screen and the export alike); without it the events are folded here.
 */
export function buildSessionExport(
  opened: OpenedSession,
  playlist: Playlist | undefined,
  kinds: readonly MarkKindDefinition[],
  clientStates: readonly ClientStateDefinition[] = defaultClientStates,
  folded: FoldedSession = foldSession(opened.events),
): SessionExport {
  const { meta } = opened;
  const ordered = inJournalOrder(opened.events);
  const offset = folded.t0OffsetMs;
  const clock = new ProgramClock(ordered);
  const endSessionMs = folded.ended?.sessionMs ?? folded.lastSessionMs;
  const resolveSegment = segmentResolver(playlist);

  const phaseTitle = (id: string) => playlist?.phases.find((phase) => phase.id === id)?.title ?? id;

  // The phase arc: each phase's first journaled start (a resume journals it again).
  const starts: PhaseStart[] = [];
  for (const event of ordered) {
    if (event.kind !== 'phase-started' || starts.some((start) => start.id === event.payload.phaseId)) continue;
    starts.push({ id: event.payload.phaseId, sessionMs: event.sessionMs, programMs: event.payload.programMs });
  }
  const ends = new Map<string, { sessionMs: Milliseconds; programMs: Milliseconds }>();
  starts.forEach((start, index) => {
    const next = starts[index + 1];
    ends.set(start.id, next === undefined ? { sessionMs: endSessionMs, programMs: clock.programAt(endSessionMs) } : next);
  });
  const phaseIds = [...(playlist?.phases.map((phase) => phase.id) ?? []), ...starts.map((start) => start.id)].filter(
    (id, index, all) => all.indexOf(id) === index,
  );
  // What sounded: segment starts, a resume's repeat of the same segment merged into it.
  const segmentStarts: { segmentId: string; phaseId: string; sessionMs: Milliseconds; programMs: Milliseconds }[] = [];
  for (const event of ordered) {
    if (event.kind !== 'segment-started') continue;
    const previous = segmentStarts.at(-1);
    if (previous?.segmentId === event.payload.segmentId && previous.phaseId === event.payload.phaseId) continue;
    segmentStarts.push({ ...event.payload, sessionMs: event.sessionMs });
  }
  const segments = segmentStarts.map(
    (start, index): ExportSegment => ({
      ...resolveSegment(start.segmentId),
      phaseId: start.phaseId,
      startMs: start.sessionMs + offset,
      endMs: Math.max(start.sessionMs, segmentStarts[index + 1]?.sessionMs ?? endSessionMs) + offset,
    }),
  );

  const kindList: ExportKind[] = kinds
    .filter((kind) => !kind.hidden || folded.countsByKind[kind.id] !== undefined)
    .map((kind) => ({ id: kind.id, label: kind.label, category: kind.category, span: kind.span, color: kind.color }));
  for (const mark of folded.marks) {
    if (kindList.some((kind) => kind.id === mark.markKind)) continue;
    kindList.push({ id: mark.markKind, label: mark.markKind, category: 'observation', span: mark.span !== undefined, color: null });
  }
  const kindOf = (id: string) => kindList.find((kind) => kind.id === id);

  // Reached phases by id order, as `phases` lists them below.
  const phaseStartsSinceDose = phaseIds.flatMap((id) => {
    const start = starts.find((candidate) => candidate.id === id);
    return start === undefined ? [] : [{ id, startMs: start.sessionMs + offset }];
  });
  const markRow = (mark: FoldedMark): ExportRow => {
    const kind = kindOf(mark.markKind);
    const spanEnd = mark.span?.end;
    return {
      id: mark.id,
      source: 'mark',
      sessionMs: mark.sessionMs + offset,
      wallTime: mark.wallTime,
      phaseId: mark.phaseId,
      phaseTitle: phaseTitle(mark.phaseId),
      segment: resolveSegment(mark.segmentId),
      positionMs: mark.positionMs,
      kind: mark.markKind,
      kindLabel: kind?.label ?? mark.markKind,
      category: kind?.category ?? 'observation',
      author: mark.by ?? null,
      late: mark.late,
      intensity: mark.intensity ?? null,
      note: mark.note ?? null,
      vitals: mark.vitals ?? null,
      vitalsText: describeVitals(mark.vitals),
      spanEndMs: spanEnd === undefined ? null : spanEnd.sessionMs + offset,
      span: mark.span === undefined ? null : spanEnd === undefined ? 'open' : spanEnd.autoClosed ? 'auto-closed' : 'closed',
      edited: mark.editCount > 0,
      integrationNote: mark.integrationNote ?? null,
      fromMemory: mark.fromMemory !== undefined,
      writtenAt: mark.fromMemory === undefined ? null : mark.wallTime,
      movedFromMs: mark.originalSessionMs === undefined ? null : mark.originalSessionMs + offset,
      originalKind: mark.originalKind ?? null,
      originalKindLabel: mark.originalKind === undefined ? null : (kindOf(mark.originalKind)?.label ?? mark.originalKind),
      corrections: mark.history.length,
      deletion: mark.deleted === undefined ? null : { reason: mark.deleted.reason, note: mark.deleted.note ?? null },
    };
  };

  const planAsItStood = new PlanAsItStood(playlist);
  const eventRow = (
    event: JournalEvent,
    kind: EventKind,
    note: string | null,
    place: { readonly segmentId?: string; readonly programMs?: Milliseconds } = {},
  ): ExportRow => {
    const sessionMs = event.sessionMs + offset;
    const programMs = place.programMs ?? clock.programAt(event.sessionMs);
    // The plan knows where each segment started; a segment start in the journal may be a resume's, mid-segment.
    const inPlan = segments.length === 0 ? undefined : planAsItStood.placeAt(programMs, place.segmentId);
    const segmentId = inPlan?.segmentId ?? place.segmentId ?? at(segments, sessionMs)?.id;
    const index = segmentId === undefined ? -1 : segments.findLastIndex((segment) => segment.id === segmentId && segment.startMs <= sessionMs);
    const inSegment = segments[index];
    const segmentStartProgramMs = segmentStarts[index]?.programMs ?? 0;
    const phaseId = inPlan?.phaseId ?? inSegment?.phaseId ?? at(phaseStartsSinceDose, sessionMs)?.id ?? null;
    const positionMs = inPlan?.positionMs ?? (inSegment === undefined ? null : Math.max(0, programMs - segmentStartProgramMs));
    return {
      id: event.id,
      source: 'event',
      sessionMs,
      wallTime: event.wallTime,
      phaseId,
      phaseTitle: phaseId === null ? null : phaseTitle(phaseId),
      segment: segmentId === undefined ? null : resolveSegment(segmentId),
      positionMs,
      kind,
      kindLabel: eventLabels[kind],
      category: 'session',
      author: null,
      late: false,
      intensity: null,
      note,
      vitals: null,
      vitalsText: '',
      spanEndMs: null,
      span: null,
      edited: false,
      integrationNote: null,
      fromMemory: false,
      writtenAt: null,
      movedFromMs: null,
      originalKind: null,
      originalKindLabel: null,
      corrections: 0,
      deletion: null,
    };
  };

  const describeAction = (action: PlanAction): { kind: EventKind; note: string } => {
    switch (action.kind) {
      case 'hold':
        return { kind: 'event:hold', note: `${phaseTitle(action.phaseId)} held past its target` };
      case 'release':
        return { kind: 'event:release', note: `${phaseTitle(action.phaseId)} released` };
      case 'extend':
        return { kind: 'event:extend', note: `${phaseTitle(action.phaseId)} extended by ${formatMinutesShort(action.byMs)}` };
      case 'advance':
        return { kind: 'event:advance', note: `Moved on to ${phaseTitle(action.toPhaseId)}` };
      case 'skip':
        return { kind: 'event:skip', note: `Skipped ${resolveSegment(action.segmentId).name}` };
    }
  };

  const eventRows: ExportRow[] = [];
  for (const event of ordered) {
    switch (event.kind) {
      case 'playback':
        eventRows.push(eventRow(event, event.payload.action === 'play' ? 'event:play' : 'event:pause', null, { programMs: event.payload.programMs }));
        break;
      case 'quiet':
        eventRows.push(eventRow(event, event.payload.action === 'start' ? 'event:quiet-start' : 'event:quiet-end', null, { programMs: event.payload.programMs }));
        break;
      case 'plan-changed': {
        const { kind, note } = describeAction(event.payload);
        eventRows.push(eventRow(event, kind, note, { programMs: event.payload.programMs }));
        planAsItStood.apply(event.payload);
        break;
      }
      case 'playback-problem':
        eventRows.push(
          eventRow(event, 'event:playback-problem', `${event.payload.reason}: ${withoutFolders(event.payload.detail, event.payload.path)}`, {
            segmentId: event.payload.segmentId,
            programMs: event.payload.programMs,
          }),
        );
        break;
      case 'closing-started':
        eventRows.push(
          eventRow(event, 'event:music-ended', event.payload.sound === 'none' ? 'Silence until the session ended' : `Closing soundscape: ${event.payload.sound}`, {
            programMs: event.payload.programMs,
          }),
        );
        break;
      case 'session-resumed':
        eventRows.push(
          eventRow(event, 'event:resumed', `after a gap of ${formatGap(event.payload.gapMs)}`, { programMs: event.payload.programMs }),
        );
        break;
      default:
        break;
    }
  }

  // Walked through every plan change above: the plan as the session ended.
  const plan = planAsItStood.plan();
  const phases = phaseIds.map((id): ExportPhase => {
    const start = starts.find((candidate) => candidate.id === id);
    const end = ends.get(id);
    const playlistPhase = playlist?.phases.find((phase) => phase.id === id);
    const planned = plan?.phases.find((phase) => phase.id === id);
    const reached = start !== undefined && end !== undefined;
    return {
      id,
      title: phaseTitle(id),
      kind: playlistPhase?.kind ?? null,
      reached,
      skipped: !reached && planned?.skipped === true,
      held: planned?.held === true && planned.endMs === Number.POSITIVE_INFINITY,
      startMs: reached ? start.sessionMs + offset : null,
      endMs: reached ? end.sessionMs + offset : null,
      targetMs: planned?.targetMs ?? null,
      extendedByMs: planned?.extendedByMs ?? 0,
      actualMs: reached ? Math.max(0, end.sessionMs - start.sessionMs) : null,
      playedMs: reached ? Math.max(0, end.programMs - start.programMs) : null,
    };
  });

  const seqOf = new Map(ordered.map((event) => [event.id, event.seq]));
  const rows = [...folded.marks.map(markRow), ...eventRows].sort(
    (a, b) => a.sessionMs - b.sessionMs || (seqOf.get(a.id) ?? 0) - (seqOf.get(b.id) ?? 0),
  );

  const startedAtMs = Date.parse(meta.createdAt);
  const facts: ExportFacts = {
    sessionId: meta.id,
    clientCode: meta.clientCode,
    playlistId: meta.playlistId,
    playlistTitle: playlist?.title ?? meta.playlistTitle,
    playlistAvailable: playlist !== undefined,
    startedAt: new Date(startedAtMs).toISOString(),
    doseAt: new Date(startedAtMs - offset).toISOString(),
    t0OffsetMs: offset,
    status: meta.status,
    endedAt: meta.endedAt ?? null,
    endReason: folded.ended?.reason ?? null,
    durationMs: endSessionMs + offset,
    facilitators: meta.facilitators,
    substance: meta.substance,
    dose: meta.dose,
    supplementalDosePlan: meta.supplementalDosePlan,
    intention: meta.intention,
    integrationNote: folded.integrationNote ?? null,
    markCounts: kindList
      .filter((kind) => folded.countsByKind[kind.id] !== undefined)
      .map((kind) => ({ kind: kind.id, label: kind.label, count: folded.countsByKind[kind.id] as number })),
    markCountsByAuthor: markCountsByAuthor(folded),
    facilitatorsJoined: folded.facilitators.flatMap((facilitator) =>
      facilitator.presence.map(
        (stay): ExportFacilitatorPresence => ({
          by: facilitator.by,
          device: stay.device === 'main' ? 'main' : 'paired device',
          joinedMs: stay.joinedAtSessionMs + offset,
          leftMs: stay.left === undefined ? null : stay.left.sessionMs + offset,
          leftReason: stay.left?.reason ?? null,
        }),
      ),
    ),
    marksTakenBack: takenBackMarkCount(folded),
    playbackProblems: folded.problems.length,
    journalRepairs: opened.repairs,
    preflightConfirmed: folded.preflightConfirmed.map((line) => `${line.label}: ${line.detail}`),
  };

  const states = exportStateSpans(folded.stateSpans, folded.stateChanges, clientStates, {
    offsetMs: offset,
    endMs: endSessionMs + offset,
    ended: folded.ended !== undefined,
    phases,
    segments,
  });
  return {
    facts,
    phases,
    segments,
    states: states.spans,
    stateKinds: states.kinds,
    statePrompts: exportStatePrompts(folded.statePromptAnswers, clientStates, offset),
    kinds: kindList,
    rows,
    // A therapist's note on a mark that was taken back stays in the journal, not in what is shared.
    deletedMarks: folded.deletedMarks.map((mark) => ({ ...markRow(mark), integrationNote: null })),
  };
}
