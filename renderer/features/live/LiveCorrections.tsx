import { useState } from 'react';
import { formatSessionTime } from '../../../core/exports/time';
import { AddFromMemory, CorrectMark, type SaveCorrection } from '../review/MarkCorrections';
import type { LiveMark, LiveSession } from './LiveSession';

/**
 * Corrections during the session, folded away until asked for: a recent mark's kind, time or
 * deletion (with why), and a mark from memory. Each is a journal event, as in review.
 */
export function LiveCorrections({ session, recentMarks, t0OffsetMs }: { readonly session: LiveSession; readonly recentMarks: readonly LiveMark[]; readonly t0OffsetMs: number }) {
  const [chosenId, setChosenId] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const chosen = recentMarks.find((mark) => mark.id === chosenId) ?? recentMarks[0];
  const labelOf = (mark: LiveMark) => `${mark.kind?.label ?? mark.markKind} at ${formatSessionTime(mark.sessionMs + t0OffsetMs)}`;
  const save: SaveCorrection = (build, message) => {
    const error = session.correct(build);
    if (error === undefined) setDone(message);
    return Promise.resolve(error);
  };
  return (
    <details className="live-corrections" data-testid="live-corrections">
      <summary>Correct a mark, or add one from memory</summary>
      {chosen !== undefined ? (
        <>
          <label className="live-corrections-choice">
            <span className="label">Mark</span>
            <select aria-label="Mark to correct" value={chosen.id} onChange={(event) => setChosenId(event.target.value)}>
              {recentMarks.map((mark) => (
                <option key={mark.id} value={mark.id}>
                  {labelOf(mark)}
                </option>
              ))}
            </select>
          </label>
          <CorrectMark key={chosen.id} mark={chosen} label={labelOf(chosen)} kinds={session.markKinds()} t0OffsetMs={t0OffsetMs} origin="live" onSave={save} />
        </>
      ) : null}
      <p className="muted" role="status" data-testid="live-correction-notice">
        {done}
      </p>
      <AddFromMemory kinds={session.markKinds()} origin="live" suggestedSinceDoseMs={undefined} onSave={save} />
    </details>
  );
}
