import { allSegments, type FileSegment, type Playlist } from '../playlist';
import type { SessionExport } from './session-export';
import { escapeXml, xmlSafe } from './text';
import { m3uDisplayName } from '../playlist-formats/m3u';
import { formatPosition, formatSessionTime } from './time';

/** The kinds a take-home playlist gathers by default: music felt as fitting, and breakthrough. */
export const takeHomeKinds: readonly string[] = ['resonance', 'breakthrough'];

export interface TakeHomeSource {
  readonly model: SessionExport;
  /** The playlist the session played; undefined when it cannot be read (its moments are then left out, and said so). */
  readonly playlist: Playlist | undefined;
  /** "Dosing session 1, 2026-11-01". */
  readonly heading: string;
}

export interface TakeHomeMoment {
  readonly markId: string;
  readonly heading: string;
  readonly kind: string;
  readonly kindLabel: string;
  /** Since the dose. */
  readonly sessionMs: number;
  /** Inside the recording. */
  readonly positionMs: number | null;
}

export interface TakeHomeTrack {
  readonly playlistId: string;
  readonly segment: FileSegment;
  /** The moments that put it on the list, in session order. */
  readonly moments: readonly TakeHomeMoment[];
}

export interface TakeHomeList {
  readonly title: string;
  readonly tracks: readonly TakeHomeTrack[];
  /** Moments of these kinds that are not on the list, with why (a soundscape has no file; the playlist is gone). */
  readonly leftOut: readonly string[];
}

export interface TakeHomeOptions {
  readonly clientCode: string;
  readonly kinds?: readonly string[];
  /** What makes two segments the same recording (default: the playlist and the file's path as written). */
  readonly recordingKey?: (playlistId: string, segment: FileSegment) => string;
}

/**
 * The recordings the client can listen to at home: every file that was playing at a mark of
 * the chosen kinds, once, in the order of its first such moment across the sessions given
 * (in the order given), with every moment that put it there.
 */
export function takeHomeList(sources: readonly TakeHomeSource[], options: TakeHomeOptions): TakeHomeList {
  const kinds = options.kinds ?? takeHomeKinds;
  const recordingKey = options.recordingKey ?? ((playlistId: string, segment: FileSegment) => `${playlistId}\n${segment.path}`);
  const tracks = new Map<string, { playlistId: string; segment: FileSegment; moments: TakeHomeMoment[] }>();
  const leftOut: string[] = [];
  for (const source of sources) {
    const segments = new Map(source.playlist === undefined ? [] : allSegments(source.playlist).map((segment) => [segment.id, segment]));
    for (const row of source.model.rows) {
      if (row.source !== 'mark' || !kinds.includes(row.kind)) continue;
      const where = `${row.kindLabel} at ${formatSessionTime(row.sessionMs)} (${source.heading})`;
      const segment = row.segment === null ? undefined : segments.get(row.segment.id);
      if (segment === undefined) {
        leftOut.push(`${where}: ${source.playlist === undefined ? 'the playlist cannot be read' : 'no music was playing'}`);
        continue;
      }
      if (segment.type !== 'file') {
        leftOut.push(`${where}: a soundscape (${segment.preset}), made by Attune, with no file to take home`);
        continue;
      }
      const key = recordingKey(source.model.facts.playlistId, segment);
      let track = tracks.get(key);
      if (track === undefined) {
        track = { playlistId: source.model.facts.playlistId, segment, moments: [] };
        tracks.set(key, track);
      }
      track.moments.push({ markId: row.id, heading: source.heading, kind: row.kind, kindLabel: row.kindLabel, sessionMs: row.sessionMs, positionMs: row.positionMs });
    }
  }
  const code = options.clientCode === '' ? '' : ` for ${options.clientCode}`;
  return { title: `Take-home playlist${code}`, tracks: [...tracks.values()], leftOut };
}

