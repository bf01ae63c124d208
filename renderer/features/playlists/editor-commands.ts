import type { FileFacts } from '../../../core/curation-warnings';
import type { LibraryTrack } from '../../../core/library';
import type { SoundscapePreset } from '../../../core/playlist';
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
  type NewSegment,
  type PhasePatch,
  type PlaylistDraft,
  type SegmentPatch,
} from '../../../core/playlist-edit';
import { fail, type Result } from '../../../core/result';
import type { DraftEditor } from './DraftEditor';
import { moveSlot, placeOf, type DropTarget } from './editor-model';

/** What the commands need of the screen around them. */
export interface EditorCommandsScreen {
  /** Said aloud where a moved segment landed: a moved row gives a screen reader no other sign. */
  announce(text: string): void;
  /** A segment left the playlist: it is no longer selected. */
  forget(segmentId: string): void;
  /** Keeps the keyboard where the curator is once the change has been drawn. */
  focusSoon(elementId: string): void;
}

/**
 * Every edit the playlist editor makes, by id and value. Each one reads the draft through
 * `DraftEditor.change`, i.e. as it is at that moment, never a copy from the last render.
 * Those that can be refused answer why in words (undefined when done).
 */
export interface EditorCommands {
  renamePlaylist(title: string): void;
  setCrossfade(seconds: number): void;
  appendPhase(): void;
  updatePhase(phaseId: string, patch: PhasePatch, label: string, coalesce?: string): void;
  removePhase(phaseId: string): void;
  updateSegment(segmentId: string, patch: SegmentPatch, label: string, coalesce?: string): void;
  /** -1 up, +1 down; past either end of its phase, into the neighbouring phase. */
  moveSegmentBy(segmentId: string, delta: -1 | 1): void;
  /** To the end of another phase's music. */
  moveSegmentToPhase(segmentId: string, phaseId: string): void;
  /** Where it was dropped, counted in the list as shown (with the segment still in it). */
  moveSegmentToDrop(segmentId: string, target: DropTarget): void;
  removeSegment(segmentId: string): void;
  insertSoundscape(phaseId: string, index: number, preset: SoundscapePreset, minutes: number): string | undefined;
  addTracks(tracks: readonly LibraryTrack[], target: DropTarget): void;
  /** At the end of the phase's music. */
  addTracksToPhase(tracks: readonly LibraryTrack[], phaseId: string): void;
  importSegments(segments: readonly NewSegment[], phaseId: string): string | undefined;
  updateFromLibrary(files: ReadonlyMap<string, FileFacts>): void;
}

const phaseGone = fail('not-found', 'That phase is no longer in the playlist.');

export function editorCommands(editor: DraftEditor, screen: EditorCommandsScreen): EditorCommands {
  const change = (label: string, make: (draft: PlaylistDraft) => Result<PlaylistDraft>, coalesce?: string) =>
    editor.change(label, make, coalesce === undefined ? {} : { coalesce });
  const problem = (result: Result<unknown>) => (result.ok ? undefined : result.error.message);

  const move = (segmentId: string, label: string, to: (draft: PlaylistDraft) => Result<PlaylistDraft>): boolean => {
    if (!change(label, to).ok) return false;
    screen.announce(placeOf(editor.draft, segmentId) ?? '');
    return true;
  };

  return {
    renamePlaylist: (title) => void change('rename playlist', (draft) => updatePlaylistDetails(draft, { title }), 'playlist-title'),
    setCrossfade: (seconds) => void change('change crossfade', (draft) => updatePlaylistDetails(draft, { crossfadeSeconds: seconds }), 'playlist-crossfade'),
    appendPhase: () => void change('add phase', (draft) => addPhase(draft, draft.phases.length, { kind: 'return', title: 'New phase', targetMinutes: 30 })),
    updatePhase: (phaseId, patch, label, coalesce) => void change(label, (draft) => updatePhase(draft, phaseId, patch), coalesce),
    removePhase: (phaseId) => void change('remove phase', (draft) => removePhase(draft, phaseId)),
    updateSegment: (segmentId, patch, label, coalesce) => void change(label, (draft) => updateSegment(draft, segmentId, patch), coalesce),

    moveSegmentBy: (segmentId, delta) => {
      const current = editor.draft;
      const at = locateSegment(current, segmentId);
      if (at === undefined || at.list !== 'segments') return;
      const phase = current.phases[at.phaseIndex];
      if (phase === undefined) return;
      const index = at.index + delta;
      if (index >= 0 && index < phase.segments.length) {
        move(segmentId, delta < 0 ? 'move up' : 'move down', (draft) => moveSegment(draft, segmentId, { phaseId: phase.id, index }));
        return;
      }
      const neighbour = current.phases[at.phaseIndex + delta];
      if (neighbour === undefined) return;
      const slot = { phaseId: neighbour.id, index: delta < 0 ? neighbour.segments.length : 0 };
      // The row is drawn anew in another list: the keyboard follows it there.
      if (move(segmentId, `move to ${neighbour.title}`, (draft) => moveSegment(draft, segmentId, slot))) screen.focusSoon(`segment-${segmentId}`);
    },
    moveSegmentToPhase: (segmentId, phaseId) => {
      const at = locateSegment(editor.draft, segmentId);
      const target = editor.draft.phases.find((phase) => phase.id === phaseId);
      if (at === undefined || target === undefined || at.phaseId === phaseId) return;
      move(segmentId, `move to ${target.title}`, (draft) => moveSegment(draft, segmentId, { phaseId, index: target.segments.length }));
    },
    moveSegmentToDrop: (segmentId, target) => void move(segmentId, 'move', (draft) => moveSegment(draft, segmentId, moveSlot(draft, segmentId, target))),
    removeSegment: (segmentId) => {
      const before = editor.draft;
      const at = locateSegment(before, segmentId);
      if (at === undefined || !change('remove', (draft) => removeSegment(draft, segmentId)).ok) return;
      screen.forget(segmentId);
      const list = before.phases[at.phaseIndex]?.[at.list] ?? [];
      const neighbour = list[at.index + 1] ?? list[at.index - 1];
      screen.focusSoon(neighbour === undefined ? `phase-${at.phaseId}` : `segment-${neighbour.id}`);
    },
    insertSoundscape: (phaseId, index, preset, minutes) =>
      problem(change('insert soundscape', (draft) => insertSoundscape(draft, { phaseId, index }, { preset, durationSeconds: Math.round(minutes * 60) }))),

    addTracks: (tracks, target) => {
      if (tracks.length === 0) return;
      change(tracks.length === 1 ? 'add track' : `add ${tracks.length} tracks`, (draft) => addTracks(draft, target, tracks));
    },
    addTracksToPhase: (tracks, phaseId) => {
      if (tracks.length === 0) return;
      change(tracks.length === 1 ? 'add track' : `add ${tracks.length} tracks`, (draft) => {
        const phase = draft.phases.find((candidate) => candidate.id === phaseId);
        return phase === undefined ? phaseGone : addTracks(draft, { phaseId, index: phase.segments.length }, tracks);
      });
    },
    importSegments: (segments, phaseId) =>
      problem(
        change(`import ${segments.length} tracks`, (draft) => {
          const phase = draft.phases.find((candidate) => candidate.id === phaseId);
          return phase === undefined ? phaseGone : addSegments(draft, { phaseId, index: phase.segments.length }, segments);
        }),
      ),
    updateFromLibrary: (files) => void change('update from library', (draft) => applyLibraryFacts(draft, files)),
  };
}
