import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cleanText, defaultMaxEntries, positiveSeconds, ProblemList, type ParsedPlaylistFile, type ParseOptions, type PlaylistEntry } from './entries';

const predefinedEntities: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * XML's own five entities and character references; anything else stays as written. The parser's
 * entity handling is off, so no declared entity can ever be expanded.
 */
function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, (whole, name: string) => {
    if (!name.startsWith('#')) return predefinedEntities[name] ?? whole;
    const codePoint = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    const valid = codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
    return valid ? String.fromCodePoint(codePoint) : whole;
  });
}

/** An element's text: a plain value (entities decoded) or a CDATA section (taken literally). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return decodeEntities(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const text = typeof record['#text'] === 'string' ? decodeEntities(record['#text']) : '';
    const cdata = typeof record['#cdata'] === 'string' ? record['#cdata'] : '';
    return text + cdata === '' ? undefined : text + cdata;
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
  cdataPropName: '#cdata',
  captureMetaData: true,
  maxNestedTags: 100,
  isArray: (_name, jpath) => jpath === 'playlist.trackList.track' || jpath === 'playlist.trackList.track.location',
});
// Typed as the `Symbol` wrapper object; at run time it is a plain symbol.
const metadataKey = XMLParser.getMetaDataSymbol() as unknown as symbol;

/**
 * XSPF: `<playlist><title/><trackList><track><location/><title/><creator/><duration/>` (duration in
 * milliseconds). A DOCTYPE is refused before parsing: no playlist needs one, and it is how entity
 * expansion ("billion laughs") and external entities (XXE) get in.
 */
export function parseXspf(text: string, options: ParseOptions = {}): ParsedPlaylistFile {
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  const problems = new ProblemList();
  const none = (problem: string): ParsedPlaylistFile => ({ entries: [], problems: [problem] });
  const xml = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (xml.trim() === '') return none('the file is empty');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return none('the XSPF file declares a DOCTYPE or entities, which a playlist never needs; it was not read');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) return none(`the XSPF file is not well-formed XML (line ${validation.err.line}: ${cleanText(validation.err.msg, 120) ?? 'error'})`);

  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    return none(`the XSPF file could not be read (${cleanText(error instanceof Error ? error.message : String(error), 120) ?? 'error'})`);
  }
  const playlist = (document as Record<string, unknown> | undefined)?.playlist;
  if (typeof playlist !== 'object' || playlist === null) return none('the file has no <playlist> element, so it is not XSPF');
  const playlistRecord = playlist as Record<string, unknown>;
  const title = cleanText(textOf(playlistRecord.title), 200);
  const trackList = playlistRecord.trackList;
  const tracks = typeof trackList === 'object' && trackList !== null ? (trackList as Record<string, unknown>).track : undefined;
  const starts = lineStarts(xml);
  const entries: PlaylistEntry[] = [];
  let tooManyEntries = false;

  for (const [index, track] of (Array.isArray(tracks) ? tracks : []).entries()) {
    if (typeof track !== 'object' || track === null) {
      problems.add(`track ${index + 1} is empty`);
      continue;
    }
    const record = track as Record<string | symbol, unknown>;
    const metadata = record[metadataKey] as { startIndex?: number } | undefined;
    const line = metadata?.startIndex === undefined ? undefined : lineAt(starts, metadata.startIndex);
    const where = line === undefined ? `track ${index + 1}` : `line ${line}`;
    const trackTitle = cleanText(textOf(record.title));
    const locations = Array.isArray(record.location) ? record.location.map(textOf) : [];
    // Further locations are alternatives for the same track; the first one is the track.
    const location = locations.find((candidate) => candidate !== undefined && candidate.trim() !== '');
    if (location === undefined) {
      problems.add(`${where}: track ${index + 1}${trackTitle === undefined ? '' : ` ("${trackTitle}")`} has no location; Attune does not look tracks up by title`);
      continue;
    }
    if (entries.length >= maxEntries) {
      tooManyEntries = true;
      problems.add(`the playlist has more than ${maxEntries} entries; only the first ${maxEntries} were read`);
      break;
    }
    const artist = cleanText(textOf(record.creator));
    const durationText = textOf(record.duration);
    const durationSeconds = durationText === undefined || !/^\s*\d+\s*$/.test(durationText) ? undefined : positiveSeconds(Number(durationText) / 1000);
    entries.push({
      location: location.trim(),
      ...(trackTitle === undefined ? {} : { title: trackTitle }),
      ...(artist === undefined ? {} : { artist }),
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      ...(line === undefined ? {} : { line }),
    });
  }
  return { entries, problems: problems.toArray(), ...(title === undefined ? {} : { title }), ...(tooManyEntries ? { tooManyEntries } : {}) };
}
