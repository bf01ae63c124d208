import { useEffect, useRef, useState } from 'react';
import { canStart, type PreflightLine } from '../../../core/preflight';
import { ErrorLine } from '../../ErrorLine';

interface PreflightPanelProps {
  readonly lines: readonly PreflightLine[];
  readonly busy: boolean;
  /** Called once the check allows a start, with the failing lines the facilitator confirmed past. */
  readonly onStart: (confirmed: readonly PreflightLine[]) => void;
  readonly onClose: () => void;
}

/**
 * The pre-flight check as one screen: every line green or red with its fix. A session starts
 * past red lines only with an explicit confirmation; a playlist none of whose music can play
 * cannot start at all.
 */
export function PreflightPanel({ lines, busy, onStart, onClose }: PreflightPanelProps) {
  const [confirmed, setConfirmed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const decision = canStart(lines, { confirmedWarnings: confirmed });
  const failing = lines.filter((line) => !line.ok);
  const blocked = !decision.allowed && decision.reason === 'blocked';

  return (
    <section className="panel preflight" aria-labelledby="preflight-heading">
      <h2 id="preflight-heading" tabIndex={-1} ref={heading}>
        Pre-flight check
      </h2>
      <p className="muted">
        {failing.length === 0 ? 'Everything is ready.' : `${failing.length} ${failing.length === 1 ? 'item needs' : 'items need'} attention before this session.`}
      </p>
      <ul className="preflight-lines">
        {lines.map((line) => (
          <li key={line.id} className={line.ok ? 'preflight-ok' : 'preflight-failing'} data-check={line.id}>
            <span className="preflight-mark" aria-hidden="true">
              {line.ok ? '✓' : '✕'}
            </span>
            <span>
              <strong>{line.label}</strong>
              <span className="visually-hidden">{line.ok ? ' — ready' : ' — needs attention'}</span>
              <span className="preflight-detail">{line.detail}</span>
              {!line.ok && line.fix !== '' ? <span className="preflight-fix">Fix: {line.fix}</span> : null}
            </span>
          </li>
        ))}
      </ul>
      <ErrorLine message={blocked ? 'This playlist cannot start: none of its music can play. Choose another playlist, or fix the files first.' : undefined} />
      {failing.length > 0 && !blocked ? (
        <label className="confirm-row">
          <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} />
          <span>I have read these and want to start the session anyway</span>
        </label>
      ) : null}
      <div className="row">
        <button type="button" className="primary" disabled={busy || !decision.allowed} onClick={() => decision.allowed && onStart(decision.confirmed)}>
          {busy ? 'Starting…' : failing.length === 0 ? 'Start session now' : 'Start with warnings'}
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Back
        </button>
      </div>
    </section>
  );
}
