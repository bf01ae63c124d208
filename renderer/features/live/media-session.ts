import { useEffect } from 'react';
import type { PlayerState } from '../../audio/SessionPlayer';
import type { LiveSession } from './LiveSession';
import { segmentName } from '../../../core/segment-names';

/**
 * The system's media controls (keyboard media keys, lock screen) show what is playing
 * and can play, pause, or skip to the next segment (with a crossfade, journaled).
 */
export function useMediaSession(session: LiveSession, player: PlayerState): void {
  useEffect(() => {
    if (!('mediaSession' in navigator)) return;
    const media = navigator.mediaSession;
    media.setActionHandler('play', () => void session.play());
    media.setActionHandler('pause', () => session.pause());
    media.setActionHandler('nexttrack', () => session.skipSegment());
    return () => {
      media.setActionHandler('play', null);
      media.setActionHandler('pause', null);
      media.setActionHandler('nexttrack', null);
      media.metadata = null;
      media.playbackState = 'none';
    };
  }, [session]);

  const entry = player.position?.entry;
  const title = entry === undefined ? undefined : segmentName(entry.segment);
  const artist = entry?.segment.type === 'file' ? entry.segment.artist : undefined;
  useEffect(() => {
    if (!('mediaSession' in navigator) || title === undefined) return;
    navigator.mediaSession.metadata = new MediaMetadata({ title, artist: artist ?? 'Attune', album: session.playlist.title });
  }, [session, title, artist]);

  const playing = player.status === 'playing';
  useEffect(() => {
    if ('mediaSession' in navigator) navigator.mediaSession.playbackState = playing ? 'playing' : 'paused';
  }, [playing]);
}
