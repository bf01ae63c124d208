import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../tests/fixtures/sessions/hostile-session';
import { parseCsvStrict } from '../tests/fixtures/sessions/rfc4180';
import { journalEventSchema, type JournalEvent } from './events';
import { buildInsights, computeInsights, digestSession, insightsKinds, insightsLookup, insightsToCsv, libraryTrackInsight, markWeight, sortInsights, type SessionDigest, type TrackInsight } from './insights';
import { segmentFromTrack, type LibraryTrack } from './library';
import { defaultMarkKinds } from './mark-kinds';
import { playlistSchema, type Playlist } from './playlist';
import { sessionMetaSchema, type SessionMeta } from './session';

const minute = 60_000;
const hostile = loadHostileSession();

const playlist: Playlist = playlistSchema.parse({
  format: 'attune.playlist',
  version: 1,
  id: 'ocean',
  title: 'Ocean',
  phases: [
    {
      id: 'onset',
      kind: 'onset',
      title: 'Onset',
      targetMinutes: 30,
      segments: [
        { type: 'soundscape', id: 'tide', title: 'Tide', preset: 'breath', durationSeconds: 600 },
        { type: 'file', id: 'song', path: 'music/song.flac', title: 'Song, "live"', artist: 'Band', durationSeconds: 600 },
      ],
    },
  ],
});

/** A session that plays `tide` for 10 minutes, then `song` for 20, with marks as given (minutes into the session). */
function session(id: string, createdAt: string, marks: readonly { atMinute: number; kind: string; intensity?: number }[], playlistId = 'ocean') {
  let seq = 0;
  const events: JournalEvent[] = [];
  const add = (kind: string, sessionMs: number, payload: object) => {
    events.push(
      journalEventSchema.parse({
        id: `00000000-0000-4000-8000-${(seq + 1).toString(16).padStart(12, '0')}`,
        seq,
        kind,
        sessionMs,
        wallTime: new Date(Date.parse(createdAt) + sessionMs).toISOString(),
        payload,
      }),
    );
    seq += 1;
  };
  add('session-started', 0, { playlistId, playlistTitle: 'Ocean (then)' });
  add('segment-started', 0, { phaseId: 'onset', segmentId: 'tide', programMs: 0 });
  add('playback', 0, { action: 'play', programMs: 0 });
  add('segment-started', 10 * minute, { phaseId: 'onset', segmentId: 'song', programMs: 10 * minute });
  for (const mark of marks) {
    const segmentId = mark.atMinute < 10 ? 'tide' : 'song';
    add('mark', mark.atMinute * minute, { markKind: mark.kind, phaseId: 'onset', segmentId, positionMs: 0, ...(mark.intensity === undefined ? {} : { intensity: mark.intensity }) });
  }
  add('session-ended', 30 * minute, { reason: 'plan-finished' });
  const meta: SessionMeta = sessionMetaSchema.parse({
    id,
    playlistId,
    playlistTitle: 'Ocean (then)',
    createdAt,
    status: 'ended',
  });
  return { meta, events };
}

const playlists = new Map([['ocean', playlist]]);
const byName = (rows: readonly TrackInsight[], segmentId: string) => rows.find((row) => row.playlistId === 'ocean' && row.segmentId === segmentId);

describe('digestSession', () => {
  it('measures play time per segment in program time, leaving out pauses, quiet passages and the time the app was closed', () => {
    const digest = digestSession(hostile.opened.meta, hostile.opened.events);
    const played = Object.fromEntries(digest.segments.map((segment) => [segment.segmentId, segment.playedMs]));
    expect(played).toEqual({
      arrival: 292_000,
      // 1:08 of it before the 2-minute pause; program time stood still during it.
      'track-a': 412_000,
      'track-b': 352_000,
      // The quiet passage (3 minutes) is not in it.
      'onset-bridge': 736_000,
      'track-c': 308_000,
      // 8 minutes until the last event before the crash, then from the resume to the drone.
      'track-d': 480_000 + 1000 + 111_000,
      'deep-drone': 892_000,
      'track-missing': 16_000,
      'track-e': 472_000,
      landing: 428_000,
    });
    const marks = Object.fromEntries(digest.segments.map((segment) => [segment.segmentId, segment.marks]));
    expect(marks['track-d']).toEqual({ 'music-resistance': 1, resonance: 1 });
    expect(marks.landing).toEqual({ break: 1, resonance: 1 });
    expect(marks['track-b']).toEqual({ break: 1 });
    expect(digest.segments.every((segment) => segment.played)).toBe(true);
  });
});

