import { useMemo, useState } from 'react';
import type { OpenedSession } from '../../../core/contract';
import { foldSession, type FoldedMark } from '../../../core/fold';
import { formatClock, formatPosition } from '../../../core/format';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { buildPlan } from '../../../core/plan';
import type { Playlist } from '../../../core/playlist';
import { ok } from '../../../core/result';
import { call } from '../../bridge/attune-bridge';
import { hrefFor } from '../../routes';
import { useHostData } from '../../use-host-data';
import { SessionSummary } from './SessionSummary';

interface ReviewScreenProps {
  readonly sessionId: string | undefined;
  readonly kinds: readonly MarkKindDefinition[];
}

export function ReviewScreen({ sessionId, kinds }: ReviewScreenProps) {
  return sessionId === undefined ? <SessionList /> : <SessionDetail sessionId={sessionId} kinds={kinds} />;
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

function SessionDetail({ sessionId, kinds }: { readonly sessionId: string; readonly kinds: readonly MarkKindDefinition[] }) {
  const [loaded, reload] = useHostData(async () => {
    const opened = await call('sessions:open', { sessionId });
    if (!opened.ok) return opened;
    // The playlist may have been edited or removed since; ids are shown if so.
    const playlist = await call('playlists:get', { playlistId: opened.value.meta.playlistId });
    return ok({ session: opened.value, playlist: playlist.ok ? playlist.value : undefined });
  }, [sessionId]);
  if (loaded.status === 'loading') return <p className="muted">Opening the session…</p>;
  if (loaded.status === 'error') return <p className="error">The session could not be opened: {loaded.message}</p>;
  return <SessionMarks session={loaded.value.session} playlist={loaded.value.playlist} kinds={kinds} onChanged={reload} />;
}

function segmentName(playlist: Playlist | undefined, segmentId: string): string {
  for (const phase of playlist?.phases ?? []) {
    if (segmentId === `${phase.id}-bridge`) return `${phase.title} bridge`;
    const segment = phase.segments.find((candidate) => candidate.id === segmentId);
    if (segment !== undefined) return segment.title ?? (segment.type === 'soundscape' ? `${segment.preset} soundscape` : segment.path);
  }
  return segmentId;
}

function describeVitals(mark: FoldedMark): string {
  const vitals = mark.vitals;
  if (vitals === undefined) return '';
  const parts: string[] = [];
  if (vitals.systolic !== undefined || vitals.diastolic !== undefined) parts.push(`BP ${vitals.systolic ?? '?'}/${vitals.diastolic ?? '?'}`);
  if (vitals.heartRate !== undefined) parts.push(`HR ${vitals.heartRate}`);
  if (vitals.temperatureC !== undefined) parts.push(`${vitals.temperatureC} °C`);
  return parts.join(' · ');
}

function SessionMarks({
  session,
  playlist,
  kinds,
  onChanged,
}: {
  readonly session: OpenedSession;
  readonly playlist: Playlist | undefined;
  readonly kinds: readonly MarkKindDefinition[];
  readonly onChanged: () => void;
}) {
  const folded = useMemo(() => foldSession(session.events), [session.events]);
  const plan = useMemo(() => (playlist === undefined ? undefined : buildPlan(playlist)), [playlist]);
  const [error, setError] = useState<string | undefined>();
  const offset = folded.t0OffsetMs;
  const phaseTitle = (id: string) => playlist?.phases.find((phase) => phase.id === id)?.title ?? id;
  const kindLabel = (id: string) => kinds.find((kind) => kind.id === id)?.label ?? id;

  const saveEdit = async (mark: FoldedMark, changes: { intensity?: number | null; note?: string | null }) => {
    const result = await call('journal:append', {
      sessionId: session.meta.id,
      events: [{ id: crypto.randomUUID(), kind: 'mark-edited', sessionMs: folded.lastSessionMs, payload: { markId: mark.id, ...changes } }],
    });
    if (result.ok) {
      setError(undefined);
      onChanged();
    } else setError(result.error.message);
  };

  const endSession = async () => {
    const result = await call('sessions:end', {
      sessionId: session.meta.id,
      eventId: crypto.randomUUID(),
      sessionMs: folded.lastSessionMs,
      reason: 'facilitator',
    });
    if (result.ok) onChanged();
    else setError(result.error.message);
  };

  return (
    <div>
      <p>
        <a href={hrefFor({ screen: 'review' })}>← All sessions</a>
      </p>
      <SessionSummary meta={session.meta} folded={folded} plan={plan} kinds={kinds} />
      <section className="panel" aria-labelledby="session-heading">
        <h1 id="session-heading">
          {session.meta.playlistTitle} · {session.meta.clientCode || 'no client code'}
        </h1>
        <p className="muted">
          Started {new Date(session.meta.createdAt).toLocaleString()} · {folded.marks.length} marks
          {folded.deletedMarks.length > 0 ? ` · ${folded.deletedMarks.length} taken back` : ''} ·{' '}
          {folded.ended === undefined ? 'still open' : 'ended'}
        </p>
        {session.meta.intention !== '' ? <p className="intention">Intention: {session.meta.intention}</p> : null}
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
        {folded.ended === undefined ? (
          <p>
            <button type="button" onClick={() => void endSession()}>
              End this session
            </button>
          </p>
        ) : null}
        {error !== undefined ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <table className="marks-table">
          <thead>
            <tr>
              <th scope="col">Since the dose</th>
              <th scope="col">Mark</th>
              <th scope="col">Phase</th>
              <th scope="col">Playing</th>
              <th scope="col">Position</th>
              <th scope="col">Intensity</th>
              <th scope="col">Note</th>
              <th scope="col">Clock time</th>
            </tr>
          </thead>
          <tbody>
            {folded.marks.map((mark) => (
              <tr key={mark.id} className="mark-row" data-mark-kind={mark.markKind}>
                <td>
                  {formatClock(mark.sessionMs + offset)}
                  {mark.span?.end !== undefined ? `–${formatClock(mark.span.end.sessionMs + offset)}` : mark.span !== undefined ? '– open' : ''}
                  {mark.span?.end?.autoClosed === true ? <span className="muted"> (closed at end)</span> : null}
                </td>
                <td style={{ color: kinds.find((kind) => kind.id === mark.markKind)?.color }}>{kindLabel(mark.markKind)}</td>
                <td>{phaseTitle(mark.phaseId)}</td>
                <td>{segmentName(playlist, mark.segmentId)}</td>
                <td>{formatPosition(mark.positionMs)}</td>
                <td>
                  <select
                    aria-label={`Intensity of ${kindLabel(mark.markKind)} at ${formatClock(mark.sessionMs + offset)}`}
                    value={mark.intensity ?? ''}
                    onChange={(event) => void saveEdit(mark, { intensity: event.target.value === '' ? null : Number(event.target.value) })}
                  >
                    <option value="">–</option>
                    {[1, 2, 3, 4, 5].map((level) => (
                      <option key={level} value={level}>
                        {level}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    className="note-input"
                    aria-label={`Note for ${kindLabel(mark.markKind)} at ${formatClock(mark.sessionMs + offset)}`}
                    defaultValue={mark.note ?? ''}
                    maxLength={5000}
                    onBlur={(event) => {
                      const note = event.target.value.trim();
                      if (note !== (mark.note ?? '')) void saveEdit(mark, { note: note === '' ? null : note });
                    }}
                  />
                  {mark.vitals !== undefined ? <div className="muted">{describeVitals(mark)}</div> : null}
                </td>
                <td>{new Date(mark.wallTime).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {folded.marks.length === 0 ? <p className="muted">No marks in this session.</p> : null}
      </section>
    </div>
  );
}
