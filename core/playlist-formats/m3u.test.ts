import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlaylist, type FileSegment, type Playlist } from '../playlist';
import { exportM3u8, parseM3u } from './m3u';

describe('parseM3u', () => {
  it('reads #EXTINF duration and "Artist - Title" into the entry after it', () => {
    const parsed = parseM3u('#EXTM3U\n#EXTINF:245,Hania Rani - Eden\nMusic/eden.flac\n#EXTINF:-1,Untitled Drone\n/srv/drone.ogg\nplain.mp3\n');
    expect(parsed.entries).toEqual([
      { location: 'Music/eden.flac', line: 3, durationSeconds: 245, artist: 'Hania Rani', title: 'Eden' },
      { location: '/srv/drone.ogg', line: 5, title: 'Untitled Drone' },
      { location: 'plain.mp3', line: 6 },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it('reads a BOM, CRLF or bare CR line ends, blank lines and surrounding spaces', () => {
    const text = '\uFEFF#EXTM3U\r\n\r\n#EXTINF:10.5,A - B\r\n  one.mp3  \r\n\r\ntwo.mp3\rthree.mp3';
    const parsed = parseM3u(text);
    expect(parsed.entries.map((entry) => [entry.location, entry.line])).toEqual([
      ['one.mp3', 4],
      ['two.mp3', 6],
      ['three.mp3', 7],
    ]);
    expect(parsed.entries[0]?.durationSeconds).toBe(10.5);
  });

  it('ignores comments and other directives, and takes the title from #PLAYLIST', () => {
    const parsed = parseM3u('#EXTM3U\n#PLAYLIST:Sunday set\n# a comment\n#EXTALB:Album\n#EXTGRP:Group\n#EXTINF:60,T\n#EXTIMG:cover.jpg\na.mp3\n');
    expect(parsed.title).toBe('Sunday set');
    expect(parsed.entries).toEqual([{ location: 'a.mp3', line: 8, durationSeconds: 60, title: 'T' }]);
  });

  it('skips attributes in #EXTINF, even ones holding commas', () => {
    const parsed = parseM3u('#EXTINF:-1 tvg-name="a, b" group-title="x",Artist - A, B and C\nfile.mp3');
    expect(parsed.entries[0]).toMatchObject({ artist: 'Artist', title: 'A, B and C' });
    expect(parsed.entries[0]?.durationSeconds).toBeUndefined();
  });

  it('reports an #EXTINF that describes nothing, and HTTP Live Streaming lists', () => {
    expect(parseM3u('#EXTINF:1,A\n#EXTINF:2,B\nb.mp3\n#EXTINF:3,C\n').problems).toEqual([
      'line 1: #EXTINF is not followed by a path',
      'line 4: #EXTINF is not followed by a path',
    ]);
    const hls = parseM3u('#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nseg1.ts\n');
    expect(hls.problems.join('\n')).toMatch(/HTTP Live Streaming/);
  });

  it('strips control characters from titles and clips long ones', () => {
    const parsed = parseM3u(`#EXTINF:1,Evil\u0007\u202eArtist - ${'x'.repeat(1000)}\na.mp3`);
    expect(parsed.entries[0]?.artist).toBe('Evil Artist');
    expect(parsed.entries[0]?.title).toHaveLength(300);
  });

  it('stops at the entry limit and says so', () => {
    const parsed = parseM3u(Array.from({ length: 30 }, (_, index) => `${index}.mp3`).join('\n'), { maxEntries: 25 });
    expect(parsed.entries).toHaveLength(25);
    expect(parsed.tooManyEntries).toBe(true);
    expect(parsed.problems).toEqual(['the playlist has more than 25 entries; only the first 25 were read']);
  });

  it('keeps only the first 50 problems of a hostile file and counts the rest', () => {
    const parsed = parseM3u('#EXTINF:1,x\n'.repeat(500));
    expect(parsed.problems).toHaveLength(51);
    expect(parsed.problems.at(-1)).toBe('… and 450 more problems');
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const parsed = parseM3u(text);
        for (const entry of parsed.entries) expect(entry.location).toBe(entry.location.trim());
      }),
      { numRuns: 2000 },
    );
  });
});

function twoPhasePlaylist(): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'sunday',
    title: 'Sunday\nset',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Arrival',
        targetMinutes: 90,
        segments: [
          { type: 'soundscape', id: 'bed', title: 'Warm bed', preset: 'breath', durationSeconds: 300 },
          { type: 'file', id: 'eden', path: 'music/eden.flac', title: 'Eden', artist: 'Hania Rani', durationSeconds: 245.4 },
          { type: 'file', id: 'plain', path: 'music/plain.mp3' },
        ],
        extras: [{ type: 'file', id: 'spare', path: 'music/spare.ogg', title: 'Spare' }],
      },
      {
        id: 'peak',
        kind: 'peak',
        title: 'Peak',
        targetMinutes: 120,
        segments: [{ type: 'file', id: 'evil', path: 'music/evil.mp3', title: 'Line\r\n/etc/passwd', durationSeconds: 60 }],
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('exportM3u8', () => {
  const pathFor = (segment: FileSegment) => segment.path;

  it('writes the whole playlist with phase headings, #EXTINF lines and soundscapes as comments', () => {
    const exported = exportM3u8(twoPhasePlaylist(), { pathFor });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.value.text.split('\n')).toEqual([
      '#EXTM3U',
      '#PLAYLIST:Sunday set',
      '# Exported from Attune: the whole playlist.',
      '',
      '# Phase 1: Arrival (onset, target 1 h 30 min)',
      '# Soundscape "Warm bed" (breath, 5:00): generated by Attune, no file to play',
      '#EXTINF:245,Hania Rani - Eden',
      'music/eden.flac',
      '#EXTINF:-1,plain',
      'music/plain.mp3',
      '# Extras of "Arrival", played in Attune only when the phase runs long:',
      '# extra: Spare: music/spare.ogg',
      '',
      '# Phase 2: Peak (peak, target 2 h)',
      '#EXTINF:60,Line /etc/passwd',
      'music/evil.mp3',
      '',
    ]);
    expect(exported.value.entryCount).toBe(3);
    expect(exported.value.notes).toEqual([
      '1 soundscape segment is generated by Attune and has no file; written as comments, other players skip it',
      '1 extra segment (played only when a phase runs long) written as comments',
    ]);
  });

  it('writes one phase, and refuses a phase the playlist does not have', () => {
    const exported = exportM3u8(twoPhasePlaylist(), { phaseId: 'peak', pathFor });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.value.text).toContain('# Exported from Attune: phase "Peak".');
    expect(exported.value.text).not.toContain('eden');
    expect(exported.value.entryCount).toBe(1);
    expect(exportM3u8(twoPhasePlaylist(), { phaseId: 'nope', pathFor })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('leaves out, and names, a segment whose path would break the line', () => {
    const exported = exportM3u8(twoPhasePlaylist(), { pathFor: (segment) => (segment.id === 'plain' ? 'a.mp3\n#EXTINF:1,x\nhttp://evil/' : segment.path) });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.value.text).not.toContain('http://evil/');
    expect(exported.value.text).toContain('# Segment "plain" left out: its path cannot be written on one line');
    expect(exported.value.notes.at(-1)).toMatch(/1 segment left out .*: plain$/);
    expect(exported.value.entryCount).toBe(2);
  });

  it('reads back as the same files, durations, artists and titles', () => {
    const playlist = twoPhasePlaylist();
    const exported = exportM3u8(playlist, { pathFor });
    if (!exported.ok) throw new Error(exported.error.message);
    const parsed = parseM3u(exported.value.text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.title).toBe('Sunday set');
    expect(parsed.entries.map(({ location, artist, title, durationSeconds }) => ({ location, artist, title, durationSeconds }))).toEqual([
      { location: 'music/eden.flac', artist: 'Hania Rani', title: 'Eden', durationSeconds: 245 },
      { location: 'music/plain.mp3', artist: undefined, title: 'plain', durationSeconds: undefined },
      { location: 'music/evil.mp3', artist: undefined, title: 'Line /etc/passwd', durationSeconds: 60 },
    ]);
  });

  it('reads back any title and artist as one entry each, whatever characters they hold', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), (title, artist) => {
        const playlist = twoPhasePlaylist();
        const phase = playlist.phases[1];
        if (phase === undefined) throw new Error('no phase');
        phase.segments = [{ type: 'file', id: 'any', path: 'any.mp3', title, artist }];
        const exported = exportM3u8(playlist, { phaseId: 'peak', pathFor });
        if (!exported.ok) throw new Error(exported.error.message);
        const parsed = parseM3u(exported.value.text);
        expect(parsed.entries.map((entry) => entry.location)).toEqual(['any.mp3']);
      }),
      { numRuns: 500 },
    );
  });
});
