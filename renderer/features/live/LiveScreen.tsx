import { useEffect, useRef, useState } from 'react';
import { formatClock, formatPosition } from '../../../core/format';
import type { SessionPlan } from '../../../core/plan';
import { hrefFor } from '../../routes';
import { useExternalState } from '../../use-external-state';
import { segmentTitle, type LiveMark, type LiveSession } from './LiveSession';
import { markKeys, markLabels, useMarkKeys } from './mark-keys';

interface LiveScreenProps {
  readonly session: LiveSession | undefined;
  readonly sessionId: string;
  readonly onLeave: () => void;
}

export function LiveScreen({ session, sessionId, onLeave }: LiveScreenProps) {
  if (session === undefined) {
    return (
      <section className="panel">
        <h1>This session is not running here</h1>
        <p className="muted">
          The page was reloaded or the session was started elsewhere. Everything marked so far is saved and can be read in
          review.
        </p>
        <p>
          <a className="button" href={hrefFor({ screen: 'review', sessionId })}>
            Open it in review
          </a>
        </p>
      </section>
    );
  }
  return <RunningSession session={session} onLeave={onLeave} />;
}

/** Re-renders every `intervalMs` with a fresh reading; for clocks and meters. */
function usePolled<T>(read: () => T, intervalMs: number): T {
  const [value, setValue] = useState(read);
  // The latest reader, so re-renders do not restart the interval (and starve it).
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => {
    const timer = setInterval(() => setValue(reader.current()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return value;
}

function PhaseBar({ plan, programMs }: { readonly plan: SessionPlan; readonly programMs: number }) {
  return (
    <div className="phase-bar" aria-label="Phases">
      {plan.phases.map((phase) => {
        const length = phase.endMs - phase.startMs;
        const progress = Math.min(1, Math.max(0, (programMs - phase.startMs) / length));
        const current = programMs >= phase.startMs && programMs < phase.endMs;
        return (
          <div key={phase.id} className={`phase-bar-part${current ? ' current' : ''}`} style={{ flexGrow: length }}>
            <div className="phase-bar-fill" style={{ width: `${progress * 100}%` }} />
            <span className="phase-bar-label">{phase.title}</span>
          </div>
        );
      })}
    </div>
  );
}

function LevelMeter({ session }: { readonly session: LiveSession }) {
  const levelDb = usePolled(() => session.outputLevelDb(), 250);
  const floorDb = -60;
  const shown = Number.isFinite(levelDb) ? Math.max(floorDb, levelDb) : floorDb;
  const width = ((shown - floorDb) / -floorDb) * 100;
  return (
    <div
      className="level-meter"
      role="meter"
      aria-label="Output level"
      aria-valuemin={floorDb}
      aria-valuemax={0}
      aria-valuenow={Math.round(shown)}
      data-level-db={Number.isFinite(levelDb) ? levelDb.toFixed(1) : '-Infinity'}
      title={Number.isFinite(levelDb) ? `${levelDb.toFixed(0)} dBFS` : 'silent'}
    >
      <div className="level-meter-fill" style={{ width: `${width}%` }} />
    </div>
  );
}

function MarkConfirmation({ mark }: { readonly mark: LiveMark | undefined }) {
  return (
    <p className="mark-confirmation" role="status" aria-live="polite">
      {mark === undefined
        ? '\u00a0'
        : `${markLabels[mark.markKind] ?? mark.markKind} marked at ${formatClock(mark.sessionMs)}${mark.saved ? ' · saved' : ' · saving…'}`}
    </p>
  );
}

function RunningSession({ session, onLeave }: { readonly session: LiveSession; readonly onLeave: () => void }) {
  const state = useExternalState(session);
  const sessionMs = usePolled(() => session.sessionMs(), 250);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [endError, setEndError] = useState<string | undefined>();
  const { position, status, programMs } = state.player;
  useMarkKeys(session);

  useEffect(() => {
    if (!confirmEnd) return;
    const timer = setTimeout(() => setConfirmEnd(false), 4000);
    return () => clearTimeout(timer);
  }, [confirmEnd]);

  const endSession = async () => {
    if (!confirmEnd) {
      setConfirmEnd(true);
      return;
    }
    try {
      await session.end('facilitator');
    } catch (error) {
      setEndError(error instanceof Error ? error.message : String(error));
    }
  };

  const playing = status === 'playing';
  const latestMark = state.recentMarks[0];

  return (
    <div className="live" data-status={status}>
      {state.saveWarning !== undefined ? (
        <p className="save-warning" role="alert">
          Not saved yet ({state.unsavedCount} waiting): {state.saveWarning}. Attune keeps retrying; nothing is dropped.
        </p>
      ) : null}
      <header className="live-header">
        <div>
          <div className="label">Session time</div>
          <div className="session-clock" data-testid="session-clock">
            {formatClock(sessionMs)}
          </div>
        </div>
        <div className="live-now">
          <div className="label">{position?.phase.title ?? (state.ended ? 'Session ended' : 'Not started')}</div>
          <div className="now-playing" data-testid="now-playing">
            {position === null ? '—' : segmentTitle(position.entry.segment)}
          </div>
          {position !== null ? (
            <div className="muted">
              {formatPosition(position.entryRemainingMs)} left in this segment · {formatPosition(position.phaseRemainingMs)} to the
              next phase
            </div>
          ) : null}
        </div>
        <LevelMeter session={session} />
      </header>

      <PhaseBar plan={session.plan} programMs={programMs} />

      <div className="mark-buttons" aria-label="Marks">
        {markKeys.map(({ key, markKind }) => (
          <button
            type="button"
            key={markKind}
            className={`mark-button mark-${markKind}`}
            disabled={state.ended}
            onClick={() => session.mark(markKind)}
          >
            <span>{markLabels[markKind]}</span>
            <kbd>{key.toUpperCase()}</kbd>
          </button>
        ))}
      </div>
      <MarkConfirmation mark={latestMark} />

      <div className="transport">
        <button type="button" className="primary" disabled={state.ended || status === 'starting'} onClick={() => session.togglePlayback()}>
          {playing ? 'Pause' : 'Play'} <kbd>Space</kbd>
        </button>
        {state.ended ? (
          <a className="button" href={hrefFor({ screen: 'review', sessionId: session.meta.id })} onClick={onLeave}>
            Review this session
          </a>
        ) : (
          <button type="button" className={confirmEnd ? 'danger' : ''} onClick={() => void endSession()}>
            {confirmEnd ? 'Press again to end the session' : 'End session'}
          </button>
        )}
      </div>
      {endError !== undefined ? <p className="error">{endError}</p> : null}
      {state.notice !== undefined ? <p className="notice">{state.notice}</p> : null}

      <section aria-labelledby="recent-marks-heading">
        <h2 id="recent-marks-heading" className="label">
          Recent marks
        </h2>
        <ol className="recent-marks">
          {state.recentMarks.map((mark) => (
            <li key={mark.id} className={`recent-mark mark-${mark.markKind}`} data-saved={mark.saved}>
              <span className="recent-mark-kind">{markLabels[mark.markKind] ?? mark.markKind}</span>
              <span>{formatClock(mark.sessionMs)}</span>
              <span className="muted">
                {mark.phaseTitle} · {mark.segmentTitle} at {formatPosition(mark.positionMs)}
              </span>
              <span className="muted">{mark.saved ? 'saved' : 'saving…'}</span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
