import type { PhaseKind } from '../playlist';
import type { SegmentInfo } from '../segment-names';
import type { Milliseconds } from '../units';

/** Where things happened in an exported session: its phases and the segments that sounded. */
export interface ExportPhase {
  readonly id: string;
  readonly title: string;
  readonly kind: PhaseKind | null;
  readonly reached: boolean;
  /** Advanced past without sounding. */
  readonly skipped: boolean;
  /** Still held when the session ended. */
  readonly held: boolean;
  readonly startMs: Milliseconds | null;
  readonly endMs: Milliseconds | null;
  /** The playlist's target; null when the playlist is not available. */
  readonly targetMs: Milliseconds | null;
  /** Added to the target by the facilitators' extensions. */
  readonly extendedByMs: Milliseconds;
  /** endMs - startMs: pauses and quiet passages inside the phase count. */
  readonly actualMs: Milliseconds | null;
  /** Music time the phase played (pauses and quiet passages left out). */
  readonly playedMs: Milliseconds | null;
}

export interface ExportSegment extends SegmentInfo {
  readonly phaseId: string;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}
