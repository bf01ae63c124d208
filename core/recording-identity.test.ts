import { describe, expect, it } from 'vitest';
import { journalEventSchema, type JournalEvent } from './events';
import { computeInsights, digestSession } from './insights';
import { playlistSchema, type Playlist } from './playlist';
import { normaliseTag, RecordingIndex, recordingBasis } from './recording-identity';
import { sessionMetaSchema } from './session';

const minute = 60_000;

function playlistOf(id: string, title: string, segments: object[]): Playlist {
  return playlistSchema.parse({
    format: 'attune.playlist',
    version: 1,
    id,
    title,
    phases: [
      { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 20, segments: [segments[0]] },
      { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 20, segments: segments.slice(1) },
    ],
  });
}

const satie = { type: 'file', title: 'Gymnopédie No. 1', artist: 'Erik Satie', durationSeconds: 600 };
const ocean = playlistOf('ocean', 'Ocean', [
  { type: 'soundscape', id: 'tide', preset: 'breath', durationSeconds: 600 },
  { ...satie, id: 'satie', path: 'music/satie.flac' },
]);
// The same file elsewhere: another playlist, another id, another relative path, tags written by another tagger.
const forest = playlistOf('forest', 'Forest', [
  { type: 'soundscape', id: 'leaves', preset: 'earth', durationSeconds: 600 },
  { ...satie, id: 'gymnopedie', path: '../Music/Satie/01 Gymnopedie.flac', title: 'GYMNOPÉDIE  No 1', artist: 'erik satie' },
]);
// A re-encode of it (MP3: encoder padding makes it a little longer) in a "Duplicate to edit" copy.
const oceanCopy = playlistOf('ocean-copy', 'Ocean (copy)', [
  { type: 'soundscape', id: 'tide', preset: 'breath', durationSeconds: 600 },
  { ...satie, id: 'satie', path: 'music/satie.mp3', durationSeconds: 600.05 },
]);
// A re-encode whose tags were lost, under another file name: nothing ties it to the others.
const untagged = playlistOf('untagged', 'Untagged', [
  { type: 'soundscape', id: 'tide', preset: 'breath', durationSeconds: 600 },
  { type: 'file', id: 'track-1', path: 'rips/track01.wav', durationSeconds: 600 },
]);
const playlists = new Map([ocean, forest, oceanCopy, untagged].map((playlist) => [playlist.id, playlist]));

/** A session: 10 minutes of the first segment, then 20 of the second, in the peak; marks and states as given. */
function session(index: number, playlist: Playlist, options: { marks?: { atMinute: number; kind: string }[]; states?: { atMinute: number; stateId: string; action?: 'set' | 'open' | 'close' }[]; client?: string } = {}) {
  const createdAt = `2026-11-${String(index + 1).padStart(2, '0')}T09:00:00.000Z`;
  const events: JournalEvent[] = [];
  const add = (kind: string, sessionMs: number, payload: object) =>
    events.push(
      journalEventSchema.parse({
        id: `00000000-0000-4000-8000-${(index * 1000 + events.length + 1).toString(16).padStart(12, '0')}`,
        seq: events.length,
        kind,
        sessionMs,
        wallTime: new Date(Date.parse(createdAt) + sessionMs).toISOString(),
        payload,
      }),
    );
  const [first, second] = playlist.phases.map((phase) => phase.segments[0]?.id ?? '');
  add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  add('segment-started', 0, { phaseId: 'onset', segmentId: first, programMs: 0 });
  add('playback', 0, { action: 'play', programMs: 0 });
  add('segment-started', 10 * minute, { phaseId: 'peak', segmentId: second, programMs: 10 * minute });
  const timed = [
    ...(options.marks ?? []).map((mark) => ({ at: mark.atMinute, write: () => add('mark', mark.atMinute * minute, { markKind: mark.kind, phaseId: mark.atMinute < 10 ? 'onset' : 'peak', segmentId: mark.atMinute < 10 ? first : second, positionMs: 0 }) })),
    ...(options.states ?? []).map((state) => ({ at: state.atMinute, write: () => add('client-state', state.atMinute * minute, { stateId: state.stateId, action: state.action ?? 'set' }) })),
  ].sort((a, b) => a.at - b.at);
  for (const entry of timed) entry.write();
  add('session-ended', 30 * minute, { reason: 'facilitator' });
  const meta = sessionMetaSchema.parse({ id: `20261101-090000-${String(index).padStart(6, '0')}`, playlistId: playlist.id, playlistTitle: playlist.title, createdAt, status: 'ended', clientCode: options.client ?? '' });
  return digestSession(meta, events);
}

