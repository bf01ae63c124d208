import type { CurationWarning } from '../../../core/curation-warnings';

interface WarningsPanelProps {
  /** Undefined while the library has not been read yet (files cannot be judged). */
  readonly warnings: readonly CurationWarning[] | undefined;
  readonly onShow: (warning: CurationWarning) => void;
}

/** What the curator should look at, each with its fix; choosing one shows its segment or phase. */
export function WarningsPanel({ warnings, onShow }: WarningsPanelProps) {
  const problems = warnings?.filter((warning) => warning.severity === 'problem').length ?? 0;
  return (
    <section className="warnings panel" aria-labelledby="warnings-heading">
      <h2 id="warnings-heading">
        Warnings{' '}
        <span className="muted" role="status">
          {warnings === undefined ? '(checking…)' : warnings.length === 0 ? '(none)' : `(${warnings.length}${problems > 0 ? `, ${problems} ${problems === 1 ? 'problem' : 'problems'}` : ''})`}
        </span>
      </h2>
      {warnings !== undefined && warnings.length === 0 ? <p className="muted">Nothing to look at: every phase fits and every file is ready.</p> : null}
      <ul className="plain-list warning-list">
        {warnings?.map((warning) => (
          <li key={warning.id} data-warning-id={warning.id} className={`warning-item ${warning.severity}`}>
            <button type="button" className="warning-button" onClick={() => onShow(warning)} disabled={warning.segmentId === undefined && warning.phaseId === undefined}>
              <span className="label">{warning.severity === 'problem' ? 'Problem' : 'Warning'}</span>
              <span className="warning-message">{warning.message}</span>
              <span className="warning-fix muted">{warning.fix}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
