/**
 * Turns a playlist entry's location into the local path it may name, without touching the
 * file system: the caller decides where a path may lead and whether the file is there.
 */

/** A segment path in the playlist schema is at most this long. */
export const maxLocationLength = 4096;

export type LocationStyle = 'relative' | 'absolute' | 'windows-drive' | 'unc';

export interface LocalPathCandidate {
  readonly style: LocationStyle;
  /** Folder and file names in order; no empty or `.` names; `..` only at the start of a relative path. */
  readonly components: readonly string[];
  /** Upper-case drive letter of a `windows-drive` path. */
  readonly drive?: string;
  /** Server of a `unc` path (its share is the first component). */
  readonly host?: string;
}

export type LocationProblem = 'empty' | 'too-long' | 'control-characters' | 'unsupported-scheme' | 'malformed';

export type NormalisedLocation =
  | {
      readonly ok: true;
      /** The most literal reading first; later ones (a percent-decoded reading) are tried only when it finds nothing. */
      readonly candidates: readonly LocalPathCandidate[];
    }
  | { readonly ok: false; readonly problem: LocationProblem; readonly reason: string };

export interface NormaliseOptions {
  /** The location is a URI reference (XSPF), so a relative one is percent-decoded rather than taken literally. */
  readonly uri?: boolean;
}

const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

const streamSchemes = new Set(['http', 'https', 'ftp', 'ftps', 'sftp', 'rtsp', 'rtmp', 'rtp', 'mms', 'mmsh', 'udp', 'icy', 'icyx', 'ws', 'wss']);

// Schemes written without `//` that are never a file; any other `name:` without `//` may be a file name with a colon.
const opaqueSchemes = new Set(['javascript', 'vbscript', 'data', 'blob', 'about', 'mailto', 'tel', 'urn', 'spotify', 'itms', 'magnet', 'chrome', 'view-source']);

type Parsed = { readonly ok: true; readonly candidate: LocalPathCandidate } | { readonly ok: false; readonly problem: LocationProblem; readonly reason: string };

const failure = (problem: LocationProblem, reason: string) => ({ ok: false, problem, reason }) as const;

export function normaliseLocation(location: string, options: NormaliseOptions = {}): NormalisedLocation {
  const trimmed = location.trim();
  if (trimmed === '') return failure('empty', 'the entry is empty');
  if (trimmed.length > maxLocationLength) return failure('too-long', `the path is longer than ${maxLocationLength} characters`);
  if (controlCharacter.test(trimmed)) return failure('control-characters', 'the path contains a control character (such as NUL or a line break)');

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1];
  if (scheme !== undefined && scheme.length > 1) {
    const lower = scheme.toLowerCase();
    if (lower === 'file') return collect(fileUrlReadings(trimmed.slice(scheme.length + 1)));
    if (streamSchemes.has(lower)) {
      return failure('unsupported-scheme', `a network address (${clip(lower)}:); Attune plays only files on this computer`);
    }
    if (trimmed.slice(scheme.length + 1).startsWith('//') || opaqueSchemes.has(lower)) {
      return failure('unsupported-scheme', `an address of the kind "${clip(lower)}:", not a file`);
    }
  }

  const literal = parsePlainPath(trimmed);
  if (!literal.ok) return literal;
  const decoded = /%[0-9a-fA-F]{2}/.test(trimmed) ? decodeCandidate(literal.candidate) : undefined;
  if (options.uri === true) {
    // A URI's percent signs are always escapes, so the literal reading is no reading at all.
    return decoded === undefined ? collect([literal]) : collect([decoded]);
  }
  // Some players write plain paths percent-encoded; the literal file name wins when both exist.
  return collect(decoded === undefined || !decoded.ok ? [literal] : [literal, decoded]);
}

