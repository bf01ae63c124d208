import { useState } from 'react';
import { correctStateChange, type StateCorrection, type StateCorrectionDraft, type StateSpan } from '../../../core/client-state-fold';
import type { ClientStateDefinition } from '../../../core/client-states';
import { formatSessionTime, formatWallTime } from '../../../core/exports/time';
import type { SessionFold } from '../../../core/fold';
import { parseTimeSinceDose } from '../../../core/mark-corrections';
import type { Milliseconds } from '../../../core/units';
import './corrections.css';
import { ChoiceField } from './ChoiceField';

export type StateCorrectionResult = { readonly ok: true; readonly drafts: readonly StateCorrectionDraft[] } | { readonly ok: false; readonly error: string };

/** Builds the corrections from the session as it stands (`latestSessionMs` is its end, or now while it runs), signed `by` when initials are given. */
export type BuildStateCorrection = (fold: SessionFold, latestSessionMs: Milliseconds, by: string | undefined) => StateCorrectionResult;

/** Journals the corrections; resolves to an error message, or undefined once they are sent. */
export type SaveStateCorrection = (build: BuildStateCorrection, done: string) => Promise<string | undefined>;

interface StateCorrectionsProps {
  readonly fold: SessionFold;
  /** The stretches as folded (in an ended session, whatever held ends at the end). */
  readonly spans: readonly StateSpan[];
  readonly clientStates: readonly ClientStateDefinition[];
  readonly t0OffsetMs: Milliseconds;
  readonly timeZone: string;
  readonly onSave: SaveStateCorrection;
}

const spanKey = (span: StateSpan) => `${span.startedBy}-${span.kind}`;

/**
 * The client's state stretches, each correctable as marks are: another state, another start
 * or end, or removed, always with why. Nothing is erased: each correction is a journal event,
 * listed under the stretch it changed.
 */
