import { describe, expect, it } from 'vitest';
import { trackGain } from '../../../core/loudness';
import type { FileSegment } from '../../../core/playlist';
import { loadHostileSession } from '../../../tests/fixtures/sessions/hostile-session';
import { buildElasticPlan } from '../../../core/elastic-plan';
import { findSegment, replaySourceFor, replayStartMs, replaySurroundingsFor } from './replay-source';

const { playlist } = loadHostileSession();
const url = (playlistId: string, segmentId: string) => `media/${playlistId}/${segmentId}`;

describe('replaySourceFor', () => {
  it('plays a file from its media address through its loudness gain toward the target', () => {
    const source = replaySourceFor(playlist, 'track-c', -20, url);
    const segment = findSegment(playlist, 'track-c') as FileSegment;
    expect(source).toEqual({ type: 'file', url: 'media/harbour-light/track-c', path: segment.path, gainDb: trackGain(segment, -20).gainDb, mediaStartSeconds: 0 });
  });

  it('starts a trimmed file where its start trim ends', () => {
    const trimmed = structuredClone(playlist);
    const segment = findSegment(trimmed, 'track-c') as FileSegment;
    segment.trimStartSeconds = 12.5;
    expect(replaySourceFor(trimmed, 'track-c', -20, url)).toMatchObject({ type: 'file', mediaStartSeconds: 12.5 });
  });

  it('re-synthesises a soundscape from its preset and parameters', () => {
    expect(replaySourceFor(playlist, 'deep-drone', -18, url)).toEqual({ type: 'soundscape', preset: 'drone', params: { intensity: 0.5, brightness: 0.5 } });
  });

  it('makes a bridge as the plan does, from the phase', () => {
    const source = replaySourceFor(playlist, 'peak-bridge', -18, url);
    expect(source).toEqual({ type: 'soundscape', preset: 'drone', params: { intensity: 0.5, brightness: 0.5 } });
  });

  it('has nothing for a segment the playlist does not have, or without a playlist', () => {
    expect(replaySourceFor(playlist, 'gone', -18, url)).toBeUndefined();
    expect(replaySourceFor(undefined, 'track-c', -18, url)).toBeUndefined();
  });

  it('starts ten seconds before the mark, never before the segment', () => {
    expect(replayStartMs(128_000)).toBe(118_000);
    expect(replayStartMs(4000)).toBe(0);
  });
});

describe('replaySurroundingsFor', () => {
  it('names the segments the marked one crossfaded with, with the lengths and crossfades of the plan and their own gains', () => {
    const { entries } = buildElasticPlan(playlist, []);
    const index = entries.findIndex((entry) => entry.segment.type === 'file' && entry.index > 0 && entries[entry.index + 1] !== undefined);
    const [previous, marked, next] = [entries[index - 1], entries[index], entries[index + 1]];
    if (previous === undefined || marked === undefined || next === undefined) throw new Error('the hostile playlist has no segment between two others');
    const surroundings = replaySurroundingsFor(playlist, [], marked.segment.id, -18, url);
    expect(surroundings?.playedSeconds).toBe((marked.endMs - marked.startMs) / 1000);
    expect(surroundings?.previous?.timing).toEqual({ playedSeconds: (previous.endMs - previous.startMs) / 1000, crossfadeSeconds: marked.fadeInMs / 1000 });
    expect(surroundings?.next?.timing).toEqual({ playedSeconds: (next.endMs - next.startMs) / 1000, crossfadeSeconds: next.fadeInMs / 1000 });
    expect(surroundings?.previous?.source).toEqual(replaySourceFor(playlist, previous.segment.id, -18, url));
    expect(surroundings?.next?.source).toEqual(replaySourceFor(playlist, next.segment.id, -18, url));
  });

  it('has nothing for a segment the plan does not have', () => {
    expect(replaySurroundingsFor(playlist, [], 'gone', -18, url)).toBeUndefined();
    expect(replaySurroundingsFor(undefined, [], 'track-c', -18, url)).toBeUndefined();
  });
});
