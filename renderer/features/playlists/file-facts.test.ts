import { describe, expect, it } from 'vitest';
import { playlistWarnings } from '../../../core/curation-warnings';
import type { LibraryTrack } from '../../../core/library';
import type { PlaylistDraft } from '../../../core/playlist-edit';
import { fileFactsFor, notInLibraryReason } from './file-facts';

const track: LibraryTrack = {
  path: '/music/calm.flac',
  root: '/music',
  size: 10,
  mtimeMs: 1,
  format: 'flac',
  durationSeconds: 420,
  measured: { integratedLufs: -16, truePeakDbtp: -2, rangeLu: 5, durationSeconds: 420 },
};

const draft: PlaylistDraft = {
  format: 'attune.playlist',
  version: 1,
  id: 'set',
  title: 'Set',
  crossfadeSeconds: 8,
  phases: [
    {
      id: 'onset',
      kind: 'onset',
      title: 'Onset',
      targetMinutes: 60,
      segments: [
        { type: 'file', id: 'calm', path: '/music/calm.flac' },
        { type: 'file', id: 'broken', path: '/music/broken.mp3' },
        { type: 'file', id: 'bundled', path: 'audio/rain.ogg' },
        { type: 'file', id: 'gone', path: '/elsewhere/gone.mp3' },
        { type: 'soundscape', id: 'bed', preset: 'breath', params: { intensity: 0.5, brightness: 0.5 }, durationSeconds: 60 },
      ],
    },
  ],
};

describe('fileFactsFor', () => {
  const library = { tracks: [track], unreadable: [{ path: '/music/broken.mp3', reason: 'not an audio file' }] };
  const host = new Map([['bundled', { path: 'audio/rain.ogg', fact: { segmentId: 'bundled', status: 'ok' as const, durationSeconds: 300 } }]]);

  it('takes length and loudness from the library, unreadable reasons from it, relative paths from the host, and calls the rest missing', () => {
    const facts = fileFactsFor(draft, library, host);
    expect(facts.get('calm')).toEqual({ status: 'ok', durationSeconds: 420, loudness: { integratedLufs: -16, truePeakDbtp: -2, rangeLu: 5, source: 'measured' } });
    expect(facts.get('broken')).toEqual({ status: 'unreadable', reason: 'not an audio file' });
    expect(facts.get('bundled')).toEqual({ status: 'ok', durationSeconds: 300 });
    expect(facts.get('gone')).toEqual({ status: 'missing', reason: notInLibraryReason });
    expect(facts.has('bed')).toBe(false);
  });

  it('does not trust what the host found for a segment whose path has changed since', () => {
    const moved: PlaylistDraft = {
      ...draft,
      phases: [{ ...draft.phases[0]!, segments: [{ type: 'file', id: 'bundled', path: 'audio/other.ogg' }] }],
    };
    expect(fileFactsFor(moved, library, host).get('bundled')?.status).toBe('missing');
  });

  it('gives the warnings what they need: a missing file is a problem, an analysed track not yet carried is named', () => {
    const warnings = playlistWarnings(draft, { files: fileFactsFor(draft, library, host), targetLufs: -18 });
    const ids = warnings.map((warning) => warning.id);
    expect(ids).toContain('missing:gone');
    expect(ids).toContain('unreadable:broken');
    expect(ids).toContain('loudness-not-saved:calm');
    expect(ids).not.toContain('unchecked:calm');
  });
});