/** One line whatever a title holds: a line break would start an entry of its own. */
const oneLine = (text: string) => xmlSafe(text).replace(/[\r\n\u2028\u2029]+/g, ' ').trim();

const displayName = (segment: FileSegment): string => m3uDisplayName(segment, (text) => oneLine(text ?? ''));

/** "Resonance at 3:12 of the track (1:23:45 since the dose, Dosing session 1, 2026-11-01)". */
export function describeMoment(moment: TakeHomeMoment): string {
  const position = moment.positionMs === null ? '' : ` at ${formatPosition(moment.positionMs)} of the track`;
  return `${moment.kindLabel}${position} (${formatSessionTime(moment.sessionMs)} since the dose, ${moment.heading})`;
}

const cannotBeWritten = (written: string) => written.trim() === '' || /[\u0000-\u001f\u007f]/.test(written);

/** An M3U8 (UTF-8) of the list; the moments are comments above each entry, so they travel with it. */
export function toTakeHomeM3u8(list: TakeHomeList, pathFor: (track: TakeHomeTrack) => string): string {
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(list.title)}`, '# Exported from Attune: the recordings playing at the moments below.'];
  for (const track of list.tracks) {
    const written = pathFor(track);
    lines.push('');
    for (const moment of track.moments) lines.push(`# ${oneLine(describeMoment(moment))}`);
    if (cannotBeWritten(written)) {
      lines.push(`# ${oneLine(displayName(track.segment))} left out: its path cannot be written on one line`);
      continue;
    }
    const seconds = track.segment.durationSeconds === undefined ? -1 : Math.round(track.segment.durationSeconds);
    lines.push(`#EXTINF:${seconds},${displayName(track.segment)}`, written);
  }
  for (const reason of list.leftOut) lines.push(`# Not on the list: ${oneLine(reason)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * An XSPF of the list. `locationFor` gives each track's URI (`file:///…` for an absolute path,
 * or a path relative to the file, percent-encoded); the moments are each track's annotation.
 */
export function toTakeHomeXspf(list: TakeHomeList, locationFor: (track: TakeHomeTrack) => string): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<playlist version="1" xmlns="http://xspf.org/ns/0/">', `  <title>${escapeXml(xmlSafe(list.title))}</title>`];
  if (list.leftOut.length > 0) out.push(`  <annotation>${escapeXml(xmlSafe(`Not on the list: ${list.leftOut.join('; ')}`))}</annotation>`);
  out.push('  <trackList>');
  for (const track of list.tracks) {
    const { segment } = track;
    out.push('    <track>', `      <location>${escapeXml(xmlSafe(locationFor(track)))}</location>`);
    if (segment.title !== undefined) out.push(`      <title>${escapeXml(xmlSafe(segment.title))}</title>`);
    if (segment.artist !== undefined) out.push(`      <creator>${escapeXml(xmlSafe(segment.artist))}</creator>`);
    out.push(`      <annotation>${escapeXml(xmlSafe(track.moments.map(describeMoment).join('\n')))}</annotation>`);
    if (segment.durationSeconds !== undefined) out.push(`      <duration>${Math.round(segment.durationSeconds * 1000)}</duration>`);
    out.push('    </track>');
  }
  out.push('  </trackList>', '</playlist>');
  return `${out.join('\n')}\n`;
}

/** A local path as a URI for XSPF: absolute paths as `file:///…` (Windows drives too), relative ones percent-encoded as they are. */
export function pathToXspfLocation(filePath: string): string {
  const forward = filePath.replace(/\\/g, '/');
  const encoded = forward
    .split('/')
    .map((part, index) => (index === 0 && /^[A-Za-z]:$/.test(part) ? part : encodeURIComponent(part)))
    .join('/');
  if (forward.startsWith('/')) return `file://${encoded}`;
  if (/^[A-Za-z]:\//.test(forward)) return `file:///${encoded}`;
  return encoded;
}
