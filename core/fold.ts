import type { CorrectionOrigin, JournalEvent, MarkEvent, MarkFromMemoryEvent, PlanAction, Vitals } from './events';
import type { Milliseconds } from './units';
import { inJournalOrder } from './journal-order';
import { ClientStateFold, closeStateSpansAt, statePromptAnswer, type StateChange, type StatePromptAnswer, type StateSpan } from './client-state-fold';

export interface SpanEnd {
  readonly sessionMs: Milliseconds;
  readonly phaseId: string;
  readonly segmentId: string;
  readonly positionMs: Milliseconds;
  /** Closed by the end of the session rather than by a facilitator. */
  readonly autoClosed: boolean;
}

/** One field a correction changed, from what to what (undefined: no value). */
export type MarkChangeDetail =
  | { readonly field: 'kind'; readonly from: string; readonly to: string }
  | { readonly field: 'time'; readonly from: Milliseconds; readonly to: Milliseconds }
  | { readonly field: 'intensity'; readonly from: number | undefined; readonly to: number | undefined }
  | { readonly field: 'note'; readonly from: string | undefined; readonly to: string | undefined }
  | { readonly field: 'vitals'; readonly from: Vitals | undefined; readonly to: Vitals | undefined }
  | { readonly field: 'deleted'; readonly reason: 'undo' | 'deleted'; readonly note: string | undefined }
  | { readonly field: 'restored' };

/** One journal event that changed a mark after it was made: when, where and what. */
export interface MarkChange {
  readonly eventId: string;
  readonly seq: number;
  /** When the change was made, in session time (review's changes carry the session's last time). */
  readonly sessionMs: Milliseconds;
  readonly wallTime: string;
  /** Undefined for changes journaled before corrections said where they were made. */
  readonly origin: CorrectionOrigin | undefined;
  /** Who signed it (initials), when they did. */
  readonly by: string | undefined;
  readonly details: readonly MarkChangeDetail[];
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
  readonly deleted: MarkDeletion | undefined;
  /** Written afterwards from memory: `sessionMs` is the moment it refers to, `wallTime` when it was written. */
  readonly fromMemory: { readonly writtenAtSessionMs: Milliseconds; readonly origin: CorrectionOrigin; readonly by: string | undefined } | undefined;
  /** The kind it was made with, when a correction changed it. */
  readonly originalKind: string | undefined;
  /** The session time it was made at, when a correction moved it. */
  readonly originalSessionMs: Milliseconds | undefined;
  /** Every correction, oldest first (integration notes are not corrections and are not listed). */
  readonly history: readonly MarkChange[];
  /** Who made it (initials): a co-facilitated session signs its marks; undefined when unsigned. */
  readonly by: string | undefined;
  /** Sent from a paired device after its link came back: `sessionMs` is still when it was made. */
  readonly late: boolean;
}

/** A facilitator who joined the session's marking (co-facilitation), by their initials. */
export interface Facilitator {
  readonly by: string;
  /** Each time they joined, in order: a removed device may pair again. */
  readonly presence: readonly FacilitatorPresence[];
  /** Their current marks. */
  readonly marks: number;
}

export interface FacilitatorPresence {
  /** 'main' for the main screen, or the paired device's id. */
  readonly device: string;
  readonly joinedAtSessionMs: Milliseconds;
  /** Undefined while they are still in the session. */
  readonly left: { readonly sessionMs: Milliseconds; readonly reason: 'removed' | 'session-ended' | undefined } | undefined;
}

export interface MarkDeletion {
  readonly reason: 'undo' | 'deleted';
  readonly sessionMs: Milliseconds;
  /** Why, in the facilitator's words. */
  readonly note?: string;
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
  /** The plan ran out and this closing sound took over (until the session ends). */
  readonly closing: ClosingSound | undefined;
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
  /** The client's state changes as corrected (deleted ones left out), in session-time order. */
  readonly stateChanges: readonly StateChange[];
  /** The client's state over the day; in an ended session whatever held ends at the end (auto-closed). */
  readonly stateSpans: readonly StateSpan[];
  /** What was done with each prolonged-state prompt (held, bridged, dismissed), in journal order. */
  readonly statePromptAnswers: readonly StatePromptAnswer[];
  /**
   * Everyone who joined or signed a mark, in order of joining (then authors who never joined, by
   * their first mark in session time): empty in a one-facilitator session.
   */
  readonly facilitators: readonly Facilitator[];
  /** Current marks no one signed (made before co-facilitation began, or in a session without it). */
  readonly unsignedMarks: number;
}

