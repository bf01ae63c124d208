import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryTrack } from '../../../core/library';
import type { PlaylistDraft } from '../../../core/playlist-edit';
import { ok } from '../../../core/result';
import { DraftEditor } from './DraftEditor';
import { editorCommands, type EditorCommandsScreen } from './editor-commands';

const file = (id: string) => ({ type: 'file' as const, id, path: `/music/${id}.flac`, durationSeconds: 300 });

const playlist: PlaylistDraft = {
  format: 'attune.playlist',
  version: 1,
  id: 'set',
  title: 'Set',
  crossfadeSeconds: 8,
  phases: [
    { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 60, segments: [file('a'), file('b')] },
    { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 120, segments: [file('c')] },
  ],
};

const order = (value: PlaylistDraft) => value.phases.map((phase) => phase.segments.map((segment) => segment.id).join(''));

function setUp() {
  const editor = new DraftEditor(playlist, () => Promise.resolve(ok(null)), { debounceMs: 60_000 });
  const told: { announced: string[]; forgotten: string[]; focused: string[] } = { announced: [], forgotten: [], focused: [] };
  const screen: EditorCommandsScreen = {
    announce: (text) => told.announced.push(text),
    forget: (id) => told.forgotten.push(id),
    focusSoon: (id) => told.focused.push(id),
  };
  return { editor, told, commands: editorCommands(editor, screen) };
}

const track = (path: string): LibraryTrack => ({ path, root: '/', size: 1000, mtimeMs: 0, format: 'flac', durationSeconds: 200 });

describe('editorCommands', () => {
  let dispose: (() => void) | undefined;
  afterEach(() => dispose?.());

  it('edits made in one tick each build on the one before (none uses a draft read earlier)', () => {
    const { editor, commands } = setUp();
    dispose = () => editor.dispose();
    commands.renamePlaylist('Evening');
    commands.setCrossfade(12);
    commands.updatePhase('onset', { title: 'Arrival' }, 'rename phase');
    commands.updateSegment('a', { title: 'First light' }, 'rename');
    commands.moveSegmentToDrop('c', { phaseId: 'onset', index: 0 });
    commands.addTracksToPhase([track('/new.flac')], 'peak');
    expect(editor.draft.title).toBe('Evening');
    expect(editor.draft.crossfadeSeconds).toBe(12);
    expect(editor.draft.phases[0]?.title).toBe('Arrival');
    expect(editor.draft.phases[0]?.segments.map((segment) => segment.id)).toEqual(['c', 'a', 'b']);
    expect(editor.draft.phases[0]?.segments[1]?.title).toBe('First light');
    expect(editor.draft.phases[1]?.segments).toHaveLength(1);
    // An undo followed at once by an edit: the edit is made on the undone draft.
    editor.undo();
    commands.setCrossfade(4);
    expect(editor.draft.phases[1]?.segments).toHaveLength(0);
    expect(editor.draft.crossfadeSeconds).toBe(4);
    expect(editor.draft.phases[0]?.segments.map((segment) => segment.id)).toEqual(['c', 'a', 'b']);
  });

  it('moves a segment by one, into the next phase past the end of its own, and says where it landed', () => {
    const { editor, commands, told } = setUp();
    dispose = () => editor.dispose();
    commands.moveSegmentBy('a', 1);
    expect(order(editor.draft)).toEqual(['ba', 'c']);
    commands.moveSegmentBy('a', 1);
    expect(order(editor.draft)).toEqual(['b', 'ac']);
    expect(told.announced).toEqual(['a.flac: 2 of 2 in Onset', 'a.flac: 1 of 2 in Peak']);
    expect(told.focused).toEqual(['segment-a']);
    commands.moveSegmentBy('c', 1);
    expect(order(editor.draft)).toEqual(['b', 'ac']);
    expect(editor.getState().history.undoLabel).toBe('move to Peak');
  });

  it('removes a segment, forgets it and puts the keyboard on its neighbour (or on the phase when none is left)', () => {
    const { editor, commands, told } = setUp();
    dispose = () => editor.dispose();
    commands.removeSegment('a');
    commands.removeSegment('c');
    expect(order(editor.draft)).toEqual(['b', '']);
    expect(told.forgotten).toEqual(['a', 'c']);
    expect(told.focused).toEqual(['segment-b', 'phase-peak']);
  });

  it('answers why an edit was refused, and the editor keeps the reason', () => {
    const { editor, commands } = setUp();
    dispose = () => editor.dispose();
    expect(commands.importSegments([file('z')], 'gone')).toBe('That phase is no longer in the playlist.');
    expect(commands.insertSoundscape('onset', 0, 'breath', 5)).toBeUndefined();
    expect(editor.draft.phases[0]?.segments[0]?.type).toBe('soundscape');
    expect(commands.insertSoundscape('gone', 0, 'breath', 5)).toMatch(/gone/);
    expect(editor.getState().refusal).toMatch(/gone/);
  });
});
