import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PreflightHostFacts } from '../../../core/contract';
import { phaseTotals, playlistWarnings, sessionLengthBoundsSeconds, type CurationWarning } from '../../../core/curation-warnings';
import { formatMinutes } from '../../../core/format';
import type { LibraryTrack, LibraryView } from '../../../core/library';
import { phaseSegments, type Playlist, type SoundscapePreset } from '../../../core/playlist';
import {
  addPhase,
  addSegments,
  addTracks,
  applyLibraryFacts,
  insertSoundscape,
  locateSegment,
  moveSegment,
  removePhase,
  removeSegment,
  updatePhase,
  updatePlaylistDetails,
  updateSegment,
  type PhasePatch,
  type PlaylistDraft,
  type SegmentPatch,
} from '../../../core/playlist-edit';
import type { Result } from '../../../core/result';
import { call } from '../../bridge/attune-bridge';
import { hrefFor, navigate } from '../../routes';
import { useExternalState } from '../../use-external-state';
import { segmentPreviewItem, type CuratorAudio } from '../library/curator-audio';
import { DraftEditor, type SaveStatus } from './DraftEditor';
import { moveSlot, nextSegment, type DragItem, type DropTarget } from './editor-model';
import { fileFactsFor, type HostFileFact } from './file-facts';
import { NumberField, TextField } from './fields';
import { ImportPanel } from './ImportPanel';
import { LibraryPicker } from './LibraryPicker';
import { PhaseCard, type PhaseActions } from './PhaseCard';
import { PlaylistExport } from './PlaylistExport';
import { SegmentInspector } from './SegmentInspector';
import { WarningsPanel } from './WarningsPanel';
import { useDisposable } from '../library/use-disposable';
import '../library/library.css';
import { segmentName } from '../../../core/segment-names';
import './playlists.css';

interface PlaylistEditorProps {
  readonly playlistId: string;
  readonly audio: CuratorAudio;
}

interface Loaded {
  readonly playlist: Playlist;
  readonly bundled: boolean;
}

/** Loads the playlist (and whether it is bundled), then edits it; the library and the host's file checks arrive alongside. */
export function PlaylistEditor({ playlistId, audio }: PlaylistEditorProps) {
  const [loaded, setLoaded] = useState<Loaded | { error: string } | undefined>();
  const [library, setLibrary] = useState<LibraryView | { error: string } | undefined>();
  const [hostFacts, setHostFacts] = useState<ReadonlyMap<string, HostFileFact>>(new Map());

  useEffect(() => {
    let cancelled = false;
    void Promise.all([call('playlists:get', { playlistId }), call('playlists:list', {})]).then(([playlist, list]) => {
      if (cancelled) return;
      if (!playlist.ok) return setLoaded({ error: playlist.error.message });
      const bundled = list.ok && list.value.some((summary) => summary.id === playlistId && summary.source === 'bundled' && summary.problem === undefined);
      setLoaded({ playlist: playlist.value, bundled });
      // The host checks the saved playlist's files (relative paths of a bundled playlist included).
      void call('preflight:facts', { playlistId }).then((facts) => {
        if (!cancelled && facts.ok) setHostFacts(hostFactsBySegment(playlist.value, facts.value));
      });
    });
    void call('library:get', {}).then((view) => {
      if (!cancelled) setLibrary(view.ok ? view.value : { error: view.error.message });
    });
    return () => {
      cancelled = true;
    };
  }, [playlistId]);

  if (loaded === undefined) return <p className="muted">Opening the playlist…</p>;
  if ('error' in loaded) {
    return (
      <div className="panel">
        <p className="error" role="alert">
          The playlist could not be opened: {loaded.error}
        </p>
        <a href={hrefFor({ screen: 'playlists' })}>Back to the playlists</a>
      </div>
    );
  }
  return <EditorBody playlist={loaded.playlist} bundled={loaded.bundled} library={library} hostFacts={hostFacts} audio={audio} />;
}

function hostFactsBySegment(playlist: Playlist, facts: PreflightHostFacts): Map<string, HostFileFact> {
  const paths = new Map<string, string>();
  for (const phase of playlist.phases) {
    for (const segment of phaseSegments(phase)) if (segment.type === 'file') paths.set(segment.id, segment.path);
  }
  const bySegment = new Map<string, HostFileFact>();
  for (const fact of facts.files) {
    const path = paths.get(fact.segmentId);
    if (path !== undefined) bySegment.set(fact.segmentId, { path, fact });
  }
  return bySegment;
}

/** Keeps the keyboard where the curator is after a row moved to another list or was removed. */
function focusSoon(elementId: string): void {
  requestAnimationFrame(() => document.getElementById(elementId)?.focus());
}

