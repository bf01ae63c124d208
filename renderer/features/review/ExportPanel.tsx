import { memo, useState } from 'react';
import { toHtml, type SessionExport } from '../../../core/exports';
import { call, hostKind } from '../../bridge/attune-bridge';
import { downloadText } from './download';
import { exportFileName, exportFormats } from './export-formats';

interface ExportPanelProps {
  readonly model: SessionExport;
  readonly sessionId: string;
  readonly timeZone: string;
}

/**
 * Files the user chooses to write: built here from core, saved through the browser's download.
 * Memoised: review re-renders on every selection and replay change, the session's export does not.
 */
export const ExportPanel = memo(function ExportPanel({ model, sessionId, timeZone }: ExportPanelProps) {
  const [written, setWritten] = useState<string | undefined>();
  return (
    <section className="panel" aria-labelledby="exports-heading">
      <h2 id="exports-heading">Export</h2>
      <p className="export-warning" id="exports-in-clear">
        Exports are written in clear: they are not encrypted, and anyone who can open the file can read every note. They name the client only by the
        client code. Keep them where you keep session notes.
      </p>
      <p className="muted">Clock times are in {timeZone}; session times are since the dose.</p>
      <div className="export-buttons">
        {exportFormats.map((format) => (
          <button
            key={format.id}
            type="button"
            data-export={format.id}
            aria-describedby="exports-in-clear"
            onClick={() => {
              const fileName = exportFileName(sessionId, format);
              downloadText(fileName, format.build(model, timeZone), format.mimeType);
              setWritten(fileName);
            }}
          >
            {format.label}
          </button>
        ))}
        {hostKind === 'desktop' ? (
          <button
            type="button"
            data-export="pdf"
            aria-describedby="exports-in-clear"
            onClick={async () => {
              const fileName = `attune-${sessionId}.pdf`;
              const result = await call('export:pdf', { html: toHtml(model, { timeZone }), fileName });
              setWritten(result.ok ? (result.value.saved ? `${fileName} saved.` : undefined) : `PDF not written: ${result.error.message}`);
            }}
          >
            PDF
          </button>
        ) : null}
      </div>
      <p className="muted" role="status">
        {written === undefined ? null : written.endsWith('.') ? written : `${written} handed to the browser to save.`}
      </p>
    </section>
  );
});
