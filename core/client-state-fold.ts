import type { ClientStateDefinition } from './client-states';
import type { ClientStateEvent, JournalEvent, StatePromptAnsweredEvent } from './events';
import type { Milliseconds } from './units';

/** One key press that changed (or meant to change) the client's state, as corrected since. */
export interface StateChange {
  readonly id: string;
  readonly seq: number;
  readonly sessionMs: Milliseconds;
  readonly wallTime: string;
  readonly stateId: string;
  readonly action: 'set' | 'open' | 'close';
  /** The state it was keyed as, when a correction changed it. */
  readonly originalStateId: string | undefined;
  /** The session time it was keyed at, when a correction moved it. */
  readonly originalSessionMs: Milliseconds | undefined;
  readonly deleted: boolean;
  readonly corrections: number;
  /** Its corrections, in journal order. */
  readonly history: readonly StateCorrection[];
}

/** One correction of a state change, as journaled: what it changed, where, by whom and why. */
export interface StateCorrection {
  readonly eventId: string;
  readonly wallTime: string;
  readonly from: 'live' | 'review';
  readonly by: string | undefined;
  readonly note: string | undefined;
  /** The state before and after, when it changed the state. */
  readonly stateChange: { readonly from: string; readonly to: string } | undefined;
  /** The session times before and after, when it moved the change. */
  readonly move: { readonly fromMs: Milliseconds; readonly toMs: Milliseconds } | undefined;
  readonly deleted: boolean;
}

/** A stretch of one state: a band state until the next one, or a span state from its opening to its closing. */
export interface StateSpan {
  readonly stateId: string;
  readonly kind: 'band' | 'span';
  readonly startMs: Milliseconds;
  /** Undefined while it still holds (a live session, or an open one read in review). */
  readonly endMs: Milliseconds | undefined;
  /** Ended by the end of the session rather than by a key. */
  readonly autoClosed: boolean;
  /** The change that began it. */
  readonly startedBy: string;
  /** The change that ended it (the next band state, or the span state's closing key); undefined while it holds. */
  readonly endedBy: string | undefined;
}

/** What the facilitators did with a prolonged-state prompt, and when (journal `state-prompt-answered`). */
export interface StatePromptAnswer {
  readonly id: string;
  readonly sessionMs: Milliseconds;
  readonly wallTime: string;
  readonly stateId: string;
  /** The state change that began the stretch the prompt was about. */
  readonly stateEventId: string;
  readonly sinceMs: Milliseconds;
  readonly answer: StatePromptAnsweredEvent['payload']['answer'];
}

export function statePromptAnswer(event: StatePromptAnsweredEvent): StatePromptAnswer {
  return { id: event.id, sessionMs: event.sessionMs, wallTime: event.wallTime, ...event.payload };
}

type MutableChange = { -readonly [Key in keyof StateChange]: StateChange[Key] };

const byTime = (a: StateChange, b: StateChange) => a.sessionMs - b.sessionMs || a.seq - b.seq;

/**
 * The client's state over the day, folded from `client-state` events and their corrections.
 * Applying an event is O(1); the spans are rebuilt (O(n log n) in the day's state changes,
 * a few hundred at most) only when asked after a change. Two changes at the same
 * millisecond: the later in the journal wins, the earlier leaves a zero-length stretch that
 * is not shown (both stay in `changes`).
 */
export class ClientStateFold {
  private readonly changeList: MutableChange[] = [];
  private readonly placeOf = new Map<string, number>();
  private orphans = 0;
  private cachedSpans: readonly StateSpan[] | undefined;
  private cachedChanges: readonly StateChange[] | undefined;

  apply(event: ClientStateEvent): void {
    this.cachedSpans = undefined;
    this.cachedChanges = undefined;
    if (event.kind === 'client-state') {
      const change: MutableChange = {
        id: event.id,
        seq: event.seq,
        sessionMs: event.sessionMs,
        wallTime: event.wallTime,
        stateId: event.payload.stateId,
        action: event.payload.action,
        originalStateId: undefined,
        originalSessionMs: undefined,
        deleted: false,
        corrections: 0,
        history: [],
      };
      const existing = this.placeOf.get(event.id);
      if (existing !== undefined) this.changeList[existing] = change;
      else {
        this.placeOf.set(event.id, this.changeList.length);
        this.changeList.push(change);
      }
      return;
    }
    const place = this.placeOf.get(event.payload.stateEventId);
    const change = place === undefined ? undefined : this.changeList[place];
    if (change === undefined) {
      this.orphans += 1;
      return;
    }
    const { stateId, movedToSessionMs, deleted, from, by, note } = event.payload;
    const stateChanged = stateId !== undefined && stateId !== change.stateId;
    const moved = movedToSessionMs !== undefined && movedToSessionMs !== change.sessionMs;
    const correction: StateCorrection = {
      eventId: event.id,
      wallTime: event.wallTime,
      from,
      by,
      note,
      stateChange: stateChanged ? { from: change.stateId, to: stateId } : undefined,
      move: moved ? { fromMs: change.sessionMs, toMs: movedToSessionMs } : undefined,
      deleted: deleted === true,
    };
    const next: MutableChange = { ...change, corrections: change.corrections + 1, history: [...change.history, correction] };
    if (stateChanged) {
      next.originalStateId = change.originalStateId ?? change.stateId;
      next.stateId = stateId;
    }
    if (moved) {
      next.originalSessionMs = change.originalSessionMs ?? change.sessionMs;
      next.sessionMs = movedToSessionMs;
    }
    if (deleted === true) next.deleted = true;
    this.changeList[place as number] = next;
  }

