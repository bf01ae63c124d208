import { useState } from 'react';
import { dosingHeading } from '../../../core/course';
import type { CourseView } from '../../../core/course-contract';
import { toCourseCsv, toCourseJson, toWorksheetHtml, toWorksheetMarkdown } from '../../../core/exports';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { call, hostKind } from '../../bridge/attune-bridge';
import { downloadText } from '../review/download';
import { courseExportFacts, loadDosingModels, worksheetSessions } from './course-exports';

interface CourseExportsProps {
  readonly view: CourseView;
  readonly kinds: readonly MarkKindDefinition[];
}

const wholeCourse = 'course';

/** The worksheet, the take-home playlist and the events with the course fields, for one dosing session or the whole course. */
export function CourseExports({ view, kinds }: CourseExportsProps) {
  const dosing = view.timeline.filter((entry) => entry.type === 'dosing');
  const [scope, setScope] = useState(wholeCourse);
  const [destination, setDestination] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (dosing.length === 0) return null;
  const sessionIds = scope === wholeCourse ? dosing.map((entry) => entry.id) : [scope];
  const base = `attune-${view.client.code.replace(/[^\w-]+/g, '_') || 'client'}-${scope === wholeCourse ? 'course' : scope}`;

  const run = async (work: () => Promise<string | undefined>) => {
    setBusy(true);
    try {
      setStatus(await work());
    } catch (error) {
      setStatus(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const worksheet = async () => worksheetSessions(view, await loadDosingModels(call, sessionIds, kinds));
  // Asked when an export is made, not at each render: the first use of Intl in a page costs
  // ~25 ms (the date and time data loading), most of what opening the course page took.
  const options = () => ({ clientCode: view.client.code, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const takeHome = (folder?: string) => call('clients:take-home', { clientId: view.client.id, sessionIds, ...(folder === undefined ? {} : { destination: folder }) });
  const saved = (fileName: string) => `${fileName} handed to the browser to save.`;

  return (
    <section className="panel" aria-labelledby="course-exports-heading">
      <h2 id="course-exports-heading">Carry the moments into integration</h2>
      <p className="export-warning" id="course-exports-in-clear">
        Exports are written in clear: anyone who can open the file can read every note. They name the client only by the code.
      </p>
      <label className="field">
        <span>From</span>
        <select name="export-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
          <option value={wholeCourse}>The whole course</option>
          {dosing.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {dosingHeading(entry.id, view.timeline)}
            </option>
          ))}
        </select>
      </label>
      <h3>Integration worksheet</h3>
      <div className="export-buttons row">
        <button
          type="button"
          data-export="worksheet-md"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const fileName = `${base}-worksheet.md`;
              downloadText(fileName, toWorksheetMarkdown(await worksheet(), options()), 'text/markdown;charset=utf-8');
              return saved(fileName);
            })
          }
        >
          Worksheet (Markdown)
        </button>
        <button
          type="button"
          data-export="worksheet-html"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const fileName = `${base}-worksheet.html`;
              downloadText(fileName, toWorksheetHtml(await worksheet(), options()), 'text/html;charset=utf-8');
              return `${saved(fileName)} Open it in a browser and print it (or save it as PDF).`;
            })
          }
        >
          Worksheet (printable HTML)
        </button>
        {hostKind === 'desktop' ? (
          <button
            type="button"
            data-export="worksheet-pdf"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                const fileName = `${base}-worksheet.pdf`;
                const result = await call('export:pdf', { html: toWorksheetHtml(await worksheet(), options()), fileName });
                if (!result.ok) return `PDF not written: ${result.error.message}`;
                return result.value.saved ? `${fileName} saved.` : undefined;
              })
            }
          >
            Worksheet (PDF)
          </button>
        ) : null}
      </div>
      <h3>Take-home playlist</h3>
      <p className="muted">The recordings playing at resonance and breakthrough marks, in session order; each entry notes its moments and their positions.</p>
      <div className="export-buttons row">
        <button
          type="button"
          data-export="take-home-m3u8"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const result = await takeHome();
              if (!result.ok) return result.error.message;
              downloadText(`${result.value.fileBase}.m3u8`, result.value.m3u8, 'audio/x-mpegurl;charset=utf-8');
              return `${saved(`${result.value.fileBase}.m3u8`)} ${result.value.trackCount} recording(s).`;
            })
          }
        >
          Take-home (M3U8)
        </button>
        <button
          type="button"
          data-export="take-home-xspf"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const result = await takeHome();
              if (!result.ok) return result.error.message;
              downloadText(`${result.value.fileBase}.xspf`, result.value.xspf, 'application/xspf+xml;charset=utf-8');
              return `${saved(`${result.value.fileBase}.xspf`)} ${result.value.trackCount} recording(s).`;
            })
          }
        >
          Take-home (XSPF)
        </button>
      </div>
      <form
        className="row take-home-folder"
        onSubmit={(event) => {
          event.preventDefault();
          void run(async () => {
            let folder = destination.trim();
            if (hostKind === 'desktop' && folder === '') {
              const chosen = await call('dialog:choose', { purpose: 'export-folder' });
              if (!chosen.ok || chosen.value.path === null) return undefined;
              folder = chosen.value.path;
            }
            const result = await takeHome(folder);
            if (!result.ok) return result.error.message;
            return `Copied ${result.value.trackCount} recording(s) with the playlists into ${result.value.folder ?? folder}.`;
          });
        }}
      >
        <label className="field">
          <span>Portable folder: copy the recordings into (a full path{hostKind === 'desktop' ? ', or leave empty to choose' : ''})</span>
          <input name="take-home-destination" value={destination} autoComplete="off" spellCheck={false} onChange={(event) => setDestination(event.target.value)} />
        </label>
        <button type="submit" disabled={busy || (hostKind !== 'desktop' && destination.trim() === '')}>
          Copy take-home folder
        </button>
      </form>
      {scope === wholeCourse ? null : (
        <>
          <h3>Events with the course</h3>
          <div className="export-buttons row">
            <button
              type="button"
              data-export="course-csv"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const [loaded] = await loadDosingModels(call, [scope], kinds);
                  if (loaded === undefined) return 'The session could not be read.';
                  const fileName = `${base}-events.csv`;
                  downloadText(fileName, toCourseCsv(loaded.model, courseExportFacts(view, scope)), 'text/csv;charset=utf-8');
                  return saved(fileName);
                })
              }
            >
              Events (CSV)
            </button>
            <button
              type="button"
              data-export="course-json"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const [loaded] = await loadDosingModels(call, [scope], kinds);
                  if (loaded === undefined) return 'The session could not be read.';
                  const fileName = `${base}-events.json`;
                  downloadText(fileName, toCourseJson(loaded.model, courseExportFacts(view, scope)), 'application/json;charset=utf-8');
                  return saved(fileName);
                })
              }
            >
              Events (JSON)
            </button>
          </div>
        </>
      )}
      <p className="muted" role="status" data-testid="course-export-status">
        {status}
      </p>
    </section>
  );
}
