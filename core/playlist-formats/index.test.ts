import { describe, expect, it } from 'vitest';
import { detectPlaylistFormat, parsePlaylistFile } from './index';

describe('detectPlaylistFormat', () => {
  it('goes by the extension when the text does not settle it', () => {
    expect(detectPlaylistFormat('a.m3u', 'song.mp3\n')).toBe('m3u');
    expect(detectPlaylistFormat('A.M3U8', 'song.mp3\n')).toBe('m3u8');
    expect(detectPlaylistFormat('a.pls', 'File1=x.mp3')).toBe('pls');
    expect(detectPlaylistFormat('a.xspf', '')).toBe('xspf');
    expect(detectPlaylistFormat('a.txt', 'song.mp3\n')).toBeUndefined();
    expect(detectPlaylistFormat('m3u', 'song.mp3\n')).toBeUndefined();
  });

  it('goes by the text when it is XML, a [playlist] section or #EXTM3U, whatever the extension', () => {
    expect(detectPlaylistFormat('download.m3u', '\uFEFF  <?xml version="1.0"?><playlist/>')).toBe('xspf');
    expect(detectPlaylistFormat('list.m3u', '[playlist]\nFile1=a.mp3')).toBe('pls');
    expect(detectPlaylistFormat('list', '#EXTM3U\na.mp3')).toBe('m3u');
    expect(detectPlaylistFormat('list.m3u8', '#extm3u\na.mp3')).toBe('m3u8');
  });
});

describe('parsePlaylistFile', () => {
  it('parses each format with its own parser', () => {
    expect(parsePlaylistFile('m3u8', '#EXTINF:1,A - B\na.mp3').entries).toEqual([{ location: 'a.mp3', line: 2, durationSeconds: 1, artist: 'A', title: 'B' }]);
    expect(parsePlaylistFile('pls', '[playlist]\nFile1=a.mp3').entries).toEqual([{ location: 'a.mp3', line: 2 }]);
    expect(parsePlaylistFile('xspf', '<playlist><trackList><track><location>a.mp3</location></track></trackList></playlist>').entries).toEqual([{ location: 'a.mp3', line: 1 }]);
  });
});