  /** Corrections naming a state change the journal does not have. */
  get orphanCorrections(): number {
    return this.orphans;
  }

  /** Current (not deleted) changes, in session-time order. */
  changes(): readonly StateChange[] {
    this.cachedChanges ??= this.changeList.filter((change) => !change.deleted).sort(byTime);
    return this.cachedChanges;
  }

  /** Changes a correction deleted (kept in the journal), in session-time order. */
  deletedChanges(): readonly StateChange[] {
    return this.changeList.filter((change) => change.deleted).sort(byTime);
  }

  change(id: string): StateChange | undefined {
    const place = this.placeOf.get(id);
    return place === undefined ? undefined : this.changeList[place];
  }

  /** The latest current change, by session time. */
  latestChange(): StateChange | undefined {
    return this.changes().at(-1);
  }

  /**
   * Every stretch of every state, by start. A span state opened twice stays one span; a close
   * of a span state not open, or a band key for the band state already holding, changes nothing.
   */
  spans(): readonly StateSpan[] {
    if (this.cachedSpans !== undefined) return this.cachedSpans;
    const spans: StateSpan[] = [];
    let band: { stateId: string; startMs: Milliseconds; startedBy: string } | undefined;
    const open = new Map<string, { startMs: Milliseconds; startedBy: string }>();
    const push = (stateId: string, kind: StateSpan['kind'], started: { startMs: Milliseconds; startedBy: string }, ended: StateChange | undefined) => {
      if (ended !== undefined && ended.sessionMs <= started.startMs) return;
      spans.push({ stateId, kind, startMs: started.startMs, endMs: ended?.sessionMs, autoClosed: false, startedBy: started.startedBy, endedBy: ended?.id });
    };
    for (const change of this.changes()) {
      if (change.action === 'set') {
        if (band?.stateId === change.stateId) continue;
        if (band !== undefined) push(band.stateId, 'band', band, change);
        band = { stateId: change.stateId, startMs: change.sessionMs, startedBy: change.id };
      } else if (change.action === 'open') {
        if (!open.has(change.stateId)) open.set(change.stateId, { startMs: change.sessionMs, startedBy: change.id });
      } else {
        const opened = open.get(change.stateId);
        if (opened === undefined) continue;
        open.delete(change.stateId);
        push(change.stateId, 'span', opened, change);
      }
    }
    if (band !== undefined) push(band.stateId, 'band', band, undefined);
    for (const [stateId, opened] of open) push(stateId, 'span', opened, undefined);
    this.cachedSpans = spans.sort((a, b) => a.startMs - b.startMs || (a.kind === b.kind ? 0 : a.kind === 'band' ? -1 : 1));
    return this.cachedSpans;
  }

  /** The stretches still holding now: the band state and any open span states. */
  holding(): readonly StateSpan[] {
    return this.spans().filter((span) => span.endMs === undefined);
  }
}

/** The stretches of an ended (or read-back) session: whatever still held ends at `endMs`, flagged as closed by the end. */
export function closeStateSpansAt(spans: readonly StateSpan[], endMs: Milliseconds): StateSpan[] {
  return spans.map((span) => (span.endMs === undefined ? { ...span, endMs: Math.max(span.startMs, endMs), autoClosed: true } : span));
}

/** The state stretches holding at a moment (a band state and any span states). */
export function statesAt(spans: readonly StateSpan[], sessionMs: Milliseconds): StateSpan[] {
  return spans.filter((span) => span.startMs <= sessionMs && (span.endMs === undefined || sessionMs < span.endMs));
}

export interface ProlongedState {
  readonly state: ClientStateDefinition;
  readonly sinceMs: Milliseconds;
  /** The change that began the stretch: a dismissed prompt stays dismissed for this stretch. */
  readonly startedBy: string;
}

