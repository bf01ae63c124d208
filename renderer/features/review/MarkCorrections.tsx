import { useState } from 'react';
import type { CorrectionOrigin } from '../../../core/events';
import { formatSessionTime, formatWallTime } from '../../../core/exports/time';
import type { FoldedMark, MarkChange, SessionFold } from '../../../core/fold';
import {
  changeKind,
  deleteMark,
  deletionReasons,
  describeChange,
  markFromMemory,
  moveMark,
  parseTimeSinceDose,
  type CorrectionResult,
} from '../../../core/mark-corrections';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import './corrections.css';
import { ChoiceField } from './ChoiceField';

/** Builds a correction from the session as it stands; `latestSessionMs` is its end, or now while it runs. */
export type BuildCorrection = (fold: SessionFold, latestSessionMs: number) => CorrectionResult;

/**
 * Journals a correction; resolves to an error message, or undefined once it is sent (the
 * screen then says `done`: the mark may be gone from view).
 */
export type SaveCorrection = (build: BuildCorrection, done: string) => Promise<string | undefined>;

const otherReason = 'other';

/** The kinds a mark may be given: the configured ones not hidden, and the one it has. */
const kindChoices = (kinds: readonly MarkKindDefinition[], current: string) => kinds.filter((kind) => !kind.hidden || kind.id === current);

