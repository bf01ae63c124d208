import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeCandidate, maxLocationLength, normaliseLocation, type LocalPathCandidate, type NormalisedLocation } from './locations';

function candidates(result: NormalisedLocation): readonly LocalPathCandidate[] {
  if (!result.ok) throw new Error(`expected a path, got ${result.problem}: ${result.reason}`);
  return result.candidates;
}

function only(location: string, uri = false): LocalPathCandidate {
  const found = candidates(normaliseLocation(location, { uri }));
  expect(found).toHaveLength(1);
  return found[0] as LocalPathCandidate;
}

function problem(location: string): { problem: string; reason: string } {
  const result = normaliseLocation(location);
  if (result.ok) throw new Error(`expected a refusal, got ${result.candidates.map(describeCandidate).join(' | ')}`);
  return result;
}

describe('normaliseLocation', () => {
  it('reads relative paths with forward or back slashes, dropping "." and applying inner ".."', () => {
    expect(only('Music/Album/01 Track.mp3')).toEqual({ style: 'relative', components: ['Music', 'Album', '01 Track.mp3'] });
    expect(only('Music\\Album\\01 Track.mp3')).toEqual({ style: 'relative', components: ['Music', 'Album', '01 Track.mp3'] });
    expect(only('./a/./b/../c.flac')).toEqual({ style: 'relative', components: ['a', 'c.flac'] });
  });

  it('keeps the leading ".." of a relative path for the caller to judge', () => {
    expect(only('../../etc/passwd')).toEqual({ style: 'relative', components: ['..', '..', 'etc', 'passwd'] });
    expect(only('a/../../b.mp3')).toEqual({ style: 'relative', components: ['..', 'b.mp3'] });
  });

  it('reads absolute POSIX paths and never climbs above their root', () => {
    expect(only('/home/ana/Music/a.mp3')).toEqual({ style: 'absolute', components: ['home', 'ana', 'Music', 'a.mp3'] });
    expect(only('/../../etc/../dev/zero')).toEqual({ style: 'absolute', components: ['dev', 'zero'] });
  });

  it('reads Windows drive paths with either slash, the drive letter upper-cased', () => {
    const expected = { style: 'windows-drive', drive: 'C', components: ['Music', 'Calm', 'a.mp3'] };
    expect(only('C:\\Music\\Calm\\a.mp3')).toEqual(expected);
    expect(only('c:/Music/Calm/a.mp3')).toEqual(expected);
    expect(only('\\\\?\\C:\\Music\\Calm\\a.mp3')).toEqual(expected);
    expect(describeCandidate(expected as LocalPathCandidate)).toBe('C:\\Music\\Calm\\a.mp3');
  });

  it('reads UNC network paths, also in the \\\\?\\UNC\\ form', () => {
    const expected = { style: 'unc', host: 'nas', components: ['music', 'Calm', 'a.flac'] };
    expect(only('\\\\nas\\music\\Calm\\a.flac')).toEqual(expected);
    expect(only('\\\\?\\UNC\\nas\\music\\Calm\\a.flac')).toEqual(expected);
    expect(describeCandidate(expected as LocalPathCandidate)).toBe('\\\\nas\\music\\Calm\\a.flac');
  });

  it('refuses drive-relative and device paths, and network paths without share or server', () => {
    expect(problem('C:Music\\a.mp3').problem).toBe('malformed');
    expect(problem('\\\\.\\PhysicalDrive0').problem).toBe('unsupported-scheme');
    expect(problem('\\\\nas').problem).toBe('malformed');
    expect(problem('\\\\').problem).toBe('malformed');
  });

  it('reads file:// URLs in the forms players write, percent-decoding UTF-8', () => {
    expect(only('file:///home/ana/M%C3%BAsica/%E6%97%A5%E6%9C%AC%20%F0%9F%8E%B5.mp3')).toEqual({
      style: 'absolute',
      components: ['home', 'ana', 'Música', '日本 🎵.mp3'],
    });
    expect(only('file:///C:/Music/a%20b.mp3')).toEqual({ style: 'windows-drive', drive: 'C', components: ['Music', 'a b.mp3'] });
    expect(only('file:///C|/Music/a.mp3')).toEqual({ style: 'windows-drive', drive: 'C', components: ['Music', 'a.mp3'] });
    expect(only('file://C:/Music/a.mp3')).toEqual({ style: 'windows-drive', drive: 'C', components: ['Music', 'a.mp3'] });
    expect(only('FILE://localhost/home/a.mp3')).toEqual({ style: 'absolute', components: ['home', 'a.mp3'] });
    expect(only('file:/home/a.mp3')).toEqual({ style: 'absolute', components: ['home', 'a.mp3'] });
    expect(only('file://nas/music/a.mp3')).toEqual({ style: 'unc', host: 'nas', components: ['music', 'a.mp3'] });
  });

  it('reads a file URL without its fragment first, and with it as a file name second', () => {
    const found = candidates(normaliseLocation('file:///music/Song #1.mp3'));
    expect(found.map(describeCandidate)).toEqual(['/music/Song ', '/music/Song #1.mp3']);
  });

  it('refuses broken percent-encoding and encoded slashes and NULs in file URLs', () => {
    expect(problem('file:///music/%E9t%E9.mp3').reason).toMatch(/not UTF-8/);
    expect(problem('file:///music/%ZZ.mp3').problem).toBe('malformed');
    expect(problem('file:///music/a%2Fb.mp3').reason).toMatch(/encoded slash/);
    expect(problem('file:///music/a%00.mp3').problem).toBe('control-characters');
  });

  it('tries a plain path literally first and percent-decoded second; a URI only decoded', () => {
    expect(candidates(normaliseLocation('Calm%20Artist/a%20b.mp3')).map(describeCandidate)).toEqual(['Calm%20Artist/a%20b.mp3', 'Calm Artist/a b.mp3']);
    expect(candidates(normaliseLocation('100%.mp3')).map(describeCandidate)).toEqual(['100%.mp3']);
    expect(only('Calm%20Artist/a%20b.mp3', true)).toEqual({ style: 'relative', components: ['Calm Artist', 'a b.mp3'] });
    expect(normaliseLocation('a%E9.mp3', { uri: true }).ok).toBe(false);
    // A plain path whose percent signs are not UTF-8 escapes is still read literally.
    expect(candidates(normaliseLocation('a%E9.mp3')).map(describeCandidate)).toEqual(['a%E9.mp3']);
  });

  it('refuses network and script addresses with a reason naming their kind', () => {
    expect(problem('http://example.com/a.mp3')).toMatchObject({ problem: 'unsupported-scheme', reason: expect.stringMatching(/network address \(http:\)/) });
    expect(problem('HTTPS://example.com/a.mp3').reason).toMatch(/https:/);
    expect(problem('rtsp://cam/stream').problem).toBe('unsupported-scheme');
    expect(problem('javascript:alert(1)').reason).toMatch(/"javascript:"/);
    expect(problem('data:audio/mpeg;base64,AAAA').reason).toMatch(/"data:"/);
    expect(problem('smb://nas/music/a.mp3').reason).toMatch(/"smb:"/);
  });

  it('takes a colon after a word for part of a file name, not for an address', () => {
    expect(only('Track: Intro.mp3')).toEqual({ style: 'relative', components: ['Track: Intro.mp3'] });
  });

  it('refuses empty, over-long and control-character locations', () => {
    expect(problem('   ').problem).toBe('empty');
    expect(problem(`${'a'.repeat(maxLocationLength)}.mp3`).problem).toBe('too-long');
    expect(problem('a\u0000.mp3').problem).toBe('control-characters');
    expect(problem('a\u001b[31m.mp3').problem).toBe('control-characters');
    expect(problem('a\u0085.mp3').problem).toBe('control-characters');
  });

  it('refuses a path that names a folder', () => {
    expect(problem('Music/').reason).toMatch(/folder/);
    expect(problem('/').reason).toMatch(/folder/);
    expect(problem('C:\\').reason).toMatch(/folder/);
    expect(problem('..').reason).toMatch(/folder/);
  });

  it('never throws, and never yields a candidate with a control character or an empty name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.webUrl(), fc.constantFrom('file://', 'file:///', 'C:', '\\\\?\\', '%', '%2e%2e/')), fc.boolean(), (location, uri) => {
        const result = normaliseLocation(location, { uri });
        if (!result.ok) return;
        for (const candidate of result.candidates) {
          expect(candidate.components.length).toBeGreaterThan(0);
          for (const name of candidate.components) {
            expect(name).not.toBe('');
            expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f/]/);
          }
          if (candidate.style !== 'relative') expect(candidate.components).not.toContain('..');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