export type ClosingSound = Extract<JournalEvent, { kind: 'closing-started' }>['payload']['sound'];

type MutableMark = { -readonly [Key in keyof FoldedMark]: FoldedMark[Key] };

function fromMarkEvent(event: MarkEvent): FoldedMark {
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
    fromMemory: undefined,
    originalKind: undefined,
    originalSessionMs: undefined,
    history: [],
    by: payload.by,
    late: payload.late === true,
  };
}

function fromMemoryEvent(event: MarkFromMemoryEvent): FoldedMark {
  const { refersToSessionMs, markKind, phaseId, segmentId, positionMs, intensity, note, vitals, from, by } = event.payload;
  return {
    id: event.id,
    seq: event.seq,
    markKind,
    sessionMs: refersToSessionMs,
    wallTime: event.wallTime,
    phaseId,
    segmentId,
    positionMs,
    reactionOffsetMs: 0,
    intensity,
    note,
    vitals,
    span: undefined,
    editCount: 0,
    integrationNote: undefined,
    deleted: undefined,
    fromMemory: { writtenAtSessionMs: event.sessionMs, origin: from, by },
    originalKind: undefined,
    originalSessionMs: undefined,
    history: [],
    // Whoever wrote it from memory is its author.
    by,
    late: false,
  };
}

const sameVitals = (a: Vitals | undefined, b: Vitals | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** What a mark-edited event changes, as new field values and as history details. */
function markEdit(mark: FoldedMark, payload: Extract<JournalEvent, { kind: 'mark-edited' }>['payload']): { changes: Partial<MutableMark>; details: MarkChangeDetail[] } {
  const changes: Partial<MutableMark> = {};
  const details: MarkChangeDetail[] = [];
  const { intensity, note, vitals, markKind, moved, restored } = payload;
  if (restored === true && mark.deleted !== undefined) {
    changes.deleted = undefined;
    details.push({ field: 'restored' });
  }
  if (markKind !== undefined && markKind !== mark.markKind) {
    changes.markKind = markKind;
    changes.originalKind = mark.originalKind ?? mark.markKind;
    details.push({ field: 'kind', from: mark.markKind, to: markKind });
  }
  if (moved !== undefined) {
    changes.sessionMs = moved.sessionMs;
    changes.phaseId = moved.phaseId;
    changes.segmentId = moved.segmentId;
    changes.positionMs = moved.positionMs;
    changes.originalSessionMs = mark.originalSessionMs ?? mark.sessionMs;
    details.push({ field: 'time', from: mark.sessionMs, to: moved.sessionMs });
  }
  if (intensity !== undefined) {
    changes.intensity = intensity ?? undefined;
    details.push({ field: 'intensity', from: mark.intensity, to: changes.intensity });
  }
  if (note !== undefined) {
    changes.note = note === null || note === '' ? undefined : note;
    details.push({ field: 'note', from: mark.note, to: changes.note });
  }
  if (vitals !== undefined) {
    changes.vitals = vitals ?? undefined;
    if (!sameVitals(mark.vitals, changes.vitals)) details.push({ field: 'vitals', from: mark.vitals, to: changes.vitals });
  }
  return { changes, details };
}

const bySessionTime = (a: FoldedMark, b: FoldedMark) => a.sessionMs - b.sessionMs || a.seq - b.seq;

export interface PhaseStart {
  readonly phaseId: string;
  readonly startedAtSessionMs: Milliseconds;
}

/** Where the music was at a moment of the session: what a moved or remembered mark is tied to. */
export interface MusicPlace {
  readonly phaseId: string;
  readonly segmentId: string;
  /** Position inside the segment. */
  readonly positionMs: Milliseconds;
}

interface SegmentStart {
  readonly phaseId: string;
  readonly segmentId: string;
  readonly sessionMs: Milliseconds;
  readonly programMs: Milliseconds;
}

/** The last item at or before `sessionMs` (items in session-time order), or undefined before the first. */
function lastAtOrBefore<T extends { readonly sessionMs: Milliseconds }>(items: readonly T[], sessionMs: Milliseconds): T | undefined {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as T).sessionMs <= sessionMs) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? undefined : items[low - 1];
}

