import { bridgeSegmentFor } from './plan';
import { fileNameOf } from './segment-names';
import { phaseSegments, type PhaseKind, type Playlist, type Segment } from './playlist';

/**
 * How a recording was recognised across playlists:
 * - tags: the file's title and artist (as the playlist carries them from the library scan) and
 *   its duration, within `durationToleranceSeconds`;
 * - file-name: no title, so the file's own name (folders and extension left out) and duration;
 * - soundscape: a generative bed is its preset and parameters;
 * - segment: nothing to recognise it by (the playlist is gone, or the file's duration is
 *   unknown): it stays its playlist's segment.
 */
export type RecordingBasis = 'tags' | 'file-name' | 'soundscape' | 'segment';

/**
 * Re-encodes and different rips of one recording differ by encoder padding and trimmed
 * silence (tens of milliseconds to a second); different recordings with the same title and
 * artist (a live take, a remaster with a longer fade) rarely fall within two seconds.
 */
export const durationToleranceSeconds = 2;

export interface RecordingPlace {
  readonly segment: Segment | undefined;
  readonly phaseKind: PhaseKind | undefined;
}

/** Every segment a playlist can sound, bridges included, by id, with its phase's kind. */
export function recordingPlaces(playlist: Playlist | undefined): (segmentId: string) => RecordingPlace {
  const known = new Map<string, RecordingPlace>();
  for (const phase of playlist?.phases ?? []) {
    known.set(`${phase.id}-bridge`, { segment: bridgeSegmentFor(phase, 1), phaseKind: phase.kind });
    for (const segment of phaseSegments(phase)) known.set(segment.id, { segment, phaseKind: phase.kind });
  }
  return (segmentId) => known.get(segmentId) ?? { segment: undefined, phaseKind: undefined };
}

/** Case, accents' composition, spacing and punctuation differ between taggers; the words do not. */
export function normaliseTag(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('en')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function fileStem(path: string): string {
  return fileNameOf(path).replace(/\.[a-z0-9]{1,8}$/i, '');
}

/** What identifies a segment's recording apart from its duration, and the duration to match within tolerance. */
export function recordingBasis(segment: Segment | undefined, playlistId: string, segmentId: string): { basis: RecordingBasis; key: string; durationSeconds: number | undefined } {
  if (segment?.type === 'soundscape') {
    const { intensity, brightness } = segment.params;
    return { basis: 'soundscape', key: `soundscape:${segment.preset}:${intensity.toFixed(2)}:${brightness.toFixed(2)}`, durationSeconds: undefined };
  }
  if (segment?.type === 'file' && segment.durationSeconds !== undefined) {
    const title = segment.title === undefined ? '' : normaliseTag(segment.title);
    if (title !== '') return { basis: 'tags', key: `tags:${title}\u0000${normaliseTag(segment.artist ?? '')}`, durationSeconds: segment.durationSeconds };
    const stem = normaliseTag(fileStem(segment.path));
    if (stem !== '') return { basis: 'file-name', key: `file:${stem}`, durationSeconds: segment.durationSeconds };
  }
  return { basis: 'segment', key: `segment:${playlistId}\u0000${segmentId}`, durationSeconds: undefined };
}

/**
 * Assigns recording keys, each (playlist, segment) once: the same basis within the duration
 * tolerance of a recording seen before is that recording. Feed segments in a fixed order
 * (the result depends on it only for durations chained across the tolerance).
 */
export class RecordingIndex {
  private readonly clusters = new Map<string, { durationSeconds: number; key: string }[]>();

  identify(segment: Segment | undefined, playlistId: string, segmentId: string): { key: string; basis: RecordingBasis } {
    const { basis, key, durationSeconds } = recordingBasis(segment, playlistId, segmentId);
    if (durationSeconds === undefined) return { key, basis };
    let clusters = this.clusters.get(key);
    if (clusters === undefined) {
      clusters = [];
      this.clusters.set(key, clusters);
    }
    const match = clusters.find((cluster) => Math.abs(cluster.durationSeconds - durationSeconds) <= durationToleranceSeconds);
    if (match !== undefined) return { key: match.key, basis };
    const made = { durationSeconds, key: `${key}\u0000${Math.round(durationSeconds)}s` };
    clusters.push(made);
    return { key: made.key, basis };
  }
}
