import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePls } from './pls';

describe('parsePls', () => {
  it('reads FileN, TitleN ("Artist - Title") and LengthN, -1 meaning unknown', () => {
    const parsed = parsePls('[playlist]\nFile1=music/a.mp3\nTitle1=Nils Frahm - Says\nLength1=548\nFile2=C:\\Music\\b.flac\nTitle2=Only a title\nLength2=-1\nNumberOfEntries=2\nVersion=2\n');
    expect(parsed.entries).toEqual([
      { location: 'music/a.mp3', line: 2, artist: 'Nils Frahm', title: 'Says', durationSeconds: 548 },
      { location: 'C:\\Music\\b.flac', line: 5, title: 'Only a title' },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('orders entries by number whatever the line order, numbers may skip, keys in any case', () => {
    const parsed = parsePls('\uFEFF[Playlist]\r\nfile10=ten.mp3\r\nFILE2=two.mp3\r\nTitle10=Ten\r\nFile002=two-again.mp3\r\nfile1=one.mp3\r\nNumberOfEntries=3\r\n');
    expect(parsed.entries.map((entry) => entry.location)).toEqual(['one.mp3', 'two-again.mp3', 'ten.mp3']);
    expect(parsed.entries[2]?.title).toBe('Ten');
    expect(parsed.problems).toEqual(['line 5: File2 appears again; the later one is used']);
  });

  it('reports titles without a file, empty files, a wrong count and a missing header', () => {
    const parsed = parsePls('File1=a.mp3\nTitle2=Lonely\nFile3=\nNumberOfEntries=5\n');
    expect(parsed.entries.map((entry) => entry.location)).toEqual(['a.mp3']);
    expect(parsed.problems).toEqual([
      'the file has no [playlist] header; its entries were read anyway',
      'line 2: entry 2 has a title or length but no File2',
      'line 3: File3 is empty',
      'NumberOfEntries says 5, the file lists 1',
    ]);
  });

  it('ignores other sections, comments and unknown keys, and reports lines that are not key=value', () => {
    const parsed = parsePls('[playlist]\n; comment\nFile1=a.mp3\nGarbage line\n[other]\nFile2=not-this.mp3\n[playlist]\nX-Custom=1\nFile3=c.mp3\n');
    expect(parsed.entries.map((entry) => entry.location)).toEqual(['a.mp3', 'c.mp3']);
    expect(parsed.problems).toEqual(['line 4: not a "key=value" line']);
  });

  it('compares entry numbers of any size as numbers', () => {
    const parsed = parsePls(`[playlist]\nFile${'9'.repeat(40)}=last.mp3\nFile900=middle.mp3\nFile1=first.mp3\n`);
    expect(parsed.entries.map((entry) => entry.location)).toEqual(['first.mp3', 'middle.mp3', 'last.mp3']);
  });

  it('stops at the entry limit and says so', () => {
    const text = `[playlist]\n${Array.from({ length: 40 }, (_, index) => `File${index + 1}=${index}.mp3`).join('\n')}`;
    const parsed = parsePls(text, { maxEntries: 30 });
    expect(parsed.entries).toHaveLength(30);
    expect(parsed.tooManyEntries).toBe(true);
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('[playlist]'), fc.string({ unit: 'binary', maxLength: 30 }).map((value) => `File${value.length}=${value}`), fc.string({ maxLength: 40 }))), (lines) => {
        parsePls(lines.join('\n'));
      }),
      { numRuns: 1000 },
    );
  });
});
