import path from 'node:path';
import Conf from 'conf';
import { createHandlers, type Services } from './handlers';
import { InsightsService } from './insights';
import { PlaylistCatalog } from './playlists';
import { SessionStore } from './sessions';
import { SettingsService, type KeyValueStore } from './settings';

export const settingsFileName = 'settings.json';

export interface ServiceLocations {
  /** Sessions, user playlists and settings live here. */
  readonly dataDir: string;
  /** The read-only playlists shipped with the app. */
  readonly bundledPlaylistsDir: string;
  /**
   * Opens `<dataDir>/settings.json`. The desktop host passes electron-store; by default
   * it is conf, the library electron-store is built on, so both hosts share one format.
   */
  readonly openSettingsStore?: () => KeyValueStore;
  /** The desktop host passes its power-save blocker; elsewhere nothing can be held. */
  readonly keepAwake?: (active: boolean) => boolean;
  /** The desktop host's PDF printer (a save dialog and printToPDF). */
  readonly savePdf?: (html: string, fileName: string) => Promise<boolean>;
}

export function createServices({ dataDir, bundledPlaylistsDir, openSettingsStore, keepAwake = () => false, savePdf }: ServiceLocations) {
  const openStore = openSettingsStore ?? (() => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }));
  const playlists = new PlaylistCatalog([
    { kind: 'bundled', directory: bundledPlaylistsDir },
    { kind: 'user', directory: path.join(dataDir, 'playlists') },
  ]);
  const services: Services = {
    settings: new SettingsService({ openStore, filePath: path.join(dataDir, settingsFileName) }),
    playlists,
    sessions: new SessionStore(dataDir),
    insights: new InsightsService({ dataDir, playlists }),
    keepAwake,
    savePdf,
  };
  return {
    ...services,
    /** For the media handler: the library roots as the settings have them now. */
    libraryRoots: async () => services.settings.current().libraryRoots,
    handlers: createHandlers(services),
    close: () => services.sessions.close(),
  };
}