type Selection = { readonly kind: 'segment'; readonly id: string } | { readonly kind: 'phase'; readonly id: string } | undefined;

const notTextInputs = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

/** Ctrl+Z in a text field undoes the typing there, not an edit of the playlist. */
const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || target.tagName === 'TEXTAREA' || (target instanceof HTMLInputElement && !notTextInputs.has(target.type)));

/** Where a segment now is, in words for a screen reader: "Weightless: 2 of 5 in Peak". */
function placeOf(draft: PlaylistDraft, segmentId: string): string | undefined {
  const at = locateSegment(draft, segmentId);
  const phase = at === undefined ? undefined : draft.phases[at.phaseIndex];
  if (at === undefined || phase === undefined) return undefined;
  return `${segmentName(at.segment)}: ${at.index + 1} of ${phase[at.list]?.length ?? 0} in ${phase.title}${at.list === 'extras' ? ' (extras)' : ''}`;
}

function saveText(status: SaveStatus): string {
  switch (status.kind) {
    case 'saved':
      return 'Saved';
    case 'pending':
    case 'saving':
      return 'Saving…';
    case 'invalid':
    case 'failed':
      return status.message;
    case 'read-only':
      return 'Bundled playlist: read-only';
  }
}

interface EditorBodyProps {
  readonly playlist: Playlist;
  readonly bundled: boolean;
  readonly library: LibraryView | { error: string } | undefined;
  readonly hostFacts: ReadonlyMap<string, HostFileFact>;
  readonly audio: CuratorAudio;
}

function EditorBody(props: EditorBodyProps) {
  const { playlist, bundled, audio } = props;
  const editor = useDisposable(
    () => new DraftEditor(playlist, (value) => call('playlists:save', { playlist: value }), { readOnly: bundled }),
    // Leaving the screen writes what is waiting before the editor goes.
    (created) => void created.flush().finally(() => created.dispose()),
    [playlist, bundled],
  );
  useEffect(() => () => audio.preview.stop(), [audio.preview]);
  return editor === undefined ? null : <EditorView {...props} editor={editor} />;
}

