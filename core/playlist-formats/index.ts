import type { ParsedPlaylistFile, ParseOptions } from './entries';
import { playlistFileFormats, type PlaylistFileFormat } from './file-formats';
import { parseM3u } from './m3u';
import { parsePls } from './pls';
import { parseXspf } from './xspf';

export { defaultMaxEntries, type ParsedPlaylistFile, type ParseOptions, type PlaylistEntry } from './entries';
export { describeCandidate, maxLocationLength, normaliseLocation, type LocalPathCandidate, type LocationProblem, type LocationStyle, type NormalisedLocation } from './locations';
export { exportM3u8, parseM3u, type M3u8Export, type M3u8ExportOptions } from './m3u';
export { parsePls } from './pls';
export { parseXspf } from './xspf';

export { playlistFileFormats, type PlaylistFileFormat } from './file-formats';

/** The file name extensions an import dialog offers. */
export const playlistFileExtensions: readonly string[] = playlistFileFormats;

function extensionFormat(fileName: string): PlaylistFileFormat | undefined {
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return playlistFileFormats.find((format) => format === extension);
}

/**
 * What a file is: its first characters when they settle it (XML, a `[playlist]` header, `#EXTM3U`),
 * else its extension. Undefined when neither says (the caller refuses the file).
 */
export function detectPlaylistFormat(fileName: string, text: string): PlaylistFileFormat | undefined {
  const start = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).slice(0, 1024).trimStart();
  const byExtension = extensionFormat(fileName);
  if (start.startsWith('<')) return 'xspf';
  if (/^\[playlist\]/i.test(start)) return 'pls';
  if (/^#EXTM3U/i.test(start)) return byExtension === 'm3u8' ? 'm3u8' : 'm3u';
  return byExtension;
}

/** The entries of a playlist file's text; bad content shows in `problems`, never as a throw. */
export function parsePlaylistFile(format: PlaylistFileFormat, text: string, options: ParseOptions = {}): ParsedPlaylistFile {
  switch (format) {
    case 'm3u':
    case 'm3u8':
      return parseM3u(text, options);
    case 'pls':
      return parsePls(text, options);
    case 'xspf':
      return parseXspf(text, options);
  }
}
