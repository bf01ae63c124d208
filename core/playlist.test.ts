import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlaylist, parsePlaylistText, playlistTargetMinutes, type Playlist } from './playlist';
import type { Result } from './result';

const bundledPlaylistPath = new URL('../playlists/generative-session.json', import.meta.url);

type Json = Record<string, unknown>;
type PhaseJson = Json & { segments: Json[] };

/** A small valid playlist as plain JSON, to be broken one field at a time. */
function validJson(): Json & { phases: PhaseJson[] } {
  return {
    format: 'attune.playlist',
    version: 1,
    id: 'test-set',
    title: 'Test set',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 30,
        segments: [{ type: 'soundscape', id: 'onset-breath', preset: 'breath', durationSeconds: 600 }],
      },
    ],
  };
}

function expectValue(result: Result<Playlist>): Playlist {
  if (!result.ok) throw new Error(`expected a playlist, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function expectProblem(result: Result<Playlist>): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error.code).toBe('invalid-data');
  return result.error.message;
}

describe('the bundled playlist', () => {
  it('parses, with onset, peak and return phases lasting 6–8 hours in all', () => {
    const playlist = expectValue(parsePlaylistText(readFileSync(bundledPlaylistPath, 'utf8')));
    expect(playlist.phases.map((phase) => phase.kind)).toEqual(['onset', 'peak', 'return']);
    const totalMinutes = playlistTargetMinutes(playlist);
    expect(totalMinutes).toBeGreaterThanOrEqual(6 * 60);
    expect(totalMinutes).toBeLessThanOrEqual(8 * 60);
  });
});

describe('parsePlaylistText', () => {
  it('accepts a file that starts with a byte-order mark', () => {
    const text = `\uFEFF${JSON.stringify(validJson())}`;
    expect(expectValue(parsePlaylistText(text)).id).toBe('test-set');
  });

  it('reports malformed JSON as invalid data that says it is not JSON', () => {
    const message = expectProblem(parsePlaylistText('{"format": "attune.playlist", "phases": ['));
    expect(message).toMatch(/JSON/);
  });

  it('reports an empty file as not JSON', () => {
    expect(expectProblem(parsePlaylistText(''))).toMatch(/JSON/);
  });
});

describe('parsePlaylist', () => {
  it('names the field path of a value of the wrong type', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).targetMinutes = 'ninety';
    const message = expectProblem(parsePlaylist(json));
    expect(message).toContain('phases[0].targetMinutes');
  });

  it('names the field path inside a segment', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).segments[0] = { type: 'soundscape', id: 'onset-breath', preset: 'breath', durationSeconds: -5 };
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].segments[0].durationSeconds');
  });

  it('rejects an unknown field and names it', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).colour = 'blue';
    const message = expectProblem(parsePlaylist(json));
    expect(message).toContain('colour');
    expect(message).toContain('phases[0]');
  });

  it('rejects an unknown top-level field', () => {
    expect(expectProblem(parsePlaylist({ ...validJson(), shuffle: true }))).toContain('shuffle');
  });

  it('rejects a segment id used twice, naming the second one', () => {
    const json = validJson();
    json.phases[0]?.segments.push({ type: 'soundscape', id: 'onset-breath', preset: 'drone', durationSeconds: 60 });
    const message = expectProblem(parsePlaylist(json));
    expect(message).toContain('phases[0].segments[1].id');
    expect(message).toContain('onset-breath');
  });

  it('rejects a segment id that repeats a phase id', () => {
    const json = validJson();
    json.phases[0]?.segments.push({ type: 'soundscape', id: 'onset', preset: 'drone', durationSeconds: 60 });
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].segments[1].id');
  });

  it('rejects a soundscape with an unknown preset', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).segments[0] = { type: 'soundscape', id: 'rain', preset: 'rain', durationSeconds: 60 };
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].segments[0].preset');
  });

  it('rejects a phase whose minimum is above its target', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).minMinutes = 45;
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].minMinutes');
  });

  it('accepts a phase whose minimum equals its target', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).minMinutes = 30;
    expect(parsePlaylist(json).ok).toBe(true);
  });

  it('rejects a phase whose maximum is below its target', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).maxMinutes = 10;
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].maxMinutes');
  });

  it('rejects a playlist without phases', () => {
    expect(expectProblem(parsePlaylist({ ...validJson(), phases: [] }))).toContain('phases');
  });

  it('rejects a phase without segments', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).segments = [];
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].segments');
  });

  it('rejects an id that is not a lowercase slug', () => {
    expect(expectProblem(parsePlaylist({ ...validJson(), id: '../Escape' }))).toMatch(/^id:/m);
  });

  it('rejects another format or version', () => {
    expect(expectProblem(parsePlaylist({ ...validJson(), format: 'm3u' }))).toContain('format');
    expect(expectProblem(parsePlaylist({ ...validJson(), version: 2 }))).toContain('version');
  });

  it('accepts file segments with relative and absolute paths, with or without a duration', () => {
    const json = validJson();
    json.phases[0]?.segments.push(
      { type: 'file', id: 'relative', path: 'music/track one.flac', durationSeconds: 245.5 },
      { type: 'file', id: 'absolute', path: '/srv/music/track.mp3' },
      { type: 'file', id: 'windows', path: 'C:\\Music\\track.wav', title: 'Track', artist: 'Someone' },
    );
    const segments = expectValue(parsePlaylist(json)).phases[0]?.segments ?? [];
    expect(segments.map((segment) => (segment.type === 'file' ? segment.path : null))).toEqual([
      null,
      'music/track one.flac',
      '/srv/music/track.mp3',
      'C:\\Music\\track.wav',
    ]);
  });

  it('rejects a file segment with an empty path', () => {
    const json = validJson();
    json.phases[0]?.segments.push({ type: 'file', id: 'nothing', path: '' });
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].segments[1].path');
  });

  it('fills in the crossfade and soundscape parameter defaults', () => {
    const playlist = expectValue(parsePlaylist(validJson()));
    expect(playlist.crossfadeSeconds).toBe(8);
    const segment = playlist.phases[0]?.segments[0];
    expect(segment?.type).toBe('soundscape');
    if (segment?.type !== 'soundscape') return;
    expect(segment.params).toEqual({ intensity: 0.5, brightness: 0.5 });
  });

  it('fills in a missing parameter and keeps the given one', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).segments[0] = {
      type: 'soundscape',
      id: 'onset-breath',
      preset: 'breath',
      params: { intensity: 0.2 },
      durationSeconds: 600,
    };
    const segment = expectValue(parsePlaylist(json)).phases[0]?.segments[0];
    expect(segment?.type === 'soundscape' ? segment.params : undefined).toEqual({ intensity: 0.2, brightness: 0.5 });
  });

  it('rejects soundscape parameters outside 0–1', () => {
    const json = validJson();
    (json.phases[0] as PhaseJson).segments[0] = {
      type: 'soundscape',
      id: 'onset-breath',
      preset: 'breath',
      params: { intensity: 1.5 },
      durationSeconds: 600,
    };
    expect(expectProblem(parsePlaylist(json))).toContain('phases[0].segments[0].params.intensity');
  });

  it('rejects input that is not an object at all', () => {
    expect(expectProblem(parsePlaylist(null))).toContain('(top level)');
  });
});
