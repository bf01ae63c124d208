import type { JournalEvent, MarkEvent, PlanAction, Vitals } from './events';
import type { Milliseconds } from './units';

export interface SpanEnd {
  readonly sessionMs: Milliseconds;
  readonly phaseId: string;
  readonly segmentId: string;
  readonly positionMs: Milliseconds;
  /** Closed by the end of the session rather than by a facilitator. */
  readonly autoClosed: boolean;
}

export interface FoldedMark {
  readonly id: string;
  readonly seq: number;
  readonly markKind: string;
  readonly sessionMs: Milliseconds;
  readonly wallTime: string;
  readonly phaseId: string;
  readonly segmentId: string;
  readonly positionMs: Milliseconds;
  readonly reactionOffsetMs: Milliseconds;
  readonly intensity: number | undefined;
  readonly note: string | undefined;
  readonly vitals: Vitals | undefined;
  /** Undefined for a point mark; `end` stays undefined while the span is open. */
  readonly span: { readonly end: SpanEnd | undefined } | undefined;
  readonly editCount: number;
  /** Written in review, in the integration sessions after the day. */
  readonly integrationNote: string | undefined;
  readonly deleted: { readonly reason: 'undo' | 'deleted'; readonly sessionMs: Milliseconds } | undefined;
}

/** The last thing the journal knows about the music, to resume from after a crash. */
export interface PlaybackCheckpoint {
  readonly programMs: Milliseconds;
  readonly sessionMs: Milliseconds;
  readonly playing: boolean;
}

export interface FoldedSession {
  /** Current marks (not deleted), in session-time order. */
  readonly marks: readonly FoldedMark[];
  readonly deletedMarks: readonly FoldedMark[];
  readonly openSpans: readonly FoldedMark[];
  /** How much earlier than the start press the dose was; add it to every session time shown. */
  readonly t0OffsetMs: Milliseconds;
  readonly ended: { readonly sessionMs: Milliseconds; readonly reason: string } | undefined;
  readonly lastSessionMs: Milliseconds;
  readonly playback: PlaybackCheckpoint | undefined;
  readonly phasesReached: readonly string[];
  readonly countsByKind: Readonly<Record<string, number>>;
  /** Events that refer to marks the journal does not have (kept, but worth knowing). */
  readonly orphanEdits: number;
  /** Holds, extensions, advances and skips, in order: the plan is rebuilt from them. */
  readonly planActions: readonly PlanAction[];
  /** True between a quiet start and its end. */
  readonly quiet: boolean;
  readonly volume: number | undefined;
  readonly problems: readonly Extract<JournalEvent, { kind: 'playback-problem' }>[];
  /** Reminders dismissed or logged, by `${reminder}@${dueSessionMs}`. */
  readonly closedReminders: ReadonlySet<string>;
  /** The pre-flight lines that were failing when the facilitator confirmed and started anyway. */
  readonly preflightConfirmed: Extract<JournalEvent, { kind: 'preflight-confirmed' }>['payload']['lines'];
  /** Reminders already shown (and journaled as such), by the same key: a resumed session does not log them again. */
  readonly shownReminders: ReadonlySet<string>;
  readonly clockJumps: readonly Extract<JournalEvent, { kind: 'clock-jump' }>[];
  /** The session's own integration note. */
  readonly integrationNote: string | undefined;
}

type MutableMark = { -readonly [Key in keyof FoldedMark]: FoldedMark[Key] };

function fromMarkEvent(event: MarkEvent): MutableMark {
  const { payload } = event;
  return {
    id: event.id,
    seq: event.seq,
    markKind: payload.markKind,
    sessionMs: event.sessionMs,
    wallTime: event.wallTime,
    phaseId: payload.phaseId,
    segmentId: payload.segmentId,
    positionMs: payload.positionMs,
    reactionOffsetMs: payload.reactionOffsetMs,
    intensity: payload.intensity,
    note: payload.note,
    vitals: payload.vitals,
    span: payload.span === 'open' ? { end: undefined } : undefined,
    editCount: 0,
    integrationNote: undefined,
    deleted: undefined,
  };
}

const bySessionTime = (a: FoldedMark, b: FoldedMark) => a.sessionMs - b.sessionMs || a.seq - b.seq;

/**
 * The session as it stands after every event, applied in journal order: edits and
 * deletions are later events, so the history stays in the journal and this is its fold.
 */
