import { defaultMaxEntries, positiveSeconds, ProblemList, splitArtistTitle, splitLines, type ParsedPlaylistFile, type ParseOptions, type PlaylistEntry } from './entries';

interface Numbered {
  file?: { readonly value: string; readonly line: number };
  display?: { readonly artist?: string; readonly title?: string };
  length?: number;
  readonly firstLine: number;
}

/** Entry numbers without leading zeros, compared as numbers of any size (`File000123` is entry 123). */
function entryNumber(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

function byEntryNumber(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}

/**
 * PLS (Winamp, Shoutcast): an INI file whose `[playlist]` section holds `FileN`, `TitleN` and
 * `LengthN` (`-1` when unknown); a title is "Artist - Title" as Winamp writes it. Entries play in the order of their numbers, whatever order the
 * lines are in; numbers may skip. Keys are read case-insensitively, as players do.
 */
export function parsePls(text: string, options: ParseOptions = {}): ParsedPlaylistFile {
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  const problems = new ProblemList();
  const numbered = new Map<string, Numbered>();
  let declaredCount: number | undefined;
  let section: string | undefined;
  let sawPlaylistSection = false;
  let tooManyEntries = false;

  for (const [index, raw] of splitLines(text).entries()) {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header !== null) {
      section = (header[1] ?? '').trim().toLowerCase();
      if (section === 'playlist') sawPlaylistSection = true;
      continue;
    }
    // Another section is another program's settings.
    if (section !== undefined && section !== 'playlist') continue;
    const equals = line.indexOf('=');
    if (equals === -1) {
      problems.add(`line ${lineNumber}: not a "key=value" line`);
      continue;
    }
    const key = line.slice(0, equals).trim().toLowerCase();
    const value = line.slice(equals + 1).trim();
    if (key === 'numberofentries') {
      declaredCount = /^\d{1,9}$/.test(value) ? Number(value) : undefined;
      continue;
    }
    const keyed = /^(file|title|length)(\d+)$/.exec(key);
    if (keyed === null) continue;
    const [, field = '', digits = ''] = keyed;
    const number = entryNumber(digits);
    let entry = numbered.get(number);
    if (entry === undefined) {
      if (numbered.size >= maxEntries) {
        tooManyEntries = true;
        problems.add(`the playlist has more than ${maxEntries} entries; only the first ${maxEntries} were read`);
        break;
      }
      entry = { firstLine: lineNumber };
      numbered.set(number, entry);
    }
    if (field === 'file') {
      if (entry.file !== undefined) problems.add(`line ${lineNumber}: File${number} appears again; the later one is used`);
      entry.file = { value, line: lineNumber };
    } else if (field === 'title') {
      entry.display = splitArtistTitle(value);
    } else {
      entry.length = positiveSeconds(Number(value));
    }
  }

  if (!sawPlaylistSection && numbered.size > 0) problems.add('the file has no [playlist] header; its entries were read anyway');
  const entries: PlaylistEntry[] = [];
  for (const number of [...numbered.keys()].sort(byEntryNumber)) {
    const entry = numbered.get(number);
    if (entry === undefined) continue;
    if (entry.file === undefined) {
      problems.add(`line ${entry.firstLine}: entry ${number} has a title or length but no File${number}`);
      continue;
    }
    if (entry.file.value === '') {
      problems.add(`line ${entry.file.line}: File${number} is empty`);
      continue;
    }
    entries.push({
      location: entry.file.value,
      line: entry.file.line,
      ...entry.display,
      ...(entry.length === undefined ? {} : { durationSeconds: entry.length }),
    });
  }
  if (declaredCount !== undefined && declaredCount !== entries.length && !tooManyEntries) {
    problems.add(`NumberOfEntries says ${declaredCount}, the file lists ${entries.length}`);
  }
  return { entries, problems: problems.toArray(), ...(tooManyEntries ? { tooManyEntries } : {}) };
}
