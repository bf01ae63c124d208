import type { Handlers } from '../../core/contract';
import type { PlaylistCatalog } from './playlists';
import type { SessionStore } from './sessions';

export interface Services {
  readonly playlists: PlaylistCatalog;
  readonly sessions: SessionStore;
}

/** The contract's implementation, shared by the desktop host and the web host. */
export function createHandlers({ playlists, sessions }: Services): Handlers {
  return {
    'playlists:list': () => playlists.list(),
    'playlists:get': ({ playlistId }) => playlists.get(playlistId),
    'sessions:start': async ({ playlistId, clientCode }) => sessions.start(await playlists.get(playlistId), clientCode),
    'sessions:list': () => sessions.list(),
    'sessions:open': ({ sessionId }) => sessions.open(sessionId),
    'sessions:end': ({ sessionId, eventId, sessionMs, reason }) =>
      sessions.end(sessionId, { id: eventId, kind: 'session-ended', sessionMs, payload: { reason } }),
    'journal:append': ({ sessionId, event }) => sessions.append(sessionId, event),
  };
}
