import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileFacts } from './curation-warnings';
import type { LibraryTrack } from './library';
import { parsePlaylist, playlistSchema, type Playlist, type Segment } from './playlist';
import {
  addPhase,
  addSegments,
  addTracks,
  applyLibraryFacts,
  duplicatePlaylist,
  insertSoundscape,
  locateSegment,
  movePhase,
  moveSegment,
  newPlaylist,
  removePhase,
  removeSegment,
  toPlaylist,
  uniqueSegmentId,
  updatePhase,
  updatePlaylistDetails,
  updateSegment,
  type PlaylistDraft,
} from './playlist-edit';
import type { Result } from './result';
import { EditHistory, type EditHistoryState } from './edit-history';
import { slugify } from './slugs';

const runs = Number(process.env.ATTUNE_PROPERTY_RUNS ?? 100);

function playlistFixture(): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'harbour',
    title: 'Harbour',
    crossfadeSeconds: 8,
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 60,
        segments: [
          { type: 'file', id: 'tide', path: 'music/tide.flac', title: 'Tide', durationSeconds: 300 },
          { type: 'soundscape', id: 'breath', preset: 'breath', durationSeconds: 600 },
        ],
      },
      {
        id: 'peak',
        kind: 'peak',
        title: 'Peak',
        targetMinutes: 180,
        minMinutes: 150,
        segments: [
          { type: 'file', id: 'storm', path: 'music/storm.flac', title: 'Storm', durationSeconds: 420, gainDb: -2 },
          { type: 'file', id: 'lighthouse', path: 'music/lighthouse.mp3', durationSeconds: 500 },
          { type: 'file', id: 'swell', path: 'music/swell.ogg', title: 'Swell' },
        ],
        extras: [{ type: 'soundscape', id: 'deep', preset: 'drone', durationSeconds: 900 }],
      },
      {
        id: 'return',
        kind: 'return',
        title: 'Return',
        targetMinutes: 120,
        segments: [{ type: 'file', id: 'shore', path: 'music/shore.flac', title: 'Shore', durationSeconds: 240 }],
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function failure<T>(result: Result<T>): { code: string; message: string } {
  if (result.ok) throw new Error('expected a failure, the edit succeeded');
  return result.error;
}

const segmentIds = (draft: PlaylistDraft, list: 'segments' | 'extras' = 'segments') =>
  Object.fromEntries(draft.phases.map((phase) => [phase.id, (phase[list] ?? []).map((segment) => segment.id)]));

const segmentById = (draft: PlaylistDraft, id: string): Segment => {
  const found = locateSegment(draft, id);
  if (found === undefined) throw new Error(`no segment ${id}`);
  return found.segment;
};

describe('slug ids', () => {
  it('makes lower-case dashed ids from titles, dropping accents and punctuation', () => {
    expect(slugify('Ólafur Arnalds — Saman (Live)')).toBe('olafur-arnalds-saman-live');
    expect(slugify('  ¿¡  ')).toBe('');
    expect(slugify('x'.repeat(100))).toHaveLength(56);
  });

  it('adds a counter when the id is taken, across phases, segments and extras', () => {
    const draft = playlistFixture();
    expect(uniqueSegmentId(draft, 'Tide')).toBe('tide-2');
    expect(uniqueSegmentId(draft, 'Peak')).toBe('peak-2');
    expect(uniqueSegmentId(draft, 'Deep')).toBe('deep-2');
    expect(uniqueSegmentId(draft, '海')).toBe('track');
  });
});

describe('adding segments', () => {
  it('inserts at the index, in order, with fresh ids made from titles, file names or presets', () => {
    const next = value(
      addSegments(playlistFixture(), { phaseId: 'peak', index: 1 }, [
        { type: 'file', path: '/music/Tide.flac', title: 'Tide' },
        { type: 'file', path: 'C:\\Music\\Évening Bells.mp3' },
        { type: 'soundscape', preset: 'shimmer', durationSeconds: 120 },
      ]),
    );
    expect(segmentIds(next).peak).toEqual(['storm', 'tide-2', 'evening-bells', 'shimmer', 'lighthouse', 'swell']);
    expect(segmentById(next, 'shimmer')).toEqual({
      type: 'soundscape',
      id: 'shimmer',
      preset: 'shimmer',
      durationSeconds: 120,
      params: { intensity: 0.5, brightness: 0.5 },
    });
    expect(playlistSchema.safeParse(next).success).toBe(true);
  });

  it('replaces an id the segment came with, so a pasted segment never collides', () => {
    const next = value(addSegments(playlistFixture(), { phaseId: 'onset', index: 0 }, [{ type: 'file', id: 'storm', path: 'storm.flac', title: 'Storm' }]));
    expect(segmentIds(next).onset).toEqual(['storm-2', 'tide', 'breath']);
  });

  it('adds library tracks with their title, duration and loudness, at a path the playlist stores', () => {
    const track: LibraryTrack = {
      path: '/home/curator/Music/Rain on Glass.flac',
      root: '/home/curator/Music',
      size: 1000,
      mtimeMs: 1,
      format: 'flac',
      artist: 'Ana',
      durationSeconds: 321.5,
      measured: { integratedLufs: -14.2, truePeakDbtp: -0.8, rangeLu: 6, durationSeconds: 321.5 },
    };
    const next = value(addTracks(playlistFixture(), { phaseId: 'return', index: 1 }, [track], (path) => path.replace('/home/curator/', '../')));
    expect(segmentById(next, 'rain-on-glass')).toEqual({
      type: 'file',
      id: 'rain-on-glass',
      path: '../Music/Rain on Glass.flac',
      title: 'Rain on Glass',
      artist: 'Ana',
      durationSeconds: 321.5,
      loudness: { integratedLufs: -14.2, truePeakDbtp: -0.8, rangeLu: 6, source: 'measured' },
    });
  });

  it('inserts a soundscape into a phase or its extras, with its params over the defaults', () => {
    const playlist = playlistFixture();
    const intoMusic = value(insertSoundscape(playlist, { phaseId: 'return', index: 0 }, { preset: 'earth', durationSeconds: 300, params: { intensity: 0.2 } }));
    expect(intoMusic.phases[2]?.segments[0]).toEqual({ type: 'soundscape', id: 'earth', preset: 'earth', durationSeconds: 300, params: { intensity: 0.2, brightness: 0.5 } });
    const intoExtras = value(insertSoundscape(playlist, { phaseId: 'onset', index: 0, list: 'extras' }, { preset: 'drone', durationSeconds: 60, title: 'Low hum' }));
    expect(intoExtras.phases[0]?.extras?.map((segment) => segment.id)).toEqual(['low-hum']);
  });

  it('refuses a position outside the list, an unknown phase and an invalid segment, and says why', () => {
    const playlist = playlistFixture();
    expect(failure(addSegments(playlist, { phaseId: 'onset', index: 3 }, [{ type: 'soundscape', preset: 'breath', durationSeconds: 10 }]))).toEqual({
      code: 'bad-request',
      message: 'Position 3 is outside the music of "Onset" (0 to 2).',
    });
    expect(failure(addSegments(playlist, { phaseId: 'dusk', index: 0 }, [])).code).toBe('not-found');
    const tooLong = failure(insertSoundscape(playlist, { phaseId: 'onset', index: 0 }, { preset: 'breath', durationSeconds: 9 * 3600 }));
    expect(tooLong.message).toMatch(/^phases\[0\]\.segments\[0\]\.durationSeconds: /);
  });
});

describe('moving and removing segments', () => {
  it('counts the target index without the moved segment, within a phase', () => {
    const playlist = playlistFixture();
    expect(segmentIds(value(moveSegment(playlist, 'storm', { phaseId: 'peak', index: 2 }))).peak).toEqual(['lighthouse', 'swell', 'storm']);
    expect(segmentIds(value(moveSegment(playlist, 'swell', { phaseId: 'peak', index: 0 }))).peak).toEqual(['swell', 'storm', 'lighthouse']);
    expect(failure(moveSegment(playlist, 'storm', { phaseId: 'peak', index: 3 })).message).toBe('Position 3 is outside the music of "Peak" (0 to 2).');
  });

  it('moves between phases and between a phase and its extras', () => {
    const playlist = playlistFixture();
    const moved = value(moveSegment(playlist, 'lighthouse', { phaseId: 'return', index: 1 }));
    expect(segmentIds(moved)).toEqual({ onset: ['tide', 'breath'], peak: ['storm', 'swell'], return: ['shore', 'lighthouse'] });
    const promoted = value(moveSegment(playlist, 'deep', { phaseId: 'onset', index: 0 }));
    expect(segmentIds(promoted).onset).toEqual(['deep', 'tide', 'breath']);
    expect(promoted.phases[1]).not.toHaveProperty('extras');
  });

  it('returns the same playlist when a segment is dropped where it was', () => {
    const playlist = playlistFixture();
    expect(value(moveSegment(playlist, 'lighthouse', { phaseId: 'peak', index: 1 }))).toBe(playlist);
  });

  it('lets a phase become empty in the draft, and toPlaylist names the phase until it has music again', () => {
    const emptied = value(removeSegment(playlistFixture(), 'shore'));
    expect(emptied.phases[2]?.segments).toEqual([]);
    expect(failure(toPlaylist(emptied))).toEqual({
      code: 'invalid-data',
      message: 'Phase "Return" has no music: add a track or a soundscape to it, or remove the phase.',
    });
    const refilled = value(moveSegment(emptied, 'breath', { phaseId: 'return', index: 0 }));
    expect(value(toPlaylist(refilled)).phases[2]?.segments.map((segment) => segment.id)).toEqual(['breath']);
  });

  it('refuses to move or remove a segment that is not there', () => {
    expect(failure(removeSegment(playlistFixture(), 'gone'))).toEqual({ code: 'not-found', message: 'There is no segment "gone" in this playlist.' });
    expect(failure(moveSegment(playlistFixture(), 'storm', { phaseId: 'dusk', index: 0 })).code).toBe('not-found');
  });

  it('keeps what an edit did not touch as the same objects', () => {
    const playlist = playlistFixture();
    const moved = value(moveSegment(playlist, 'storm', { phaseId: 'peak', index: 1 }));
    expect(moved.phases[0]).toBe(playlist.phases[0]);
    expect(moved.phases[2]).toBe(playlist.phases[2]);
    expect(moved.phases[1]?.segments[1]).toBe(playlist.phases[1]?.segments[0]);
    expect(moved.phases[1]?.extras).toBe(playlist.phases[1]?.extras);
  });

  it('never changes the playlist it was given', () => {
    const playlist = playlistFixture();
    const before = structuredClone(playlist);
    value(moveSegment(playlist, 'storm', { phaseId: 'onset', index: 0 }));
    value(removeSegment(playlist, 'tide'));
    value(updateSegment(playlist, 'storm', { gainDb: 3, flags: { lyrics: true } }));
    value(updatePhase(playlist, 'peak', { targetMinutes: 200 }));
    expect(playlist).toEqual(before);
  });
});

describe('updating a segment', () => {
  it("sets a file's crossfade, gain trim, trims, flags, notes and title", () => {
    const next = value(
      updateSegment(playlistFixture(), 'tide', {
        crossfadeSeconds: 12,
        gainDb: -3.5,
        trimStartSeconds: 4,
        trimEndSeconds: 10,
        flags: { lyrics: true, language: 'pt', intensity: 2 },
        notes: 'Opens gently.',
        title: 'Tide (edit)',
      }),
    );
    expect(segmentById(next, 'tide')).toEqual({
      type: 'file',
      id: 'tide',
      path: 'music/tide.flac',
      title: 'Tide (edit)',
      durationSeconds: 300,
      crossfadeSeconds: 12,
      gainDb: -3.5,
      trimStartSeconds: 4,
      trimEndSeconds: 10,
      flags: { lyrics: true, language: 'pt', intensity: 2 },
      notes: 'Opens gently.',
    });
  });

  it('clears a field given as undefined, leaves absent ones alone, and merges flags', () => {
    const flagged = value(updateSegment(playlistFixture(), 'storm', { flags: { lyrics: true, intensity: 4 }, notes: 'Loud' }));
    const next = value(updateSegment(flagged, 'storm', { gainDb: undefined, flags: { lyrics: undefined }, notes: '' }));
    expect(segmentById(next, 'storm')).toEqual({
      type: 'file',
      id: 'storm',
      path: 'music/storm.flac',
      title: 'Storm',
      durationSeconds: 420,
      flags: { intensity: 4 },
    });
    expect(segmentById(value(updateSegment(next, 'storm', { flags: undefined })), 'storm')).not.toHaveProperty('flags');
  });

  it("changes a soundscape's preset, params and length, and never clears them", () => {
    const next = value(updateSegment(playlistFixture(), 'breath', { preset: 'earth', params: { brightness: 0.9 }, durationSeconds: 200 }));
    expect(segmentById(next, 'breath')).toEqual({ type: 'soundscape', id: 'breath', preset: 'earth', params: { intensity: 0.5, brightness: 0.9 }, durationSeconds: 200 });
    expect(failure(updateSegment(next, 'breath', { durationSeconds: undefined })).message).toBe(
      'A soundscape always has a length of its own; "earth soundscape" keeps its own.',
    );
  });

  it('refuses fields the segment does not have, values out of range, and trims that leave nothing', () => {
    const playlist = playlistFixture();
    expect(failure(updateSegment(playlist, 'breath', { gainDb: 2 })).message).toBe('"breath soundscape" is a soundscape: it has no gain trim.');
    expect(failure(updateSegment(playlist, 'tide', { durationSeconds: 10 })).message).toBe('"Tide" is a file: it has no length of its own.');
    expect(failure(updateSegment(playlist, 'tide', { gainDb: 30 })).message).toMatch(/^phases\[0\]\.segments\[0\]\.gainDb: /);
    expect(failure(updateSegment(playlist, 'tide', { flags: { intensity: 6 } })).message).toMatch(/flags\.intensity/);
    expect(failure(updateSegment(playlist, 'tide', { trimStartSeconds: 200, trimEndSeconds: 100 })).message).toBe(
      'The trims would leave nothing of "Tide": it lasts 5:00 and 5:00 would be cut.',
    );
  });
});

describe('library facts', () => {
  const loudness = { integratedLufs: -16, truePeakDbtp: -1.5, rangeLu: 7, source: 'measured' as const };

  it('writes the analysed loudness and the measured duration into the file segments', () => {
    const facts = new Map<string, FileFacts>([
      ['swell', { status: 'ok', durationSeconds: 333, loudness }],
      ['storm', { status: 'missing', reason: 'not found', loudness }],
    ]);
    const next = value(applyLibraryFacts(playlistFixture(), facts));
    expect(segmentById(next, 'swell')).toMatchObject({ durationSeconds: 333, loudness });
    expect(segmentById(next, 'storm')).not.toHaveProperty('loudness');
  });

  it('returns the same playlist when the library knows nothing new', () => {
    const once = value(applyLibraryFacts(playlistFixture(), new Map([['swell', { status: 'ok', durationSeconds: 333, loudness }]])));
    expect(value(applyLibraryFacts(once, new Map([['swell', { status: 'ok', durationSeconds: 333, loudness: { ...loudness } }]])))).toBe(once);
  });
});

describe('phases', () => {
  it('updates title, target and bounds, clearing a bound given as undefined', () => {
    const next = value(updatePhase(playlistFixture(), 'peak', { title: 'Deep peak', targetMinutes: 200, minMinutes: undefined, maxMinutes: 240 }));
    expect(next.phases[1]).toMatchObject({ id: 'peak', title: 'Deep peak', targetMinutes: 200, maxMinutes: 240 });
    expect(next.phases[1]).not.toHaveProperty('minMinutes');
  });

  it('refuses bounds on the wrong side of the target and a missing target', () => {
    expect(failure(updatePhase(playlistFixture(), 'peak', { minMinutes: 190 })).message).toBe('phases[1].minMinutes: minMinutes must not be greater than targetMinutes');
    expect(failure(updatePhase(playlistFixture(), 'peak', { targetMinutes: undefined as unknown as number })).message).toBe('A phase always has a target duration.');
  });

  it('adds an empty phase with an id from its title, moves and removes phases', () => {
    const added = value(addPhase(playlistFixture(), 1, { kind: 'peak', title: 'Second peak', targetMinutes: 30 }));
    expect(added.phases.map((phase) => phase.id)).toEqual(['onset', 'second-peak', 'peak', 'return']);
    expect(added.phases[1]?.segments).toEqual([]);
    const moved = value(movePhase(added, 'second-peak', 3));
    expect(moved.phases.map((phase) => phase.id)).toEqual(['onset', 'peak', 'return', 'second-peak']);
    const removed = value(removePhase(moved, 'peak'));
    expect(removed.phases.map((phase) => phase.id)).toEqual(['onset', 'return', 'second-peak']);
    expect(locateSegment(removed, 'storm')).toBeUndefined();
  });

  it('keeps the last phase', () => {
    let draft: PlaylistDraft = playlistFixture();
    draft = value(removePhase(draft, 'onset'));
    draft = value(removePhase(draft, 'peak'));
    expect(failure(removePhase(draft, 'return')).message).toBe('A playlist keeps at least one phase: add another before removing this one.');
  });

  it('refuses a thirteenth phase', () => {
    let draft: PlaylistDraft = playlistFixture();
    for (let count = 3; count < 12; count += 1) draft = value(addPhase(draft, count, { kind: 'return', title: `Phase ${count}`, targetMinutes: 10 }));
    expect(failure(addPhase(draft, 0, { kind: 'onset', title: 'One more', targetMinutes: 10 })).message).toMatch(/^phases: /);
  });
});

describe('playlists', () => {
  it('changes the title, description and crossfade', () => {
    const next = value(updatePlaylistDetails(playlistFixture(), { title: 'Harbour at dusk', description: 'For long sessions', crossfadeSeconds: 12 }));
    expect(next).toMatchObject({ title: 'Harbour at dusk', description: 'For long sessions', crossfadeSeconds: 12 });
    expect(value(updatePlaylistDetails(next, { description: '' }))).not.toHaveProperty('description');
    expect(failure(updatePlaylistDetails(next, { title: '' })).message).toMatch(/^title: /);
  });

  it('duplicates with a new id and "Copy of" title, keeping every phase and segment', () => {
    const playlist = playlistFixture();
    const copy = duplicatePlaylist(playlist, new Set(['copy-of-harbour']));
    expect(copy).toEqual({ ...playlist, id: 'copy-of-harbour-2', title: 'Copy of Harbour' });
    expect(playlistSchema.safeParse(copy).success).toBe(true);
    const longTitle = duplicatePlaylist({ ...playlist, title: 'a'.repeat(200) }, new Set());
    expect(longTitle.title).toHaveLength(200);
    expect(longTitle.title.endsWith('…')).toBe(true);
  });

  it('starts a new playlist with onset, peak and return phases that need music before it can be saved', () => {
    const draft = newPlaylist({ title: 'Forest', takenPlaylistIds: new Set(['forest']) });
    expect(draft.id).toBe('forest-2');
    expect(draft.phases.map(({ id, kind, targetMinutes }) => ({ id, kind, targetMinutes }))).toEqual([
      { id: 'onset', kind: 'onset', targetMinutes: 60 },
      { id: 'peak', kind: 'peak', targetMinutes: 210 },
      { id: 'return', kind: 'return', targetMinutes: 150 },
    ]);
    expect(failure(toPlaylist(draft)).message.split('\n')).toHaveLength(3);
    let filled = draft;
    for (const phase of draft.phases) filled = value(insertSoundscape(filled, { phaseId: phase.id, index: 0 }, { preset: 'drone', durationSeconds: 600 }));
    expect(value(toPlaylist(filled)).title).toBe('Forest');
    expect(newPlaylist().title).toBe('New playlist');
  });
});

describe('EditHistory', () => {
  it('undoes and redoes with the label of the edit', () => {
    const history = new EditHistory(playlistFixture());
    const original = history.present;
    const moved = value(moveSegment(original, 'storm', { phaseId: 'return', index: 0 }));
    history.apply(moved, 'move track');
    expect(history.getState()).toMatchObject({ present: moved, canUndo: true, canRedo: false, undoLabel: 'move track', redoLabel: undefined });
    expect(history.undo()).toBe(true);
    expect(history.getState()).toMatchObject({ present: original, canUndo: false, canRedo: true, undoLabel: undefined, redoLabel: 'move track' });
    expect(history.undo()).toBe(false);
    expect(history.redo()).toBe(true);
    expect(history.present).toBe(moved);
    expect(history.redo()).toBe(false);
  });

  it('forgets what could be redone once a new edit is made', () => {
    const history = new EditHistory(1);
    history.apply(2, 'two');
    history.undo();
    history.apply(3, 'three');
    expect(history.canRedo).toBe(false);
    history.undo();
    expect(history.present).toBe(1);
  });

  it('keeps at most the limit of steps, forgetting the oldest', () => {
    const history = new EditHistory(0, { limit: 3 });
    for (let step = 1; step <= 5; step += 1) history.apply(step, `step ${step}`);
    let undone = 0;
    while (history.undo()) undone += 1;
    expect(undone).toBe(3);
    expect(history.present).toBe(2);
    expect(new EditHistory('x').getState().canUndo).toBe(false);
    expect(() => new EditHistory(0, { limit: 0 })).toThrow(/limit/);
  });

  it('makes one undo step of a gesture with a coalesce key', () => {
    const history = new EditHistory('');
    for (const text of ['G', 'Ge', 'Gen', 'Gentle']) history.apply(text, 'edit note', { coalesce: 'notes:tide' });
    history.apply('Gentle.', 'edit title');
    history.undo();
    expect(history.present).toBe('Gentle');
    history.undo();
    expect(history.present).toBe('');
    expect(history.canUndo).toBe(false);
  });

  it('records nothing for an edit that changed nothing', () => {
    const history = new EditHistory(playlistFixture());
    const states: EditHistoryState<PlaylistDraft>[] = [];
    history.on('change', (state) => states.push(state));
    history.apply(value(moveSegment(history.present, 'tide', { phaseId: 'onset', index: 0 })), 'move track');
    expect(history.canUndo).toBe(false);
    expect(states).toEqual([]);
  });

  it('tells listeners of each change with a new state object, and the same object in between', () => {
    const history = new EditHistory(1);
    const states: EditHistoryState<number>[] = [];
    const unsubscribe = history.on('change', (state) => states.push(state));
    const initial = history.getState();
    expect(history.getState()).toBe(initial);
    history.apply(2, 'two');
    history.undo();
    history.reset(7);
    unsubscribe();
    history.apply(8, 'eight');
    expect(states.map((state) => state.present)).toEqual([2, 1, 7]);
    expect(states[2]).toMatchObject({ canUndo: false, canRedo: false });
    expect(states[0]).not.toBe(initial);
    history.dispose();
  });
});

/* Properties */

type Command =
  | { kind: 'move'; pick: number; phasePick: number; index: number; extras: boolean }
  | { kind: 'remove'; pick: number }
  | { kind: 'soundscape'; phasePick: number; index: number }
  | { kind: 'gain'; pick: number; gainDb: number | undefined }
  | { kind: 'add-phase'; index: number }
  | { kind: 'remove-phase'; phasePick: number }
  | { kind: 'move-phase'; phasePick: number; index: number }
  | { kind: 'target'; phasePick: number; minutes: number };

const moveCommand = fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), phasePick: fc.nat(), index: fc.nat({ max: 8 }), extras: fc.boolean() });
const command: fc.Arbitrary<Command> = fc.oneof(
  moveCommand,
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('soundscape' as const), phasePick: fc.nat(), index: fc.nat({ max: 8 }) }),
  fc.record({ kind: fc.constant('gain' as const), pick: fc.nat(), gainDb: fc.option(fc.integer({ min: -30, max: 15 }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('add-phase' as const), index: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant('remove-phase' as const), phasePick: fc.nat() }),
  fc.record({ kind: fc.constant('move-phase' as const), phasePick: fc.nat(), index: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant('target' as const), phasePick: fc.nat(), minutes: fc.integer({ min: -5, max: 500 }) }),
);

const allSegments = (draft: PlaylistDraft) => draft.phases.flatMap((phase) => [...phase.segments, ...(phase.extras ?? [])]);

function run(draft: PlaylistDraft, step: Command): Result<PlaylistDraft> {
  const segments = allSegments(draft);
  const segment = segments.length === 0 ? undefined : segments[('pick' in step ? step.pick : 0) % segments.length];
  const phase = draft.phases[('phasePick' in step ? step.phasePick : 0) % draft.phases.length];
  const segmentId = segment?.id ?? 'none';
  const phaseId = phase?.id ?? 'none';
  switch (step.kind) {
    case 'move':
      return moveSegment(draft, segmentId, { phaseId, index: step.index, list: step.extras ? 'extras' : 'segments' });
    case 'remove':
      return removeSegment(draft, segmentId);
    case 'soundscape':
      return insertSoundscape(draft, { phaseId, index: step.index }, { preset: 'drone', durationSeconds: 60 });
    case 'gain':
      return updateSegment(draft, segmentId, { gainDb: step.gainDb });
    case 'add-phase':
      return addPhase(draft, step.index, { kind: 'peak', title: 'Extra phase', targetMinutes: 20 });
    case 'remove-phase':
      return removePhase(draft, phaseId);
    case 'move-phase':
      return movePhase(draft, phaseId, step.index);
    case 'target':
      return updatePhase(draft, phaseId, { targetMinutes: step.minutes });
  }
}

describe('properties', () => {
  it('moves never lose, duplicate or alter a segment, and every result is a valid draft', () => {
    fc.assert(
      fc.property(fc.array(moveCommand, { maxLength: 30 }), (moves) => {
        const original = playlistFixture();
        const byId = new Map(allSegments(original).map((segment) => [segment.id, segment]));
        let draft: PlaylistDraft = original;
        for (const move of moves) {
          const result = run(draft, move);
          if (result.ok) draft = result.value;
        }
        const after = allSegments(draft);
        expect(after.map((segment) => segment.id).sort()).toEqual([...byId.keys()].sort());
        for (const segment of after) expect(segment).toEqual(byId.get(segment.id));
      }),
      { numRuns: runs },
    );
  });

  it('undo after any sequence of edits restores the original exactly, and redo replays them', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        const original = playlistFixture();
        const snapshot = structuredClone(original);
        const history = new EditHistory<PlaylistDraft>(original);
        const presents: PlaylistDraft[] = [];
        for (const step of commands) {
          const result = run(history.present, step);
          if (!result.ok) {
            expect(result.error.message.length).toBeGreaterThan(0);
            continue;
          }
          expect(playlistSchema.safeParse(result.value).success || result.value.phases.some((phase) => phase.segments.length === 0)).toBe(true);
          const before = history.present;
          history.apply(result.value, step.kind);
          if (history.present !== before) presents.push(history.present);
        }
        while (history.undo());
        expect(history.present).toBe(original);
        expect(history.present).toEqual(snapshot);
        const replayed: PlaylistDraft[] = [];
        while (history.redo()) replayed.push(history.present);
        expect(replayed).toEqual(presents);
      }),
      { numRuns: runs },
    );
  });
});
