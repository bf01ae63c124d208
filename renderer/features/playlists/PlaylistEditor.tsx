import { useEffect, useMemo, useState } from 'react';
import { phaseTotals, playlistWarnings, type CurationWarning } from '../../../core/curation-warnings';
import type { LibraryView } from '../../../core/library';
import type { Playlist } from '../../../core/playlist';
import { applyLibraryFacts, locateSegment } from '../../../core/playlist-edit';
import { call } from '../../bridge/attune-bridge';
import { hrefFor } from '../../routes';
import { useExternalState } from '../../use-external-state';
import type { CuratorAudio } from '../library/curator-audio';
import { useDisposable } from '../library/use-disposable';
import { DraftEditor } from './DraftEditor';
import { editorCommands } from './editor-commands';
import { EditorHeader } from './EditorHeader';
import { ReadOnlyBanner, SessionTotalLine } from './EditorNotices';
import { EditorSide } from './EditorSide';
import { fileFactsFor, hostFactsBySegment, type HostFileFact } from './file-facts';
import { ImportPanel } from './ImportPanel';
import { LibraryPicker } from './LibraryPicker';
import { PhaseCard, type PhaseActions } from './PhaseCard';
import { PlaylistExport } from './PlaylistExport';
import { useEditorDrag } from './use-editor-drag';
import { useSegmentInsights } from './use-segment-insights';
import { useSegmentPreviews } from './use-segment-previews';
import { useFlushOnPageHide } from './use-flush-on-page-hide';
import { useUndoShortcuts } from './use-undo-shortcuts';
import '../library/library.css';
import './playlists.css';
import { ErrorLine } from '../../ErrorLine';

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
        <ErrorLine message={`The playlist could not be opened: ${loaded.error}`} />
        <a href={hrefFor({ screen: 'playlists' })}>Back to the playlists</a>
      </div>
    );
  }
  return <EditorBody playlist={loaded.playlist} bundled={loaded.bundled} library={library} hostFacts={hostFacts} audio={audio} />;
}

/** Keeps the keyboard where the curator is after a row moved to another list or was removed. */
function focusSoon(elementId: string): void {
  requestAnimationFrame(() => document.getElementById(elementId)?.focus());
}

type Selection = { readonly kind: 'segment'; readonly id: string } | { readonly kind: 'phase'; readonly id: string } | undefined;

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

/**
 * The editor's screen. The draft drawn here is only ever read to draw: every change goes
 * through `commands` (or the drag and undo hooks built on them), which read the editor's
 * current draft, so nothing is edited from a copy an earlier render held.
 */
