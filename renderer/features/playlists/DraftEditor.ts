import type { Playlist } from '../../../core/playlist';
import { EditHistory, type ApplyOptions, type EditHistoryState } from '../../../core/edit-history';
import { toPlaylist, type PlaylistDraft } from '../../../core/playlist-edit';
import { fail, type Result } from '../../../core/result';
import { TypedEmitter } from '../../../core/typed-emitter';

/** Where the draft stands against the file on disk, for the editor's indicator. */
export type SaveStatus =
  | { readonly kind: 'saved' }
  /** A change waits for the curator to pause before it is written. */
  | { readonly kind: 'pending' }
  | { readonly kind: 'saving' }
  /** The draft is not a playable playlist yet (a phase without music): the file keeps the last good version. */
  | { readonly kind: 'invalid'; readonly message: string }
  /** The host refused or could not write it. */
  | { readonly kind: 'failed'; readonly message: string }
  /** A bundled playlist: never written (duplicate it to edit). */
  | { readonly kind: 'read-only' };

export interface DraftEditorState {
  readonly history: EditHistoryState<PlaylistDraft>;
  readonly save: SaveStatus;
  /** Why the last edit was refused, in words; cleared by the next edit that works. */
  readonly refusal: string | undefined;
}

export interface DraftEditorEvents extends Record<string, unknown> {
  state: DraftEditorState;
}

export interface DraftEditorOptions {
  /** Quiet time after the last change before it is written. */
  readonly debounceMs: number;
  readonly readOnly: boolean;
}

export type SavePlaylist = (playlist: Playlist) => Promise<Result<unknown>>;

/**
 * A playlist being edited: its undo history and its autosave. Each change is written
 * `debounceMs` after the curator pauses, when the draft is a valid playlist; one write at
 * a time, and the newest draft always wins. `flush()` writes at once (leaving the screen).
 */
export class DraftEditor extends TypedEmitter<DraftEditorEvents> {
  static readonly defaults: DraftEditorOptions = { debounceMs: 600, readOnly: false };

  private readonly options: DraftEditorOptions;
  private readonly history: EditHistory<PlaylistDraft>;
  private state: DraftEditorState;
  /** The draft the file holds (or the one being written). */
  private written: PlaylistDraft;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | undefined;
  private disposed = false;

  constructor(
    initial: PlaylistDraft,
    private readonly savePlaylist: SavePlaylist,
    options: Partial<DraftEditorOptions> = {},
  ) {
    super();
    this.options = { ...DraftEditor.defaults, ...options };
    this.history = new EditHistory(initial);
    this.written = initial;
    this.state = { history: this.history.getState(), save: this.options.readOnly ? { kind: 'read-only' } : { kind: 'saved' }, refusal: undefined };
    this.history.on('change', (history) => {
      this.update({ history });
      this.changed();
    });
  }

  getState(): DraftEditorState {
    return this.state;
  }

  get draft(): PlaylistDraft {
    return this.history.present;
  }

  get readOnly(): boolean {
    return this.options.readOnly;
  }

  /**
   * Makes one edit on the draft as it is now (never on a copy read earlier: two edits in one
   * tick, or an edit after an undo that has not been drawn yet, each build on the one before).
   * Records it when it works; keeps the reason when it is refused.
   */
  change(label: string, make: (draft: PlaylistDraft) => Result<PlaylistDraft>, options: ApplyOptions = {}): Result<PlaylistDraft> {
    if (this.disposed || this.options.readOnly) return fail('unsupported', 'This playlist cannot be changed here.');
    const result = make(this.draft);
    if (!result.ok) {
      this.update({ refusal: result.error.message });
      return result;
    }
    if (this.state.refusal !== undefined) this.update({ refusal: undefined });
    this.history.apply(result.value, label, options);
    return result;
  }

  undo(): void {
    if (!this.options.readOnly) this.history.undo();
  }

  redo(): void {
    if (!this.options.readOnly) this.history.redo();
  }

  /** Writes a waiting change now and resolves once nothing is being written. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startSave();
    }
    while (this.inFlight !== undefined) await this.inFlight;
  }

  /** Stops the timer; call flush() first to keep a waiting change. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.history.dispose();
    this.removeAllListeners();
  }

  private changed(): void {
    if (this.options.readOnly || this.disposed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.draft === this.written && this.inFlight === undefined) {
      // Undone back to what the file holds.
      this.update({ save: { kind: 'saved' } });
      return;
    }
    this.update({ save: { kind: 'pending' } });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startSave();
    }, this.options.debounceMs);
  }

  private startSave(): void {
    // One write at a time: settle() writes the newest draft once this one is done.
    if (this.inFlight !== undefined) return;
    const draft = this.draft;
    const playlist = toPlaylist(draft);
    if (!playlist.ok) {
      this.update({ save: { kind: 'invalid', message: `Not saved: ${playlist.error.message}` } });
      return;
    }
    this.update({ save: { kind: 'saving' } });
    this.inFlight = this.savePlaylist(playlist.value).then(
      (result) => this.settle(draft, result.ok ? undefined : result.error.message),
      (error: unknown) => this.settle(draft, error instanceof Error ? error.message : String(error)),
    );
  }

  private settle(draft: PlaylistDraft, problem: string | undefined): void {
    this.inFlight = undefined;
    if (problem === undefined) this.written = draft;
    if (this.disposed) return;
    if (this.draft !== draft && this.timer === undefined) {
      // Changed while it was written: write the newer draft too.
      this.startSave();
      return;
    }
    if (this.timer !== undefined) return;
    this.update({ save: problem === undefined ? { kind: 'saved' } : { kind: 'failed', message: `Not saved: ${problem}` } });
  }

  private update(patch: Partial<DraftEditorState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('state', this.state);
  }
}
