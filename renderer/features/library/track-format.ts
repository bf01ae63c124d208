import { formatPosition } from '../../../core/format';
import type { LibraryJob, LibraryTrack } from '../../../core/library';
import type { Loudness } from '../../../core/playlist';
import { fileBaseNameOf, fileNameOf } from '../../../core/segment-names';

const minus = '\u2212';

/** `−14.2` with a true minus sign, as loudness figures are printed. */
export function signedDecimal(value: number, digits = 1): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 && Number(text) !== 0 ? `${minus}${text}` : text;
}

export { fileNameOf };

/** The track's title, or its file name without the extension. */
export function trackTitle(track: Pick<LibraryTrack, 'title' | 'path'>): string {
  return track.title ?? fileBaseNameOf(track.path);
}

const titleKey = (title: string): string => title.normalize('NFC').trim().toLowerCase();

/**
 * For every track whose title another track shares, the file name that tells them apart
 * (with its folder where the file names are the same too); tracks with a title of their own
 * have no entry.
 */
export function namesForRepeatedTitles(tracks: readonly Pick<LibraryTrack, 'title' | 'path'>[]): Map<string, string> {
  const byTitle = new Map<string, string[]>();
  for (const track of tracks) {
    const key = titleKey(trackTitle(track));
    const paths = byTitle.get(key);
    if (paths === undefined) byTitle.set(key, [track.path]);
    else paths.push(track.path);
  }
  const names = new Map<string, string>();
  for (const paths of byTitle.values()) {
    if (paths.length < 2) continue;
    const fileNames = paths.map(fileNameOf);
    for (const [index, filePath] of paths.entries()) {
      const fileName = fileNames[index] ?? filePath;
      const shared = fileNames.filter((name) => name === fileName).length > 1;
      names.set(filePath, shared ? filePath.split(/[\\/]/).slice(-2).join('/') : fileName);
    }
  }
  return names;
}

export function trackDuration(track: Pick<LibraryTrack, 'durationSeconds'>): string {
  return track.durationSeconds === undefined ? '–' : formatPosition(track.durationSeconds * 1000);
}

const sourceWords: Record<NonNullable<Loudness['source']>, string> = {
  measured: 'measured',
  replaygain: 'from ReplayGain tags',
  r128: 'from R128 tags',
};

/** `−14.2 LUFS · −0.8 dBTP (measured)`: a loudness as a segment or a track carries it. */
export function loudnessFigures(loudness: Loudness): string {
  const source = loudness.source === undefined ? '' : ` (${sourceWords[loudness.source]})`;
  return `${signedDecimal(loudness.integratedLufs)} LUFS · ${signedDecimal(loudness.truePeakDbtp)} dBTP${source}`;
}

/** What the library knows of a track's loudness, in words: the figures and where they come from, or why there are none. */
export function loudnessText(track: Pick<LibraryTrack, 'measured' | 'tagged' | 'analysisProblem'>): string {
  if (track.measured !== undefined) return loudnessFigures({ ...track.measured, source: 'measured' });
  if (track.tagged?.truePeakDbtp !== undefined) return loudnessFigures({ integratedLufs: track.tagged.integratedLufs, truePeakDbtp: track.tagged.truePeakDbtp, source: track.tagged.source });
  if (track.analysisProblem !== undefined) return `could not be measured: ${track.analysisProblem}`;
  return 'not analysed';
}

/** Not measured and without trustworthy tags, and not already tried in vain: what "Analyse" sends. */
export function awaitsAnalysis(track: Pick<LibraryTrack, 'measured' | 'tagged' | 'analysisProblem'>): boolean {
  return track.measured === undefined && track.tagged?.truePeakDbtp === undefined && track.analysisProblem === undefined;
}

const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The text a filter matches a track against: title, artist, album and file path, without case or accents. */
export function searchText(track: LibraryTrack): string {
  return fold([trackTitle(track), track.artist ?? '', track.album ?? '', track.path].join('\n'));
}

/** Every word of the query must appear somewhere in the track's search text; an empty query keeps everything. */
export function filterTracks<T>(items: readonly T[], query: string, textOf: (item: T) => string): T[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...items];
  return items.filter((item) => {
    const text = textOf(item);
    return words.every((word) => text.includes(word));
  });
}

/** `812 of 2,000`, or `812 found` while the total is not known yet. */
export function jobCount(job: Pick<LibraryJob, 'done' | 'total'>): string {
  return job.total === undefined ? `${job.done.toLocaleString()} found` : `${job.done.toLocaleString()} of ${job.total.toLocaleString()}`;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Zero-based page actually shown (clamped to the last page). */
  readonly page: number;
  readonly pageCount: number;
  /** 1-based positions of the first and last item shown, for "101–200 of 2,000". */
  readonly first: number;
  readonly last: number;
  readonly total: number;
}

/** One page of a long list (the library may hold thousands of tracks: only a page is in the DOM). */
export function pageOf<T>(items: readonly T[], page: number, pageSize: number): Page<T> {
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const shown = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
  const start = shown * pageSize;
  const slice = items.slice(start, start + pageSize);
  return { items: slice, page: shown, pageCount, first: slice.length === 0 ? 0 : start + 1, last: start + slice.length, total: items.length };
}