function EditorView({ bundled, library, hostFacts, audio, editor }: EditorBodyProps & { readonly editor: DraftEditor }) {
  const state = useExternalState(editor);
  const preview = useExternalState(audio.preview);
  const draft = state.history.present;
  const readOnly = bundled;
  const [selection, setSelection] = useState<Selection>();
  const [duplicateError, setDuplicateError] = useState<string | undefined>();
  const dragging = useRef<DragItem | undefined>(undefined);
  const [dropTarget, setDropTarget] = useState<DropTarget | undefined>();
  const dropTargetRef = useRef<DropTarget | undefined>(undefined);

  // The page going away (a reload, closing the window) writes what is waiting, as far as it can.
  useEffect(() => {
    const flush = () => void editor.flush();
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [editor]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (readOnly || isTyping(event.target) || !(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) editor.undo();
      else if ((key === 'z' && event.shiftKey) || (key === 'y' && !event.metaKey)) editor.redo();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editor, readOnly]);

  const libraryView = library !== undefined && !('error' in library) ? library : undefined;
  const facts = useMemo(() => (libraryView === undefined ? undefined : fileFactsFor(draft, libraryView, hostFacts)), [draft, libraryView, hostFacts]);
  const warnings = useMemo(() => (facts === undefined ? undefined : playlistWarnings(draft, { files: facts, targetLufs: audio.targetLufs })), [draft, facts, audio.targetLufs]);
  const totals = useMemo(() => phaseTotals(draft, { files: facts ?? new Map() }), [draft, facts]);
  const refreshed = useMemo(() => (facts === undefined ? undefined : applyLibraryFacts(draft, facts)), [draft, facts]);
  const canRefresh = !readOnly && refreshed !== undefined && refreshed.ok && refreshed.value !== draft;
  const warningCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const warning of warnings ?? []) if (warning.segmentId !== undefined) counts.set(warning.segmentId, (counts.get(warning.segmentId) ?? 0) + 1);
    return counts;
  }, [warnings]);

  const tracksByPath = useMemo(() => new Map((libraryView?.tracks ?? []).map((track) => [track.path, track])), [libraryView]);
  const tracksRef = useRef(tracksByPath);
  tracksRef.current = tracksByPath;

  const edit = useCallback((result: Result<typeof draft>, label: string, coalesce?: string) => editor.edit(result, label, coalesce === undefined ? {} : { coalesce }), [editor]);
  const [announcement, setAnnouncement] = useState('');
  /** A move, and where the segment landed (said aloud: a moved row gives no other sign to a screen reader). */
  const move = useCallback(
    (result: Result<PlaylistDraft>, segmentId: string, label: string): boolean => {
      if (!edit(result, label)) return false;
      setAnnouncement(placeOf(editor.draft, segmentId) ?? '');
      return true;
    },
    [editor, edit],
  );

  const showDrop = useCallback((target: DropTarget | undefined) => {
    const current = dropTargetRef.current;
    if (current?.phaseId === target?.phaseId && current?.index === target?.index) return;
    dropTargetRef.current = target;
    setDropTarget(target);
  }, []);

  const addTracksAt = useCallback(
    (tracks: readonly LibraryTrack[], target: DropTarget) => {
      if (tracks.length === 0) return;
      edit(addTracks(editor.draft, target, tracks), tracks.length === 1 ? 'add track' : `add ${tracks.length} tracks`);
    },
    [editor, edit],
  );

  const actions = useMemo<PhaseActions>(
    () => ({
      selectSegment: (id) => setSelection({ kind: 'segment', id }),
      selectPhase: (id) => setSelection({ kind: 'phase', id }),
      updatePhase: (phaseId: string, patch: PhasePatch, label: string, coalesce?: string) => edit(updatePhase(editor.draft, phaseId, patch), label, coalesce),
      removePhase: (phaseId) => edit(removePhase(editor.draft, phaseId), 'remove phase'),
      moveSegmentBy: (segmentId, delta) => {
        const current = editor.draft;
        const at = locateSegment(current, segmentId);
        if (at === undefined || at.list !== 'segments') return;
        const phase = current.phases[at.phaseIndex];
        if (phase === undefined) return;
        const index = at.index + delta;
        if (index >= 0 && index < phase.segments.length) {
          move(moveSegment(current, segmentId, { phaseId: phase.id, index }), segmentId, delta < 0 ? 'move up' : 'move down');
          return;
        }
        // Past the end of its phase: into the neighbouring phase, at the near end.
        const neighbour = current.phases[at.phaseIndex + delta];
        if (neighbour === undefined) return;
        if (move(moveSegment(current, segmentId, { phaseId: neighbour.id, index: delta < 0 ? neighbour.segments.length : 0 }), segmentId, `move to ${neighbour.title}`)) {
          focusSoon(`segment-${segmentId}`);
        }
      },
      removeSegment: (segmentId) => {
        const current = editor.draft;
        const at = locateSegment(current, segmentId);
        if (at === undefined || !edit(removeSegment(current, segmentId), 'remove')) return;
        setSelection((selected) => (selected?.kind === 'segment' && selected.id === segmentId ? undefined : selected));
        const list = current.phases[at.phaseIndex]?.[at.list] ?? [];
        const neighbour = list[at.index + 1] ?? list[at.index - 1];
        focusSoon(neighbour === undefined ? `phase-${at.phaseId}` : `segment-${neighbour.id}`);
      },
      insertSoundscape: (phaseId: string, index: number, preset: SoundscapePreset, minutes: number) => {
        const result = insertSoundscape(editor.draft, { phaseId, index }, { preset, durationSeconds: Math.round(minutes * 60) });
        edit(result, 'insert soundscape');
        return result.ok ? undefined : result.error.message;
      },
      dragStart: (item) => {
        dragging.current = item;
      },
      dragEnd: () => {
        dragging.current = undefined;
        showDrop(undefined);
      },
      dragOver: (target) => {
        if (dragging.current === undefined) return false;
        showDrop(target);
        return true;
      },
      drop: () => {
        const item = dragging.current;
        const target = dropTargetRef.current;
        dragging.current = undefined;
        showDrop(undefined);
        if (item === undefined || target === undefined) return;
        if (item.kind === 'segment') {
          move(moveSegment(editor.draft, item.segmentId, moveSlot(editor.draft, item.segmentId, target)), item.segmentId, 'move');
          return;
        }
        const tracks = item.paths.map((path) => tracksRef.current.get(path)).filter((track) => track !== undefined);
        addTracksAt(tracks, target);
      },
    }),
    [editor, edit, move, showDrop, addTracksAt],
  );

  const selected = selection?.kind === 'segment' ? locateSegment(draft, selection.id) : undefined;
  const selectedPhaseId = selection?.kind === 'phase' ? selection.id : selected?.phaseId;

  const show = (warning: CurationWarning) => {
    const target = warning.segmentId !== undefined ? `segment-${warning.segmentId}` : `phase-${warning.phaseId ?? ''}`;
    setSelection(warning.segmentId !== undefined ? { kind: 'segment', id: warning.segmentId } : warning.phaseId !== undefined ? { kind: 'phase', id: warning.phaseId } : undefined);
    const element = document.getElementById(target);
    element?.scrollIntoView({ block: 'nearest' });
    element?.focus();
  };

  const duplicate = async () => {
    const result = await call('playlists:duplicate', { playlistId: draft.id });
    if (!result.ok) setDuplicateError(`It could not be duplicated: ${result.error.message}`);
    else navigate({ screen: 'playlist', playlistId: result.value.id });
  };

  const previewActions = {
    track: () => {
      if (selected === undefined) return;
      void audio.preview.play({
        kind: 'track',
        id: `track:${selected.segment.id}`,
        label: segmentName(selected.segment),
        item: segmentPreviewItem(draft.id, selected.segment, audio.targetLufs),
      });
    },
    transition: () => {
      if (selected === undefined) return;
      const next = nextSegment(draft, selected.segment.id);
      if (next === undefined) return;
      void audio.preview.play({
        kind: 'transition',
        id: `transition:${selected.segment.id}`,
        label: `${segmentName(selected.segment)} → ${segmentName(next)}`,
        from: segmentPreviewItem(draft.id, selected.segment, audio.targetLufs),
        to: segmentPreviewItem(draft.id, next, audio.targetLufs),
        crossfadeSeconds: next.crossfadeSeconds ?? draft.crossfadeSeconds,
      });
    },
  };

  const { min, max } = sessionLengthBoundsSeconds;
  const sessionOutside = totals.targetSeconds < min || totals.targetSeconds > max;
  const saveStatus = state.save;
  const unsavedReason = saveStatus.kind === 'invalid' || saveStatus.kind === 'failed' ? saveStatus.message : undefined;

  return (
    <div className={readOnly ? 'playlist-editor read-only' : 'playlist-editor'}>
      <header className="editor-head">
        <div className="editor-title">
          <a href={hrefFor({ screen: 'playlists' })} className="muted">
            Playlists
          </a>
          {readOnly ? <h1>{draft.title}</h1> : <h1 className="visually-hidden">{draft.title}</h1>}
          {!readOnly ? (
            <div className="editor-details">
              <TextField label="Playlist title" value={draft.title} maxLength={200} className="title-field" onCommit={(title) => edit(updatePlaylistDetails(draft, { title }), 'rename playlist', 'playlist-title')} />
              <NumberField
                label="Crossfade"
                unit="s"
                min={0}
                max={60}
                value={draft.crossfadeSeconds}
                onCommit={(value) => value !== undefined && edit(updatePlaylistDetails(draft, { crossfadeSeconds: value }), 'change crossfade', 'playlist-crossfade')}
              />
            </div>
          ) : null}
        </div>
        <div className="editor-toolbar">
          {!readOnly ? (
            <>
              <button type="button" className="small" disabled={!state.history.canUndo} onClick={() => editor.undo()} aria-keyshortcuts="Control+Z Meta+Z">
                {state.history.undoLabel === undefined ? 'Undo' : `Undo ${state.history.undoLabel}`}
              </button>
              <button type="button" className="small" disabled={!state.history.canRedo} onClick={() => editor.redo()} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y">
                {state.history.redoLabel === undefined ? 'Redo' : `Redo ${state.history.redoLabel}`}
              </button>
            </>
          ) : null}
          <span className="visually-hidden" role="status" data-testid="move-announcement">
            {announcement}
          </span>
          <span className={`save-indicator save-${saveStatus.kind}`} role="status" data-save={saveStatus.kind}>
            {saveText(saveStatus)}
          </span>
        </div>
      </header>

      {readOnly ? (
        <div className="panel read-only-banner">
          <p>This playlist comes with Attune and cannot be changed. Duplicate it to make your own copy and edit that.</p>
          <button type="button" className="primary" onClick={() => void duplicate()}>
            Duplicate to edit
          </button>
          {duplicateError !== undefined ? (
            <p className="error" role="alert">
              {duplicateError}
            </p>
          ) : null}
        </div>
      ) : null}

      <p className={sessionOutside ? 'session-total notice' : 'session-total muted'}>
        Music {formatMinutes(Math.round(totals.plannedSeconds / 60))} · phase targets {formatMinutes(Math.round(totals.targetSeconds / 60))} (a session runs 6–8 h)
        {totals.unknownDurations > 0 ? ` · ${totals.unknownDurations} of unknown length` : ''}
      </p>
      {state.refusal !== undefined ? (
        <p className="error pre" role="alert">
          That change was not made: {state.refusal}
        </p>
      ) : null}
      {canRefresh ? (
        <p className="row refresh-line">
          <span className="notice">The library knows newer lengths or loudness for some tracks than this playlist carries.</span>
          <button type="button" className="small" onClick={() => refreshed?.ok === true && edit(refreshed, 'update from library')}>
            Update from library
          </button>
        </p>
      ) : null}

      <div className={readOnly ? 'editor-columns no-picker' : 'editor-columns'}>
        {!readOnly ? (
          <div className="editor-library">
            {library !== undefined && 'error' in library ? (
              <p className="error">The library could not be read: {library.error}</p>
            ) : (
              <LibraryPicker
                tracks={libraryView?.tracks ?? []}
                phases={draft.phases}
                suggestedPhaseId={selectedPhaseId}
                audio={audio}
                onAdd={(tracks, phaseId) => {
                  const phase = editor.draft.phases.find((candidate) => candidate.id === phaseId);
                  if (phase !== undefined) addTracksAt(tracks, { phaseId, index: phase.segments.length });
                }}
                onDragStart={actions.dragStart}
                onDragEnd={actions.dragEnd}
              />
            )}
          </div>
        ) : null}
        <div
          className="editor-phases"
          onDragLeave={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) showDrop(undefined);
          }}
        >
          {draft.phases.map((phase, index) => (
            <PhaseCard
              key={phase.id}
              phase={phase}
              total={totals.phases[index]}
              readOnly={readOnly}
              canRemove={draft.phases.length > 1}
              selectedSegmentId={selected?.segment.id}
              phaseSelected={selection?.kind === 'phase' && selection.id === phase.id}
              warningCounts={warningCounts}
              dropIndex={dropTarget?.phaseId === phase.id ? dropTarget.index : undefined}
              actions={actions}
            />
          ))}
          {!readOnly && draft.phases.length < 12 ? (
            <button
              type="button"
              className="small"
              onClick={() => edit(addPhase(draft, draft.phases.length, { kind: 'return', title: 'New phase', targetMinutes: 30 }), 'add phase')}
            >
              Add a phase
            </button>
          ) : null}
        </div>
        <div className="editor-side">
          {selected !== undefined ? (
            <SegmentInspector
              draft={draft}
              segment={selected.segment}
              phaseId={selected.phaseId}
              next={nextSegment(draft, selected.segment.id)}
              facts={facts?.get(selected.segment.id)}
              readOnly={readOnly}
              targetLufs={audio.targetLufs}
              preview={preview}
              previewBlocked={audio.liveRunning}
              onUpdate={(patch: SegmentPatch, label, coalesce) => edit(updateSegment(draft, selected.segment.id, patch), label, coalesce)}
              onMoveToPhase={(phaseId) => {
                const target = draft.phases.find((phase) => phase.id === phaseId);
                if (target !== undefined && phaseId !== selected.phaseId) move(moveSegment(draft, selected.segment.id, { phaseId, index: target.segments.length }), selected.segment.id, `move to ${target.title}`);
              }}
              onPreviewTrack={previewActions.track}
              onPreviewTransition={previewActions.transition}
              onStopPreview={() => audio.preview.stop()}
            />
          ) : (
            <section className="inspector panel">
              <h2>Segment</h2>
              <p className="muted">Choose a track or soundscape to set its crossfade, gain, trims, flags and notes, and to preview it.</p>
            </section>
          )}
          {audio.liveRunning ? <p className="notice">A session is playing: previews wait until it has ended.</p> : null}
          <WarningsPanel warnings={warnings} onShow={show} />
        </div>
      </div>

      {!readOnly ? (
        <section className="panel" aria-labelledby="editor-import-heading">
          <h2 id="editor-import-heading">Import a playlist file into this playlist</h2>
          <ImportPanel
            phases={draft.phases.map((phase) => ({ value: phase.id, label: phase.title }))}
            acceptLabel={(count) => `Add ${count} ${count === 1 ? 'track' : 'tracks'} to the phase`}
            onAccept={async (imported, phaseId) => {
              const phase = editor.draft.phases.find((candidate) => candidate.id === phaseId);
              if (phase === undefined) return 'That phase is no longer in the playlist.';
              const result = addSegments(editor.draft, { phaseId, index: phase.segments.length }, imported.segments);
              return edit(result, `import ${imported.segments.length} tracks`) ? undefined : result.ok ? undefined : result.error.message;
            }}
          />
        </section>
      ) : null}
      <PlaylistExport draft={draft} beforeExport={() => editor.flush()} unsavedReason={unsavedReason} />
    </div>
  );
}

