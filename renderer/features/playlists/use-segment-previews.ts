import { useMemo } from 'react';
import { segmentName } from '../../../core/segment-names';
import { locateSegment } from '../../../core/playlist-edit';
import { segmentPreviewItem, type CuratorAudio } from '../library/curator-audio';
import type { DraftEditor } from './DraftEditor';
import { nextSegment } from './editor-model';

export interface SegmentPreviews {
  /** The segment on its own, from its start. */
  track(segmentId: string): void;
  /** Its last seconds crossfading into the segment heard after it. */
  transition(segmentId: string): void;
  stop(): void;
}

/** Auditions of the draft's segments as they are now (trims, gain and crossfade included). */
export function useSegmentPreviews(editor: DraftEditor, audio: CuratorAudio): SegmentPreviews {
  return useMemo(
    () => ({
      track: (segmentId) => {
        const draft = editor.draft;
        const segment = locateSegment(draft, segmentId)?.segment;
        if (segment === undefined) return;
        void audio.preview.play({ kind: 'track', id: `track:${segment.id}`, label: segmentName(segment), item: segmentPreviewItem(draft.id, segment, audio.targetLufs) });
      },
      transition: (segmentId) => {
        const draft = editor.draft;
        const segment = locateSegment(draft, segmentId)?.segment;
        const next = nextSegment(draft, segmentId);
        if (segment === undefined || next === undefined) return;
        void audio.preview.play({
          kind: 'transition',
          id: `transition:${segment.id}`,
          label: `${segmentName(segment)} → ${segmentName(next)}`,
          from: segmentPreviewItem(draft.id, segment, audio.targetLufs),
          to: segmentPreviewItem(draft.id, next, audio.targetLufs),
          crossfadeSeconds: next.crossfadeSeconds ?? draft.crossfadeSeconds,
        });
      },
      stop: () => audio.preview.stop(),
    }),
    [editor, audio.preview, audio.targetLufs],
  );
}
