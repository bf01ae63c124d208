import { useMemo, useState } from 'react';
import { insightsKinds, insightsToCsv, sortInsights, type InsightsSortKey, type TrackInsight } from '../../../core/insights';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { call } from '../../bridge/attune-bridge';
import { useHostData } from '../../use-host-data';
import { downloadText } from '../review/download';
import { insightsQueryFrom } from './insights-filter';
import './insights.css';

interface InsightsScreenProps {
  readonly kinds: readonly MarkKindDefinition[];
}

type Direction = 'asc' | 'desc';

const sortId = (key: InsightsSortKey) => (typeof key === 'string' ? key : `${key.kind}:${key.measure}`);

/** Which tracks carried resonance, and which coincided with distress or resistance, across sessions. */
export function InsightsScreen({ kinds }: InsightsScreenProps) {
  const [playlistIds, setPlaylistIds] = useState<readonly string[]>([]);
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const [sort, setSort] = useState<{ key: InsightsSortKey; direction: Direction }>({ key: 'name', direction: 'asc' });
  const query = useMemo(() => insightsQueryFrom({ playlistIds, fromDate, toDate }), [playlistIds, fromDate, toDate]);
  const [playlists] = useHostData(() => call('playlists:list', {}), []);
  const [report] = useHostData(() => call('insights:query', query), [query]);

  const kindOrder = useMemo(() => (report.status === 'ready' ? insightsKinds(report.value.rows, kinds) : []), [report, kinds]);
  const rows = useMemo(() => (report.status === 'ready' ? sortInsights(report.value.rows, sort.key, sort.direction) : []), [report, sort]);
  const kindLabel = (id: string) => kinds.find((kind) => kind.id === id)?.label ?? id;
  const kindColour = (id: string) => kinds.find((kind) => kind.id === id)?.color;

  const sortBy = (key: InsightsSortKey) =>
    setSort((current) => {
      const same = sortId(current.key) === sortId(key);
      const textual = key === 'name' || key === 'playlist';
      return { key, direction: same ? (current.direction === 'asc' ? 'desc' : 'asc') : textual ? 'asc' : 'desc' };
    });

  const header = (key: InsightsSortKey, label: string, numeric: boolean) => {
    const active = sortId(sort.key) === sortId(key);
    return (
      <th key={sortId(key)} scope="col" className={numeric ? 'numeric' : undefined} aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="sort-button" onClick={() => sortBy(key)}>
          {label}
          <span aria-hidden="true" className="sort-mark">
            {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      </th>
    );
  };

  const togglePlaylist = (id: string) => setPlaylistIds((current) => (current.includes(id) ? current.filter((other) => other !== id) : [...current, id]));

  const downloadCsv = () => {
    const day = new Date();
    const stamp = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    downloadText(`attune-insights-${stamp}.csv`, insightsToCsv(rows, kindOrder), 'text/csv;charset=utf-8');
  };

  return (
    <div className="insights">
      <section className="panel" aria-labelledby="insights-heading">
        <h1 id="insights-heading">Insights across sessions</h1>
        <p className="muted">
          For each track and soundscape: in how many sessions it played, for how long, and how many marks of each kind were taken while it played,
          per hour of play. Pauses and quiet passages do not count as play.
        </p>
        <div className="insights-filter">
          <fieldset>
            <legend className="label">Playlists</legend>
            {playlists.status === 'ready'
              ? playlists.value.map((playlist) => (
                  <label key={playlist.id} className="check">
                    <input type="checkbox" checked={playlistIds.includes(playlist.id)} onChange={() => togglePlaylist(playlist.id)} />
                    {playlist.title}
                  </label>
                ))
              : null}
            <p className="muted small-print">{playlistIds.length === 0 ? 'None chosen: every playlist.' : `${playlistIds.length} chosen.`}</p>
          </fieldset>
          <div className="insights-dates">
            <label className="field">
              <span className="label">Sessions from</span>
              <input type="date" value={fromDate} max={toDate || undefined} onChange={(event) => setFromDate(event.target.value)} />
            </label>
            <label className="field">
              <span className="label">to (included)</span>
              <input type="date" value={toDate} min={fromDate || undefined} onChange={(event) => setToDate(event.target.value)} />
            </label>
          </div>
        </div>
      </section>
      <section className="panel" aria-labelledby="tracks-heading">
        <div className="insights-heading-row">
          <h2 id="tracks-heading">Tracks</h2>
          <button type="button" onClick={downloadCsv} disabled={report.status !== 'ready' || rows.length === 0}>
            Download CSV
          </button>
        </div>
        {report.status === 'loading' ? <p className="muted">Reading the session journals…</p> : null}
        {report.status === 'error' ? <p className="error">Insights could not be computed: {report.message}</p> : null}
        {report.status === 'ready' ? (
          <>
            <p className="muted" data-testid="insights-summary">
              {report.value.sessionCount} session{report.value.sessionCount === 1 ? '' : 's'} · {rows.length} track{rows.length === 1 ? '' : 's'}
              {report.value.skipped.length > 0 ? ` · ${report.value.skipped.length} session folder(s) could not be read` : ''}
            </p>
            {rows.length === 0 ? (
              <p className="muted">No sessions match.</p>
            ) : (
              <div className="insights-scroll">
                <table className="insights-table">
                  <thead>
                    <tr>
                      {header('name', 'Track', false)}
                      {header('playlist', 'Playlist', false)}
                      {header('sessions', 'Sessions', true)}
                      {header('minutes', 'Minutes played', true)}
                      {kindOrder.map((kind) => header({ kind, measure: 'perHour' }, `${kindLabel(kind)} / h`, true))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <InsightRow key={`${row.playlistId}/${row.segmentId}`} row={row} kindOrder={kindOrder} kindColour={kindColour} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {report.value.skipped.length > 0 ? (
              <details className="muted">
                <summary>Session folders not read</summary>
                <ul>
                  {report.value.skipped.map((skipped) => (
                    <li key={skipped.sessionId}>
                      {skipped.sessionId}: {skipped.reason}
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </>
        ) : null}
      </section>
    </div>
  );
}

function InsightRow({
  row,
  kindOrder,
  kindColour,
}: {
  readonly row: TrackInsight;
  readonly kindOrder: readonly string[];
  readonly kindColour: (id: string) => string | undefined;
}) {
  return (
    <tr data-segment-id={row.segmentId}>
      <th scope="row">
        {row.name}
        {row.type === 'soundscape' ? <span className="muted"> · soundscape</span> : null}
      </th>
      <td>{row.playlistTitle}</td>
      <td className="numeric">{row.sessions}</td>
      <td className="numeric">{row.minutesPlayed.toFixed(1)}</td>
      {kindOrder.map((kind) => {
        const count = row.marks[kind] ?? 0;
        const perHour = row.playedMs > 0 ? (row.marksPerHour[kind] ?? 0) : null;
        return (
          <td key={kind} className="numeric" data-kind={kind} style={count > 0 ? { color: kindColour(kind) } : undefined}>
            {perHour === null ? '—' : count === 0 ? <span className="muted">0</span> : perHour.toFixed(2)}
            {count > 0 ? <span className="muted count"> ({count})</span> : null}
          </td>
        );
      })}
    </tr>
  );
}
