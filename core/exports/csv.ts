import { xmlSafe } from './text';

export type CsvValue = string | number | undefined | null;

const needsQuotes = /[",\r\n]/;

/**
 * RFC 4180: a field holding a comma, quote, CR or LF is quoted, and its quotes doubled.
 * Control characters other than tab, CR and LF (a NUL ends the text for some spreadsheets)
 * and lone surrogates (UTF-8 cannot carry them) become U+FFFD.
 */
export function csvField(value: CsvValue): string {
  if (value === undefined || value === null) return '';
  const text = xmlSafe(typeof value === 'number' ? String(value) : value);
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and the records, each line ended by CRLF (the last one too). */
export function csvDocument(header: readonly string[], records: readonly (readonly CsvValue[])[]): string {
  return [header, ...records].map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}
