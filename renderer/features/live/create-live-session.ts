import type { Playlist } from '../../../core/playlist';
import type { SessionMeta } from '../../../core/session';
import type { Settings } from '../../../core/settings';
import type { AudioOutput } from '../../audio/AudioOutput';
import { LoudnessEstimator } from '../../audio/LoudnessEstimator';
import { SessionPlayer } from '../../audio/SessionPlayer';
import { call, mediaUrl } from '../../bridge/attune-bridge';
import { onHostEvent } from '../../bridge/host-events';
import { browserJournalOutbox } from './journal-outbox';
import { LiveSession, type ResumePoint } from './LiveSession';
import { screenWakeLock, sessionKeepAwake } from './ScreenWakeLock';

/** A live session wired to this page's host (the bridge) and audio engine. */
export function createLiveSession(
  meta: SessionMeta,
  playlist: Playlist,
  output: AudioOutput,
  settings: Settings,
  resume: ResumePoint | undefined,
  speed: number,
): LiveSession {
  // Told only while the session plays, so after `session` below exists.
  const keepAwake = sessionKeepAwake(call, screenWakeLock(), (reason) =>
    session.showNotice(`The browser will not keep the screen awake (${reason}): if the computer sleeps, the music stops. Set it never to sleep while plugged in.`),
  );
  const session = new LiveSession(
    meta,
    playlist,
    settings,
    {
      call,
      output,
      mediaUrl,
      keepAwake,
      createPlayer: (plan, startAtProgramMs, options) => new SessionPlayer(output, plan, startAtProgramMs, options),
      outbox: browserJournalOutbox(),
      loudnessEstimates: () => new LoudnessEstimator(),
      remoteEvents: (listener) =>
        onHostEvent('journal:remote-events', ({ sessionId, events }) => {
          if (sessionId === meta.id) listener(events);
        }),
    },
    resume,
    speed,
  );
  return session;
}
