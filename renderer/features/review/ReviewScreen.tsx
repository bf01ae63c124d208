import { useState } from 'react';
import type { OpenedSession } from '../../../core/contract';
import { formatClock, formatPosition } from '../../../core/format';
import type { Playlist } from '../../../core/playlist';
import { fail, ok } from '../../../core/result';
import { reviewSession } from '../../../core/review';
import { call } from '../../bridge/attune-bridge';
import { hrefFor } from '../../routes';
import { useHostData } from '../../use-host-data';
import { markLabels } from '../live/mark-keys';

export function ReviewScreen({ sessionId }: { readonly sessionId: string | undefined }) {
  return sessionId === undefined ? <SessionList /> : <SessionDetail sessionId={sessionId} />;
}

function SessionList() {
  const [sessions] = useHostData(() => call('sessions:list', {}), []);
  if (sessions.status === 'loading') return <p className="muted">Loading sessions…</p>;
  if (sessions.status === 'error') return <p className="error">Sessions could not be listed: {sessions.message}</p>;
  return (
    <section className="panel" aria-labelledby="sessions-heading">
      <h1 id="sessions-heading">Sessions</h1>
      {sessions.value.length === 0 ? <p className="muted">No sessions yet. Start one from the Start screen.</p> : null}
      <ul className="session-list">
        {sessions.value.map(({ meta, markCount, lastSessionMs }) => (
          <li key={meta.id}>
            <a href={hrefFor({ screen: 'review', sessionId: meta.id })} className="session-link">
              <span>{new Date(meta.createdAt).toLocaleString()}</span>
              <span>{meta.playlistTitle}</span>
              <span>{meta.clientCode || 'no client code'}</span>
              <span>
                {markCount} mark{markCount === 1 ? '' : 's'} · {formatClock(lastSessionMs)}
              </span>
              <span className="muted">{meta.status === 'open' ? 'open' : 'ended'}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface Names {
  readonly phases: ReadonlyMap<string, string>;
  readonly segments: ReadonlyMap<string, string>;
}

function namesFrom(playlist: Playlist | undefined): Names {
  const phases = new Map<string, string>();
  const segments = new Map<string, string>();
  for (const phase of playlist?.phases ?? []) {
    phases.set(phase.id, phase.title);
    segments.set(`${phase.id}-bridge`, `${phase.title} bridge`);
    for (const segment of phase.segments) {
      segments.set(segment.id, segment.title ?? (segment.type === 'soundscape' ? `${segment.preset} soundscape` : segment.path));
    }
  }
  return { phases, segments };
}

function SessionDetail({ sessionId }: { readonly sessionId: string }) {
  const [loaded, reload] = useHostData(async () => {
    const opened = await call('sessions:open', { sessionId });
    if (!opened.ok) return opened;
    // The playlist may have been edited or removed since; ids are shown if so.
    const playlist = await call('playlists:get', { playlistId: opened.value.meta.playlistId });
    return ok({ session: opened.value, playlist: playlist.ok ? playlist.value : undefined });
  }, [sessionId]);
  if (loaded.status === 'loading') return <p className="muted">Opening the session…</p>;
  if (loaded.status === 'error') return <p className="error">The session could not be opened: {loaded.message}</p>;
  return <SessionMarks session={loaded.value.session} playlist={loaded.value.playlist} onChanged={reload} />;
}

function SessionMarks({
  session,
  playlist,
  onChanged,
}: {
  readonly session: OpenedSession;
  readonly playlist: Playlist | undefined;
  readonly onChanged: () => void;
}) {
  const review = reviewSession(session);
  const names = namesFrom(playlist);
  const [endError, setEndError] = useState<string | undefined>();
  const endSession = async () => {
    const result = await call('sessions:end', {
      sessionId: session.meta.id,
      eventId: crypto.randomUUID(),
      sessionMs: review.lastSessionMs,
      reason: 'facilitator',
    }).catch((error: unknown) => fail('internal', String(error)));
    if (result.ok) onChanged();
    else setEndError(result.error.message);
  };
  return (
    <section className="panel" aria-labelledby="session-heading">
      <p>
        <a href={hrefFor({ screen: 'review' })}>← All sessions</a>
      </p>
      <h1 id="session-heading">
        {session.meta.playlistTitle} · {session.meta.clientCode || 'no client code'}
      </h1>
      <p className="muted">
        Started {new Date(session.meta.createdAt).toLocaleString()} · {review.marks.length} marks ·{' '}
        {review.ended ? `ended, ${formatClock(review.lastSessionMs)} long` : 'still open'}
      </p>
      {session.repairs.length > 0 ? (
        <div className="notice" role="status">
          The journal was repaired when it was opened:
          <ul>
            {session.repairs.map((repair) => (
              <li key={repair}>{repair}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {!review.ended ? (
        <p>
          <button type="button" onClick={() => void endSession()}>
            End this session
          </button>
          {endError !== undefined ? <span className="error"> {endError}</span> : null}
        </p>
      ) : null}
      <table className="marks-table">
        <thead>
          <tr>
            <th scope="col">Session time</th>
            <th scope="col">Mark</th>
            <th scope="col">Phase</th>
            <th scope="col">Playing</th>
            <th scope="col">Position</th>
            <th scope="col">Clock time</th>
          </tr>
        </thead>
        <tbody>
          {review.marks.map((mark) => (
            <tr key={mark.id} className={`mark-row mark-${mark.markKind}`} data-mark-kind={mark.markKind}>
              <td>{formatClock(mark.sessionMs)}</td>
              <td>{markLabels[mark.markKind] ?? mark.markKind}</td>
              <td>{names.phases.get(mark.phaseId) ?? mark.phaseId}</td>
              <td>{names.segments.get(mark.segmentId) ?? mark.segmentId}</td>
              <td>{formatPosition(mark.positionMs)}</td>
              <td>{new Date(mark.wallTime).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {review.marks.length === 0 ? <p className="muted">No marks in this session.</p> : null}
    </section>
  );
}
