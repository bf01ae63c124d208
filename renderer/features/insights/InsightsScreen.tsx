import { useMemo, useState } from 'react';
import { insightsKinds, insightsToCsv, sortInsights, trendMinimumSessions, unratedIntensity, type InsightsSortKey, type TrackInsight } from '../../../core/insights';
import type { ClientStateDefinition } from '../../../core/client-states';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { call } from '../../bridge/attune-bridge';
import { useHostData } from '../../use-host-data';
import { downloadText } from '../review/download';
import { insightsQueryFrom } from './insights-filter';
import './insights.css';

interface InsightsScreenProps {
  readonly kinds: readonly MarkKindDefinition[];
  readonly clientStates: readonly ClientStateDefinition[];
}

type Direction = 'asc' | 'desc';
/** Whether a kind's column counts marks or weighs them by intensity. */
type RateMeasure = 'perHour' | 'weightedPerHour';

const sortId = (key: InsightsSortKey) => (typeof key === 'string' ? key : `${key.kind}:${key.measure}`);

/** Which tracks carried resonance, and which coincided with distress or resistance, across sessions. */
export function InsightsScreen({ kinds, clientStates }: InsightsScreenProps) {
  const [playlistIds, setPlaylistIds] = useState<readonly string[]>([]);
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const [sort, setSort] = useState<{ key: InsightsSortKey; direction: Direction }>({ key: 'name', direction: 'asc' });
  const [measure, setMeasure] = useState<RateMeasure>('perHour');
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
          For each recording and soundscape: in how many sessions (and for how many clients) it played, for how long, and how many marks of each
          kind were taken while it played, per hour of play. Pauses and quiet passages do not count as play. A recording is one row wherever it
          sat — in several playlists or in a copy — recognised by its title, artist and duration (a soundscape by its preset and settings). Rates
          from fewer than {trendMinimumSessions} sessions are shown faint: too few to be a trend.
        </p>
        <p className="muted" id="insights-weighting">
          Weighed by intensity, each mark counts its intensity divided by {unratedIntensity}: a mark of intensity {unratedIntensity} — or one without an
          intensity — counts 1, intensity 5 counts 1.67 and intensity 1 counts 0.33. So one strong mark can outweigh several faint ones, and a mark
          nobody rated is not taken for faint. An intensity corrected later counts as corrected.
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
          <label className="field inline-field">
            <span className="label">Marks per hour</span>
            <select
              name="insights-measure"
              aria-describedby="insights-weighting"
              value={measure}
              onChange={(event) => {
                const next: RateMeasure = event.target.value === 'weightedPerHour' ? 'weightedPerHour' : 'perHour';
                setMeasure(next);
                setSort((current) => (typeof current.key === 'object' && current.key.measure !== 'count' ? { ...current, key: { kind: current.key.kind, measure: next } } : current));
              }}
            >
              <option value="perHour">counted</option>
              <option value="weightedPerHour">weighed by intensity</option>
            </select>
          </label>
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
                      {header('playlist', 'Playlists', false)}
                      {header('sessions', 'Sessions', true)}
                      <th scope="col" className="numeric">
                        Clients
                      </th>
                      {header('minutes', 'Minutes played', true)}
                      {kindOrder.map((kind) => header({ kind, measure }, `${kindLabel(kind)} / h${measure === 'weightedPerHour' ? ' (weighed)' : ''}`, true))}
                      <th scope="col">Breakdown</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <InsightRow
                        key={row.recordingKey}
                        row={row}
                        kindOrder={kindOrder}
                        measure={measure}
                        kindColour={kindColour}
                        kindLabel={kindLabel}
                        stateLabel={(id) => clientStates.find((state) => state.id === id)?.label ?? id}
                      />
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

const phaseOrder = ['onset', 'peak', 'return'];

function describeMarks(marks: Readonly<Record<string, number>>, kindLabel: (id: string) => string): string {
  const parts = Object.entries(marks).map(([kind, count]) => `${kindLabel(kind)} ${count}`);
  return parts.length === 0 ? 'no marks' : parts.join(', ');
}

function InsightRow({
  row,
  kindOrder,
  measure,
  kindColour,
  kindLabel,
  stateLabel,
}: {
  readonly row: TrackInsight;
  readonly kindOrder: readonly string[];
  readonly measure: RateMeasure;
  readonly kindColour: (id: string) => string | undefined;
  readonly kindLabel: (id: string) => string;
  readonly stateLabel: (id: string) => string;
}) {
  const trend = row.sessions >= trendMinimumSessions;
  const phases = Object.keys(row.byPhase).sort((a, b) => (phaseOrder.indexOf(a) + 1 || 99) - (phaseOrder.indexOf(b) + 1 || 99) || (a < b ? -1 : 1));
  const states = Object.keys(row.byState);
  return (
    <tr data-segment-id={row.segmentId} data-recording={row.recordingKey} data-trend={trend}>
      <th scope="row">
        {row.name}
        {row.type === 'soundscape' ? <span className="muted"> · soundscape</span> : null}
      </th>
      <td>{row.playlistTitle}</td>
      <td className="numeric">{row.sessions}</td>
      <td className="numeric">{row.clients}</td>
      <td className="numeric">{row.minutesPlayed.toFixed(1)}</td>
      {kindOrder.map((kind) => {
        const count = row.marks[kind] ?? 0;
        const perHour = row.playedMs > 0 ? ((measure === 'weightedPerHour' ? row.weightedPerHour[kind] : row.marksPerHour[kind]) ?? 0) : null;
        return (
          <td
            key={kind}
            className={trend ? 'numeric' : 'numeric few-sessions'}
            data-kind={kind}
            title={trend ? undefined : `From ${row.sessions} session${row.sessions === 1 ? '' : 's'}: not a trend`}
            style={count > 0 && trend ? { color: kindColour(kind) } : undefined}
          >
            {perHour === null ? '—' : count === 0 ? <span className="muted">0</span> : perHour.toFixed(2)}
            {count > 0 ? <span className="muted count"> ({count})</span> : null}
          </td>
        );
      })}
      <td>
        <details className="insight-breakdown">
          <summary className="muted">By phase and state</summary>
          <ul>
            {phases.map((phase) => (
              <li key={phase}>
                {phase[0]?.toUpperCase()}
                {phase.slice(1)}: {((row.byPhase[phase]?.playedMs ?? 0) / 60_000).toFixed(1)} min · {describeMarks(row.byPhase[phase]?.marks ?? {}, kindLabel)}
              </li>
            ))}
            {states.map((state) => (
              <li key={state}>
                While {stateLabel(state).toLowerCase()}: {((row.byState[state]?.ms ?? 0) / 60_000).toFixed(1)} min · {describeMarks(row.byState[state]?.marks ?? {}, kindLabel)}
              </li>
            ))}
            {states.length === 0 ? <li className="muted">No client state was recorded while it played.</li> : null}
            {row.movesIntoWindow + row.movesOutOfWindow > 0 ? (
              <li>
                Moves into the window while it played: {row.movesIntoWindow}; out of it: {row.movesOutOfWindow}
              </li>
            ) : null}
            <li className="muted">
              Identified by {row.identifiedBy === 'tags' ? 'title, artist and duration' : row.identifiedBy === 'file-name' ? 'file name and duration' : row.identifiedBy === 'soundscape' ? 'preset and settings' : 'its playlist segment only'}
              {row.placements.length > 1 ? ` · in ${row.placements.length} places` : ''}
            </li>
          </ul>
        </details>
      </td>
    </tr>
  );
}
