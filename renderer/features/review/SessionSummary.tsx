import { memo } from 'react';
import type { FoldedSession } from '../../../core/fold';
import { formatClock } from '../../../core/format';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import type { SessionMeta } from '../../../core/session';

interface SessionSummaryProps {
  readonly meta: SessionMeta;
  readonly folded: FoldedSession;
  /** Where the phases' titles come from: the live session's plan, or in review the playlist (no plan need be built for a title). */
  readonly plan: { readonly phases: readonly { readonly id: string; readonly title: string }[] } | undefined;
  readonly kinds: readonly MarkKindDefinition[];
}

/**
 * Duration, phases reached, marks by kind and (co-facilitated) by facilitator: shown when a session ends and at the top of review.
 * Memoised: the screens around it re-render on every selection and replay change, its inputs do not.
 */
export const SessionSummary = memo(function SessionSummary({ meta, folded, plan, kinds }: SessionSummaryProps) {
  const durationMs = (folded.ended?.sessionMs ?? folded.lastSessionMs) + folded.t0OffsetMs;
  const phaseTitle = (id: string) => plan?.phases.find((phase) => phase.id === id)?.title ?? id;
  const counts = Object.entries(folded.countsByKind).sort((a, b) => b[1] - a[1]);
  const autoClosed = folded.marks.filter((mark) => mark.span?.end?.autoClosed === true).length;
  return (
    <section className="panel summary" aria-labelledby="summary-heading">
      <h1 id="summary-heading">{folded.ended === undefined ? 'Session so far' : 'Session ended'}</h1>
      <dl className="facts">
        <dt>Duration since the dose</dt>
        <dd data-testid="summary-duration">{formatClock(durationMs)}</dd>
        <dt>Phases reached</dt>
        <dd>{folded.phasesReached.length === 0 ? '—' : folded.phasesReached.map(phaseTitle).join(' → ')}</dd>
        <dt>Client code</dt>
        <dd>{meta.clientCode || '—'}</dd>
        {meta.facilitators !== '' ? (
          <>
            <dt>Facilitators</dt>
            <dd>{meta.facilitators}</dd>
          </>
        ) : null}
        {meta.substance !== '' || meta.dose !== '' ? (
          <>
            <dt>Substance and dose</dt>
            <dd>{[meta.substance, meta.dose].filter(Boolean).join(', ')}</dd>
          </>
        ) : null}
        {folded.t0OffsetMs !== 0 ? (
          <>
            <dt>Dose time corrected</dt>
            <dd>{Math.round(folded.t0OffsetMs / 60_000)} min before Start</dd>
          </>
        ) : null}
      </dl>
      <h2>Marks</h2>
      {counts.length === 0 ? (
        <p className="muted">No marks.</p>
      ) : (
        <ul className="counts" data-testid="summary-counts">
          {counts.map(([kindId, count]) => (
            <li key={kindId} data-mark-kind={kindId}>
              <span>{kinds.find((kind) => kind.id === kindId)?.label ?? kindId}</span> <strong>{count}</strong>
            </li>
          ))}
        </ul>
      )}
      {folded.facilitators.length > 0 ? (
        <>
          <h2>Marks by facilitator</h2>
          <ul className="counts" data-testid="summary-author-counts">
            {folded.facilitators.map((facilitator) => (
              <li key={facilitator.by} data-author={facilitator.by}>
                <span>{facilitator.by}</span> <strong>{facilitator.marks}</strong>
              </li>
            ))}
            {folded.unsignedMarks > 0 ? (
              <li data-author="">
                <span>not signed</span> <strong>{folded.unsignedMarks}</strong>
              </li>
            ) : null}
          </ul>
        </>
      ) : null}
      {folded.preflightConfirmed.length > 0 ? (
        <div className="preflight-confirmed" data-testid="preflight-confirmed">
          <h2>Started past the pre-flight check</h2>
          <ul className="plain-list">
            {folded.preflightConfirmed.map((line) => (
              <li key={line.check}>
                <strong>{line.label}</strong>: {line.detail}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {autoClosed > 0 ? <p className="muted">{autoClosed} span(s) were still open and were closed when the session ended.</p> : null}
    </section>
  );
});