/** States holding at least as long as their `promptAfterMinutes`: the live screen's quiet prompt. */
export function prolongedStates(fold: ClientStateFold, definitions: readonly ClientStateDefinition[], nowMs: Milliseconds): ProlongedState[] {
  const prolonged: ProlongedState[] = [];
  for (const span of fold.holding()) {
    const state = definitions.find((definition) => definition.id === span.stateId);
    if (state?.promptAfterMinutes === null || state === undefined) continue;
    if (nowMs - span.startMs >= state.promptAfterMinutes * 60_000) prolonged.push({ state, sinceMs: span.startMs, startedBy: span.startedBy });
  }
  return prolonged;
}

/** What a state key does given what holds: set a band state, or open or close a span state. */
export function stateAction(fold: ClientStateFold, definition: ClientStateDefinition): 'set' | 'open' | 'close' {
  if (!definition.span) return 'set';
  return fold.holding().some((span) => span.stateId === definition.id) ? 'close' : 'open';
}

/** What a state change must not collide with, from the session fold. */
export interface StateChangeContext {
  readonly ended: boolean;
  /** An open break span (a protocol span mark of kind `break`). */
  readonly breakOpen: boolean;
  readonly states: ClientStateFold;
  /** Shows a session time as the screen does (since the dose). */
  readonly formatTime: (sessionMs: Milliseconds) => string;
  readonly labelOf: (stateId: string) => string;
}

/**
 * Why a state change at `sessionMs` cannot be recorded, or undefined when it can. The band
 * must stay unambiguous: two changes at one millisecond would leave the order to the journal,
 * so the second is refused (the first stays), with the reason on screen.
 */
export function stateChangeProblem(context: StateChangeContext, sessionMs: Milliseconds, ignoreChangeId?: string): string | undefined {
  if (context.ended) return 'The session has ended: the state band is closed. Corrections are made in review.';
  if (context.breakOpen) return 'State not recorded: a break is open, and the state band pauses with it. End the break (K), then press the state key again.';
  const clash = context.states.changes().find((change) => change.sessionMs === sessionMs && change.id !== ignoreChangeId);
  if (clash !== undefined) {
    return `State not recorded: ${context.labelOf(clash.stateId)} is already recorded at exactly ${context.formatTime(sessionMs)}; press the key again to record the change a moment later.`;
  }
  return undefined;
}

export type StateCorrectionDraft = { kind: 'client-state-corrected'; payload: Extract<JournalEvent, { kind: 'client-state-corrected' }>['payload'] };

/**
 * A correction of one state change (another state, another time, or deletion), refused
 * with a reason when it names no change, changes nothing, or would put two changes at one moment.
 */
export function correctStateChange(
  context: Pick<StateChangeContext, 'states' | 'formatTime' | 'labelOf'> & { readonly lastSessionMs: Milliseconds },
  correction: {
    readonly stateEventId: string;
    readonly stateId?: string;
    readonly movedToSessionMs?: Milliseconds;
    readonly deleted?: true;
    /** Why; blank is left out. */
    readonly note?: string;
    readonly from: 'live' | 'review';
    readonly by?: string;
  },
): { ok: true; draft: StateCorrectionDraft } | { ok: false; error: string } {
  const change = context.states.change(correction.stateEventId);
  if (change === undefined || change.deleted) return { ok: false, error: 'That state change is not in this session (or was deleted already).' };
  if (correction.stateId === undefined && correction.movedToSessionMs === undefined && correction.deleted === undefined) {
    return { ok: false, error: 'Nothing to correct: choose another state, another time, or delete it.' };
  }
  if (correction.movedToSessionMs !== undefined) {
    if (correction.movedToSessionMs < 0 || correction.movedToSessionMs > context.lastSessionMs) {
      return { ok: false, error: `A state change can only move within the session (0:00:00 to ${context.formatTime(context.lastSessionMs)}).` };
    }
    const clash = context.states.changes().find((other) => other.sessionMs === correction.movedToSessionMs && other.id !== change.id);
    if (clash !== undefined) {
      return { ok: false, error: `${context.labelOf(clash.stateId)} is already recorded at exactly ${context.formatTime(correction.movedToSessionMs)}; choose another moment.` };
    }
  }
  const { stateEventId, stateId, movedToSessionMs, deleted, from, by } = correction;
  const note = correction.note?.trim().slice(0, 500) ?? '';
  return {
    ok: true,
    draft: {
      kind: 'client-state-corrected',
      payload: {
        stateEventId,
        ...(stateId === undefined ? {} : { stateId }),
        ...(movedToSessionMs === undefined ? {} : { movedToSessionMs }),
        ...(deleted === undefined ? {} : { deleted }),
        ...(note === '' ? {} : { note }),
        from,
        ...(by === undefined ? {} : { by }),
      },
    },
  };
}
