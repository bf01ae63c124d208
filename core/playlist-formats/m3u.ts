import { formatMinutes, formatPosition } from '../format';
import type { FileSegment, Phase, Playlist, Segment } from '../playlist';
import { fail, ok, type Result } from '../result';
import { secondsToMs } from '../units';
import { fileBaseNameOf } from '../segment-names';
import {
  cleanText,
  defaultMaxEntries,
  positiveSeconds,
  ProblemList,
  splitArtistTitle,
  splitLines,
  type ParsedPlaylistFile,
  type ParseOptions,
  type PlaylistEntry,
} from './entries';

interface ExtInf {
  readonly line: number;
  readonly durationSeconds?: number;
  readonly artist?: string;
  readonly title?: string;
}

/** `#EXTINF:<seconds>[ key="value" …],<Artist - Title>`; the comma inside a quoted attribute does not count. */
function parseExtInf(body: string, line: number): ExtInf {
  const duration = /^\s*(-?\d+(?:\.\d+)?)/.exec(body);
  let inQuotes = false;
  let comma = -1;
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index];
    if (character === '"') inQuotes = !inQuotes;
    else if (character === ',' && !inQuotes) {
      comma = index;
      break;
    }
  }
  const durationSeconds = duration === null ? undefined : positiveSeconds(Number(duration[1]));
  const display = comma === -1 ? undefined : splitArtistTitle(body.slice(comma + 1));
  return { line, ...(durationSeconds === undefined ? {} : { durationSeconds }), ...display };
}

/**
 * M3U and M3U8: one location per line; `#EXTINF` describes the location after it, `#PLAYLIST`
 * names the list, every other `#` line is a comment or a directive Attune has no use for.
 */
export function parseM3u(text: string, options: ParseOptions = {}): ParsedPlaylistFile {
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  const entries: PlaylistEntry[] = [];
  const problems = new ProblemList();
  let title: string | undefined;
  let pending: ExtInf | undefined;
  let streaming = false;
  let tooManyEntries = false;

  const lines = splitLines(text);
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const directive = /^#([A-Za-z0-9-]+):?(.*)$/.exec(line);
      const name = directive?.[1]?.toUpperCase();
      if (name === 'EXTINF') {
        if (pending !== undefined) problems.add(`line ${pending.line}: #EXTINF is not followed by a path`);
        pending = parseExtInf(directive?.[2] ?? '', lineNumber);
      } else if (name === 'PLAYLIST') {
        title = cleanText(directive?.[2], 200) ?? title;
      } else if (name?.startsWith('EXT-X-') === true) {
        streaming = true;
      }
      continue;
    }
    if (entries.length >= maxEntries) {
      tooManyEntries = true;
      problems.add(`the playlist has more than ${maxEntries} entries; only the first ${maxEntries} were read`);
      break;
    }
    entries.push({
      location: line,
      line: lineNumber,
      ...(pending?.title === undefined ? {} : { title: pending.title }),
      ...(pending?.artist === undefined ? {} : { artist: pending.artist }),
      ...(pending?.durationSeconds === undefined ? {} : { durationSeconds: pending.durationSeconds }),
    });
    pending = undefined;
  }
  if (pending !== undefined) problems.add(`line ${pending.line}: #EXTINF is not followed by a path`);
  if (streaming) {
    problems.add('this is an HTTP Live Streaming playlist (#EXT-X- directives): its entries are pieces of a stream, not music files');
  }
  return { entries, problems: problems.toArray(), ...(title === undefined ? {} : { title }), ...(tooManyEntries ? { tooManyEntries } : {}) };
}

export interface M3u8ExportOptions {
  /** Only this phase; the whole playlist when absent. */
  readonly phaseId?: string;
  /** The path written for a file segment (relative to the M3U8 file, or absolute). */
  readonly pathFor: (segment: FileSegment) => string;
}

export interface M3u8Export {
  readonly text: string;
  /** Files listed for players to play. */
  readonly entryCount: number;
  /** What another player will not get as Attune plays it (soundscapes, extras, paths that cannot be written). */
  readonly notes: string[];
}

/** One line of text, whatever a title holds: a line break would start a line of its own. */
const commentText = (text: string | undefined): string => cleanText(text, 300) ?? '';

