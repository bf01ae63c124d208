import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvStrict } from '../../tests/fixtures/sessions/rfc4180';
import { csvDocument, csvField } from './csv';
import { xmlSafe } from './text';

describe('csvField', () => {
  it('leaves plain text alone and writes absent values as empty fields', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField(42)).toBe('42');
    expect(csvField(37.25)).toBe('37.25');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('quotes fields with a comma, quote, CR or LF, doubling quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
    expect(csvField('crlf\r\nend')).toBe('"crlf\r\nend"');
  });

  it('replaces a lone surrogate, which UTF-8 cannot carry, and control characters other than tab, CR and LF', () => {
    expect(csvField('a\ud83db')).toBe('a\ufffdb');
    expect(csvField('nul\u0000 bell\u0007 tab\t')).toBe('nul\ufffd bell\ufffd tab\t');
    expect(csvField('😶‍🌫️')).toBe('😶‍🌫️');
  });
});

describe('csvDocument', () => {
  it('ends every line, the last one too, with CRLF', () => {
    expect(csvDocument(['a', 'b'], [[1, 'x'], [2, undefined]])).toBe('a,b\r\n1,x\r\n2,\r\n');
  });

  it('round-trips any text through a strict RFC 4180 reader', () => {
    const wellFormedText = fc.string({ unit: 'grapheme', maxLength: 40 });
    const hostile = fc.constantFrom('', ',', '"', '""', '\r', '\n', '\r\n', ' , ', 'a"b,c\r\nd', '=1+2', '\t');
    const field = fc.oneof(wellFormedText, hostile, fc.array(fc.oneof(wellFormedText, hostile), { maxLength: 5 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 8 })), (records) => {
        const width = records[0]?.length ?? 1;
        const header = Array.from({ length: width }, (_, index) => `column_${index}`);
        expect(parseCsvStrict(csvDocument(header, records))).toEqual([header, ...records.map((record) => record.map(xmlSafe))]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseCsvStrict (the test reader itself)', () => {
  it('refuses what RFC 4180 does not allow', () => {
    expect(() => parseCsvStrict('a,b\n')).toThrow(/LF without CR/);
    expect(() => parseCsvStrict('a,b')).toThrow(/without CRLF/);
    expect(() => parseCsvStrict('a,b\r\n"x"y,z\r\n')).toThrow(/after a closing quote/);
    expect(() => parseCsvStrict('a,b\r\nx"y,z\r\n')).toThrow(/quote inside/);
    expect(() => parseCsvStrict('a,b\r\n"open,z\r\n')).toThrow(/unterminated/);
    expect(() => parseCsvStrict('a,b\r\nonly\r\n')).toThrow(/has 1 fields/);
  });
});