/** The path as its own system writes it, for messages and for matching on that system. */
export function describeCandidate(candidate: LocalPathCandidate): string {
  switch (candidate.style) {
    case 'relative':
      return candidate.components.join('/');
    case 'absolute':
      return `/${candidate.components.join('/')}`;
    case 'windows-drive':
      return `${candidate.drive ?? '?'}:\\${candidate.components.join('\\')}`;
    case 'unc':
      return `\\\\${candidate.host ?? '?'}\\${candidate.components.join('\\')}`;
  }
}

function clip(text: string): string {
  return text.length > 20 ? `${text.slice(0, 19)}…` : text;
}

function collect(readings: readonly Parsed[]): NormalisedLocation {
  const candidates: LocalPathCandidate[] = [];
  for (const reading of readings) {
    if (!reading.ok) continue;
    const key = `${reading.candidate.style}|${reading.candidate.drive ?? ''}|${reading.candidate.host ?? ''}|${reading.candidate.components.join('\u0000')}`;
    if (!candidates.some((seen) => `${seen.style}|${seen.drive ?? ''}|${seen.host ?? ''}|${seen.components.join('\u0000')}` === key)) {
      candidates.push(reading.candidate);
    }
  }
  if (candidates.length > 0) return { ok: true, candidates };
  const firstFailure = readings.find((reading) => !reading.ok);
  return firstFailure === undefined || firstFailure.ok ? failure('malformed', 'the path names no file') : firstFailure;
}

/**
 * `.` dropped and `..` applied. An absolute path cannot climb above its root (as on every
 * system); a relative one keeps its leading `..` for the caller to resolve and judge.
 */
function normaliseComponents(names: readonly string[], absolute: boolean): string[] {
  const result: string[] = [];
  for (const name of names) {
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (result.length > 0 && result.at(-1) !== '..') result.pop();
      else if (!absolute) result.push('..');
      continue;
    }
    result.push(name);
  }
  return result;
}

function candidateFrom(style: LocationStyle, names: readonly string[], extra: { drive?: string; host?: string } = {}): Parsed {
  const components = normaliseComponents(names, style !== 'relative');
  const fileName = components.at(-1);
  // A trailing separator (`Music/`), `.` or `..` names a folder whatever comes before it.
  const lastWritten = names.at(-1);
  if (fileName === undefined || fileName === '..' || lastWritten === '' || lastWritten === '.' || lastWritten === '..') {
    return failure('malformed', 'the path names a folder, not a file');
  }
  return { ok: true, candidate: { style, components, ...extra } };
}

const separators = /[\\/]+/;

/**
 * Backslashes count as separators everywhere: a playlist written on Windows uses them, and a
 * POSIX file name with a backslash in it is rare enough to give up.
 */
function parsePlainPath(text: string): Parsed {
  // Win32 namespace prefixes: `\\?\C:\…` and `\\?\UNC\server\share\…` are ordinary paths; `\\.\` names devices.
  const namespaced = /^[\\/]{2}([?.])[\\/](.*)$/.exec(text);
  if (namespaced !== null) {
    if (namespaced[1] === '.') return failure('unsupported-scheme', 'a Windows device path, not a file');
    const rest = namespaced[2] ?? '';
    const unc = /^UNC[\\/](.*)$/i.exec(rest);
    return parsePlainPath(unc === null ? rest : `\\\\${unc[1] ?? ''}`);
  }
  const unc = /^[\\/]{2}([^\\/]+)[\\/]+(.*)$/.exec(text);
  if (unc !== null) {
    const names = (unc[2] ?? '').split(separators);
    if ((names[0] ?? '') === '') return failure('malformed', 'a network path without a share name');
    return candidateFrom('unc', names, { host: unc[1] ?? '' });
  }
  if (/^[\\/]{2}/.test(text)) return failure('malformed', 'a network path without a server name');
  const drive = /^([a-zA-Z]):(.*)$/.exec(text);
  if (drive !== null) {
    const rest = drive[2] ?? '';
    // `C:music\a.mp3` is relative to the current folder of drive C on some other computer: nothing to go on.
    if (!/^[\\/]/.test(rest)) return failure('malformed', 'a Windows path relative to a drive\'s current folder ("C:name") cannot be located');
    return candidateFrom('windows-drive', rest.split(separators), { drive: (drive[1] ?? '').toUpperCase() });
  }
  if (/^[\\/]/.test(text)) return candidateFrom('absolute', text.split(separators));
  return candidateFrom('relative', text.split(separators));
}

