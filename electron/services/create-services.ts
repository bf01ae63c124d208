import path from 'node:path';
import Conf from 'conf';
import { EncryptionService } from './encryption/encryption-service';
import type { KeyProtector, ScryptCost } from './encryption/key-file';
import type { SessionCodec } from './encryption/session-codec';
import { createHandlers, type Services } from './handlers';
import { InsightsService } from './insights';
import { PlaylistCatalog } from './playlists';
import { SessionStore, sessionFileNames } from './sessions';
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
  /** The desktop host's safeStorage, to keep the encryption key in the system keychain. */
  readonly keyProtector?: KeyProtector;
  /** The cost of deriving a key from a new passphrase (tests use a cheaper one than the default). */
  readonly passphraseCost?: ScryptCost;
}

export function createServices({ dataDir, bundledPlaylistsDir, openSettingsStore, keepAwake = () => false, savePdf, keyProtector, passphraseCost }: ServiceLocations) {
  const openStore = openSettingsStore ?? (() => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }));
  const playlists = new PlaylistCatalog([
    { kind: 'bundled', directory: bundledPlaylistsDir },
    { kind: 'user', directory: path.join(dataDir, 'playlists') },
  ]);
  // The store asks the encryption service for the codec of the moment; the service converts the store's folders.
  const codec = (): Promise<SessionCodec> => encryption.codec();
  const sessions = new SessionStore(dataDir, { codec });
  const encryption: EncryptionService = new EncryptionService({ dataDir, sessions, sessionFiles: sessionFileNames, keyProtector, scryptCost: passphraseCost });
  const services: Services = {
    settings: new SettingsService({ openStore, filePath: path.join(dataDir, settingsFileName) }),
    playlists,
    sessions,
    insights: new InsightsService({ dataDir, playlists, codec }),
    encryption,
    keepAwake,
    savePdf,
  };
  return {
    ...services,
    /** For the media handler: the library roots as the settings have them now. */
    libraryRoots: async () => services.settings.current().libraryRoots,
    handlers: createHandlers(services),
    close: async () => {
      await encryption.dispose();
      await sessions.close();
    },
  };
}