/** Change the kind, move in time, or delete (with why): each a journal event; the mark's history lists them. */
export function CorrectMark({
  mark,
  label,
  kinds,
  t0OffsetMs,
  origin,
  onSave,
}: {
  readonly mark: FoldedMark;
  readonly label: string;
  readonly kinds: readonly MarkKindDefinition[];
  readonly t0OffsetMs: number;
  readonly origin: CorrectionOrigin;
  readonly onSave: SaveCorrection;
}) {
  const [kind, setKind] = useState(mark.markKind);
  const [time, setTime] = useState(formatSessionTime(mark.sessionMs + t0OffsetMs));
  const [reason, setReason] = useState<string>(deletionReasons[0]);
  const [typedReason, setTypedReason] = useState('');
  const [error, setError] = useState<string | undefined>();

  const save = async (build: BuildCorrection, done: string) => setError(await onSave(build, done));
  const move = () => {
    const sinceDoseMs = parseTimeSinceDose(time);
    if (sinceDoseMs === undefined) {
      setError('Type the new time since the dose as h:mm:ss (or m:ss, or whole minutes).');
      return;
    }
    void save((fold, latestSessionMs) => moveMark(fold, { markId: mark.id, sinceDoseMs, latestSessionMs, origin }), `${label} moved to ${formatSessionTime(sinceDoseMs)}.`);
  };
  const why = reason === otherReason ? typedReason : reason;

  return (
    <fieldset className="mark-corrections" aria-label={`Correct ${label}`}>
      <legend className="label">Correct this mark (nothing is erased: each change is kept)</legend>
      <div className="correction-row">
        <ChoiceField label="Kind" ariaLabel={`Kind of ${label}`} value={kind} choices={kindChoices(kinds, mark.markKind)} onChange={setKind} />
        <button type="button" disabled={kind === mark.markKind} onClick={() => void save((fold) => changeKind(fold, mark.id, kind, origin), `${label} is now ${kinds.find((choice) => choice.id === kind)?.label ?? kind}.`)}>
          Change kind
        </button>
      </div>
      <div className="correction-row">
        <label>
          <span className="label">Time since the dose</span>
          <input aria-label={`New time of ${label}`} value={time} inputMode="numeric" size={9} onChange={(event) => setTime(event.target.value)} />
        </label>
        <button type="button" onClick={move}>
          Move
        </button>
      </div>
      <div className="correction-row">
        <label>
          <span className="label">Why delete it</span>
          <select aria-label={`Why delete ${label}`} value={reason} onChange={(event) => setReason(event.target.value)}>
            {deletionReasons.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
            <option value={otherReason}>Another reason…</option>
          </select>
        </label>
        {reason === otherReason ? (
          <label className="grow">
            <span className="label">Reason</span>
            <input aria-label={`Reason for deleting ${label}`} value={typedReason} maxLength={500} onChange={(event) => setTypedReason(event.target.value)} />
          </label>
        ) : null}
        <button type="button" className="danger" onClick={() => void save((fold) => deleteMark(fold, mark.id, why, origin), `${label} deleted (kept in the journal, listed under Deleted marks).`)}>
          Delete mark
        </button>
      </div>
      {error !== undefined ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A mark written afterwards, from memory: flagged as such, at the moment it refers to. */
export function AddFromMemory({
  kinds,
  origin,
  suggestedSinceDoseMs,
  onSave,
}: {
  readonly kinds: readonly MarkKindDefinition[];
  readonly origin: CorrectionOrigin;
  /** The chosen item's time, offered as a starting point. */
  readonly suggestedSinceDoseMs: number | undefined;
  readonly onSave: SaveCorrection;
}) {
  const choices = kinds.filter((kind) => !kind.hidden);
  const [kind, setKind] = useState(choices[0]?.id ?? '');
  const [time, setTime] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const add = async () => {
    const typed = time.trim() === '' && suggestedSinceDoseMs !== undefined ? suggestedSinceDoseMs : parseTimeSinceDose(time);
    if (typed === undefined) {
      setError('Type the time it refers to, since the dose, as h:mm:ss (or m:ss, or whole minutes).');
      return;
    }
    const label = choices.find((choice) => choice.id === kind)?.label ?? kind;
    const failed = await onSave(
      (fold, latestSessionMs) => markFromMemory(fold, { markKind: kind, sinceDoseMs: typed, latestSessionMs, note, origin }),
      `${label} added at ${formatSessionTime(typed)}, flagged as from memory.`,
    );
    setError(failed);
    if (failed === undefined) {
      setNote('');
      setTime('');
    }
  };
  return (
    <fieldset className="mark-corrections add-from-memory">
      <legend className="label">Add a mark from memory</legend>
      <div className="correction-row">
        <ChoiceField label="Kind" ariaLabel="Kind of the mark from memory" value={kind} choices={choices} onChange={setKind} />
        <label>
          <span className="label">At (since the dose)</span>
          <input
            aria-label="Time the mark from memory refers to"
            value={time}
            placeholder={suggestedSinceDoseMs === undefined ? 'h:mm:ss' : formatSessionTime(suggestedSinceDoseMs)}
            size={9}
            onChange={(event) => setTime(event.target.value)}
          />
        </label>
        <label className="grow">
          <span className="label">Note</span>
          <input aria-label="Note on the mark from memory" value={note} maxLength={5000} onChange={(event) => setNote(event.target.value)} />
        </label>
        <button type="button" onClick={() => void add()} disabled={kind === ''}>
          Add from memory
        </button>
      </div>
      {error !== undefined ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A mark's corrections, oldest first: when, where, what. */
export function MarkHistory({
  mark,
  kindLabel,
  t0OffsetMs,
  timeZone,
}: {
  readonly mark: FoldedMark;
  readonly kindLabel: (id: string) => string;
  readonly t0OffsetMs: number;
  readonly timeZone: string;
}) {
  const memory = mark.fromMemory;
  const made =
    memory === undefined
      ? `Made ${formatWallTime(mark.wallTime, timeZone)}`
      : `Written from memory ${formatWallTime(mark.wallTime, timeZone)}${memory.origin === 'live' ? ' during the session' : ' in review'}${memory.by === undefined ? '' : ` by ${memory.by}`}`;
  return (
    <div className="mark-history" data-testid="mark-history">
      <span className="label">History</span>
      <ol>
        <li>{made}</li>
        {mark.history.map((change: MarkChange) => {
          const { what, where } = describeChange(change, kindLabel, t0OffsetMs);
          return (
            <li key={change.eventId}>
              {formatWallTime(change.wallTime, timeZone)}
              {where === '' ? '' : ` · ${where}`} · {what}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
