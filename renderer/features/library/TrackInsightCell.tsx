import { useId, useState } from 'react';
import { trendMinimumSessions, type TrackInsight } from '../../../core/insights';

interface TrackInsightCellProps {
  /** The recording's insights; undefined when no session played it. */
  readonly insight: TrackInsight | undefined;
  readonly kindLabel: (kindId: string) => string;
}

const perHourText = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(2));

/**
 * What the sessions say about one library track, quietly: how many sessions played it (or
 * "too few sessions" under the trend minimum), with the marks per hour, counted and weighed
 * by intensity, shown while the figure has the pointer or the keyboard focus, or pinned by
 * pressing it.
 */
export function TrackInsightCell({ insight, kindLabel }: TrackInsightCellProps) {
  const detailId = useId();
  const [pinned, setPinned] = useState(false);
  if (insight === undefined) {
    return (
      <td className="track-insight">
        <span className="visually-hidden">Not played in any session</span>
      </td>
    );
  }
  const trend = insight.sessions >= trendMinimumSessions;
  const kinds = Object.keys(insight.marks);
  return (
    <td className="track-insight" data-sessions={insight.sessions} data-trend={trend}>
      <button
        type="button"
        className={trend ? 'insight-figure' : 'insight-figure few-sessions'}
        aria-describedby={detailId}
        aria-expanded={pinned}
        onClick={() => setPinned((current) => !current)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setPinned(false);
        }}
      >
        {trend ? `${insight.sessions} sessions` : 'too few sessions'}
      </button>
      <div role="tooltip" id={detailId} className={pinned ? 'insight-detail pinned' : 'insight-detail'}>
        <p>
          {insight.sessions} session{insight.sessions === 1 ? '' : 's'}, {insight.clients} client{insight.clients === 1 ? '' : 's'} · {insight.minutesPlayed.toFixed(1)} min played
          {trend ? '' : ` · fewer than ${trendMinimumSessions} sessions: not a trend`}
        </p>
        {kinds.length === 0 ? (
          <p>No marks while it played.</p>
        ) : (
          <ul>
            {kinds.map((kind) => (
              <li key={kind} data-kind={kind}>
                {kindLabel(kind)}: {insight.marks[kind]} · {perHourText(insight.marksPerHour[kind])} / h · weighed by intensity {perHourText(insight.weightedPerHour[kind])} / h
              </li>
            ))}
          </ul>
        )}
        {insight.movesIntoWindow + insight.movesOutOfWindow > 0 ? (
          <p>
            Moves into the window while it played: {insight.movesIntoWindow}; out of it: {insight.movesOutOfWindow}
          </p>
        ) : null}
      </div>
    </td>
  );
}
