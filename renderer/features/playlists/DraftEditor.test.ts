import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Playlist } from '../../../core/playlist';
import { insertSoundscape, removeSegment, updatePlaylistDetails, type PlaylistDraft } from '../../../core/playlist-edit';
import { fail, ok, type Result } from '../../../core/result';
import { DraftEditor } from './DraftEditor';

const playlist: PlaylistDraft = {
  format: 'attune.playlist',
  version: 1,
  id: 'evening',
  title: 'Evening',
  crossfadeSeconds: 8,
  phases: [
    { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 60, segments: [{ type: 'soundscape', id: 'bed', preset: 'breath', params: { intensity: 0.5, brightness: 0.5 }, durationSeconds: 600 }] },
  ],
};

interface FakeHost {
  readonly saved: Playlist[];
  save(playlist: Playlist): Promise<Result<unknown>>;
  /** Answers the oldest save still waiting. */
  answer(result?: Result<unknown>): Promise<void>;
  readonly waiting: number;
}

function fakeHost(): FakeHost {
  const saved: Playlist[] = [];
  const pending: ((result: Result<unknown>) => void)[] = [];
  return {
    saved,
    save(value) {
      saved.push(value);
      return new Promise((resolve) => pending.push(resolve));
    },
    async answer(result = ok(null)) {
      pending.shift()?.(result);
      await vi.advanceTimersByTimeAsync(0);
    },
    get waiting() {
      return pending.length;
    },
  };
}

const retitle = (editor: DraftEditor, title: string) => editor.change('rename', (draft) => updatePlaylistDetails(draft, { title }), { coalesce: 'title' });

describe('DraftEditor autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes once the curator pauses, coalescing a burst of changes into one write', async () => {
    const host = fakeHost();
    const editor = new DraftEditor(playlist, (value) => host.save(value));
    retitle(editor, 'Eve');
    await vi.advanceTimersByTimeAsync(300);
    retitle(editor, 'Evening set');
    expect(editor.getState().save.kind).toBe('pending');
    await vi.advanceTimersByTimeAsync(599);
    expect(host.saved).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.saved.map((value) => value.title)).toEqual(['Evening set']);
    expect(editor.getState().save.kind).toBe('saving');
    await host.answer();
    expect(editor.getState().save.kind).toBe('saved');
    // One gesture, one undo step.
    expect(editor.getState().history.undoLabel).toBe('rename');
    editor.undo();
    expect(editor.draft.title).toBe('Evening');
  });

  it('does not write a draft with a silent phase, and says why', async () => {
    const host = fakeHost();
    const editor = new DraftEditor(playlist, (value) => host.save(value));
    editor.change('remove soundscape', (draft) => removeSegment(draft, 'bed'));
    await vi.advanceTimersByTimeAsync(600);
    expect(host.saved).toHaveLength(0);
    const status = editor.getState().save;
    expect(status.kind === 'invalid' && status.message).toMatch(/^Not saved: Phase "Onset" has no music/);
    // Fixing it (here: undoing) is written as soon as the curator pauses again.
    editor.undo();
    expect(editor.getState().save.kind).toBe('saved');
    editor.change('insert soundscape', (draft) => insertSoundscape(draft, { phaseId: 'onset', index: 1 }, { preset: 'drone', durationSeconds: 300 }));
    await vi.advanceTimersByTimeAsync(600);
    expect(host.saved).toHaveLength(1);
  });

  it('writes one draft at a time and always ends with the newest', async () => {
    const host = fakeHost();
    const editor = new DraftEditor(playlist, (value) => host.save(value));
    retitle(editor, 'First');
    await vi.advanceTimersByTimeAsync(600);
    editor.change('rename again', (draft) => updatePlaylistDetails(draft, { title: 'Second' }));
    await vi.advanceTimersByTimeAsync(600);
    expect(host.waiting).toBe(1);
    await host.answer();
    expect(host.saved.map((value) => value.title)).toEqual(['First', 'Second']);
    await host.answer();
    expect(editor.getState().save.kind).toBe('saved');
  });

  it('keeps a refused write on screen and tries again at the next change', async () => {
    const host = fakeHost();
    const editor = new DraftEditor(playlist, (value) => host.save(value));
    retitle(editor, 'Full disk');
    await vi.advanceTimersByTimeAsync(600);
    await host.answer(fail('write-failed', '"Full disk" could not be saved; check that the data folder is writable and has space'));
    const status = editor.getState().save;
    expect(status.kind === 'failed' && status.message).toContain('could not be saved');
    retitle(editor, 'Full disk, retried');
    await vi.advanceTimersByTimeAsync(600);
    expect(host.saved).toHaveLength(2);
  });

  it('flush writes a waiting change at once (leaving the screen)', async () => {
    const host = fakeHost();
    const editor = new DraftEditor(playlist, (value) => host.save(value));
    retitle(editor, 'Leaving');
    const flushed = editor.flush();
    expect(host.saved.map((value) => value.title)).toEqual(['Leaving']);
    await host.answer();
    await flushed;
    expect(editor.getState().save.kind).toBe('saved');
  });

  it('a read-only playlist takes no edits and writes nothing', async () => {
    const host = fakeHost();
    const editor = new DraftEditor(playlist, (value) => host.save(value), { readOnly: true });
    expect(retitle(editor, 'Changed').ok).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(editor.draft.title).toBe('Evening');
    expect(host.saved).toHaveLength(0);
    expect(editor.getState().save.kind).toBe('read-only');
  });

  it('keeps the reason an edit was refused until an edit works', () => {
    const editor = new DraftEditor(playlist, () => Promise.resolve(ok(null)));
    expect(editor.change('remove', (draft) => removeSegment(draft, 'nothing-here')).ok).toBe(false);
    expect(editor.getState().refusal).toMatch(/no segment "nothing-here"/);
    retitle(editor, 'Works');
    expect(editor.getState().refusal).toBeUndefined();
    editor.dispose();
  });
});
