import { describe, expect, it } from 'vitest';
import { playlistSchema, type Segment } from './playlist';
import { fileBaseNameOf, fileNameOf, segmentName, segmentResolver } from './segment-names';

const file = (fields: Partial<Extract<Segment, { type: 'file' }>> = {}): Segment => ({ type: 'file', id: 'track', path: 'music/Album/01 Weightless.flac', ...fields });

describe('segment names', () => {
  it('names a file by title and artist, by title alone, or by its file name — never its folders', () => {
    expect(segmentName(file({ title: 'Weightless', artist: 'Marconi Union' }))).toBe('Weightless — Marconi Union');
    expect(segmentName(file({ title: 'Weightless' }))).toBe('Weightless');
    expect(segmentName(file({ title: '  ' }))).toBe('01 Weightless.flac');
    expect(segmentName(file({ path: 'C:\\Users\\anna\\Music\\breath.mp3' }))).toBe('breath.mp3');
  });

  it('names a soundscape by its title and preset, or its preset', () => {
    const soundscape: Segment = { type: 'soundscape', id: 'tide', preset: 'breath', durationSeconds: 60, params: { intensity: 0.5, brightness: 0.5 } };
    expect(segmentName(soundscape)).toBe('breath soundscape');
    expect(segmentName({ ...soundscape, title: 'Tide' })).toBe('Tide (breath soundscape)');
  });

  it('takes a path’s last part with either separator, and its base name without the extension', () => {
    expect(fileNameOf('a/b\\c.ogg')).toBe('c.ogg');
    expect(fileBaseNameOf('a/b/c.d.ogg')).toBe('c.d');
  });

  it('resolves a playlist’s segments (the same name as segmentName) and leaves an unknown id as it is', () => {
    const playlist = playlistSchema.parse({
      format: 'attune.playlist',
      version: 1,
      id: 'set',
      title: 'Set',
      phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 10, segments: [file({ title: 'Weightless', artist: 'Marconi Union' })] }],
    });
    const resolve = segmentResolver(playlist);
    expect(resolve('track')).toMatchObject({ type: 'file', title: 'Weightless', artist: 'Marconi Union', name: 'Weightless — Marconi Union' });
    expect(resolve('gone')).toEqual({ id: 'gone', type: 'unknown', title: null, artist: null, preset: null, name: 'gone' });
  });
});