/**
 * The session fold kept up to date one event at a time: each `apply()` costs O(1)
 * amortised, so a live session's cost per mark does not grow with the day. Marks are
 * replaced, never mutated, when an edit arrives: a view handed out earlier stays as it was.
 * `snapshot()` builds the whole FoldedSession (sorted lists) only when asked, and keeps it
 * until the next event.
 */
export class SessionFold {
  /** Every mark ever made, deleted ones too, in journal order; `markPlace` finds one by id. */
  private readonly marksInOrder: FoldedMark[] = [];
  private readonly markPlace = new Map<string, number>();
  private readonly openSpanIds = new Set<string>();
  private readonly counts = new Map<string, number>();
  /**
   * Per kind, the places (in `marksInOrder`) of its marks: for "the latest vitals" without a
   * scan of the day. Built on the first question (a live session asks; a review fold never does).
   */
  private placesByKind: Map<string, number[]> | undefined;
  private readonly reached: string[] = [];
  private readonly phaseStartList: PhaseStart[] = [];
  private readonly actions: PlanAction[] = [];
  private readonly problemList: Extract<JournalEvent, { kind: 'playback-problem' }>[] = [];
  private readonly jumps: Extract<JournalEvent, { kind: 'clock-jump' }>[] = [];
  private readonly closed = new Set<string>();
  private readonly shown = new Set<string>();
  private t0Offset: Milliseconds = 0;
  private endedAt: FoldedSession['ended'];
  private latestSessionMs: Milliseconds = 0;
  private checkpoint: PlaybackCheckpoint | undefined;
  /** Every checkpoint in session-time order, to map any past session time to music time. */
  private readonly checkpoints: PlaybackCheckpoint[] = [];
  /** What sounded, in order; a resume's repeat of the segment playing is not a new start. */
  private readonly segmentStarts: SegmentStart[] = [];
  private orphans = 0;
  private isQuiet = false;
  private closingSound: ClosingSound | undefined;
  private lastVolume: number | undefined;
  private confirmed: FoldedSession['preflightConfirmed'] = [];
  private sessionNote: string | undefined;
  private highestSeq = -1;
  private cached: FoldedSession | undefined;
  private readonly states = new ClientStateFold();
  private readonly promptAnswers: StatePromptAnswer[] = [];
  /** Presence by initials, in order of first joining. */
  private readonly joined = new Map<string, FacilitatorPresence[]>();

  /** Events must come in journal order (by seq); a full fold sorts them first. */
  static of(events: readonly JournalEvent[]): SessionFold {
    const fold = new SessionFold();
    for (const event of inJournalOrder(events)) fold.apply(event);
    return fold;
  }

  /** The client's state over the day, kept up to date one event at a time. */
  get clientStates(): ClientStateFold {
    return this.states;
  }

  get statePromptAnswers(): readonly StatePromptAnswer[] {
    return this.promptAnswers;
  }

  get lastSeq(): number {
    return this.highestSeq;
  }

  get t0OffsetMs(): Milliseconds {
    return this.t0Offset;
  }

  get ended(): FoldedSession['ended'] {
    return this.endedAt;
  }

  get lastSessionMs(): Milliseconds {
    return this.latestSessionMs;
  }

  get playback(): PlaybackCheckpoint | undefined {
    return this.checkpoint;
  }

  get closing(): ClosingSound | undefined {
    return this.closingSound;
  }

  get planActions(): readonly PlanAction[] {
    return this.actions;
  }

