import { parsePlaylist, type Playlist } from '../../core/playlist';

/**
 * The smallest playlist a session starts from: one peak phase of one 10-minute drone, no
 * files. The journal, store and crash tests start their sessions from it.
 */
export function droneOnlyPlaylist(): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'ocean',
    title: 'Ocean',
    phases: [{ id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 60, segments: [{ type: 'soundscape', id: 'peak-drone', preset: 'drone', durationSeconds: 600 }] }],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
