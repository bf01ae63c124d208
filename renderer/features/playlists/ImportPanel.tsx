import { useId, useState } from 'react';
import type { PlaylistImport } from '../../../core/contract';
import { call } from '../../bridge/attune-bridge';
import { PathChooser } from '../library/PathChooser';
import { ErrorLine } from '../../ErrorLine';

export interface PhaseOption {
  readonly value: string;
  readonly label: string;
}

interface ImportPanelProps {
  /** The phases the tracks may go into; the first is chosen unless the curator picks another. */
  readonly phases: readonly PhaseOption[];
  /** e.g. (count) => `Create a playlist with ${count} tracks`. */
  readonly acceptLabel: (count: number) => string;
  /** Does the work; answers an error in words, or undefined when it worked. */
  readonly onAccept: (imported: PlaylistImport, phase: string) => Promise<string | undefined>;
  readonly disabled?: boolean;
}

const formatNames: Record<PlaylistImport['format'], string> = { m3u: 'M3U', m3u8: 'M3U8', pls: 'PLS', xspf: 'XSPF' };

/** Reads an M3U/M3U8, PLS or XSPF file, shows what was found and every entry that was not, then puts the tracks into a phase. */
export function ImportPanel({ phases, acceptLabel, onAccept, disabled = false }: ImportPanelProps) {
  const [imported, setImported] = useState<PlaylistImport | undefined>();
  const [phase, setPhase] = useState(phases[0]?.value ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const phaseSelectId = useId();

  const read = async (path: string) => {
    setImported(undefined);
    setError(undefined);
    const result = await call('playlists:import', { path });
    if (!result.ok) return `The playlist file could not be read: ${result.error.message}`;
    setImported(result.value);
    return undefined;
  };

  const accept = async () => {
    if (imported === undefined) return;
    setBusy(true);
    const problem = await onAccept(imported, phase);
    setBusy(false);
    setError(problem);
    if (problem === undefined) setImported(undefined);
  };

  return (
    <div className="import-panel">
      <PathChooser
        purpose="playlist-file"
        label="Playlist file to import: M3U, M3U8, PLS or XSPF (full path)"
        chooseLabel="Import playlist file…"
        submitLabel="Read playlist file"
        placeholder="/home/me/Music/evening.m3u8"
        disabled={disabled}
        onPath={read}
      />
      {imported !== undefined ? (
        <div className="import-report">
          <p role="status">
            <strong>{imported.title}</strong> ({formatNames[imported.format]}): {imported.segments.length} {imported.segments.length === 1 ? 'track' : 'tracks'} found
            {imported.unresolved.length > 0 ? `, ${imported.unresolved.length} ${imported.unresolved.length === 1 ? 'entry' : 'entries'} could not be used` : ''}.
          </p>
          {imported.notes.length > 0 ? (
            <ul className="plain-list import-notes">
              {imported.notes.map((note) => (
                <li key={note} className="muted">
                  {note}
                </li>
              ))}
            </ul>
          ) : null}
          {imported.unresolved.length > 0 ? (
            <ul className="plain-list unresolved-list" aria-label="Entries that could not be used">
              {imported.unresolved.map((entry, index) => (
                <li key={`${index}:${entry.location}`} className="unresolved-row">
                  <span className="root-path">
                    {entry.line === undefined ? '' : `line ${entry.line}: `}
                    {entry.location}
                  </span>
                  <span className="notice">{entry.reason}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="row">
            <label htmlFor={phaseSelectId}>Into phase</label>
            <select id={phaseSelectId} className="curator-input" value={phase} onChange={(event) => setPhase(event.target.value)}>
              {phases.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            <button type="button" className="primary" disabled={busy || disabled || imported.segments.length === 0} onClick={() => void accept()}>
              {acceptLabel(imported.segments.length)}
            </button>
            <button type="button" onClick={() => setImported(undefined)}>
              Discard
            </button>
          </div>
        </div>
      ) : null}
      <ErrorLine message={error} />
    </div>
  );
}
