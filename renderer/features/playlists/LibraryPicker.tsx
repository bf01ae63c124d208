import { useId, useMemo, useState } from 'react';
import type { LibraryTrack } from '../../../core/library';
import { trackLoudness } from '../../../core/library';
import { useExternalState } from '../../use-external-state';
import { isPreviewing, trackPreviewItem, type CuratorAudio } from '../library/curator-audio';
import { Pager } from '../library/Pager';
import { namesForRepeatedTitles, signedDecimal, trackDuration, trackTitle } from '../library/track-format';
import { useTrackSearch } from '../library/use-track-search';
import type { DragItem } from './editor-model';
import { hrefFor } from '../../routes';

interface LibraryPickerProps {
  readonly tracks: readonly LibraryTrack[];
  readonly phases: readonly { readonly id: string; readonly title: string }[];
  /** The phase "Add to phase" chooses unless the curator picks another (the selected one). */
  readonly suggestedPhaseId: string | undefined;
  readonly audio: CuratorAudio;
  readonly onAdd: (tracks: readonly LibraryTrack[], phaseId: string) => void;
  readonly onDragStart: (item: DragItem) => void;
  readonly onDragEnd: () => void;
}

const pageSize = 60;

function loudnessShort(track: LibraryTrack): string {
  const loudness = trackLoudness(track);
  return loudness === undefined ? 'not analysed' : `${signedDecimal(loudness.integratedLufs)} LUFS`;
}

/** The library as a searchable list: tracks are dragged into a phase, or selected and added with the keyboard. */
export function LibraryPicker({ tracks, phases, suggestedPhaseId, audio, onAdd, onDragStart, onDragEnd }: LibraryPickerProps) {
  const { query, setQuery, shown, setPage } = useTrackSearch(tracks, pageSize);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [chosenPhase, setChosenPhase] = useState<string | undefined>();
  const preview = useExternalState(audio.preview);
  const phaseSelectId = useId();
  const byPath = useMemo(() => new Map(tracks.map((track) => [track.path, track])), [tracks]);
  const repeatedTitleNames = useMemo(() => namesForRepeatedTitles(tracks), [tracks]);
  const phaseId = chosenPhase !== undefined && phases.some((phase) => phase.id === chosenPhase) ? chosenPhase : (suggestedPhaseId ?? phases[0]?.id);

  const toggle = (path: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  const selectedTracks = [...selected].map((path) => byPath.get(path)).filter((track) => track !== undefined);

  return (
    <section className="library-picker" aria-labelledby="picker-heading">
      <h2 id="picker-heading">Library</h2>
      <label className="filter-field">
        <span className="visually-hidden">Search the library</span>
        <input
          type="search"
          value={query}
          placeholder="Search title, artist, album"
          onChange={(event) => setQuery(event.target.value)}
        />
      </label>
      <Pager page={shown} noun="tracks" onPage={setPage} />
      {tracks.length === 0 ? (
        <p className="muted">
          The library is empty: <a href={hrefFor({ screen: 'library' })}>add a music folder and scan it</a>.
        </p>
      ) : null}
      <ul className="picker-list" aria-label="Library tracks">
        {shown.items.map(({ track }) => {
          const title = trackTitle(track);
          const isSelected = selected.has(track.path);
          const playing = isPreviewing(preview, track.path);
          return (
            <li
              key={track.path}
              className={isSelected ? 'picker-row selected' : 'picker-row'}
              data-path={track.path}
              draggable
              onDragStart={(event) => {
                const paths = isSelected ? [...selected] : [track.path];
                event.dataTransfer.effectAllowed = 'copy';
                event.dataTransfer.setData('text/plain', paths.map((path) => byPath.get(path)?.title ?? path).join('\n'));
                onDragStart({ kind: 'tracks', paths });
              }}
              onDragEnd={onDragEnd}
            >
              <label className="picker-choice">
                <input type="checkbox" checked={isSelected} onChange={() => toggle(track.path)} aria-label={`Select ${title}`} />
                <span className="picker-text">
                  <span className="picker-title" title={track.path}>
                    {title}
                  </span>
                  {repeatedTitleNames.has(track.path) ? <span className="muted picker-meta picker-file">{repeatedTitleNames.get(track.path)}</span> : null}
                  <span className="muted picker-meta">
                    {track.artist === undefined ? '' : `${track.artist} · `}
                    {trackDuration(track)} · {loudnessShort(track)}
                  </span>
                </span>
              </label>
              <button
                type="button"
                className="small preview-button"
                aria-pressed={playing}
                aria-label={playing ? `Stop ${title}` : `Preview ${title}`}
                disabled={audio.liveRunning}
                onClick={() =>
                  playing ? audio.preview.stop() : void audio.preview.play({ kind: 'track', id: track.path, label: title, item: trackPreviewItem(track, audio.targetLufs) })
                }
              >
                {playing ? 'Stop' : 'Play'}
              </button>
            </li>
          );
        })}
      </ul>
      <div className="picker-add">
        <label htmlFor={phaseSelectId}>Phase</label>
        <select id={phaseSelectId} className="curator-input" value={phaseId ?? ''} onChange={(event) => setChosenPhase(event.target.value)}>
          {phases.map((phase) => (
            <option key={phase.id} value={phase.id}>
              {phase.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="primary"
          disabled={selectedTracks.length === 0 || phaseId === undefined}
          onClick={() => {
            if (phaseId === undefined) return;
            onAdd(selectedTracks, phaseId);
            setSelected(new Set());
          }}
        >
          Add {selectedTracks.length > 0 ? `${selectedTracks.length} ` : ''}to phase
        </button>
      </div>
    </section>
  );
}
