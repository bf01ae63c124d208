import { useId, useState, type FormEvent } from 'react';
import type { PlaylistImport, PlaylistSummary } from '../../../core/contract';
import { formatMinutes } from '../../../core/format';
import { addSegments, toPlaylist } from '../../../core/playlist-edit';
import { phaseKinds } from '../../../core/playlist';
import { call } from '../../bridge/attune-bridge';
import { hrefFor, navigate } from '../../routes';
import { useHostData } from '../../use-host-data';
import { PathChooser } from '../library/PathChooser';
import { ImportPanel } from './ImportPanel';
import '../library/library.css';
import './playlists.css';
import { ErrorLine } from '../../ErrorLine';

const kindTitles = { onset: 'Onset', peak: 'Peak', return: 'Return' } as const;

/** A new playlist from an imported file: the host's starter playlist, with the imported tracks added to the phase of the chosen kind. */
async function createFromImport(imported: PlaylistImport, kind: string): Promise<string | undefined> {
  const created = await call('playlists:create', { title: imported.title.trim() === '' ? 'Imported playlist' : imported.title.slice(0, 200) });
  if (!created.ok) return `The playlist could not be created: ${created.error.message}`;
  const playlist = created.value;
  const phase = playlist.phases.find((candidate) => candidate.kind === kind) ?? playlist.phases[0];
  if (phase === undefined) return 'The new playlist has no phase to put the tracks in.';
  const filled = addSegments(playlist, { phaseId: phase.id, index: phase.segments.length }, imported.segments);
  const valid = filled.ok ? toPlaylist(filled.value) : filled;
  if (!valid.ok) return `The tracks could not be added: ${valid.error.message}`;
  const saved = await call('playlists:save', { playlist: valid.value });
  if (!saved.ok) return `The playlist was created but the tracks could not be saved into it: ${saved.error.message}`;
  navigate({ screen: 'playlist', playlistId: playlist.id });
  return undefined;
}

/** Opens a portable folder as one of the user's playlists and goes to its editor; an error in words otherwise. */
async function openPortable(folder: string): Promise<string | undefined> {
  const opened = await call('playlists:open-portable', { path: folder });
  if (!opened.ok) return opened.error.message;
  navigate({ screen: 'playlist', playlistId: opened.value.playlist.id });
  return undefined;
}

