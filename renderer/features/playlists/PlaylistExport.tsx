import { useId, useState } from 'react';
import type { PlaylistDraft } from '../../../core/playlist-edit';
import { call } from '../../bridge/attune-bridge';
import { useExternalState } from '../../use-external-state';
import { JobProgress } from '../library/JobProgress';
import { JobWatcher } from '../library/JobWatcher';
import { onHostEvent } from '../../bridge/host-events';
import { PathChooser } from '../library/PathChooser';
import { useDisposable } from '../library/use-disposable';
import { downloadText } from '../review/download';

interface PlaylistExportProps {
  readonly draft: PlaylistDraft;
  /** Writes any waiting change first: the host exports the saved playlist. */
  readonly beforeExport: () => Promise<void>;
  /** Set when the saved file is behind the draft (it cannot be saved as it is). */
  readonly unsavedReason: string | undefined;
}

/** M3U8 of the whole playlist or one phase (downloaded), and a portable folder (playlist and audio copied, relative paths). */
export function PlaylistExport(props: PlaylistExportProps) {
  const watcher = useDisposable(
    () => new JobWatcher(call, onHostEvent),
    (created) => created.dispose(),
    [],
  );
  return watcher === undefined ? null : <ExportPanel {...props} watcher={watcher} />;
}

function ExportPanel({ draft, beforeExport, unsavedReason, watcher }: PlaylistExportProps & { readonly watcher: JobWatcher }) {
  const [phaseId, setPhaseId] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const { job, problem } = useExternalState(watcher);
  const scopeId = useId();
  const exportJob = job?.kind === 'export-folder' ? job : null;

  const downloadM3u8 = async () => {
    setMessage(undefined);
    await beforeExport();
    const result = await call('playlists:export-m3u8', { playlistId: draft.id, ...(phaseId === '' ? {} : { phaseId }) });
    if (!result.ok) {
      setMessage({ text: `The M3U8 could not be made: ${result.error.message}`, error: true });
      return;
    }
    downloadText(result.value.fileName, result.value.text, 'audio/x-mpegurl');
    setMessage({ text: `${result.value.fileName} handed to the browser to save.`, error: false });
  };

  const exportFolder = async (destination: string) => {
    await beforeExport();
    const result = await call('playlists:export-folder', { playlistId: draft.id, destination });
    if (!result.ok) return `The folder could not be exported: ${result.error.message}`;
    watcher.watch(result.value);
    return undefined;
  };

  return (
    <section className="panel playlist-export" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      {unsavedReason !== undefined ? <p className="notice">Exports use the last saved version: {unsavedReason}</p> : null}
      <div className="row">
        <label htmlFor={scopeId}>M3U8 of</label>
        <select id={scopeId} className="curator-input" value={phaseId} onChange={(event) => setPhaseId(event.target.value)}>
          <option value="">the whole playlist</option>
          {draft.phases.map((phase) => (
            <option key={phase.id} value={phase.id}>
              phase {phase.title}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void downloadM3u8()}>
          Download M3U8
        </button>
      </div>
      {message !== undefined ? (
        <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
      <h3 className="export-subheading">Portable folder</h3>
      <p className="muted">A folder with the playlist and a copy of each of its audio files, with relative paths, that opens on another machine.</p>
      <PathChooser
        purpose="export-folder"
        label="Folder to export into (full path)"
        chooseLabel="Export portable folder…"
        submitLabel="Export here"
        placeholder="/media/usb-stick"
        disabled={exportJob?.state === 'running'}
        onPath={exportFolder}
      />
      {exportJob !== null ? <JobProgress job={exportJob} label="Export progress" problem={problem} onCancel={() => void watcher.cancel()} /> : null}
    </section>
  );
}
