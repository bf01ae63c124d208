import { memo, useEffect, useState, type CSSProperties } from 'react';
import type { ProlongedState, StateSpan } from '../../../core/client-state-fold';
import { formatClock, formatMinutes } from '../../../core/format';
import type { LiveSession } from './LiveSession';
import { livePollClock } from './poll-clock';

/** The band's right edge moves with the session; a few seconds' lag is invisible on a day-long band. */
const bandRefreshMs = 5000;

/** Left and width, in percent of the day so far, of each stretch. */
export function bandLayout(spans: readonly StateSpan[], nowMs: number): { span: StateSpan; left: number; width: number }[] {
  const total = Math.max(1, nowMs);
  return spans.map((span) => {
    const end = Math.min(nowMs, span.endMs ?? nowMs);
    const left = (Math.min(span.startMs, nowMs) / total) * 100;
    return { span, left, width: Math.max(0, ((end - span.startMs) / total) * 100) };
  });
}

/**
 * The client's state: one key per state, the band of the day so far (dim: a muted colour per
 * state, span states as a stripe under it), and the quiet prompt after a prolonged state.
 */
export const StateLane = memo(function StateLane({
  session,
  spans,
  prompts,
  t0OffsetMs,
  phaseHeld,
}: {
  readonly session: LiveSession;
  readonly spans: readonly StateSpan[];
  readonly prompts: readonly ProlongedState[];
  readonly t0OffsetMs: number;
  readonly phaseHeld: boolean;
}) {
  const definitions = session.clientStates().filter((state) => !state.hidden);
  const [nowMs, setNowMs] = useState(() => Math.max(0, session.sessionMs() - t0OffsetMs));
  useEffect(() => livePollClock.every(bandRefreshMs, () => setNowMs(Math.max(0, session.sessionMs() - t0OffsetMs))), [session, t0OffsetMs]);
  // A new state shows at once (the poll would leave its stretch at zero width for up to 5 s).
  const bandNow = Math.max(nowMs, session.sessionMs() - t0OffsetMs, ...spans.map((span) => span.startMs));
  const holding = spans.filter((span) => span.endMs === undefined);
  const colorOf = (stateId: string) => definitions.find((state) => state.id === stateId)?.color ?? '#555a62';
  const labelOf = (stateId: string) => definitions.find((state) => state.id === stateId)?.label ?? stateId;

  return (
    <section className="state-lane" aria-label="Client state">
      <div className="state-buttons" role="group" aria-label="Client state keys">
        <span className="label">Client state</span>
        {definitions.map((state) => {
          const current = holding.some((span) => span.stateId === state.id);
          return (
            <button
              key={state.id}
              type="button"
              className="state-button"
              aria-pressed={current}
              data-state={state.id}
              style={{ '--kind-color': state.color } as CSSProperties}
              onClick={() => session.setClientState(state.id)}
            >
              {state.label}
              {state.span ? <span className="muted"> (span)</span> : null} <kbd>{state.key.toUpperCase()}</kbd>
            </button>
          );
        })}
      </div>
      <div className="state-band" data-testid="state-band" role="img" aria-label={holding.length === 0 ? 'No state set yet' : `Now: ${holding.map((span) => labelOf(span.stateId)).join(', ')}`}>
        {bandLayout(spans, bandNow).map(({ span, left, width }) => (
          <span
            key={span.startedBy}
            className={`state-stretch state-${span.kind}`}
            data-state={span.stateId}
            title={`${labelOf(span.stateId)} from ${formatClock(span.startMs + t0OffsetMs)}`}
            style={{ left: `${left}%`, width: `${width}%`, background: colorOf(span.stateId) }}
          />
        ))}
      </div>
      {prompts.length > 0 ? (
        <ul className="reminders state-prompts" aria-label="State prompts">
          {prompts.map((prompt) => (
            <li key={prompt.startedBy} className="reminder state-prompt" data-state={prompt.state.id}>
              <span>
                {prompt.state.label} for {formatMinutes(Math.floor((bandNow - prompt.sinceMs) / 60_000))} (since {formatClock(prompt.sinceMs + t0OffsetMs)}). The plan
                can wait:
              </span>
              <button type="button" disabled={phaseHeld} onClick={() => session.answerStatePrompt(prompt, 'hold-phase')}>
                {phaseHeld ? 'The phase is held' : 'Hold the phase'} <kbd>Shift H</kbd>
              </button>
              <button type="button" onClick={() => session.answerStatePrompt(prompt, 'calm-bridge')}>
                Bridge to a calm soundscape
              </button>
              <button type="button" onClick={() => session.answerStatePrompt(prompt, 'dismissed')}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
});
