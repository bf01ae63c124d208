import { insightsLookup, libraryTrackInsight } from '../../../core/insights';
import type { LibraryTrack } from '../../../core/library';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { useMemo } from 'react';
import { call } from '../../bridge/attune-bridge';
import { useHostData } from '../../use-host-data';
import { useExternalState } from '../../use-external-state';
import { isPreviewing, trackPreviewItem, type CuratorAudio } from './curator-audio';
import { Pager } from './Pager';
import { TrackInsightCell } from './TrackInsightCell';
import { loudnessText, namesForRepeatedTitles, trackDuration, trackTitle } from './track-format';
import { useTrackSearch } from './use-track-search';
import { ErrorLine } from '../../ErrorLine';

const pageSize = 100;

interface TrackTableProps {
  readonly tracks: readonly LibraryTrack[];
  readonly audio: CuratorAudio;
  /** For the insights' labels; kind ids are shown without them. */
  readonly kinds?: readonly MarkKindDefinition[];
}

/** Every library track, filtered by a query and shown a page at a time (a library can hold thousands). */
export function TrackTable({ tracks, audio, kinds = [] }: TrackTableProps) {
  const { query, setQuery, shown, setPage } = useTrackSearch(tracks, pageSize);
  const preview = useExternalState(audio.preview);
  const repeatedTitleNames = useMemo(() => namesForRepeatedTitles(tracks), [tracks]);
  // Every session, every playlist: a recording's history wherever it sat (the same channel as the insights screen).
  const [insights] = useHostData(() => call('insights:query', {}), []);
  const insightOf = useMemo(() => (insights.status === 'ready' ? insightsLookup(insights.value.rows) : () => undefined), [insights]);
  const kindLabel = (id: string) => kinds.find((kind) => kind.id === id)?.label ?? id;

  return (
    <div className="track-table-wrap">
      <div className="row table-tools">
        <label className="filter-field">
          <span className="visually-hidden">Filter tracks</span>
          <input
            type="search"
            value={query}
            placeholder="Filter by title, artist, album or file"
            onChange={(event) => setQuery(event.target.value)}
          />
        </label>
        <Pager page={shown} noun="tracks" onPage={setPage} />
      </div>
      {audio.liveRunning ? <p className="notice">A session is playing: previews wait until it has ended.</p> : null}
      <ErrorLine message={preview.status === 'failed' ? `${preview.label}: ${preview.message}` : undefined} />
      <table className="track-table">
        <colgroup>
          <col className="col-preview" />
          <col className="col-title" />
          <col className="col-artist" />
          <col className="col-album" />
          <col className="col-length" />
          <col className="col-format" />
          <col className="col-loudness" />
          <col className="col-insight" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Preview</span>
            </th>
            <th scope="col">Title</th>
            <th scope="col">Artist</th>
            <th scope="col">Album</th>
            <th scope="col">Length</th>
            <th scope="col">Format</th>
            <th scope="col">Loudness</th>
            <th scope="col" title="In how many sessions it played; the marks taken while it did on hover, focus or press">
              In sessions
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.items.map(({ track }) => {
            const playing = isPreviewing(preview, track.path);
            const title = trackTitle(track);
            const loudness = loudnessText(track);
            const fileName = repeatedTitleNames.get(track.path);
            return (
              <tr key={track.path} data-path={track.path}>
                <td>
                  <button
                    type="button"
                    className="small preview-button"
                    aria-pressed={playing}
                    aria-label={playing ? `Stop ${title}` : `Preview ${title}`}
                    disabled={audio.liveRunning}
                    onClick={() =>
                      playing
                        ? audio.preview.stop()
                        : void audio.preview.play({ kind: 'track', id: track.path, label: title, item: trackPreviewItem(track, audio.targetLufs) })
                    }
                  >
                    {playing ? (preview.status === 'loading' ? 'Loading…' : 'Stop') : 'Play'}
                  </button>
                </td>
                <td className="track-title" title={track.path}>
                  <span className="cell-text">{title}</span>
                  {fileName !== undefined ? <span className="cell-text track-file muted">{fileName}</span> : null}
                </td>
                <td title={track.artist}>
                  <span className="cell-text">{track.artist ?? ''}</span>
                </td>
                <td title={track.album}>
                  <span className="cell-text">{track.album ?? ''}</span>
                </td>
                <td className="numeric">{trackDuration(track)}</td>
                <td>{track.format}</td>
                <td className={loudness === 'not analysed' ? 'muted' : track.measured === undefined && track.analysisProblem !== undefined ? 'notice' : ''}>{loudness}</td>
                <TrackInsightCell insight={libraryTrackInsight(insightOf, track)} kindLabel={kindLabel} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown.total === 0 && tracks.length > 0 ? <p className="muted">No track matches “{query}”.</p> : null}
      {tracks.length === 0 ? <p className="muted">No tracks yet: add a folder and scan it.</p> : null}
    </div>
  );
}