describe('recording identity', () => {
  it('normalises tags the way taggers differ: case, accents composed or not, punctuation, spacing', () => {
    expect(normaliseTag('GYMNOPÉDIE  No 1')).toBe(normaliseTag('Gymnopédie No. 1'));
    expect(normaliseTag('Gymnope\u0301die No. 1')).toBe(normaliseTag('Gymnopédie No. 1'));
    expect(recordingBasis(ocean.phases[1]?.segments[0], 'ocean', 'satie').basis).toBe('tags');
    expect(recordingBasis(undefined, 'gone', 'satie')).toEqual({ basis: 'segment', key: 'segment:gone\u0000satie', durationSeconds: undefined });
  });

  it('matches durations within two seconds, and not beyond', () => {
    const index = new RecordingIndex();
    const at = (durationSeconds: number) => index.identify({ type: 'file', id: 'x', path: 'x.flac', title: 'Piece', durationSeconds }, 'p', 'x').key;
    expect(at(300)).toBe(at(301.5));
    expect(at(300)).not.toBe(at(330));
    // Without a duration a file cannot be told from another of the same name: it stays its playlist's segment.
    expect(index.identify({ type: 'file', id: 'y', path: 'y.flac', title: 'Piece' }, 'p', 'y').basis).toBe('segment');
  });

  it('shows one row for the same recording in two playlists and a re-encoded copy, with every placement', () => {
    const digests = [
      session(0, ocean, { marks: [{ atMinute: 12, kind: 'resonance' }], client: 'K-1' }),
      session(1, forest, { marks: [{ atMinute: 15, kind: 'resonance' }], client: 'K-2' }),
      session(2, oceanCopy, { marks: [{ atMinute: 20, kind: 'distress' }], client: 'K-1' }),
      session(3, untagged),
    ];
    const rows = computeInsights(digests, playlists);
    const gymnopedie = rows.filter((row) => row.title !== null && normaliseTag(row.title) === 'gymnopédie no 1');
    expect(gymnopedie).toHaveLength(1);
    expect(gymnopedie[0]).toMatchObject({
      identifiedBy: 'tags',
      sessions: 3,
      clients: 2,
      minutesPlayed: 60,
      marks: { resonance: 2, distress: 1 },
      playlistTitle: 'Forest · Ocean · Ocean (copy)',
      byPhase: { peak: { playedMs: 60 * minute, marks: { resonance: 2, distress: 1 } } },
    });
    expect(gymnopedie[0]?.placements.map((placement) => `${placement.playlistId}/${placement.segmentId}`)).toEqual(['forest/gymnopedie', 'ocean/satie', 'ocean-copy/satie']);
    // Documented: a re-encode that lost its tags and its name is another row.
    expect(rows.filter((row) => row.identifiedBy === 'file-name').map((row) => row.placements.map((placement) => placement.segmentId))).toEqual([['track-1']]);
    // The same soundscape bed in three playlists is one row too; another preset is its own.
    expect(rows.find((row) => row.type === 'soundscape' && row.preset === 'breath')?.sessions).toBe(3);
    expect(rows).toHaveLength(4);
  });

  it('breaks down by the client state: time under each state, marks in it, moves into and out of the window', () => {
    const digest = session(0, ocean, {
      states: [
        { atMinute: 5, stateId: 'within-window' },
        { atMinute: 14, stateId: 'hyperaroused' },
        { atMinute: 18, stateId: 'dissociated', action: 'open' },
        { atMinute: 22, stateId: 'within-window' },
        { atMinute: 24, stateId: 'dissociated', action: 'close' },
      ],
      marks: [
        { atMinute: 15, kind: 'distress' },
        { atMinute: 19, kind: 'distress' },
      ],
    });
    const row = computeInsights([digest], playlists).find((candidate) => candidate.segmentId === 'satie');
    expect(row?.movesOutOfWindow).toBe(1);
    expect(row?.movesIntoWindow).toBe(1);
    expect(row?.byState).toEqual({
      'within-window': { ms: 4 * minute + 8 * minute, marks: {}, weightedMarks: {} },
      hyperaroused: { ms: 8 * minute, marks: { distress: 2 }, weightedMarks: { distress: 2 } },
      dissociated: { ms: 6 * minute, marks: { distress: 1 }, weightedMarks: { distress: 1 } },
    });
    const tide = computeInsights([digest], playlists).find((candidate) => candidate.segmentId === 'tide');
    expect(tide?.byState).toEqual({ 'within-window': { ms: 5 * minute, marks: {}, weightedMarks: {} } });
  });
});
