import { useEffect, useState, type FormEvent } from 'react';
import { formatClock, formatMarkCount, formatMinutes } from '../../../core/format';
import type { SessionSetup } from '../../../core/session';
import type { PreflightLine } from '../../../core/preflight';
import { hrefFor } from '../../routes';
import { PreflightPanel } from './PreflightPanel';
import { runPreflight } from './preflight-facts';
import { playlistsAnswer, sessionsAnswer } from './start-screen-lists';
import { useHostData } from '../../use-host-data';
import { ErrorLine } from '../../ErrorLine';

interface HomeScreenProps {
  /** `confirmed`: the pre-flight lines that were failing when the facilitator chose to start anyway. */
  readonly onStart: (playlistId: string, setup: SessionSetup, confirmed: readonly PreflightLine[]) => Promise<void>;
  readonly onResume: (sessionId: string) => Promise<void>;
  /** The output the settings choose, for the pre-flight check. */
  readonly outputDeviceId: string;
  /** Called once the playlists show (so what starting needs can load while the form is filled in). */
  readonly onShown?: () => void;
}

const emptySetup: SessionSetup = { clientCode: '', facilitators: '', intention: '', substance: '', dose: '', supplementalDosePlan: '' };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function HomeScreen({ onStart, onResume, outputDeviceId, onShown }: HomeScreenProps) {
  const [playlists] = useHostData(playlistsAnswer, []);
  const [sessions] = useHostData(sessionsAnswer, []);
  const playlistsShown = playlists.status !== 'loading';
  useEffect(() => {
    if (playlistsShown) onShown?.();
  }, [playlistsShown, onShown]);
  const [setup, setSetup] = useState<SessionSetup>(emptySetup);
  const [playlistId, setPlaylistId] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  /** The last pre-flight report, shown while it has failing lines (or when asked for). */
  const [preflight, setPreflight] = useState<{ playlistId: string; lines: PreflightLine[] } | undefined>();

  const usable = playlists.status === 'ready' ? playlists.value.filter((playlist) => playlist.problem === undefined) : [];
  const chosen = playlistId ?? usable[0]?.id;

  const field = (key: keyof SessionSetup) => ({
    value: setup[key],
    onChange: (event: { target: { value: string } }) => setSetup((previous) => ({ ...previous, [key]: event.target.value })),
  });

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  /** Checks first; an all-green check starts at once, anything else is shown for a decision. */
  const checkThenStart = (alwaysShow: boolean) => {
    if (chosen === undefined) return;
    void run(async () => {
      const lines = await runPreflight(chosen, outputDeviceId);
      if (!alwaysShow && lines.every((line) => line.ok)) {
        await onStart(chosen, setup, []);
        return;
      }
      setPreflight({ playlistId: chosen, lines });
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    checkThenStart(false);
  };

  const openSessions = sessions.status === 'ready' ? sessions.value.filter((summary) => summary.meta.status === 'open') : [];

  return (
    <div className="home">
      {openSessions.length > 0 ? (
        <section className="panel" aria-labelledby="open-sessions-heading">
          <h2 id="open-sessions-heading">Sessions still open</h2>
          <p className="muted">A session left open by a reload, a restart or a crash can be resumed where the music should be now.</p>
          <ul className="plain-list">
            {openSessions.map((summary) => (
              <li key={summary.meta.id} className="open-session">
                <span>
                  {new Date(summary.meta.createdAt).toLocaleString()} · {summary.meta.playlistTitle} · {summary.meta.clientCode || 'no client code'} ·{' '}
                  <span data-testid="open-session-mark-count">{formatMarkCount(summary.markCount)}</span> · last event at {formatClock(summary.lastSessionMs)}
                </span>
                <span className="row">
                  <button type="button" className="primary" disabled={busy} onClick={() => void run(() => onResume(summary.meta.id))}>
                    Resume
                  </button>
                  <a className="button" href={hrefFor({ screen: 'review', sessionId: summary.meta.id })}>
                    Review
                  </a>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {preflight !== undefined ? (
        <PreflightPanel
          lines={preflight.lines}
          busy={busy}
          onClose={() => setPreflight(undefined)}
          onStart={(confirmed) => void run(() => onStart(preflight.playlistId, setup, confirmed))}
        />
      ) : null}

      <form className="panel setup" aria-labelledby="new-session-heading" onSubmit={submit} hidden={preflight !== undefined}>
        <h1 id="new-session-heading">New session</h1>
        <fieldset className="playlist-choice">
          <legend>Playlist</legend>
          {playlists.status === 'loading' ? <p className="muted">Loading playlists…</p> : null}
          {playlists.status === 'error' ? <p className="error">Playlists could not be loaded: {playlists.message}</p> : null}
          {playlists.status === 'ready' ? (
            <ul className="playlist-list">
              {playlists.value.map((playlist) => (
                <li key={`${playlist.source}/${playlist.fileName}`} className="playlist-card">
                  {playlist.problem === undefined ? (
                    <label className="playlist-option">
                      <input
                        type="radio"
                        name="playlist"
                        value={playlist.id}
                        checked={chosen === playlist.id}
                        onChange={() => setPlaylistId(playlist.id)}
                      />
                      <span>
                        <strong>{playlist.title}</strong>
                        <span className="muted">
                          {' '}
                          {playlist.phaseTitles.join(' → ')} · {formatMinutes(playlist.totalTargetMinutes)}
                          {playlist.source === 'bundled' ? ' · bundled' : ''}
                        </span>
                      </span>
                    </label>
                  ) : (
                    <p className="error">
                      {playlist.fileName} cannot be used: <span className="pre">{playlist.problem}</span>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          ) : null}
        </fieldset>
        <div className="setup-fields">
          <label className="field">
            <span>Client code</span>
            <input {...field('clientCode')} maxLength={40} placeholder="e.g. C-0417" autoComplete="off" spellCheck={false} />
            <small>
              A pseudonym only. Do not type the client’s name. A session under a code in <a href={hrefFor({ screen: 'clients' })}>Clients</a> joins that client’s course.
            </small>
          </label>
          <label className="field">
            <span>Facilitators’ initials</span>
            <input {...field('facilitators')} maxLength={80} placeholder="e.g. AB, CD" autoComplete="off" />
          </label>
          <label className="field">
            <span>Substance</span>
            <input {...field('substance')} maxLength={200} autoComplete="off" />
          </label>
          <label className="field">
            <span>Dose</span>
            <input {...field('dose')} maxLength={200} autoComplete="off" />
          </label>
          <label className="field">
            <span>Planned supplemental dose</span>
            <input {...field('supplementalDosePlan')} maxLength={200} placeholder="e.g. half dose at 1 h 30" autoComplete="off" />
          </label>
          <label className="field wide">
            <span>Intention</span>
            <textarea {...field('intention')} maxLength={2000} rows={2} />
          </label>
        </div>
        <ErrorLine message={error} />
        <p className="muted">
          Start at the moment of the dose: the session clock counts from it (it can be corrected later). Starting runs the pre-flight check
          first; anything it finds is shown before the music begins.
        </p>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || chosen === undefined}>
            {busy ? 'Starting…' : 'Start session'}
          </button>
          <button type="button" disabled={busy || chosen === undefined} onClick={() => checkThenStart(true)}>
            Run pre-flight check
          </button>
        </div>
      </form>
    </div>
  );
}
