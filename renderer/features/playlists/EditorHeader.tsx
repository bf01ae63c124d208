import type { PlaylistDraft } from '../../../core/playlist-edit';
import { hrefFor } from '../../routes';
import type { DraftEditor, DraftEditorState, SaveStatus } from './DraftEditor';
import type { EditorCommands } from './editor-commands';
import { NumberField, TextField } from './fields';

interface EditorHeaderProps {
  readonly draft: PlaylistDraft;
  readonly state: DraftEditorState;
  readonly readOnly: boolean;
  readonly editor: DraftEditor;
  readonly commands: EditorCommands;
  /** Where the last moved segment landed, said by screen readers. */
  readonly announcement: string;
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

/** The playlist's title and crossfade, undo and redo, and whether it is saved. */
export function EditorHeader({ draft, state, readOnly, editor, commands, announcement }: EditorHeaderProps) {
  const { history, save } = state;
  return (
    <header className="editor-head">
      <div className="editor-title">
        <a href={hrefFor({ screen: 'playlists' })} className="muted">
          Playlists
        </a>
        {readOnly ? <h1>{draft.title}</h1> : <h1 className="visually-hidden">{draft.title}</h1>}
        {!readOnly ? (
          <div className="editor-details">
            <TextField label="Playlist title" value={draft.title} maxLength={200} className="title-field" onCommit={commands.renamePlaylist} />
            <NumberField label="Crossfade" unit="s" min={0} max={60} value={draft.crossfadeSeconds} onCommit={(value) => value !== undefined && commands.setCrossfade(value)} />
          </div>
        ) : null}
      </div>
      <div className="editor-toolbar">
        {!readOnly ? (
          <>
            <button type="button" className="small" disabled={!history.canUndo} onClick={() => editor.undo()} aria-keyshortcuts="Control+Z Meta+Z">
              {history.undoLabel === undefined ? 'Undo' : `Undo ${history.undoLabel}`}
            </button>
            <button type="button" className="small" disabled={!history.canRedo} onClick={() => editor.redo()} aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y">
              {history.redoLabel === undefined ? 'Redo' : `Redo ${history.redoLabel}`}
            </button>
          </>
        ) : null}
        <span className="visually-hidden" role="status" data-testid="move-announcement">
          {announcement}
        </span>
        <span className={`save-indicator save-${save.kind}`} role="status" data-save={save.kind}>
          {saveText(save)}
        </span>
      </div>
    </header>
  );
}