  get closedReminders(): ReadonlySet<string> {
    return this.closed;
  }

  get shownReminders(): ReadonlySet<string> {
    return this.shown;
  }

  /** When each phase started, in journal order (a phase may start again after a resume). */
  get phaseStarts(): readonly PhaseStart[] {
    return this.phaseStartList;
  }

  /** Music time at a past moment of the session: it ran with session time while playing, and stood still otherwise. */
  programMsAtSession(sessionMs: Milliseconds): Milliseconds {
    return programMsAt(lastAtOrBefore(this.checkpoints, sessionMs), sessionMs);
  }

  /**
   * What was sounding at a moment of the session, and where in it, from what the journal says
   * sounded (before the first segment: the first one, at its start). Undefined if nothing played.
   */
  musicPlaceAt(sessionMs: Milliseconds): MusicPlace | undefined {
    const start = lastAtOrBefore(this.segmentStarts, sessionMs) ?? this.segmentStarts[0];
    if (start === undefined) return undefined;
    const positionMs = sessionMs < start.sessionMs ? 0 : Math.max(0, Math.round(this.programMsAtSession(sessionMs) - start.programMs));
    return { phaseId: start.phaseId, segmentId: start.segmentId, positionMs };
  }

  private setCheckpoint(checkpoint: PlaybackCheckpoint): void {
    this.checkpoint = checkpoint;
    this.keepCheckpoint(checkpoint);
  }

  private keepCheckpoint(checkpoint: PlaybackCheckpoint): void {
    // Kept in session-time order even if a clock hiccup stamped one earlier (as the export's program clock does).
    const previous = this.checkpoints.at(-1);
    this.checkpoints.push(previous !== undefined && checkpoint.sessionMs < previous.sessionMs ? { ...checkpoint, sessionMs: previous.sessionMs } : checkpoint);
  }

  mark(markId: string): FoldedMark | undefined {
    const place = this.markPlace.get(markId);
    return place === undefined ? undefined : this.marksInOrder[place];
  }

  /** Current marks of this kind made so far. */
  countOf(markKind: string): number {
    return this.counts.get(markKind) ?? 0;
  }

  /** The newest current marks by journal order, newest first. */
  recentMarks(limit: number): FoldedMark[] {
    const recent: FoldedMark[] = [];
    for (let place = this.marksInOrder.length - 1; place >= 0 && recent.length < limit; place -= 1) {
      const mark = this.marksInOrder[place] as FoldedMark;
      if (mark.deleted === undefined) recent.push(mark);
    }
    return recent;
  }

  /** The current mark of this kind latest in session time, if any. */
  latestMarkOfKind(markKind: string): FoldedMark | undefined {
    if (this.placesByKind === undefined) {
      this.placesByKind = new Map();
      for (let place = 0; place < this.marksInOrder.length; place += 1) this.indexByKind((this.marksInOrder[place] as FoldedMark).markKind, place);
    }
    let latest: FoldedMark | undefined;
    for (const place of this.placesByKind.get(markKind) ?? []) {
      const mark = this.marksInOrder[place] as FoldedMark;
      // A place stays listed under a kind its mark no longer has only after a duplicate id; skip it.
      if (mark.markKind !== markKind || mark.deleted !== undefined) continue;
      if (latest === undefined || bySessionTime(latest, mark) < 0) latest = mark;
    }
    return latest;
  }

  /** Spans opened and not closed yet (of current marks), in session-time order. */
  openSpans(): FoldedMark[] {
    return [...this.openSpanIds].map((id) => this.mark(id) as FoldedMark).sort(bySessionTime);
  }

  private replaceMark(place: number, changes: Partial<MutableMark>): void {
    const mark = this.marksInOrder[place] as FoldedMark;
    const next: FoldedMark = { ...mark, ...changes };
    this.marksInOrder[place] = next;
    const wasCurrent = mark.deleted === undefined;
    const isCurrent = next.deleted === undefined;
    if (wasCurrent) this.count(mark.markKind, -1);
    if (isCurrent) this.count(next.markKind, 1);
    if (next.markKind !== mark.markKind && this.placesByKind !== undefined) this.indexByKind(next.markKind, place);
    const open = isCurrent && next.span !== undefined && next.span.end === undefined;
    if (open) this.openSpanIds.add(next.id);
    else this.openSpanIds.delete(next.id);
  }

