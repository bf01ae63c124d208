import type { Playlist } from '../../../core/playlist';
import type { SessionMeta } from '../../../core/session';
import type { Settings } from '../../../core/settings';
import type { AudioOutput } from '../../audio/AudioOutput';
import { SessionPlayer } from '../../audio/SessionPlayer';
import { call, mediaUrl } from '../../bridge/attune-bridge';
import { browserJournalOutbox } from './journal-outbox';
import { LiveSession, type ResumePoint } from './LiveSession';

/** A live session wired to this page's host (the bridge) and audio engine. */
export function createLiveSession(
  meta: SessionMeta,
  playlist: Playlist,
  output: AudioOutput,
  settings: Settings,
  resume: ResumePoint | undefined,
  speed: number,
): LiveSession {
  return new LiveSession(
    meta,
    playlist,
    settings,
    {
      call,
      output,
      mediaUrl,
      createPlayer: (plan, startAtProgramMs, options) => new SessionPlayer(output, plan, startAtProgramMs, options),
      outbox: browserJournalOutbox(),
    },
    resume,
    speed,
  );
}
