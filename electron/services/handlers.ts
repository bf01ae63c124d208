import { dosingHeading } from '../../core/course';
import { ContractFailure } from '../../core/result';
import type { ChoosePurpose, Handlers } from '../../core/contract';
import type { ClientStore } from './clients';
import type { LibraryChannel } from './library-handlers';
import type { PlaylistChannel } from './playlist-handlers';
import { preflightFacts, type PreflightFactsSources } from './preflight';
import type { EncryptionService } from './encryption/encryption-service';
import type { InsightsService } from './insights';
import type { PairingService } from './pairing/pairing-service';
import type { PlaylistCatalog } from './playlists';
import type { SessionStore } from './sessions';
import type { SettingsService } from './settings';
import { exportTakeHome } from './take-home';

export interface Services {
  readonly playlists: PlaylistCatalog;
  readonly sessions: SessionStore;
  readonly clients: ClientStore;
  readonly settings: SettingsService;
  readonly insights: InsightsService;
  readonly encryption: EncryptionService;
  /** Holds or releases the host's sleep blocker; answers whether one is held (the web host has none). */
  readonly keepAwake: (active: boolean) => boolean;
  /** Prints HTML to a PDF where the user chooses; resolves false if they cancel. Only the desktop host can. */
  readonly savePdf: ((html: string, fileName: string) => Promise<boolean>) | undefined;
  /** The desktop host's native pickers; the web host has none (the path is typed). */
  readonly choosePath: ((purpose: ChoosePurpose) => Promise<string | null>) | undefined;
  readonly preflight: PreflightFactsSources;
  readonly pairing: PairingService;
}

/**
 * Every channel but the library's (library-handlers.ts) and the playlists' (playlist-handlers.ts),
 * shared by the desktop host and the web host.
 */
export function createHandlers({ playlists, sessions, clients, settings, insights, encryption, keepAwake, savePdf, choosePath, preflight, pairing }: Services): Omit<Handlers, LibraryChannel | PlaylistChannel> {
  return {
    'power:keep-awake': async ({ active }) => ({ held: keepAwake(active) }),
    'export:pdf': async ({ html, fileName }) => {
      if (savePdf === undefined) {
        throw new ContractFailure('unsupported', 'PDF export is in the desktop app; here, download the printable HTML and print it to PDF from the browser');
      }
      return { saved: await savePdf(html, fileName) };
    },
    'settings:get': async () => settings.get(),
    'settings:update': async (patch) => settings.update(patch),
    'sessions:start': async ({ playlistId, ...setup }) => sessions.start(await playlists.get(playlistId), setup),
    'sessions:list': () => sessions.list(),
    'sessions:set-aside': async () => {
      const report = await sessions.setAsideReport();
      return report === undefined ? null : { folder: report.folder, entries: [...report.entries] };
    },
    'sessions:open': ({ sessionId }) => sessions.open(sessionId),
    'sessions:end': ({ sessionId, eventId, sessionMs, reason }) =>
      sessions.end(sessionId, { id: eventId, kind: 'session-ended', sessionMs, payload: { reason } }),
    'journal:append': ({ sessionId, events }) => sessions.appendMany(sessionId, events),
    'pairing:invite': ({ sessionId, hostInitials }) => pairing.invite(sessionId, hostInitials),
    'pairing:cancel-invite': ({ sessionId }) => pairing.cancelInvite(sessionId),
    'pairing:status': ({ sessionId }) => pairing.status(sessionId),
    'pairing:remove': ({ sessionId, deviceId }) => pairing.remove(sessionId, deviceId),
    'insights:query': async (filter) => {
      const report = await insights.compute(filter);
      return { ...report, skipped: [...report.skipped] };
    },
    'dialog:choose': async ({ purpose }) => {
      if (choosePath === undefined) throw new ContractFailure('unsupported', 'type the full path here; the browser cannot open a folder picker for Attune');
      return { path: await choosePath(purpose) };
    },
    'preflight:facts': ({ playlistId }) => preflightFacts(playlistId, preflight),
    'encryption:status': () => encryption.status(),
    'encryption:enable': (request) => encryption.enable(request),
    'encryption:unlock': ({ passphrase }) => encryption.unlock(passphrase),
    'encryption:change-passphrase': ({ current, next }) => encryption.changePassphrase(current, next),
    'encryption:disable': ({ passphrase }) => encryption.disable(passphrase),
    'clients:list': () => clients.list(),
    'clients:create': ({ code, notes }) => clients.create(code, notes),
    'clients:course': ({ clientId }) => clients.course(clientId),
    'clients:append': ({ clientId, events }) => clients.append(clientId, events),
    'clients:link-offered': ({ clientCode, sessionIds, via }) => clients.linkOffered(clientCode, sessionIds, via),
    'clients:take-home': async ({ clientId, sessionIds, destination }) => {
      const course = clientId === undefined ? undefined : await clients.course(clientId);
      return exportTakeHome(
        { openSession: (sessionId) => sessions.open(sessionId), playlistWithFile: (playlistId) => playlists.getWithFile(playlistId), markKinds: () => settings.current().markKinds },
        { sessionIds, headings: sessionIds.map((sessionId) => dosingHeading(sessionId, course?.timeline)), clientCode: course?.client.code ?? '', destination },
      );
    },
  };
}
