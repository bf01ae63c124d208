import type { CurationWarning, FileFacts } from '../../../core/curation-warnings';
import type { SegmentLocation, PlaylistDraft } from '../../../core/playlist-edit';
import type { CuratorPreviewState } from '../../audio/CuratorPreview';
import type { EditorCommands } from './editor-commands';
import { nextSegment } from './editor-model';
import { SegmentInspector } from './SegmentInspector';
import type { SegmentPreviews } from './use-segment-previews';
import { WarningsPanel } from './WarningsPanel';

interface EditorSideProps {
  readonly draft: PlaylistDraft;
  readonly selected: SegmentLocation | undefined;
  readonly facts: ReadonlyMap<string, FileFacts> | undefined;
  readonly warnings: readonly CurationWarning[] | undefined;
  readonly readOnly: boolean;
  readonly targetLufs: number;
  readonly preview: CuratorPreviewState;
  readonly previews: SegmentPreviews;
  /** A session is playing: previews wait. */
  readonly liveRunning: boolean;
  readonly commands: EditorCommands;
  readonly onShowWarning: (warning: CurationWarning) => void;
}

/** The selected segment's settings and previews, and the playlist's warnings. */
export function EditorSide({ draft, selected, facts, warnings, readOnly, targetLufs, preview, previews, liveRunning, commands, onShowWarning }: EditorSideProps) {
  return (
    <div className="editor-side">
      {selected !== undefined ? (
        <SegmentInspector
          draft={draft}
          segment={selected.segment}
          phaseId={selected.phaseId}
          next={nextSegment(draft, selected.segment.id)}
          facts={facts?.get(selected.segment.id)}
          readOnly={readOnly}
          targetLufs={targetLufs}
          preview={preview}
          previewBlocked={liveRunning}
          onUpdate={(patch, label, coalesce) => commands.updateSegment(selected.segment.id, patch, label, coalesce)}
          onMoveToPhase={(phaseId) => commands.moveSegmentToPhase(selected.segment.id, phaseId)}
          onPreviewTrack={() => previews.track(selected.segment.id)}
          onPreviewTransition={() => previews.transition(selected.segment.id)}
          onStopPreview={previews.stop}
        />
      ) : (
        <section className="inspector panel">
          <h2>Segment</h2>
          <p className="muted">Choose a track or soundscape to set its crossfade, gain, trims, flags and notes, and to preview it.</p>
        </section>
      )}
      {liveRunning ? <p className="notice">A session is playing: previews wait until it has ended.</p> : null}
      <WarningsPanel warnings={warnings} onShow={onShowWarning} />
    </div>
  );
}