  private addMark(mark: FoldedMark): void {
    const existing = this.markPlace.get(mark.id);
    if (existing !== undefined) {
      // The same id twice (never written by Attune's journal): the later one stands, in the first one's place.
      const previous = this.marksInOrder[existing] as FoldedMark;
      if (previous.deleted === undefined) this.count(previous.markKind, -1);
      this.openSpanIds.delete(previous.id);
      this.marksInOrder[existing] = mark;
      this.count(mark.markKind, 1);
      if (mark.span !== undefined) this.openSpanIds.add(mark.id);
      if (previous.markKind !== mark.markKind && this.placesByKind !== undefined) this.indexByKind(mark.markKind, existing);
      return;
    }
    const place = this.marksInOrder.length;
    this.marksInOrder.push(mark);
    this.markPlace.set(mark.id, place);
    if (this.placesByKind !== undefined) this.indexByKind(mark.markKind, place);
    this.count(mark.markKind, 1);
    if (mark.span !== undefined) this.openSpanIds.add(mark.id);
  }

  private change(event: JournalEvent, signed: { readonly from?: CorrectionOrigin; readonly by?: string }, details: readonly MarkChangeDetail[]): MarkChange {
    return { eventId: event.id, seq: event.seq, sessionMs: event.sessionMs, wallTime: event.wallTime, origin: signed.from, by: signed.by, details };
  }

  private count(markKind: string, by: 1 | -1): void {
    this.counts.set(markKind, (this.counts.get(markKind) ?? 0) + by);
  }

  private indexByKind(markKind: string, place: number): void {
    const places = this.placesByKind?.get(markKind);
    if (places === undefined) this.placesByKind?.set(markKind, [place]);
    else places.push(place);
  }

