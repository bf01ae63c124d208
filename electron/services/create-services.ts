import path from 'node:path';
import { createHandlers, type Services } from './handlers';
import { PlaylistCatalog } from './playlists';
import { SessionStore } from './sessions';

export interface ServiceLocations {
  /** Sessions, user playlists and settings live here. */
  readonly dataDir: string;
  /** The read-only playlists shipped with the app. */
  readonly bundledPlaylistsDir: string;
}

export function createServices({ dataDir, bundledPlaylistsDir }: ServiceLocations) {
  const services: Services = {
    playlists: new PlaylistCatalog([
      { kind: 'bundled', directory: bundledPlaylistsDir },
      { kind: 'user', directory: path.join(dataDir, 'playlists') },
    ]),
    sessions: new SessionStore(dataDir),
  };
  return {
    ...services,
    handlers: createHandlers(services),
    close: () => services.sessions.close(),
  };
}