function EditorView({ bundled: readOnly, library, hostFacts, audio, editor }: EditorBodyProps & { readonly editor: DraftEditor }) {
  const state = useExternalState(editor);
  const preview = useExternalState(audio.preview);
  const draft = state.history.present;
  const [selection, setSelection] = useState<Selection>();
  const [announcement, setAnnouncement] = useState('');

  useFlushOnPageHide(editor);
  useUndoShortcuts(editor, !readOnly);
  const commands = useMemo(
    () =>
      editorCommands(editor, {
        announce: setAnnouncement,
        forget: (segmentId) => setSelection((selected) => (selected?.kind === 'segment' && selected.id === segmentId ? undefined : selected)),
        focusSoon,
      }),
    [editor],
  );
  const previews = useSegmentPreviews(editor, audio);

  const libraryView = library !== undefined && !('error' in library) ? library : undefined;
  const facts = useMemo(() => (libraryView === undefined ? undefined : fileFactsFor(draft, libraryView, hostFacts)), [draft, libraryView, hostFacts]);
  const warnings = useMemo(() => (facts === undefined ? undefined : playlistWarnings(draft, { files: facts, targetLufs: audio.targetLufs })), [draft, facts, audio.targetLufs]);
  const totals = useMemo(() => phaseTotals(draft, { files: facts ?? new Map() }), [draft, facts]);
  const canRefresh = useMemo(() => {
    if (readOnly || facts === undefined) return false;
    const refreshed = applyLibraryFacts(draft, facts);
    return refreshed.ok && refreshed.value !== draft;
  }, [readOnly, draft, facts]);
  const warningCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const warning of warnings ?? []) if (warning.segmentId !== undefined) counts.set(warning.segmentId, (counts.get(warning.segmentId) ?? 0) + 1);
    return counts;
  }, [warnings]);
  const tracksByPath = useMemo(() => new Map((libraryView?.tracks ?? []).map((track) => [track.path, track])), [libraryView]);
  const drag = useEditorDrag(commands, tracksByPath);
  const insights = useSegmentInsights(draft);

  const actions = useMemo<PhaseActions>(
    () => ({
      selectSegment: (id) => setSelection({ kind: 'segment', id }),
      selectPhase: (id) => setSelection({ kind: 'phase', id }),
      updatePhase: commands.updatePhase,
      removePhase: commands.removePhase,
      moveSegmentBy: commands.moveSegmentBy,
      removeSegment: commands.removeSegment,
      insertSoundscape: commands.insertSoundscape,
      dragStart: drag.start,
      dragEnd: drag.end,
      dragOver: drag.over,
      drop: drag.drop,
    }),
    [commands, drag.start, drag.end, drag.over, drag.drop],
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

  const saveStatus = state.save;
  const unsavedReason = saveStatus.kind === 'invalid' || saveStatus.kind === 'failed' ? saveStatus.message : undefined;

  return (
    <div className={readOnly ? 'playlist-editor read-only' : 'playlist-editor'}>
      <EditorHeader draft={draft} state={state} readOnly={readOnly} editor={editor} commands={commands} announcement={announcement} />
      {readOnly ? <ReadOnlyBanner playlistId={draft.id} /> : null}
      <SessionTotalLine totals={totals} />
      {insights.status === 'error' ? <p className="muted">What the sessions say about each track could not be read: {insights.message}</p> : null}
      {state.refusal !== undefined ? (
        <p className="error pre" role="alert">
          That change was not made: {state.refusal}
        </p>
      ) : null}
      {canRefresh && facts !== undefined ? (
        <p className="row refresh-line">
          <span className="notice">The library knows newer lengths or loudness for some tracks than this playlist carries.</span>
          <button type="button" className="small" onClick={() => commands.updateFromLibrary(facts)}>
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
                onAdd={commands.addTracksToPhase}
                onDragStart={drag.start}
                onDragEnd={drag.end}
              />
            )}
          </div>
        ) : null}
        <div
          className="editor-phases"
          onDragLeave={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) drag.leave();
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
              insights={insights.status === 'ready' ? insights.bySegment : undefined}
              dropIndex={drag.dropTarget?.phaseId === phase.id ? drag.dropTarget.index : undefined}
              actions={actions}
            />
          ))}
          {!readOnly && draft.phases.length < 12 ? (
            <button type="button" className="small" onClick={commands.appendPhase}>
              Add a phase
            </button>
          ) : null}
        </div>
        <EditorSide
          draft={draft}
          selected={selected}
          facts={facts}
          warnings={warnings}
          readOnly={readOnly}
          targetLufs={audio.targetLufs}
          preview={preview}
          previews={previews}
          liveRunning={audio.liveRunning}
          commands={commands}
          onShowWarning={show}
        />
      </div>

      {!readOnly ? (
        <section className="panel" aria-labelledby="editor-import-heading">
          <h2 id="editor-import-heading">Import a playlist file into this playlist</h2>
          <ImportPanel
            phases={draft.phases.map((phase) => ({ value: phase.id, label: phase.title }))}
            acceptLabel={(count) => `Add ${count} ${count === 1 ? 'track' : 'tracks'} to the phase`}
            onAccept={(imported, phaseId) => Promise.resolve(commands.importSegments(imported.segments, phaseId))}
          />
        </section>
      ) : null}
      <PlaylistExport draft={draft} beforeExport={() => editor.flush()} unsavedReason={unsavedReason} />
    </div>
  );
}