  apply(event: JournalEvent): void {
    this.cached = undefined;
    this.highestSeq = Math.max(this.highestSeq, event.seq);
    this.latestSessionMs = Math.max(this.latestSessionMs, event.sessionMs);
    switch (event.kind) {
      case 'mark':
        this.addMark(fromMarkEvent(event));
        break;
      case 'mark-edited': {
        const place = this.markPlace.get(event.payload.markId);
        if (place === undefined) {
          this.orphans += 1;
          break;
        }
        const mark = this.marksInOrder[place] as FoldedMark;
        const { changes, details } = markEdit(mark, event.payload);
        this.replaceMark(place, { ...changes, editCount: mark.editCount + 1, history: [...mark.history, this.change(event, event.payload, details)] });
        break;
      }
      case 'integration-note': {
        const note = event.payload.note === null || event.payload.note.trim() === '' ? undefined : event.payload.note;
        if (event.payload.markId === undefined) {
          this.sessionNote = note;
          break;
        }
        const place = this.markPlace.get(event.payload.markId);
        if (place === undefined) this.orphans += 1;
        else this.replaceMark(place, { integrationNote: note });
        break;
      }
      case 'mark-deleted': {
        const place = this.markPlace.get(event.payload.markId);
        if (place === undefined) this.orphans += 1;
        else {
          const { reason, note } = event.payload;
          const deleted: MarkDeletion = note === undefined ? { reason, sessionMs: event.sessionMs } : { reason, sessionMs: event.sessionMs, note };
          const mark = this.marksInOrder[place] as FoldedMark;
          this.replaceMark(place, { deleted, history: [...mark.history, this.change(event, event.payload, [{ field: 'deleted', reason, note }])] });
        }
        break;
      }
      case 'span-closed': {
        const place = this.markPlace.get(event.payload.markId);
        if (place === undefined || this.marksInOrder[place]?.span === undefined) {
          this.orphans += 1;
          break;
        }
        const { phaseId, segmentId, positionMs, autoClosed } = event.payload;
        this.replaceMark(place, { span: { end: { sessionMs: event.sessionMs, phaseId, segmentId, positionMs, autoClosed } } });
        break;
      }
      case 't0-corrected':
        this.t0Offset = event.payload.offsetMs;
        break;
      case 'phase-started':
        if (!this.reached.includes(event.payload.phaseId)) this.reached.push(event.payload.phaseId);
        this.phaseStartList.push({ phaseId: event.payload.phaseId, startedAtSessionMs: event.sessionMs });
        this.setCheckpoint({ programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: true });
        break;
      case 'segment-started': {
        const { phaseId, segmentId, programMs } = event.payload;
        const previous = this.segmentStarts.at(-1);
        if (previous?.segmentId !== segmentId || previous.phaseId !== phaseId) {
          this.segmentStarts.push({ phaseId, segmentId, programMs, sessionMs: Math.max(event.sessionMs, previous?.sessionMs ?? 0) });
        }
        this.setCheckpoint({ programMs, sessionMs: event.sessionMs, playing: true });
        break;
      }
      case 'playback':
        this.setCheckpoint({ programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: event.payload.action === 'play' });
        break;
      case 'session-resumed':
        this.setCheckpoint({ programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: event.payload.playing });
        break;
      case 'closing-started':
        this.closingSound = event.payload.sound;
        // The music clock stops at the end of the plan: a resume comes back to the closing sound.
        this.checkpoint = { programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: false };
        break;
      case 'session-ended':
        this.endedAt = { sessionMs: event.sessionMs, reason: event.payload.reason };
        if (this.checkpoint !== undefined) {
          // The music clock stops at the end; it is not where the music was (the export's clock agrees).
          const stopped = { programMs: programMsAt(this.checkpoint, event.sessionMs), sessionMs: event.sessionMs, playing: false };
          this.keepCheckpoint(stopped);
          this.checkpoint = { ...this.checkpoint, playing: false };
        }
        break;
      case 'plan-changed':
        this.actions.push(event.payload);
        break;
      case 'quiet':
        this.isQuiet = event.payload.action === 'start';
        // Quiet stops the music clock like a pause; resuming after a crash must not move it on.
        this.setCheckpoint({ programMs: event.payload.programMs, sessionMs: event.sessionMs, playing: !this.isQuiet });
        break;
      case 'volume':
        this.lastVolume = event.payload.volume;
        break;
      case 'playback-problem':
        this.problemList.push(event);
        break;
      case 'reminder':
        (event.payload.action === 'shown' ? this.shown : this.closed).add(`${event.payload.reminder}@${event.payload.dueSessionMs}`);
        break;
      case 'clock-jump':
        this.jumps.push(event);
        break;
      case 'preflight-confirmed':
        this.confirmed = event.payload.lines;
        break;
      case 'mark-from-memory':
        this.addMark(fromMemoryEvent(event));
        break;
      case 'client-state':
      case 'client-state-corrected':
        this.states.apply(event);
        break;
      case 'state-prompt-answered':
        this.promptAnswers.push(statePromptAnswer(event));
        break;
      case 'co-facilitator':
        this.noteFacilitator(event);
        break;
      case 'session-started':
        break;
      default:
        event satisfies never;
    }
  }

  private noteFacilitator(event: Extract<JournalEvent, { kind: 'co-facilitator' }>): void {
    const { action, device, by, reason } = event.payload;
    const presence = this.joined.get(by) ?? [];
    this.joined.set(by, presence);
    if (action === 'joined') {
      presence.push({ device, joinedAtSessionMs: event.sessionMs, left: undefined });
      return;
    }
    const place = presence.findLastIndex((stay) => stay.device === device && stay.left === undefined);
    const left = { sessionMs: event.sessionMs, reason };
    // A leave without its join (a journal cut short) still says they were there until then.
    if (place < 0) presence.push({ device, joinedAtSessionMs: event.sessionMs, left });
    else presence[place] = { ...(presence[place] as FacilitatorPresence), left };
  }

