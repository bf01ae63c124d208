import { formatMinutes, formatPosition } from '../../../core/format';
import type { PhaseFit } from '../../../core/curation-warnings';
import { playedSeconds, type Segment } from '../../../core/playlist';
import { locateSegment, type PlaylistDraft, type SegmentSlot } from '../../../core/playlist-edit';
import { segmentName } from '../../../core/segment-names';

/** What is being dragged in the editor: library tracks (by path) or one of the playlist's segments. */
export type DragItem = { readonly kind: 'tracks'; readonly paths: readonly string[] } | { readonly kind: 'segment'; readonly segmentId: string };

/** Where a drop would land: before the segment at `index` of a phase's music (its length: at the end). */
export interface DropTarget {
  readonly phaseId: string;
  readonly index: number;
}

/** `7:05` as it plays (trims taken off), or `length unknown`. */
export function segmentLength(segment: Segment): string {
  const seconds = playedSeconds(segment);
  return seconds === undefined ? 'length unknown' : formatPosition(seconds * 1000);
}

/**
 * The slot for moveSegment from a drop position counted in the list as it is shown (with
 * the dragged segment still in it): moveSegment counts without it, so a segment dropped
 * further down its own phase lands one place earlier in that count.
 */
export function moveSlot(draft: PlaylistDraft, segmentId: string, target: DropTarget): SegmentSlot {
  const phase = draft.phases.find((candidate) => candidate.id === target.phaseId);
  const from = phase?.segments.findIndex((segment) => segment.id === segmentId) ?? -1;
  const index = from !== -1 && from < target.index ? target.index - 1 : target.index;
  return { phaseId: target.phaseId, index };
}

/** The segment heard after `segmentId`: the next of its phase's music, else the first of the next phase. */
export function nextSegment(draft: PlaylistDraft, segmentId: string): Segment | undefined {
  const music = draft.phases.flatMap((phase) => phase.segments);
  const index = music.findIndex((segment) => segment.id === segmentId);
  return index === -1 ? undefined : music[index + 1];
}

/** `1 h 32 min of 1 h 30 min`: a phase's music against its target. */
export function phaseTotalText(plannedSeconds: number, targetSeconds: number): string {
  return `${formatMinutes(Math.round(plannedSeconds / 60))} of ${formatMinutes(Math.round(targetSeconds / 60))}`;
}

export const fitWords: Record<PhaseFit, string> = { short: 'short of its target', fits: 'fits its target', long: 'longer than its target' };

/** Where a segment now is, in words for a screen reader: "Weightless: 2 of 5 in Peak". */
export function placeOf(draft: PlaylistDraft, segmentId: string): string | undefined {
  const at = locateSegment(draft, segmentId);
  const phase = at === undefined ? undefined : draft.phases[at.phaseIndex];
  if (at === undefined || phase === undefined) return undefined;
  return `${segmentName(at.segment)}: ${at.index + 1} of ${phase[at.list]?.length ?? 0} in ${phase.title}${at.list === 'extras' ? ' (extras)' : ''}`;
}
