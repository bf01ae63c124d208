/**
 * The playlist formats Attune imports, on their own so the IPC contract (bundled into the
 * renderer) can name them without pulling in the parsers and their XML library.
 */
export const playlistFileFormats = ['m3u', 'm3u8', 'pls', 'xspf'] as const;
export type PlaylistFileFormat = (typeof playlistFileFormats)[number];