  /** Facilitators with their marks counted, from the current marks (in session-time order). */
  private facilitatorsOf(current: readonly FoldedMark[]): { facilitators: Facilitator[]; unsigned: number } {
    const counts = new Map<string, number>([...this.joined.keys()].map((by) => [by, 0]));
    let unsigned = 0;
    for (const mark of current) {
      if (mark.by === undefined) unsigned += 1;
      else counts.set(mark.by, (counts.get(mark.by) ?? 0) + 1);
    }
    const facilitators = [...counts].map(([by, marks]): Facilitator => ({ by, presence: [...(this.joined.get(by) ?? [])], marks }));
    return { facilitators, unsigned };
  }

  /** The whole fold as review and exports read it; built once per change, on demand. */
  snapshot(): FoldedSession {
    if (this.cached !== undefined) return this.cached;
    const all = [...this.marksInOrder].sort(bySessionTime);
    const current = all.filter((mark) => mark.deleted === undefined);
    const countsByKind: Record<string, number> = {};
    for (const mark of current) countsByKind[mark.markKind] = (countsByKind[mark.markKind] ?? 0) + 1;
    const { facilitators, unsigned } = this.facilitatorsOf(current);
    this.cached = {
      marks: current,
      deletedMarks: all.filter((mark) => mark.deleted !== undefined),
      openSpans: current.filter((mark) => mark.span !== undefined && mark.span.end === undefined),
      t0OffsetMs: this.t0Offset,
      ended: this.endedAt,
      lastSessionMs: this.latestSessionMs,
      playback: this.checkpoint,
      phasesReached: [...this.reached],
      countsByKind,
      orphanEdits: this.orphans,
      planActions: [...this.actions],
      quiet: this.isQuiet,
      closing: this.closingSound,
      volume: this.lastVolume,
      problems: [...this.problemList],
      closedReminders: new Set(this.closed),
      preflightConfirmed: this.confirmed,
      shownReminders: new Set(this.shown),
      clockJumps: [...this.jumps],
      integrationNote: this.sessionNote,
      stateChanges: this.states.changes(),
      stateSpans: this.endedAt === undefined ? this.states.spans() : closeStateSpansAt(this.states.spans(), this.endedAt.sessionMs),
      statePromptAnswers: [...this.promptAnswers],
      facilitators,
      unsignedMarks: unsigned,
    };
    return this.cached;
  }
}

/**
 * The session as it stands after every event, applied in journal order: edits and
 * deletions are later events, so the history stays in the journal and this is its fold.
 */
export function foldSession(events: readonly JournalEvent[]): FoldedSession {
  return SessionFold.of(events).snapshot();
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

const isLateMark = (event: JournalEvent) => event.kind === 'mark' && event.payload.late === true;

/**
 * Session time now, re-anchored from the journal after a reload or restart: the latest
 * event's session time plus the wall-clock time since it was acknowledged. (Used once,
 * at resume; from then on the monotonic clock runs.)
 */
export function sessionMsFromJournal(events: readonly JournalEvent[], nowWallMs: number): Milliseconds {
  // Only the latest event anchors: an earlier wall time taken before the computer's clock
  // was corrected would stretch or shrink the whole gap since then. A late mark does not: its
  // session time is when it was made on the device, its wall time when it arrived.
  const latest = events.reduce<JournalEvent | undefined>(
    (found, event) => (isLateMark(event) || (found !== undefined && event.seq < found.seq) ? found : event),
    undefined,
  );
  if (latest === undefined) return 0;
  const elapsed = nowWallMs - Date.parse(latest.wallTime);
  return Math.round(latest.sessionMs + Math.max(0, elapsed));
}

/**
 * The one mark count every screen and export shows: current marks, i.e. every mark not
 * taken back or deleted, protocol events (dose, vitals, …) included as marks of their own
 * kinds. Marks by kind are `countsByKind`, which sums to this.
 */
export function liveMarkCount(folded: Pick<FoldedSession, 'marks'>): number {
  return folded.marks.length;
}

/** Marks taken back (undone) or deleted: kept in the journal, shown apart from the count. */
export function takenBackMarkCount(folded: Pick<FoldedSession, 'deletedMarks'>): number {
  return folded.deletedMarks.length;
}