type Decoded = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly problem: LocationProblem; readonly reason: string };

function decodeName(name: string): Decoded {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    return failure('malformed', 'the percent-encoding is broken or not UTF-8');
  }
  if (controlCharacter.test(decoded)) return failure('control-characters', 'the path contains an encoded control character (such as %00)');
  // An encoded slash cannot be part of a file name; it would only smuggle a separator in.
  if (decoded.includes('/')) return failure('malformed', 'a file name contains an encoded slash (%2F)');
  return { ok: true, name: decoded };
}

function decodeCandidate(candidate: LocalPathCandidate): Parsed {
  const names: string[] = [];
  for (const component of candidate.components) {
    const decoded = decodeName(component);
    if (!decoded.ok) return decoded;
    names.push(decoded.name);
  }
  if (candidate.host !== undefined) {
    const host = decodeName(candidate.host);
    if (!host.ok) return host;
    return candidateFrom(candidate.style, names, { host: host.name });
  }
  return candidateFrom(candidate.style, names, candidate.drive === undefined ? {} : { drive: candidate.drive });
}

/**
 * `file:` URLs in the forms players write: `file:///C:/…`, `file:///home/…`, `file://localhost/…`,
 * `file://server/share/…` (a network path), `file:/home/…`, and the old `file:///C|/…`. The
 * reading by the URL standard (without `?query` and `#fragment`) comes first; a file name with
 * an unescaped `#` or `?` is tried after it.
 */
function fileUrlReadings(afterScheme: string): Parsed[] {
  const cut = afterScheme.search(/[?#]/);
  const readings = [fileUrlReading(cut === -1 ? afterScheme : afterScheme.slice(0, cut))];
  if (cut !== -1) readings.push(fileUrlReading(afterScheme));
  return readings;
}

function fileUrlReading(afterScheme: string): Parsed {
  let pathPart = afterScheme;
  let host = '';
  if (/^[\\/]{2}/.test(afterScheme)) {
    const rest = afterScheme.slice(2);
    const hostEnd = rest.search(/[\\/]/);
    host = hostEnd === -1 ? rest : rest.slice(0, hostEnd);
    pathPart = hostEnd === -1 ? '' : rest.slice(hostEnd);
  }
  const names = pathPart.split(separators);
  const decodedNames: string[] = [];
  for (const name of names) {
    const decoded = decodeName(name);
    if (!decoded.ok) return decoded;
    decodedNames.push(decoded.name);
  }
  // `file://C:/…` (one slash short) is common enough to read as the drive path it means.
  if (/^[a-zA-Z][:|]$/.test(host)) {
    decodedNames.unshift(host);
    host = '';
  }
  if (host !== '' && host.toLowerCase() !== 'localhost') {
    const decodedHost = decodeName(host);
    if (!decodedHost.ok) return decodedHost;
    if (decodedNames.filter((name) => name !== '').length === 0) return failure('malformed', 'a file URL without a path');
    return candidateFrom('unc', decodedNames, { host: decodedHost.name });
  }
  const meaningful = decodedNames.filter((name) => name !== '');
  const driveName = /^([a-zA-Z])[:|]$/.exec(meaningful[0] ?? '');
  if (driveName !== null) return candidateFrom('windows-drive', meaningful.slice(1), { drive: (driveName[1] ?? '').toUpperCase() });
  if (!pathPart.startsWith('/') && !pathPart.startsWith('\\')) return candidateFrom('relative', decodedNames);
  return candidateFrom('absolute', decodedNames);
}
