import { useState } from 'react';
import type { PlaylistSummary } from '../../../core/contract';
import { formatMinutes } from '../../../core/format';
import { call } from '../../bridge/attune-bridge';
import { hrefFor } from '../../routes';
import { useHostData } from '../../use-host-data';

interface HomeScreenProps {
  readonly onStart: (playlistId: string, clientCode: string) => Promise<void>;
}

export function HomeScreen({ onStart }: HomeScreenProps) {
  const [playlists] = useHostData(() => call('playlists:list', {}), []);
  const [sessions] = useHostData(() => call('sessions:list', {}), []);
  const [clientCode, setClientCode] = useState('');
  const [starting, setStarting] = useState<string | undefined>();
  const [startError, setStartError] = useState<string | undefined>();

  const start = async (playlist: PlaylistSummary) => {
    setStarting(playlist.id);
    setStartError(undefined);
    try {
      await onStart(playlist.id, clientCode.trim());
    } catch (error) {
      setStartError(error instanceof Error ? error.message : String(error));
    } finally {
      setStarting(undefined);
    }
  };

  const openSessions = sessions.status === 'ready' ? sessions.value.filter((summary) => summary.meta.status === 'open') : [];

  return (
    <div className="home">
      <section className="panel" aria-labelledby="new-session-heading">
        <h1 id="new-session-heading">New session</h1>
        <label className="field">
          <span>Client code</span>
          <input
            value={clientCode}
            maxLength={40}
            onChange={(event) => setClientCode(event.target.value)}
            placeholder="e.g. C-0417"
            autoComplete="off"
            spellCheck={false}
          />
          <small>A pseudonym only. Do not type the client’s name.</small>
        </label>
        {startError !== undefined ? (
          <p className="error" role="alert">
            Could not start: {startError}
          </p>
        ) : null}
        {playlists.status === 'loading' ? <p className="muted">Loading playlists…</p> : null}
        {playlists.status === 'error' ? <p className="error">Playlists could not be loaded: {playlists.message}</p> : null}
        {playlists.status === 'ready' ? (
          <ul className="playlist-list">
            {playlists.value.map((playlist) => (
              <li key={`${playlist.source}/${playlist.fileName}`} className="playlist-card">
                <div>
                  <h2>{playlist.title}</h2>
                  {playlist.problem === undefined ? (
                    <p className="muted">
                      {playlist.phaseTitles.join(' → ')} · {formatMinutes(playlist.totalTargetMinutes)}
                      {playlist.source === 'bundled' ? ' · bundled' : ''}
                    </p>
                  ) : (
                    <p className="error">
                      {playlist.fileName} cannot be used: <span className="pre">{playlist.problem}</span>
                    </p>
                  )}
                </div>
                {playlist.problem === undefined ? (
                  <button
                    type="button"
                    className="primary"
                    disabled={starting !== undefined}
                    onClick={() => void start(playlist)}
                  >
                    {starting === playlist.id ? 'Starting…' : 'Start session'}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {openSessions.length > 0 ? (
        <section className="panel" aria-labelledby="open-sessions-heading">
          <h2 id="open-sessions-heading">Sessions still open</h2>
          <ul className="plain-list">
            {openSessions.map((summary) => (
              <li key={summary.meta.id}>
                <a href={hrefFor({ screen: 'review', sessionId: summary.meta.id })}>
                  {new Date(summary.meta.createdAt).toLocaleString()} · {summary.meta.playlistTitle} ·{' '}
                  {summary.meta.clientCode || 'no client code'} · {summary.markCount} marks
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