/** Bundled playlists (read-only: duplicate to edit) and the curator's own, with new, import, duplicate and delete. */
export function PlaylistsScreen() {
  const [list, reload] = useHostData(() => call('playlists:list', {}), []);
  const [error, setError] = useState<string | undefined>();

  const duplicate = async (summary: PlaylistSummary) => {
    setError(undefined);
    const result = await call('playlists:duplicate', { playlistId: summary.id });
    if (!result.ok) setError(`“${summary.title}” could not be duplicated: ${result.error.message}`);
    else navigate({ screen: 'playlist', playlistId: result.value.id });
  };

  const playlists = list.status === 'ready' ? list.value : [];
  const bundled = playlists.filter((summary) => summary.source === 'bundled');
  const own = playlists.filter((summary) => summary.source === 'user');

  return (
    <div className="playlists">
      <h1>Playlists</h1>
      <NewPlaylistPanel />
      <ErrorLine message={error} />
      {list.status === 'loading' ? <p className="muted">Loading playlists…</p> : null}
      <ErrorLine message={list.status === 'error' ? `Playlists could not be loaded: ${list.message}` : undefined} />
      <section className="panel" aria-labelledby="own-playlists-heading">
        <h2 id="own-playlists-heading">Your playlists</h2>
        {list.status === 'ready' && own.length === 0 ? <p className="muted">None yet: start a new one, import a playlist file, or duplicate a bundled one.</p> : null}
        <ul className="playlist-list">
          {own.map((summary) => (
            <PlaylistRow key={`user/${summary.fileName}`} summary={summary} onDuplicate={duplicate} onDeleted={reload} />
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="bundled-playlists-heading">
        <h2 id="bundled-playlists-heading">Bundled playlists</h2>
        <p className="muted">They come with Attune and cannot be changed; duplicate one to make it your own.</p>
        <ul className="playlist-list">
          {bundled.map((summary) => (
            <PlaylistRow key={`bundled/${summary.fileName}`} summary={summary} onDuplicate={duplicate} onDeleted={reload} />
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="portable-heading">
        <h2 id="portable-heading">Open a portable folder</h2>
        <p className="muted">
          A folder exported by Attune (with its playlist.json and audio): it becomes one of your playlists, and the folder joins the library so its music plays.
        </p>
        <PathChooser
          purpose="portable-folder"
          label="Portable folder (full path)"
          chooseLabel="Choose folder…"
          submitLabel="Open folder"
          placeholder="/media/usb-stick/evening-set"
          onPath={openPortable}
        />
      </section>
      <section className="panel" aria-labelledby="import-heading">
        <h2 id="import-heading">Import a playlist file</h2>
        <p className="muted">
          The tracks of an M3U, M3U8, PLS or XSPF playlist become a new playlist, in the phase you choose; every entry that cannot be found is listed with the
          reason.
        </p>
        <ImportPanel
          phases={phaseKinds.map((kind) => ({ value: kind, label: kindTitles[kind] }))}
          acceptLabel={(count) => `Create a playlist with ${count} ${count === 1 ? 'track' : 'tracks'}`}
          onAccept={createFromImport}
        />
      </section>
    </div>
  );
}

function NewPlaylistPanel() {
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const titleId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = title.trim();
    if (trimmed === '') {
      setError('Give the playlist a title first.');
      return;
    }
    setBusy(true);
    const result = await call('playlists:create', { title: trimmed });
    setBusy(false);
    if (!result.ok) setError(`The playlist could not be created: ${result.error.message}`);
    else navigate({ screen: 'playlist', playlistId: result.value.id });
  };
  return (
    <form className="panel new-playlist" onSubmit={(event) => void submit(event)}>
      <h2>New playlist</h2>
      <p className="muted">It starts with onset, peak and return, each holding a soundscape, so it plays from the first minute; then add music from the library.</p>
      <div className="row">
        <label htmlFor={titleId} className="visually-hidden">
          Title of the new playlist
        </label>
        <input id={titleId} className="curator-input title-input" value={title} maxLength={200} placeholder="Title, e.g. Long afternoon" onChange={(event) => setTitle(event.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          New playlist
        </button>
      </div>
      <ErrorLine message={error} />
    </form>
  );
}

function PlaylistRow({
  summary,
  onDuplicate,
  onDeleted,
}: {
  readonly summary: PlaylistSummary;
  readonly onDuplicate: (summary: PlaylistSummary) => Promise<void>;
  readonly onDeleted: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (summary.problem !== undefined) {
    return (
      <li className="playlist-card">
        <p className="error">
          {summary.fileName} cannot be used: <span className="pre">{summary.problem}</span>
        </p>
      </li>
    );
  }
  const remove = async () => {
    const result = await call('playlists:delete', { playlistId: summary.id });
    if (!result.ok) setError(`“${summary.title}” could not be deleted: ${result.error.message}`);
    else onDeleted();
  };
  return (
    <li className="playlist-card" data-playlist-id={summary.id}>
      <span>
        <strong>{summary.title}</strong>
        <span className="muted">
          {' '}
          {summary.phaseTitles.join(' → ')} · {formatMinutes(summary.totalTargetMinutes)}
        </span>
        {error !== undefined ? (
          <span className="error" role="alert">
            {' '}
            {error}
          </span>
        ) : null}
      </span>
      {confirming ? (
        <span className="row confirm-delete" role="group" aria-label={`Delete ${summary.title}?`}>
          <span>Delete “{summary.title}”? It is moved to the deleted folder, not erased.</span>
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            Keep
          </button>
        </span>
      ) : (
        <span className="row">
          <a className="button" href={hrefFor({ screen: 'playlist', playlistId: summary.id })}>
            {summary.source === 'bundled' ? 'Open' : 'Edit'}
          </a>
          <button type="button" onClick={() => void onDuplicate(summary)}>
            {summary.source === 'bundled' ? 'Duplicate to edit' : 'Duplicate'}
          </button>
          {summary.source === 'user' ? (
            <button type="button" aria-label={`Delete ${summary.title}`} onClick={() => setConfirming(true)}>
              Delete
            </button>
          ) : null}
        </span>
      )}
    </li>
  );
}
