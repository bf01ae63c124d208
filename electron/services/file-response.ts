import type { HostResponse } from './host-response';

export type ByteRangeChoice =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const byteRangesPattern = /^\s*bytes\s*=(.*)$/i;
const rangeSpecPattern = /^(\d*)-(\d*)$/;

/**
 * Which bytes of a `size`-byte file to send for a Range header (RFC 9110 §14). A header that is
 * absent, malformed or in another unit is ignored, as the RFC allows, and so is a request for
 * several ranges: media elements never make one, and the whole file is always a correct answer,
 * where a multipart/byteranges body would be code that nothing exercises.
 */
export function chooseByteRange(rangeHeader: string | undefined, size: number): ByteRangeChoice {
  const ranges = rangeHeader === undefined ? undefined : byteRangesPattern.exec(rangeHeader)?.[1];
  if (ranges === undefined) return { kind: 'whole' };
  const specs = ranges
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length !== 1) return { kind: 'whole' };
  const match = rangeSpecPattern.exec(specs[0] ?? '');
  const [first, last] = [match?.[1] ?? '', match?.[2] ?? ''];
  if (match === null || (first === '' && last === '')) return { kind: 'whole' };

  if (first === '') {
    const suffixLength = Number(last);
    if (suffixLength === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffixLength), end: size - 1 };
  }
  const start = Number(first);
  const requestedEnd = last === '' ? Infinity : Number(last);
  if (requestedEnd < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(requestedEnd, size - 1) };
}

export interface FileToServe {
  readonly filePath: string;
  readonly size: number;
  readonly contentType: string;
  /** Headers every answer about this file carries (caching, nosniff). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The 200, 206 or 416 answer for a file that exists, with the bytes left for the host to stream. */
export function fileResponse({ filePath, size, contentType, headers }: FileToServe, rangeHeader: string | undefined): HostResponse {
  const range = chooseByteRange(rangeHeader, size);
  const common = { ...headers, 'accept-ranges': 'bytes' };
  if (range.kind === 'unsatisfiable') {
    const message = `the requested range is outside the file (${size} bytes)`;
    return {
      status: 416,
      headers: {
        ...common,
        'content-type': 'text/plain; charset=utf-8',
        'content-length': String(Buffer.byteLength(message)),
        'content-range': `bytes */${size}`,
      },
      body: { kind: 'text', text: message },
    };
  }
  const typed = { ...common, 'content-type': contentType };
  if (range.kind === 'whole') {
    return {
      status: 200,
      headers: { ...typed, 'content-length': String(size) },
      body: size === 0 ? { kind: 'none' } : { kind: 'file', filePath, start: 0, end: size - 1 },
    };
  }
  return {
    status: 206,
    headers: { ...typed, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` },
    body: { kind: 'file', filePath, start: range.start, end: range.end },
  };
}