export function foldSession(events: readonly JournalEvent[]): FoldedSession {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const marks = new Map<string, MutableMark>();
  const phasesReached: string[] = [];
  let t0OffsetMs = 0;
  let ended: FoldedSession['ended'];
  let lastSessionMs = 0;
  let playback: PlaybackCheckpoint | undefined;
  let orphanEdits = 0;
  const planActions: PlanAction[] = [];
  let quiet = false;
  let volume: number | undefined;
  const problems: Extract<JournalEvent, { kind: 'playback-problem' }>[] = [];
  const closedReminders = new Set<string>();
  const shownReminders = new Set<string>();
  let preflightConfirmed: FoldedSession['preflightConfirmed'] = [];
  const clockJumps: Extract<JournalEvent, { kind: 'clock-jump' }>[] = [];
  let integrationNote: string | undefined;

  for (const event of ordered) {
    lastSessionMs = Math.max(lastSessionMs, event.sessionMs);
    switch (event.kind) {
      case 'mark':
        marks.set(event.id, fromMarkEvent(event));
        break;
      case 'mark-edited': {
        const mark = marks.get(event.payload.markId);
        if (mark === undefined) {
          orphanEdits += 1;
          break;
        }
        const { intensity, note, vitals } = event.payload;
        if (intensity !== undefined) mark.intensity = intensity ?? undefined;
        if (note !== undefined) mark.note = note === null || note === '' ? undefined : note;
        if (vitals !== undefined) mark.vitals = vitals ?? undefined;
        mark.editCount += 1;
        break;
      }
      case 'integration-note': {
        const note = event.payload.note === null || event.payload.note.trim() === '' ? undefined : event.payload.note;
        if (event.payload.markId === undefined) {
          integrationNote = note;
          break;
        }
        const mark = marks.get(event.payload.markId);
        if (mark === undefined) orphanEdits += 1;
        else mark.integrationNote = note;
        break;
      }
      case 'mark-deleted': {
        const mark = marks.get(event.payload.markId);
        if (mark === undefined) orphanEdits += 1;
        else mark.deleted = { reason: event.payload.reason, sessionMs: event.sessionMs };
        break;
      }
      case 'span-closed': {
        const mark = marks.get(event.payload.markId);
        if (mark?.span === undefined) {
          orphanEdits += 1;
          break;
        }
        const { phaseId, segmentId, positionMs, autoClosed } = event.payload;
        mark.span = { end: { sessionMs: event.sessionMs, phaseId, segmentId, positionMs, autoClosed } };
        break;
      }
      case 't0-corrected':
        t0OffsetMs = event.payload.offsetMs;
        break;
      case 'phase-started':
        if (!phasesReached.includes(event.payload.phaseId)) phasesReached.push(event.payload.phaseId);
        playback = { programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: true };
        break;
      case 'segment-started':
        playback = { programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: true };
        break;
      case 'playback':
        playback = { programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: event.payload.action === 'play' };
        break;
      case 'session-resumed':
        playback = { programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: event.payload.playing };
        break;
      case 'session-ended':
        ended = { sessionMs: event.sessionMs, reason: event.payload.reason };
        if (playback !== undefined) playback = { ...playback, playing: false };
        break;
      case 'plan-changed':
        planActions.push(event.payload);
        break;
      case 'quiet':
        quiet = event.payload.action === 'start';
        // Quiet stops the music clock like a pause; resuming after a crash must not move it on.
        playback = { programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: !quiet };
        break;
      case 'volume':
        volume = event.payload.volume;
        break;
      case 'playback-problem':
        problems.push(event);
        break;
      case 'reminder':
        (event.payload.action === 'shown' ? shownReminders : closedReminders).add(`${event.payload.reminder}@${event.payload.dueSessionMs}`);
        break;
      case 'clock-jump':
        clockJumps.push(event);
        break;
      case 'preflight-confirmed':
        preflightConfirmed = event.payload.lines;
        break;
      case 'session-started':
        break;
      default:
        event satisfies never;
    }
  }

  const all = [...marks.values()].sort(bySessionTime);
  const current = all.filter((mark) => mark.deleted === undefined);
  const countsByKind: Record<string, number> = {};
  for (const mark of current) countsByKind[mark.markKind] = (countsByKind[mark.markKind] ?? 0) + 1;
  return {
    marks: current,
    deletedMarks: all.filter((mark) => mark.deleted !== undefined),
    openSpans: current.filter((mark) => mark.span !== undefined && mark.span.end === undefined),
    t0OffsetMs,
    ended,
    lastSessionMs,
    playback,
    phasesReached,
    countsByKind,
    orphanEdits,
    planActions,
    quiet,
    volume,
    problems,
    closedReminders,
    shownReminders,
    preflightConfirmed,
    clockJumps,
    integrationNote,
  };
}

/**
 * Where the music should be now, `sessionMsNow` into the session: if it was playing at
 * the last checkpoint it kept going in the listener's time, so add the time since.
 */
export function programMsAt(playback: PlaybackCheckpoint | undefined, sessionMsNow: Milliseconds): Milliseconds {
  if (playback === undefined) return 0;
  if (!playback.playing) return playback.programMs;
  return playback.programMs + Math.max(0, sessionMsNow - playback.sessionMs);
}

/**
 * Session time now, re-anchored from the journal after a reload or restart: the latest
 * event's session time plus the wall-clock time since it was acknowledged. (Used once,
 * at resume; from then on the monotonic clock runs.)
 */
export function sessionMsFromJournal(events: readonly JournalEvent[], nowWallMs: number): Milliseconds {
  // Only the latest event anchors: an earlier wall time taken before the computer's clock
  // was corrected would stretch or shrink the whole gap since then.
  const latest = events.reduce<JournalEvent | undefined>((found, event) => (found === undefined || event.seq > found.seq ? event : found), undefined);
  if (latest === undefined) return 0;
  const elapsed = nowWallMs - Date.parse(latest.wallTime);
  return Math.round(latest.sessionMs + Math.max(0, elapsed));
}