describe('computeInsights', () => {
  const sessions = [
    session('20261101-090000-aaaaaa', '2026-11-01T09:00:00.000Z', [
      { atMinute: 2, kind: 'resonance' },
      { atMinute: 12, kind: 'resonance' },
      { atMinute: 15, kind: 'distress' },
    ]),
    session('20261108-090000-bbbbbb', '2026-11-08T09:00:00.000Z', [{ atMinute: 20, kind: 'resonance' }]),
    session('20261115-090000-cccccc', '2026-11-15T09:00:00.000Z', [{ atMinute: 5, kind: 'chills' }], 'gone'),
  ];

  it('adds up sessions, minutes and marks per track, and marks per hour of play', () => {
    const rows = buildInsights(sessions, playlists);
    const song = byName(rows, 'song');
    expect(song).toMatchObject({
      playlistId: 'ocean',
      playlistTitle: 'Ocean',
      type: 'file',
      title: 'Song, "live"',
      artist: 'Band',
      name: 'Song, "live" — Band',
      sessions: 2,
      playedMs: 40 * minute,
      minutesPlayed: 40,
      marks: { distress: 1, resonance: 2 },
      marksPerHour: { distress: 1.5, resonance: 3 },
    });
    expect(byName(rows, 'tide')).toMatchObject({ type: 'soundscape', name: 'Tide (breath soundscape)', sessions: 2, minutesPlayed: 20, marks: { resonance: 1 } });
  });

  it('keeps tracks of a playlist that is gone, named by id', () => {
    const rows = buildInsights(sessions, playlists);
    const gone = rows.filter((row) => row.playlistId === 'gone');
    expect(gone.map((row) => [row.segmentId, row.type, row.name, row.playlistTitle])).toEqual([
      ['song', 'unknown', 'song', 'Ocean (then)'],
      ['tide', 'unknown', 'tide', 'Ocean (then)'],
    ]);
  });

  it('filters by playlist and by date range (from inclusive, to exclusive)', () => {
    const digests: SessionDigest[] = sessions.map((entry) => digestSession(entry.meta, entry.events));
    expect(computeInsights(digests, playlists, { playlistIds: ['gone'] }).every((row) => row.playlistId === 'gone')).toBe(true);
    const firstWeek = computeInsights(digests, playlists, { from: '2026-11-01', to: '2026-11-08T09:00:00.000Z' });
    expect(byName(firstWeek, 'song')?.sessions).toBe(1);
    expect(firstWeek.some((row) => row.playlistId === 'gone')).toBe(false);
    expect(computeInsights(digests, playlists, { from: '2026-12-01' })).toEqual([]);
  });

  it('sorts by any measure, ties broken by playlist and segment id', () => {
    const rows = buildInsights(sessions, playlists);
    // Both ocean tracks carried 3 resonance marks per hour: the tie goes by segment id.
    expect(sortInsights(rows, { kind: 'resonance', measure: 'perHour' }).map((row) => `${row.playlistId}/${row.segmentId}`)).toEqual([
      'ocean/song',
      'ocean/tide',
      'gone/song',
      'gone/tide',
    ]);
    expect(sortInsights(rows, 'minutes', 'asc').map((row) => row.playedMs)).toEqual([10 * minute, 20 * minute, 20 * minute, 40 * minute]);
    expect(sortInsights(rows, 'name', 'asc').map((row) => row.name)).toEqual(['song', 'Song, "live" — Band', 'tide', 'Tide (breath soundscape)']);
    expect(sortInsights(rows, { kind: 'chills', measure: 'count' })[0]?.playlistId).toBe('gone');
  });

  it('writes RFC 4180 CSV with two columns per kind, in the settings order', () => {
    const rows = buildInsights(sessions, playlists);
    const kinds = insightsKinds(rows, defaultMarkKinds);
    expect(kinds).toEqual(['resonance', 'distress', 'chills']);
    const [header, ...records] = parseCsvStrict(insightsToCsv(rows, kinds));
    expect(header).toEqual([
      'recording',
      'identified_by',
      'playlist_ids',
      'playlist_titles',
      'segment_ids',
      'segment_type',
      'title',
      'artist',
      'name',
      'sessions',
      'clients',
      'minutes_played',
      'resonance_marks',
      'resonance_per_hour',
      'resonance_weighted_per_hour',
      'distress_marks',
      'distress_per_hour',
      'distress_weighted_per_hour',
      'chills_marks',
      'chills_per_hour',
      'chills_weighted_per_hour',
      'moves_into_window',
      'moves_out_of_window',
      'by_phase',
      'by_state',
    ]);
    expect(records).toContainEqual([
      'tags:song live|band|600s',
      'tags',
      'ocean',
      'Ocean',
      'ocean/song',
      'file',
      'Song, "live"',
      'Band',
      'Song, "live" — Band',
      '2',
      '2',
      '40',
      '2',
      '3',
      '3',
      '1',
      '1.5',
      '1.5',
      '0',
      '0',
      '0',
      '0',
      '0',
      'onset: 40.0 min (distress 1, resonance 2)',
      '',
    ]);
    expect(records).toHaveLength(rows.length);
  });

  it('weighs each mark by its intensity over the middle of the scale: 3 or none counts 1, 5 counts 5/3, 1 counts 1/3', () => {
    expect([markWeight(undefined), markWeight(3), markWeight(5), markWeight(1)]).toEqual([1, 1, 5 / 3, 1 / 3]);
    const weighed = [
      session('20261101-090000-eeeeee', '2026-11-01T09:00:00.000Z', [
        { atMinute: 12, kind: 'resonance', intensity: 5 },
        { atMinute: 14, kind: 'resonance', intensity: 5 },
        { atMinute: 16, kind: 'distress', intensity: 1 },
      ]),
      session('20261102-090000-ffffff', '2026-11-02T09:00:00.000Z', [
        { atMinute: 12, kind: 'resonance' },
        { atMinute: 18, kind: 'distress', intensity: 1 },
      ]),
    ];
    const song = byName(buildInsights(weighed, playlists), 'song');
    // Counted, three resonance marks and two distress; weighed, resonance 5/3 + 5/3 + 1 and distress 1/3 + 1/3.
    expect(song?.marks).toEqual({ distress: 2, resonance: 3 });
    expect(song?.weightedMarks.resonance).toBeCloseTo(13 / 3, 10);
    expect(song?.weightedMarks.distress).toBeCloseTo(2 / 3, 10);
    // 40 minutes of play: per hour, weighed.
    expect(song?.weightedPerHour.resonance).toBeCloseTo(6.5, 10);
    expect(song?.byPhase.onset?.weightedMarks.distress).toBeCloseTo(2 / 3, 10);
  });

  it('weighs marks in a digest without weights (made before they were kept) as unrated', () => {
    const digest: SessionDigest = {
      sessionId: '20261101-090000-gggggg',
      playlistId: 'ocean',
      playlistTitle: 'Ocean',
      createdAt: '2026-11-01T09:00:00.000Z',
      segments: [{ segmentId: 'song', played: true, playedMs: 30 * minute, marks: { resonance: 2 }, byState: { 'hyper-aroused': { ms: minute, marks: { resonance: 1 } } } }],
    };
    const [row] = computeInsights([digest], playlists);
    expect(row).toMatchObject({ weightedMarks: { resonance: 2 }, weightedPerHour: { resonance: 4 }, byState: { 'hyper-aroused': { weightedMarks: { resonance: 1 } } } });
  });

  it('finds the row of a library track by its recording: tags and a duration within 2 s, the nearest; a soundscape by its preset', () => {
    const rows = buildInsights(sessions, playlists);
    const lookup = insightsLookup(rows);
    const track = (fields: Partial<LibraryTrack>): LibraryTrack => ({ path: '/music/elsewhere/song (re-encoded).mp3', root: '/music', size: 1, mtimeMs: 0, format: 'mp3', ...fields });
    const song = rows.find((row) => row.playlistId === 'ocean' && row.segmentId === 'song');
    expect(song?.durationSeconds).toBe(600);
    expect(lookup(segmentFromTrack(track({ title: 'SONG live', artist: 'band', durationSeconds: 601.5 }), 'library'))).toBe(song);
    expect(lookup(segmentFromTrack(track({ title: 'Song, "live"', artist: 'Band', durationSeconds: 603 }), 'library'))).toBeUndefined();
    expect(lookup(segmentFromTrack(track({ title: 'Song, "live"', artist: 'Other band', durationSeconds: 600 }), 'library'))).toBeUndefined();
    expect(lookup(segmentFromTrack(track({ durationSeconds: 600 }), 'library'))).toBeUndefined();
    // Without a title tag: under its file name, whether the playlist took the name for the title or has none.
    const untitledRows = computeInsights(
      [{ sessionId: '20261101-090000-hhhhhh', playlistId: 'm3u', playlistTitle: 'Imported', createdAt: '2026-11-01T09:00:00.000Z', segments: [{ segmentId: 'n1', played: true, playedMs: minute, marks: { resonance: 1 } }] }],
      new Map([['m3u', playlistSchema.parse({ format: 'attune.playlist', version: 1, id: 'm3u', title: 'Imported', phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 5, segments: [{ type: 'file', id: 'n1', path: '/old/disk/Night Song.flac', durationSeconds: 300 }] }] })]]),
    );
    expect(libraryTrackInsight(insightsLookup(untitledRows), track({ path: '/music/night song.mp3', durationSeconds: 299.2 }))?.segmentId).toBe('n1');
    expect(libraryTrackInsight(lookup, track({ title: 'Song, "live"', artist: 'Band', durationSeconds: 600 }))).toBe(song);
    const tide = playlist.phases[0]?.segments[0];
    expect(tide === undefined ? undefined : lookup(tide)?.name).toBe('Tide (breath soundscape)');
  });

  it('gives a track with marks but no play time no rate', () => {
    const digest: SessionDigest = {
      sessionId: '20261101-090000-dddddd',
      playlistId: 'ocean',
      playlistTitle: 'Ocean',
      createdAt: '2026-11-01T09:00:00.000Z',
      segments: [{ segmentId: 'song', played: false, playedMs: 0, marks: { resonance: 2 } }],
    };
    const [row] = computeInsights([digest], playlists);
    expect(row).toMatchObject({ sessions: 0, marks: { resonance: 2 }, marksPerHour: { resonance: null } });
    expect(parseCsvStrict(insightsToCsv([row as TrackInsight]))[1]?.slice(9, 15)).toEqual(['0', '0', '0', '2', '', '']);
  });
});
