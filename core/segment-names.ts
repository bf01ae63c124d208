import { bridgeSegmentFor } from './plan';
import { phaseSegments, type Playlist, type Segment } from './playlist';

/*
 * The one place that names segments: the live screen, the playlist editor, review, the
 * exports, insights and the pre-flight check all show the same name for the same thing.
 */

/** A path's last part (either separator: a playlist made on Windows may be read anywhere). */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

/** A file's name without its extension, for ids and titles made from it. */
export function fileBaseNameOf(path: string): string {
  return fileNameOf(path).replace(/\.[^.]+$/, '');
}

/**
 * A segment's name: "Title — Artist" (or the title alone) for a file, its file name (never a
 * folder: a path may name the person whose computer it is) when it has no title; "Title (drone
 * soundscape)" or "drone soundscape" for a soundscape.
 */
export function segmentName(segment: Segment): string {
  const title = segment.title?.trim() === '' ? undefined : segment.title;
  if (segment.type === 'file') {
    if (title === undefined) return fileNameOf(segment.path);
    return segment.artist === undefined ? title : `${title} — ${segment.artist}`;
  }
  const soundscape = `${segment.preset} soundscape`;
  return title === undefined ? soundscape : `${title} (${soundscape})`;
}

export interface SegmentInfo {
  readonly id: string;
  readonly type: 'file' | 'soundscape' | 'unknown';
  readonly title: string | null;
  readonly artist: string | null;
  /** For soundscapes: the preset. */
  readonly preset: string | null;
  /** What to show (segmentName), or the id when the playlist does not know it. */
  readonly name: string;
}

export function segmentInfo(segment: Segment): SegmentInfo {
  return {
    id: segment.id,
    type: segment.type,
    title: segment.title ?? null,
    artist: segment.type === 'file' ? (segment.artist ?? null) : null,
    preset: segment.type === 'soundscape' ? segment.preset : null,
    name: segmentName(segment),
  };
}

/** Resolves segment ids (bridges included) against a playlist; unknown ids resolve to themselves. */
export function segmentResolver(playlist: Playlist | undefined): (segmentId: string) => SegmentInfo {
  const known = new Map<string, SegmentInfo>();
  for (const phase of playlist?.phases ?? []) {
    const bridge = bridgeSegmentFor(phase, 1);
    known.set(bridge.id, segmentInfo(bridge));
  }
  for (const phase of playlist?.phases ?? []) {
    for (const segment of phaseSegments(phase)) known.set(segment.id, segmentInfo(segment));
  }
  return (segmentId) => known.get(segmentId) ?? { id: segmentId, type: 'unknown', title: null, artist: null, preset: null, name: segmentId };
}
