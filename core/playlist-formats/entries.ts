/** One entry of a playlist file, as the file states it: nothing is looked up or checked here. */
export interface PlaylistEntry {
  /** The path or URL exactly as written (trimmed). */
  readonly location: string;
  readonly title?: string;
  readonly artist?: string;
  /** Only when the file gives a positive length. */
  readonly durationSeconds?: number;
  /** 1-based line of the location in the file, where the format has lines worth naming. */
  readonly line?: number;
}

export interface ParsedPlaylistFile {
  readonly entries: PlaylistEntry[];
  /** Everything in the file that was skipped or doubtful, one short line each, never quoting more than a title. */
  readonly problems: string[];
  /** The playlist's own title (XSPF `<title>`, M3U `#PLAYLIST:`). */
  readonly title?: string;
  /** The file holds more than `maxEntries` entries; `entries` holds only the first ones. */
  readonly tooManyEntries?: boolean;
}

export interface ParseOptions {
  /** Parsing stops after this many entries (a hostile file may hold millions). */
  readonly maxEntries?: number;
}

export const defaultMaxEntries = 10_000;

const maxProblems = 50;

/** Problems of a hostile file could outnumber its entries: the first ones are kept and the rest counted. */
export class ProblemList {
  private readonly kept: string[] = [];
  private dropped = 0;

  add(problem: string): void {
    if (this.kept.length < maxProblems) this.kept.push(problem);
    else this.dropped += 1;
  }

  toArray(): string[] {
    return this.dropped === 0 ? [...this.kept] : [...this.kept, `… and ${this.dropped} more problem${this.dropped === 1 ? '' : 's'}`];
  }
}

// C0 and C1 controls, and the bidirectional overrides that can make a title read as something else.
const unprintable = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/** A title or artist fit to show: no control characters, single spaces, at most `maxLength` characters; undefined when empty. */
export function cleanText(value: string | undefined, maxLength = 300): string | undefined {
  if (value === undefined) return undefined;
  const cleaned = value.replace(unprintable, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return undefined;
  if (cleaned.length <= maxLength) return cleaned;
  const cut = cleaned.slice(0, maxLength - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** Lines of a text file written on any system (LF, CRLF or CR), without a leading byte order mark. */
export function splitLines(text: string): string[] {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.split(/\r\n|\r|\n/);
}

/** Players write "Artist - Title" where a file has one display line for both. */
export function splitArtistTitle(display: string | undefined): { artist?: string; title?: string } {
  const cleaned = cleanText(display, 700);
  if (cleaned === undefined) return {};
  const separator = cleaned.indexOf(' - ');
  if (separator <= 0) return { title: cleanText(cleaned) };
  const artist = cleanText(cleaned.slice(0, separator));
  const title = cleanText(cleaned.slice(separator + 3));
  if (title === undefined) return { title: cleanText(cleaned) };
  return artist === undefined ? { title } : { artist, title };
}

/** A positive, finite number of seconds, else undefined (players write -1 or 0 for "unknown"). */
export function positiveSeconds(value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