export function StateCorrections({ fold, spans, clientStates, t0OffsetMs, timeZone, onSave }: StateCorrectionsProps) {
  const [chosen, setChosen] = useState<string | undefined>();
  const labelOf = (stateId: string) => clientStates.find((state) => state.id === stateId)?.label ?? stateId;
  const sinceDose = (sessionMs: Milliseconds) => formatSessionTime(sessionMs + t0OffsetMs);
  const removed = fold.clientStates.deletedChanges();
  return (
    <section className="panel state-corrections" aria-labelledby="state-corrections-heading">
      <h2 id="state-corrections-heading">Client state</h2>
      <ol className="state-spans">
        {spans.map((span) => {
          const label = `${labelOf(span.stateId)} ${sinceDose(span.startMs)}–${span.endMs === undefined ? 'still holding' : sinceDose(span.endMs)}`;
          // Its own corrections, and the moves of the change that ended it (that change's other corrections belong to the next stretch).
          const endMoves = (span.endedBy === undefined ? undefined : fold.clientStates.change(span.endedBy))?.history.filter((correction) => correction.move !== undefined) ?? [];
          const history = [...(fold.clientStates.change(span.startedBy)?.history ?? []), ...endMoves];
          return (
            <li key={spanKey(span)} className="state-span" data-state={span.stateId} data-state-kind={span.kind}>
              <span className="state-span-label">
                <span className="state-swatch" style={{ background: clientStates.find((state) => state.id === span.stateId)?.color }} aria-hidden="true" />
                <strong>{label}</strong>
                {span.autoClosed ? <span className="muted"> (held until the end)</span> : null}
                {span.kind === 'span' ? <span className="muted"> · over the band</span> : null}
              </span>{' '}
              <button type="button" className="small" aria-expanded={chosen === spanKey(span)} aria-label={`Correct ${label}`} onClick={() => setChosen(chosen === spanKey(span) ? undefined : spanKey(span))}>
                Correct
              </button>
              <StateHistory corrections={history} labelOf={labelOf} t0OffsetMs={t0OffsetMs} timeZone={timeZone} />
              {chosen === spanKey(span) ? (
                <CorrectStateSpan
                  span={span}
                  spans={spans}
                  clientStates={clientStates}
                  labelOf={labelOf}
                  t0OffsetMs={t0OffsetMs}
                  onSave={async (build, done) => {
                    const failed = await onSave(build, done);
                    if (failed === undefined) setChosen(undefined);
                    return failed;
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
      {removed.length > 0 ? (
        <details className="deleted-marks" data-testid="removed-state-changes">
          <summary>Removed state changes ({removed.length}): kept in the journal</summary>
          <ul>
            {removed.map((change) => (
              <li key={change.id} data-state={change.stateId}>
                <strong>
                  {labelOf(change.stateId)} {change.action === 'close' ? 'ended' : 'from'} {sinceDose(change.sessionMs)}
                </strong>
                <StateHistory corrections={change.history} labelOf={labelOf} t0OffsetMs={t0OffsetMs} timeZone={timeZone} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

/** A stretch's corrections, oldest first. */
function StateHistory({
  corrections: unordered,
  labelOf,
  t0OffsetMs,
  timeZone,
}: {
  readonly corrections: readonly StateCorrection[];
  readonly labelOf: (stateId: string) => string;
  readonly t0OffsetMs: Milliseconds;
  readonly timeZone: string;
}) {
  const corrections = [...unordered].sort((a, b) => a.wallTime.localeCompare(b.wallTime));
  if (corrections.length === 0) return null;
  return (
    <div className="mark-history" data-testid="state-history">
      <span className="label">History</span>
      <ol>
        {corrections.map((correction) => (
          <li key={correction.eventId}>{describeStateCorrection(correction, labelOf, t0OffsetMs, timeZone)}</li>
        ))}
      </ol>
    </div>
  );
}

export function describeStateCorrection(correction: StateCorrection, labelOf: (stateId: string) => string, t0OffsetMs: Milliseconds, timeZone: string): string {
  const what: string[] = [];
  if (correction.stateChange !== undefined) what.push(`${labelOf(correction.stateChange.from)} → ${labelOf(correction.stateChange.to)}`);
  if (correction.move !== undefined) what.push(`moved ${formatSessionTime(correction.move.fromMs + t0OffsetMs)} → ${formatSessionTime(correction.move.toMs + t0OffsetMs)}`);
  if (correction.deleted) what.push('removed');
  const where = `${correction.from === 'review' ? 'in review' : 'during the session'}${correction.by === undefined ? '' : ` by ${correction.by}`}`;
  const why = correction.note === undefined ? '' : ` — “${correction.note}”`;
  return `${formatWallTime(correction.wallTime, timeZone)} · ${where} · ${what.join(', ')}${why}`;
}

/** Another state, start or end for one stretch, or its removal; a reason is asked for each. */
function CorrectStateSpan({
  span,
  spans,
  clientStates,
  labelOf,
  t0OffsetMs,
  onSave,
}: {
  readonly span: StateSpan;
  readonly spans: readonly StateSpan[];
  readonly clientStates: readonly ClientStateDefinition[];
  readonly labelOf: (stateId: string) => string;
  readonly t0OffsetMs: Milliseconds;
  readonly onSave: SaveStateCorrection;
}) {
  const [stateId, setStateId] = useState(span.stateId);
  const [start, setStart] = useState(formatSessionTime(span.startMs + t0OffsetMs));
  const [end, setEnd] = useState(span.endMs === undefined ? '' : formatSessionTime(span.endMs + t0OffsetMs));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  // The end is a key's own moment only when a key ended it; a stretch held to the end ends with the session.
  const endMovable = span.endedBy !== undefined && !span.autoClosed;
  const choices = clientStates.filter((state) => state.span === (span.kind === 'span') && (!state.hidden || state.id === span.stateId));
  const spanLabel = `${labelOf(span.stateId)} from ${formatSessionTime(span.startMs + t0OffsetMs)}`;
  const formatTime = (sessionMs: Milliseconds) => formatSessionTime(sessionMs + t0OffsetMs);

  const save = async (build: BuildStateCorrection, done: string) => setError(await onSave(build, done));
  const why = reason.trim();
  const needReason = 'Say why (a few words): the reason is kept with the correction.';

  const correct = () => {
    if (why === '') return setError(needReason);
    const startSinceDose = parseTimeSinceDose(start);
    const endSinceDose = endMovable ? parseTimeSinceDose(end) : undefined;
    if (startSinceDose === undefined || (endMovable && endSinceDose === undefined)) return setError('Type the times since the dose as h:mm:ss (or m:ss, or whole minutes).');
    const startMs = startSinceDose - t0OffsetMs;
    const endMs = endSinceDose === undefined ? span.endMs : endSinceDose - t0OffsetMs;
    if (endMs !== undefined && endMs <= startMs) return setError('The stretch must end after it starts.');
    // A band stretch stays between its neighbours: moving past one would reorder the band, not correct it.
    if (span.kind === 'band') {
      const bands = spans.filter((other) => other.kind === 'band');
      const index = bands.findIndex((other) => other.startedBy === span.startedBy);
      const previous = bands[index - 1];
      const next = bands[index + 1];
      if (previous !== undefined && startMs <= previous.startMs) return setError(`It cannot start before ${labelOf(previous.stateId)} began (${formatTime(previous.startMs)}); correct that stretch first.`);
      if (next?.endMs !== undefined && endMs !== undefined && endMs >= next.endMs) return setError(`It cannot end after ${labelOf(next.stateId)} ended (${formatTime(next.endMs)}); correct that stretch first.`);
    }
    const changedState = stateId !== span.stateId;
    const movedStart = startMs !== span.startMs;
    const movedEnd = endMs !== span.endMs;
    if (!changedState && !movedStart && !movedEnd) return setError('Nothing to correct: choose another state, start or end.');
    void save(
      (fold, lastSessionMs, by) => {
        const context = { states: fold.clientStates, formatTime, labelOf, lastSessionMs };
        const drafts: StateCorrectionDraft[] = [];
        if (changedState || movedStart) {
          const built = correctStateChange(context, {
            stateEventId: span.startedBy,
            ...(changedState ? { stateId } : {}),
            ...(movedStart ? { movedToSessionMs: startMs } : {}),
            note: why,
            from: 'review',
            ...(by === undefined ? {} : { by }),
          });
          if (!built.ok) return built;
          drafts.push(built.draft);
        }
        if (movedEnd && endMs !== undefined && span.endedBy !== undefined) {
          const built = correctStateChange(context, { stateEventId: span.endedBy, movedToSessionMs: endMs, note: why, from: 'review', ...(by === undefined ? {} : { by }) });
          if (!built.ok) return built;
          drafts.push(built.draft);
        }
        return { ok: true, drafts };
      },
      `${spanLabel} corrected.`,
    );
  };

  const remove = () => {
    if (why === '') return setError(needReason);
    void save(
      (fold, lastSessionMs, by) => {
        const context = { states: fold.clientStates, formatTime, labelOf, lastSessionMs };
        // A span state goes with its closing key; a band state's stretch goes to the state before it.
        const ids = span.kind === 'span' && span.endedBy !== undefined ? [span.startedBy, span.endedBy] : [span.startedBy];
        const drafts: StateCorrectionDraft[] = [];
        for (const stateEventId of ids) {
          const built = correctStateChange(context, { stateEventId, deleted: true, note: why, from: 'review', ...(by === undefined ? {} : { by }) });
          if (!built.ok) return built;
          drafts.push(built.draft);
        }
        return { ok: true, drafts };
      },
      `${spanLabel} removed (kept in the journal, listed under Removed state changes).`,
    );
  };

  return (
    <fieldset className="mark-corrections" aria-label={`Correct ${spanLabel}`}>
      <legend className="label">Correct {spanLabel} (nothing is erased: each change is kept)</legend>
      <div className="correction-row">
        <ChoiceField label="State" ariaLabel={`State of ${spanLabel}`} value={stateId} choices={choices} onChange={setStateId} />
        <label>
          <span className="label">Start (since the dose)</span>
          <input aria-label={`Start of ${spanLabel}`} value={start} inputMode="numeric" size={9} onChange={(event) => setStart(event.target.value)} />
        </label>
        {endMovable ? (
          <label>
            <span className="label">End (since the dose)</span>
            <input aria-label={`End of ${spanLabel}`} value={end} inputMode="numeric" size={9} onChange={(event) => setEnd(event.target.value)} />
          </label>
        ) : (
          <p className="muted">{span.endMs === undefined ? 'Still holding: it ends with the next key.' : 'Held until the session ended: its end is the end.'}</p>
        )}
      </div>
      <div className="correction-row">
        <label className="grow">
          <span className="label">Why</span>
          <input aria-label={`Why correct ${spanLabel}`} value={reason} maxLength={500} onChange={(event) => setReason(event.target.value)} />
        </label>
        <button type="button" onClick={correct}>
          Save correction
        </button>
        <button type="button" className="danger" onClick={remove}>
          Remove
        </button>
      </div>
      {span.kind === 'band' && endMovable ? <p className="muted">Moving the end moves the start of the state after it.</p> : null}
      {error !== undefined ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
