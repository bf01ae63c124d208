import type { CorrectionOrigin, JournalEventInput } from './events';
import { deletionNoteSchema, markNoteSchema } from './events';
import type { MarkChange, MarkChangeDetail, SessionFold } from './fold';
import { formatSessionTime } from './format';
import type { Milliseconds } from './units';

/** Reasons offered when a mark is deleted; the facilitator may type another. */
export const deletionReasons = ['Pressed by mistake', 'Made twice', 'Wrong kind (made again)', 'Not about this client'] as const;

type Correction = Extract<JournalEventInput, { kind: 'mark-edited' | 'mark-deleted' | 'mark-from-memory' }>;
/** A correction ready to journal, less its id and session time (the caller's to give). */
export type CorrectionDraft = Correction extends infer Event ? (Event extends Correction ? Omit<Event, 'id' | 'sessionMs'> : never) : never;

export type CorrectionResult = { readonly ok: true; readonly draft: CorrectionDraft } | { readonly ok: false; readonly error: string };

/**
 * A time since the dose as typed: `h:mm:ss`, `m:ss`, or whole minutes (`90`). Undefined when
 * it is none of these (seconds and minutes past 59 inside a clock time are refused).
 */
export function parseTimeSinceDose(text: string): Milliseconds | undefined {
  const trimmed = text.trim();
  if (/^\d{1,4}$/.test(trimmed)) return Number(trimmed) * 60_000;
  const clock = /^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$/.exec(trimmed);
  if (clock === null) return undefined;
  const [, hours, minutes, seconds] = clock;
  if (Number(seconds) > 59 || (hours !== undefined && Number(minutes) > 59)) return undefined;
  return ((Number(hours ?? 0) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/** The session time of a moment given since the dose, checked against the session: before its start or after its end is refused. */
function sessionTimeOf(sinceDoseMs: Milliseconds, t0OffsetMs: Milliseconds, latestSessionMs: Milliseconds): { sessionMs: Milliseconds } | { error: string } {
  const sessionMs = Math.round(sinceDoseMs - t0OffsetMs);
  if (sessionMs < 0) return { error: `That is before the session started (${formatSessionTime(t0OffsetMs)} since the dose).` };
  if (sessionMs > latestSessionMs) return { error: `That is after the session's last moment so far (${formatSessionTime(latestSessionMs + t0OffsetMs)} since the dose).` };
  return { sessionMs };
}

export interface MoveRequest {
  readonly markId: string;
  /** The new time, since the dose (as every time is shown). */
  readonly sinceDoseMs: Milliseconds;
  /** The latest session time the mark may move to: the session's end, or now while it runs. */
  readonly latestSessionMs: Milliseconds;
  readonly origin: CorrectionOrigin;
}

/** Moves a mark: its new time, and what was playing then and where, from the journal's record of what sounded. */
export function moveMark(fold: SessionFold, request: MoveRequest): CorrectionResult {
  const mark = fold.mark(request.markId);
  if (mark === undefined) return { ok: false, error: 'That mark is not in this session.' };
  const time = sessionTimeOf(request.sinceDoseMs, fold.t0OffsetMs, request.latestSessionMs);
  if ('error' in time) return { ok: false, error: time.error };
  if (time.sessionMs === mark.sessionMs) return { ok: false, error: 'The mark is already at that time.' };
  const place = fold.musicPlaceAt(time.sessionMs) ?? { phaseId: mark.phaseId, segmentId: mark.segmentId, positionMs: 0 };
  return { ok: true, draft: { kind: 'mark-edited', payload: { markId: mark.id, moved: { sessionMs: time.sessionMs, ...place }, from: request.origin } } };
}

export function changeKind(fold: SessionFold, markId: string, markKind: string, origin: CorrectionOrigin): CorrectionResult {
  const mark = fold.mark(markId);
  if (mark === undefined) return { ok: false, error: 'That mark is not in this session.' };
  if (mark.markKind === markKind) return { ok: false, error: 'The mark already has that kind.' };
  return { ok: true, draft: { kind: 'mark-edited', payload: { markId, markKind, from: origin } } };
}

export function deleteMark(fold: SessionFold, markId: string, reason: string, origin: CorrectionOrigin): CorrectionResult {
  const mark = fold.mark(markId);
  if (mark === undefined) return { ok: false, error: 'That mark is not in this session.' };
  if (mark.deleted !== undefined) return { ok: false, error: 'That mark is already deleted.' };
  const note = deletionNoteSchema.safeParse(reason);
  if (!note.success) return { ok: false, error: 'Say why the mark is deleted (pick a reason or type one, up to 500 characters).' };
  return { ok: true, draft: { kind: 'mark-deleted', payload: { markId, reason: 'deleted', note: note.data, from: origin } } };
}

/** Brings back a deleted mark; its deletion stays in the journal and its history. */
export function restoreMark(fold: SessionFold, markId: string, origin: CorrectionOrigin): CorrectionResult {
  const mark = fold.mark(markId);
  if (mark === undefined) return { ok: false, error: 'That mark is not in this session.' };
  if (mark.deleted === undefined) return { ok: false, error: 'That mark is not deleted.' };
  return { ok: true, draft: { kind: 'mark-edited', payload: { markId, restored: true, from: origin } } };
}

export interface FromMemoryRequest {
  readonly markKind: string;
  readonly sinceDoseMs: Milliseconds;
  readonly latestSessionMs: Milliseconds;
  readonly note: string;
  readonly origin: CorrectionOrigin;
}

/** A mark written afterwards, tied to what was playing at the moment it refers to. */
export function markFromMemory(fold: SessionFold, request: FromMemoryRequest): CorrectionResult {
  const time = sessionTimeOf(request.sinceDoseMs, fold.t0OffsetMs, request.latestSessionMs);
  if ('error' in time) return { ok: false, error: time.error };
  const place = fold.musicPlaceAt(time.sessionMs);
  if (place === undefined) return { ok: false, error: 'Nothing had played in this session yet, so a mark has no place to refer to.' };
  const note = request.note.trim();
  if (!markNoteSchema.safeParse(note).success) return { ok: false, error: 'The note is too long (5,000 characters at most).' };
  return {
    ok: true,
    draft: {
      kind: 'mark-from-memory',
      payload: { markKind: request.markKind, ...place, refersToSessionMs: time.sessionMs, ...(note === '' ? {} : { note }), from: request.origin },
    },
  };
}

const originWords = (origin: CorrectionOrigin | undefined) => (origin === 'live' ? 'during the session' : origin === 'review' ? 'in review' : '');

/** The correction signed with the initials of whoever made it (left unsigned when none are given). */
export function signedBy(draft: CorrectionDraft, initials: string): CorrectionDraft {
  const by = initials.trim().slice(0, 40);
  if (by === '') return draft;
  switch (draft.kind) {
    case 'mark-edited':
      return { kind: draft.kind, payload: { ...draft.payload, by } };
    case 'mark-deleted':
      return { kind: draft.kind, payload: { ...draft.payload, by } };
    case 'mark-from-memory':
      return { kind: draft.kind, payload: { ...draft.payload, by } };
  }
}

function describeDetail(detail: MarkChangeDetail, kindLabel: (id: string) => string, t0OffsetMs: Milliseconds): string {
  const shown = (text: string | undefined) => (text === undefined ? 'nothing' : `“${text}”`);
  switch (detail.field) {
    case 'kind':
      return `kind ${kindLabel(detail.from)} → ${kindLabel(detail.to)}`;
    case 'time':
      return `moved ${formatSessionTime(detail.from + t0OffsetMs)} → ${formatSessionTime(detail.to + t0OffsetMs)}`;
    case 'intensity':
      return `intensity ${detail.from ?? '—'} → ${detail.to ?? '—'}`;
    case 'note':
      return `note ${shown(detail.from)} → ${shown(detail.to)}`;
    case 'vitals':
      return detail.to === undefined ? 'vitals cleared' : 'vitals changed';
    case 'deleted':
      return `${detail.reason === 'undo' ? 'taken back at once' : 'deleted'}${detail.note === undefined ? '' : `: ${detail.note}`}`;
    case 'restored':
      return 'restored';
  }
}

/** One change in words: what changed, and where and by whom it was made ("in review by AB", "during the session"). */
export function describeChange(change: MarkChange, kindLabel: (id: string) => string, t0OffsetMs: Milliseconds): { readonly what: string; readonly where: string } {
  const what = change.details.map((detail) => describeDetail(detail, kindLabel, t0OffsetMs)).join('; ');
  const where = [originWords(change.origin), change.by === undefined ? '' : `by ${change.by}`].filter((part) => part !== '').join(' ');
  return { what: what === '' ? 'saved without a change' : what, where };
}
