/**
 * Channel names alone, without schemas, so the preload script can expose one named
 * function per channel without bundling zod.
 */
export const channels = [
  'settings:get',
  'settings:update',
  'playlists:list',
  'playlists:get',
  'sessions:start',
  'sessions:list',
  'sessions:set-aside',
  'sessions:open',
  'sessions:end',
  'journal:append',
  'power:keep-awake',
  'export:pdf',
  'insights:query',
  'library:get',
  'library:add-root',
  'library:remove-root',
  'library:scan',
  'library:analyse',
  'library:job',
  'library:cancel',
  'library:platform-take',
  'library:platform-result',
  'dialog:choose',
  'playlists:save',
  'playlists:create',
  'playlists:duplicate',
  'playlists:delete',
  'playlists:import',
  'playlists:export-m3u8',
  'playlists:export-folder',
  'playlists:open-portable',
  'preflight:facts',
  'encryption:status',
  'encryption:enable',
  'encryption:unlock',
  'encryption:change-passphrase',
  'encryption:disable',
  'clients:list',
  'clients:create',
  'clients:course',
  'clients:append',
  'clients:link-offered',
  'clients:take-home',
  'pairing:invite',
  'pairing:cancel-invite',
  'pairing:status',
  'pairing:remove',
] as const;
export type Channel = (typeof channels)[number];

export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && (channels as readonly string[]).includes(name);

/**
 * What the host tells the renderer without being asked (progress of long work), by name; the
 * payload schemas are in host-events.ts. Sent over IPC in the desktop host and as
 * Server-Sent Events in the web host, from the same table.
 */
export const hostEventNames = ['library:job', 'encryption:progress', 'library:platform-work', 'pairing:status', 'journal:remote-events'] as const;
export type HostEventName = (typeof hostEventNames)[number];

/** The web host's Server-Sent Events stream of host events, under the page's own address. */
export const hostEventsPath = 'api/events';

/** The IPC channel the desktop host sends every host event on; the payload is `{ name, payload }`. */
export const hostEventIpcChannel = 'attune:host-event';

/** What the desktop preload exposes on `window.attuneEvents`; the web bridge reads Server-Sent Events instead. */
export interface HostEventsApi {
  /** `listener` gets each event as `{ name, payload }`, unvalidated; answers its own unsubscribe. */
  readonly subscribe: (listener: (event: unknown) => void) => () => void;
}

/** What the preload exposes on `window.attune` and what the web bridge recreates over HTTP. */
export type AttuneApi = { readonly [C in Channel]: (request: unknown) => Promise<unknown> };
