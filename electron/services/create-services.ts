import path from 'node:path';
import Conf from 'conf';
import { ClientStore } from './clients';
import { EncryptionService, type SessionFolders } from './encryption/encryption-service';
import type { KeyProtector, ScryptCost } from './encryption/key-file';
import type { SessionCodec } from './encryption/session-codec';
import type { Handlers } from '../../core/contract';
import { createHandlers, type Services } from './handlers';
import { HostEventHub } from './host-events';
import { createLibraryHandlers } from './library-handlers';
import { createPlaylistHandlers } from './playlist-handlers';
import type { ChoosePurpose } from '../../core/contract';
import { LibraryService } from './library/library-service';
import { LoudnessAnalyzer } from './library/loudness-analyzer';
import { PlaylistStore } from './playlist-store';
import { InsightsService } from './insights';
import { PairingService } from './pairing/pairing-service';
import { PlaylistCatalog } from './playlists';
import { SessionStore, sessionFileNames } from './sessions';
import { SettingsService, type KeyValueStore } from './settings';

export const settingsFileName = 'settings.json';

/** The web host cannot keep the machine awake. */
const noKeepAwake = (): boolean => false;

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
  /** The desktop host's native folder and file pickers. */
  readonly choosePath?: (purpose: ChoosePurpose) => Promise<string | null>;
  /** Loudness analysis workers; by default one per core. */
  readonly analysisWorkers?: number;
  /** The built renderer, whose device.html the co-facilitator's device loads; without it that page answers 503. */
  readonly deviceAppDir?: string;
  /** Where the co-facilitation server listens while it is needed (every IPv4 interface unless a test says otherwise). */
  readonly pairingListenHost?: string;
}

export function createServices({ dataDir, bundledPlaylistsDir, openSettingsStore, keepAwake = noKeepAwake, savePdf, keyProtector, passphraseCost, choosePath, analysisWorkers, deviceAppDir, pairingListenHost }: ServiceLocations) {
  const openStore = openSettingsStore ?? (() => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }));
  const playlists = new PlaylistCatalog([
    { kind: 'bundled', directory: bundledPlaylistsDir },
    { kind: 'user', directory: path.join(dataDir, 'playlists') },
  ]);
  // The store asks the encryption service for the codec of the moment; the service converts the store's folders.
  const codec = (): Promise<SessionCodec> => encryption.codec();
  const sessions = new SessionStore(dataDir, { codec });
  const clients = new ClientStore(dataDir, { sessions, codec });
  // Client records are converted with the sessions: the same one-line records, bound to the client's id (never a session id's shape).
  const recordFolders: SessionFolders = {
    sessionIds: async () => [...(await sessions.sessionIds()), ...(await clients.clientIds())],
    rewriteSession: (id, work) => (id.startsWith('client-') ? clients.rewriteClient(id, work) : sessions.rewriteSession(id, work)),
  };
  // Progress of long work goes to the renderer as the contract's events (IPC or Server-Sent Events), not by polling.
  const events = new HostEventHub();
  const encryption: EncryptionService = new EncryptionService({
    dataDir,
    sessions: recordFolders,
    sessionFiles: sessionFileNames,
    keyProtector,
    scryptCost: passphraseCost,
    onProgress: (progress) => events.publish('encryption:progress', progress),
  });
  const settings = new SettingsService({ openStore, filePath: path.join(dataDir, settingsFileName) });
  const library = new LibraryService({
    dataDir,
    settings,
    createAnalyzer: () => new LoudnessAnalyzer(analysisWorkers === undefined ? {} : { workerCount: analysisWorkers }),
    onJobChange: (job) => events.publish('library:job', job),
    onPlatformWork: (pending) => events.publish('library:platform-work', { pending }),
  });
  const pairing = new PairingService({
    dataDir,
    sessions,
    settings,
    playlists,
    deviceAppDir,
    ...(pairingListenHost === undefined ? {} : { listenHost: pairingListenHost }),
  });
  // Both screens of a session hear of pairing as the contract's host events.
  pairing.on('status', (status) => events.publish('pairing:status', status));
  pairing.on('remote-events', ({ sessionId, events: journaled }) => events.publish('journal:remote-events', { sessionId, events: journaled }));
  const services: Services = {
    settings,
    playlists,
    sessions,
    clients,
    insights: new InsightsService({ dataDir, playlists, codec }),
    encryption,
    keepAwake,
    savePdf,
    choosePath,
    preflight: { library, playlists, dataDir, keepAwakeAvailable: keepAwake !== noKeepAwake },
    pairing,
  };
  const playlistStore = new PlaylistStore(playlists, path.join(dataDir, 'playlists'));
  return {
    ...services,
    library,
    events,
    /**
     * For the media handler: the library roots as the settings have them now, and the bundled
     * playlists' folder (a user's copy of a bundled playlist plays its music from there).
     */
    libraryRoots: async () => [...services.settings.current().libraryRoots, bundledPlaylistsDir],
    handlers: { ...createHandlers(services), ...createLibraryHandlers(library), ...createPlaylistHandlers({ playlists, playlistStore, library }) } satisfies Handlers,
    close: async () => {
      await pairing.dispose();
      events.dispose();
      await library.dispose();
      await encryption.dispose();
      await sessions.close();
    },
  };
}