/** An entry's name as M3U players show it, "Artist - Title" (the file's name without its title), each part made one line by `clean`. */
export function m3uDisplayName(segment: FileSegment, clean: (text: string | undefined) => string = commentText): string {
  const title = clean(segment.title) || fileBaseNameOf(segment.path);
  const artist = clean(segment.artist);
  return artist === '' ? title : `${artist} - ${title}`;
}

function phaseHeading(phase: Phase, index: number): string {
  return `# Phase ${index + 1}: ${commentText(phase.title)} (${phase.kind}, target ${formatMinutes(phase.targetMinutes)})`;
}

function soundscapeComment(segment: Segment & { type: 'soundscape' }, prefix = ''): string {
  const name = commentText(segment.title) || segment.preset;
  return `# ${prefix}Soundscape "${name}" (${segment.preset}, ${formatPosition(secondsToMs(segment.durationSeconds))}): generated by Attune, no file to play`;
}

/**
 * An M3U8 (UTF-8) of a phase or of the whole playlist, for other players and devices. Phase
 * titles become comments; soundscapes and a phase's extras (played only when the phase runs
 * long) are written as comments too, so they show in the file and are counted in `notes`.
 */
export function exportM3u8(playlist: Playlist, options: M3u8ExportOptions): Result<M3u8Export> {
  const phases = options.phaseId === undefined ? playlist.phases : playlist.phases.filter((phase) => phase.id === options.phaseId);
  if (phases.length === 0) return fail('not-found', `the playlist has no phase "${options.phaseId ?? ''}"`);
  const lines = ['#EXTM3U', `#PLAYLIST:${commentText(playlist.title)}`];
  const scope = options.phaseId === undefined ? 'the whole playlist' : `phase "${commentText(phases[0]?.title)}"`;
  lines.push(`# Exported from Attune: ${scope}.`);
  let entryCount = 0;
  let soundscapes = 0;
  let extras = 0;
  const unwritable: string[] = [];

  const pathLine = (segment: FileSegment): string | undefined => {
    const written = options.pathFor(segment);
    // A line break in a path would end the entry and start another: such a path cannot be written.
    if (written.trim() === '' || /[\u0000-\u001f\u007f]/.test(written)) {
      unwritable.push(segment.id);
      return undefined;
    }
    return written;
  };

  for (const phase of phases) {
    const phaseIndex = playlist.phases.indexOf(phase);
    lines.push('', phaseHeading(phase, phaseIndex));
    for (const segment of phase.segments) {
      if (segment.type === 'soundscape') {
        soundscapes += 1;
        lines.push(soundscapeComment(segment));
        continue;
      }
      const written = pathLine(segment);
      if (written === undefined) {
        lines.push(`# Segment "${segment.id}" left out: its path cannot be written on one line`);
        continue;
      }
      const seconds = segment.durationSeconds === undefined ? -1 : Math.round(segment.durationSeconds);
      lines.push(`#EXTINF:${seconds},${m3uDisplayName(segment)}`, written);
      entryCount += 1;
    }
    const phaseExtras = phase.extras ?? [];
    if (phaseExtras.length > 0) {
      lines.push(`# Extras of "${commentText(phase.title)}", played in Attune only when the phase runs long:`);
      for (const extra of phaseExtras) {
        extras += 1;
        if (extra.type === 'soundscape') {
          lines.push(soundscapeComment(extra, 'extra: '));
          continue;
        }
        const written = pathLine(extra);
        lines.push(written === undefined ? `# extra: segment "${extra.id}" left out: its path cannot be written on one line` : `# extra: ${m3uDisplayName(extra)}: ${written}`);
      }
    }
  }

  const notes: string[] = [];
  if (soundscapes > 0) {
    notes.push(`${soundscapes} soundscape segment${soundscapes === 1 ? ' is' : 's are'} generated by Attune and ${soundscapes === 1 ? 'has' : 'have'} no file; written as comments, other players skip ${soundscapes === 1 ? 'it' : 'them'}`);
  }
  if (extras > 0) notes.push(`${extras} extra segment${extras === 1 ? '' : 's'} (played only when a phase runs long) written as comments`);
  if (unwritable.length > 0) notes.push(`${unwritable.length} segment${unwritable.length === 1 ? '' : 's'} left out because the path holds a line break or control character: ${unwritable.join(', ')}`);
  return ok({ text: `${lines.join('\n')}\n`, entryCount, notes });
}
