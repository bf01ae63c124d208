import { segmentFromTrack, type LibraryTrack } from '../../../core/library';
import { trackGain } from '../../../core/loudness';
import type { Segment } from '../../../core/playlist';
import type { CuratorPreview, CuratorPreviewState, PreviewItem } from '../../audio/CuratorPreview';
import { libraryMediaUrl, mediaUrl } from '../../bridge/attune-bridge';

/** What the curator's screens need to be heard: the one shared preview, and what it must respect. */
export interface CuratorAudio {
  readonly preview: CuratorPreview;
  /** A session plays: previews are refused (the screens say so). */
  readonly liveRunning: boolean;
  /** The settings' loudness target, toward which every file is normalised. */
  readonly targetLufs: number;
}

/** Whether the preview with this id is loading or sounding now (a failed one is not). */
export const isPreviewing = (state: CuratorPreviewState, id: string): boolean => (state.status === 'loading' || state.status === 'playing') && state.id === id;

/** A library track to preview: as the segment it would become, at the gain a session would give it. */
export function trackPreviewItem(track: LibraryTrack, targetLufs: number): PreviewItem {
  const segment = segmentFromTrack(track, 'preview');
  return { segment, url: libraryMediaUrl(track.path), gainDb: trackGain(segment, targetLufs).gainDb };
}

const isAbsolutePath = (path: string): boolean => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');

/**
 * A playlist's segment to preview. An absolute path is served from the library (a draft
 * segment is not in the saved playlist yet); a relative one through the saved playlist.
 */
export function segmentPreviewItem(playlistId: string, segment: Segment, targetLufs: number): PreviewItem {
  if (segment.type === 'soundscape') return { segment };
  const url = isAbsolutePath(segment.path) ? libraryMediaUrl(segment.path) : mediaUrl(playlistId, segment.id);
  return { segment, url, gainDb: trackGain(segment, targetLufs).gainDb };
}
