import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phaseFit, phaseTotals, playlistWarnings, type CurationFacts, type CurationWarning, type FileFacts } from './curation-warnings';
import { buildPlan } from './plan';
import { parsePlaylist, type Loudness, type Playlist } from './playlist';
import { updateSegment, removeSegment, type PlaylistDraft } from './playlist-edit';

type SegmentJson = Record<string, unknown>;
type PhaseJson = { id: string; kind?: string; targetMinutes: number; minMinutes?: number; maxMinutes?: number; segments: SegmentJson[]; extras?: SegmentJson[] };

const runs = Number(process.env.ATTUNE_PROPERTY_RUNS ?? 100);

const soundscape = (id: string, durationSeconds: number, extra: SegmentJson = {}): SegmentJson => ({ type: 'soundscape', id, preset: 'drone', durationSeconds, ...extra });
const measured = (integratedLufs: number, truePeakDbtp = integratedLufs + 10): Loudness => ({ integratedLufs, truePeakDbtp, source: 'measured' });
const file = (id: string, durationSeconds: number | undefined, extra: SegmentJson = {}): SegmentJson => ({
  type: 'file',
  id,
  path: `${id}.flac`,
  title: id,
  ...(durationSeconds === undefined ? {} : { durationSeconds }),
  loudness: measured(-14),
  ...extra,
});

function playlistOf(phases: PhaseJson[], crossfadeSeconds = 8): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'warnings',
    title: 'Warnings',
    crossfadeSeconds,
    phases: phases.map((phase) => ({ kind: 'return', title: phase.id[0]?.toUpperCase() + phase.id.slice(1), ...phase })),
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** Every file present with what its segment says; `overrides` change single files. */
function factsFor(playlist: PlaylistDraft, overrides: Record<string, FileFacts> = {}): CurationFacts {
  const files = new Map<string, FileFacts>();
  for (const phase of playlist.phases) {
    for (const segment of [...phase.segments, ...(phase.extras ?? [])]) {
      if (segment.type !== 'file') continue;
      files.set(segment.id, overrides[segment.id] ?? { status: 'ok', durationSeconds: segment.durationSeconds, loudness: segment.loudness });
    }
  }
  return { files, targetLufs: -18 };
}

/** A six-hour session whose phases each hold exactly their target of music. */
function fittingPhases(): PhaseJson[] {
  return [
    { id: 'onset', kind: 'onset', targetMinutes: 60, segments: [soundscape('settle', 3600)] },
    { id: 'peak', kind: 'peak', targetMinutes: 180, segments: [soundscape('deep', 10_800)] },
    { id: 'return', kind: 'return', targetMinutes: 120, segments: [soundscape('home', 7200)] },
  ];
}

const ids = (warnings: readonly CurationWarning[]) => warnings.map((warning) => warning.id);
const warningsOf = (playlist: PlaylistDraft, overrides: Record<string, FileFacts> = {}) => playlistWarnings(playlist, factsFor(playlist, overrides));
const find = (warnings: readonly CurationWarning[], id: string): CurationWarning => {
  const found = warnings.find((warning) => warning.id === id);
  if (found === undefined) throw new Error(`no warning ${id}; got ${ids(warnings).join(', ')}`);
  return found;
};

describe('phaseTotals', () => {
  it('adds played lengths less the crossfade overlaps, leaves out extras and counts unknown lengths', () => {
    const playlist = playlistOf([
      {
        id: 'peak',
        targetMinutes: 60,
        segments: [file('a', 300, { trimStartSeconds: 30 }), soundscape('b', 600, { crossfadeSeconds: 20 }), file('c', undefined), file('d', 100)],
        extras: [soundscape('spare', 900)],
      },
    ]);
    const totals = phaseTotals(playlist, factsFor(playlist));
    // 270 + 600 − 20 (b's own crossfade) + 100 − 8 (the playlist's); c has no known length.
    expect(totals.phases).toEqual([{ phaseId: 'peak', plannedSeconds: 942, targetSeconds: 3600, unknownDurations: 1 }]);
    expect(totals).toMatchObject({ plannedSeconds: 942, targetSeconds: 3600, unknownDurations: 1 });
  });

  it("uses the library's duration for a file the playlist has none for", () => {
    const playlist = playlistOf([{ id: 'peak', targetMinutes: 60, segments: [file('a', 300), file('c', undefined)] }]);
    const totals = phaseTotals(playlist, factsFor(playlist, { c: { status: 'ok', durationSeconds: 200 } }));
    expect(totals.phases[0]).toMatchObject({ plannedSeconds: 492, unknownDurations: 0 });
  });

  it('reports min and max bounds in seconds, and an empty phase as no music', () => {
    const playlist: PlaylistDraft = { ...playlistOf([{ id: 'peak', targetMinutes: 60, minMinutes: 50, maxMinutes: 75, segments: [soundscape('a', 60)] }]) };
    const emptied = removeSegment(playlist, 'a');
    if (!emptied.ok) throw new Error(emptied.error.message);
    expect(phaseTotals(emptied.value, factsFor(emptied.value)).phases[0]).toEqual({
      phaseId: 'peak',
      plannedSeconds: 0,
      targetSeconds: 3600,
      minSeconds: 3000,
      maxSeconds: 4500,
      unknownDurations: 0,
    });
  });

  it('agrees with where the session plan ends the music of a phase that has room for it', () => {
    const segmentShape = fc.record({
      soundscape: fc.boolean(),
      seconds: fc.integer({ min: 1, max: 900 }),
      trim: fc.integer({ min: 0, max: 60 }),
      crossfade: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(segmentShape, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 30 }), (shapes, crossfadeSeconds) => {
        const segments = shapes.map((shape, index) => {
          const crossfade = shape.crossfade === undefined ? {} : { crossfadeSeconds: shape.crossfade };
          return shape.soundscape
            ? soundscape(`s${index}`, shape.seconds, crossfade)
            : file(`f${index}`, shape.seconds, { trimStartSeconds: shape.trim, ...crossfade });
        });
        const playlist = playlistOf([{ id: 'peak', targetMinutes: 480, segments }], crossfadeSeconds);
        const plan = buildPlan(playlist);
        const lastMusic = plan.entries.findLast((entry) => !entry.bridge);
        expect(phaseTotals(playlist, factsFor(playlist)).phases[0]?.plannedSeconds).toBe((lastMusic?.endMs ?? 0) / 1000);
      }),
      { numRuns: runs },
    );
  });
});

describe('phase length warnings', () => {
  it('says nothing when every phase holds its target and the session is 6–8 hours', () => {
    expect(warningsOf(playlistOf(fittingPhases()))).toEqual([]);
  });

  it('tolerates 10 % of the target either way, then warns that a soundscape fills or music is cut', () => {
    const phases = fittingPhases();
    const within = playlistOf(phases.map((phase, index) => (index === 0 ? { ...phase, segments: [soundscape('settle', 3600 - 359)] } : phase)));
    expect(warningsOf(within)).toEqual([]);
    const short = playlistOf(phases.map((phase, index) => (index === 0 ? { ...phase, segments: [soundscape('settle', 3000)] } : phase)));
    expect(warningsOf(short)).toEqual([
      {
        id: 'phase-short:onset',
        severity: 'warning',
        message: '"Onset" has 50 min of music for a 1 h target: a soundscape will fill the last 10 min.',
        fix: "Add about 10 min of music, or lower the phase's target.",
        phaseId: 'onset',
      },
    ]);
    const long = playlistOf(phases.map((phase, index) => (index === 2 ? { ...phase, segments: [soundscape('home', 7200 + 900)] } : phase)));
    expect(find(warningsOf(long), 'phase-long:return').message).toBe(
      '"Return" has 2 h 15 min of music for a 2 h target: the last 15 min will not play (the music is faded into the next phase at the target).',
    );
  });

  it("uses a phase's min and max instead of the tolerance when it has them", () => {
    const phases = fittingPhases();
    const bounded = (seconds: number) =>
      playlistOf(phases.map((phase, index) => (index === 1 ? { ...phase, minMinutes: 150, maxMinutes: 200, segments: [soundscape('deep', seconds)] } : phase)));
    expect(warningsOf(bounded(150 * 60))).toEqual([]);
    expect(warningsOf(bounded(200 * 60))).toEqual([]);
    expect(ids(warningsOf(bounded(149 * 60)))).toEqual(['phase-short:peak']);
    expect(find(warningsOf(bounded(149 * 60)), 'phase-short:peak').message).toContain('and its minimum of 2 h 30 min');
    expect(ids(warningsOf(bounded(201 * 60)))).toEqual(['phase-long:peak']);
  });

  it('says how many tracks of unknown length a short phase leaves uncounted', () => {
    const playlist = playlistOf([...fittingPhases().slice(0, 2), { id: 'return', targetMinutes: 120, segments: [soundscape('home', 3600), file('mystery', undefined)] }]);
    const warnings = warningsOf(playlist);
    expect(find(warnings, 'phase-short:return').message).toContain('(1 track of unknown length not counted)');
    expect(find(warnings, 'duration-unknown:mystery').message).toBe('Attune does not know how long "mystery" is, so the session plan leaves it out.');
  });

  it('is a problem when a phase has no music', () => {
    const emptied = removeSegment(playlistOf(fittingPhases()), 'deep');
    if (!emptied.ok) throw new Error(emptied.error.message);
    expect(warningsOf(emptied.value)).toEqual([expect.objectContaining({ id: 'phase-empty:peak', severity: 'problem', phaseId: 'peak' })]);
  });

  it('warns when the phases add up to less than 6 or more than 8 hours', () => {
    const phases = fittingPhases();
    const fiveHours = playlistOf(phases.map((phase, index) => (index === 1 ? { ...phase, targetMinutes: 120, segments: [soundscape('deep', 7200)] } : phase)));
    expect(warningsOf(fiveHours)).toEqual([
      {
        id: 'session-length',
        severity: 'warning',
        message: 'The phases add up to 5 h; a dosing session usually runs 6 to 8 hours.',
        fix: 'Raise the phase targets, or add a phase.',
      },
    ]);
    const nineHours = playlistOf(phases.map((phase, index) => (index === 1 ? { ...phase, targetMinutes: 360, segments: [soundscape('deep', 21_600)] } : phase)));
    expect(find(warningsOf(nineHours), 'session-length').fix).toBe('Lower the phase targets, or remove a phase.');
    const eightHours = playlistOf(phases.map((phase, index) => (index === 1 ? { ...phase, targetMinutes: 300, segments: [soundscape('deep', 18_000)] } : phase)));
    expect(warningsOf(eightHours)).toEqual([]);
  });
});

describe('segment warnings', () => {
  function withPeakSegments(segments: SegmentJson[], extras?: SegmentJson[]): Playlist {
    return playlistOf(
      fittingPhases().map((phase) => (phase.id === 'peak' ? { ...phase, segments: [...segments, soundscape('deep', 10_800 - 1000)], ...(extras === undefined ? {} : { extras }) } : phase)),
    );
  }

  it('flags lyrics in the onset and peak, not in the return', () => {
    const phases = fittingPhases();
    const lyrics = { flags: { lyrics: true } };
    const playlist = playlistOf(phases.map((phase) => ({ ...phase, extras: [file(`${phase.id}-song`, 200, lyrics)] })));
    const warnings = warningsOf(playlist).filter((warning) => warning.id.startsWith('lyrics:'));
    expect(ids(warnings)).toEqual(['lyrics:onset-song', 'lyrics:peak-song']);
    expect(warnings[1]).toEqual({
      id: 'lyrics:peak-song',
      severity: 'warning',
      message: '"peak-song" has words, and it plays during the peak, when words pull a listener out of the experience.',
      fix: 'Move it to the return phase, or choose an instrumental piece.',
      phaseId: 'peak',
      segmentId: 'peak-song',
    });
  });

  it('is a problem when a track is missing or unreadable, with the reason', () => {
    const playlist = withPeakSegments([file('gone', 500), file('broken', 500)]);
    const warnings = warningsOf(playlist, { gone: { status: 'missing', reason: 'no such file' }, broken: { status: 'unreadable', reason: 'not an audio file' } });
    expect(find(warnings, 'missing:gone')).toEqual({
      id: 'missing:gone',
      severity: 'problem',
      message: '"gone" is missing (no such file): a soundscape will cover for it during the session.',
      fix: 'Find the file (add its folder to the library) or remove the track.',
      phaseId: 'peak',
      segmentId: 'gone',
    });
    expect(find(warnings, 'unreadable:broken')).toMatchObject({ severity: 'problem', message: '"broken" cannot be read (not an audio file): a soundscape will cover for it during the session.' });
  });

  it('warns about a file the library has not checked, and one not analysed', () => {
    const playlist = withPeakSegments([file('fresh', 500, { loudness: undefined }), file('unseen', 500)]);
    const facts = factsFor(playlist);
    const files = new Map(facts.files);
    files.delete('unseen');
    const warnings = playlistWarnings(playlist, { ...facts, files });
    expect(find(warnings, 'not-analysed:fresh').message).toBe('"fresh" has not been analysed: it will play at a cautious guessed level, possibly quieter than its neighbours.');
    expect(find(warnings, 'unchecked:unseen').severity).toBe('warning');
  });

  it('says when the library has analysed a track but the playlist does not carry the loudness that playback uses', () => {
    const playlist = withPeakSegments([file('fresh', 500, { loudness: undefined })]);
    const warnings = warningsOf(playlist, { fresh: { status: 'ok', durationSeconds: 500, loudness: measured(-12) } });
    expect(find(warnings, 'loudness-not-saved:fresh').fix).toBe('Update the playlist from the library.');
    expect(ids(warnings)).not.toContain('not-analysed:fresh');
  });
});

describe('loudness jumps', () => {
  function peakOf(segments: SegmentJson[]): Playlist {
    const music = segments.reduce((sum, segment) => sum + ((segment.durationSeconds as number | undefined) ?? 0), 0);
    return playlistOf(fittingPhases().map((phase) => (phase.id === 'peak' ? { ...phase, segments: [...segments, soundscape('deep', 10_800 - music + 8 * segments.length)] } : phase)));
  }

  it('warns when a gain trim makes a neighbour more than 3 LU louder after normalisation, and suggests the trim that evens them', () => {
    const playlist = peakOf([file('calm', 600), file('bright', 600, { gainDb: 4 })]);
    expect(find(warningsOf(playlist), 'loudness-jump:calm:bright')).toEqual({
      id: 'loudness-jump:calm:bright',
      severity: 'warning',
      message: '"bright" comes out 4.0 LU louder than "calm" before it, even after loudness normalisation.',
      fix: 'Set the gain trim of "bright" to 0.0 dB (it is +4.0 dB now), or put a soundscape between them.',
      phaseId: 'peak',
      segmentId: 'bright',
    });
  });

  it('clears once the suggested trim is applied, and does not warn at exactly 3 LU', () => {
    const playlist = peakOf([file('calm', 600), file('bright', 600, { gainDb: 4 })]);
    const fixed = updateSegment(playlist, 'bright', { gainDb: 0 });
    if (!fixed.ok) throw new Error(fixed.error.message);
    expect(ids(warningsOf(fixed.value))).toEqual([]);
    expect(ids(warningsOf(peakOf([file('calm', 600), file('bright', 600, { gainDb: 3 })])))).toEqual([]);
  });

  it('explains a jump caused by peak limiting: the quiet, peaky track cannot reach the target', () => {
    // Integrated −30 LUFS with peaks at −2 dBTP: the +12 dB it needs is held to +1 dB, so it comes out at −29 LUFS.
    const playlist = peakOf([file('peaky', 600, { loudness: measured(-30, -2) }), file('steady', 600)]);
    const jump = find(warningsOf(playlist), 'loudness-jump:peaky:steady');
    expect(jump.message).toBe(
      '"steady" comes out 11.0 LU louder than "peaky" before it, even after loudness normalisation. "peaky" cannot be brought up to the target loudness without its peaks passing −1 dBTP.',
    );
    expect(jump.fix).toBe('Set the gain trim of "steady" to −11.0 dB (it is 0.0 dB now), or put a soundscape between them.');
  });

  it('does not compare across a soundscape, or a track not yet analysed', () => {
    expect(ids(warningsOf(peakOf([file('calm', 600), soundscape('veil', 120), file('bright', 600, { gainDb: 6 })])))).toEqual([]);
    expect(ids(warningsOf(peakOf([file('calm', 600, { loudness: undefined }), file('bright', 600, { gainDb: 6 })])))).toEqual(['not-analysed:calm']);
  });

  it('compares the music either side of a phase boundary only when no bridge soundscape comes between', () => {
    const boundary = (onsetSeconds: number) =>
      playlistOf([
        { id: 'onset', kind: 'onset', targetMinutes: 60, segments: [file('dawn', onsetSeconds)] },
        { id: 'peak', kind: 'peak', targetMinutes: 180, segments: [file('blaze', 10_800, { gainDb: 5 })] },
        { id: 'return', kind: 'return', targetMinutes: 120, segments: [soundscape('home', 7200)] },
      ]);
    expect(find(warningsOf(boundary(3600)), 'loudness-jump:dawn:blaze').phaseId).toBe('peak');
    expect(ids(warningsOf(boundary(3500)))).toEqual([]);
  });
});

describe('crossfade warnings', () => {
  it('warns when a crossfade is more than half of a segment it joins, since the plan shortens it there', () => {
    const playlist = playlistOf(
      fittingPhases().map((phase) =>
        phase.id === 'peak' ? { ...phase, segments: [soundscape('chime', 12, { title: 'Chime' }), soundscape('deep', 10_800, { title: 'Deep' })] } : phase,
      ),
    );
    const warnings = warningsOf(playlist);
    // Into the chime from the onset's music, and out of it into the rest of the peak.
    expect(ids(warnings)).toEqual(['crossfade:deep', 'crossfade:chime']);
    expect(warnings[0]).toEqual({
      id: 'crossfade:deep',
      severity: 'warning',
      message:
        'The 8 s crossfade (the playlist\'s crossfade) from "Chime (drone soundscape)" into "Deep (drone soundscape)" is more than half of "Chime (drone soundscape)", which lasts 12 s: its two fades would meet, so playback shortens this one to 6 s.',
      fix: 'Set the crossfade into "Deep (drone soundscape)" to 6 s or less, or use a longer piece than "Chime (drone soundscape)".',
      phaseId: 'peak',
      segmentId: 'deep',
    });
  });

  it("uses the segment's own crossfade, and is quiet at exactly half", () => {
    const peak = (crossfadeSeconds: number) =>
      playlistOf(
        fittingPhases().map((phase) =>
          phase.id === 'peak' ? { ...phase, segments: [soundscape('deep', 10_800), soundscape('chime', 16, { crossfadeSeconds })] } : phase,
        ),
      );
    expect(ids(warningsOf(peak(8)))).not.toContain('crossfade:chime');
    expect(find(warningsOf(peak(9)), 'crossfade:chime').message).toMatch(/^The 9 s crossfade from /);
  });
});

describe('warning ids', () => {
  it('stay the same when the warnings are computed again', () => {
    const playlist = playlistOf(fittingPhases().map((phase) => (phase.id === 'onset' ? { ...phase, segments: [file('a', 500, { flags: { lyrics: true } })] } : phase)));
    expect(ids(warningsOf(playlist))).toEqual(ids(warningsOf(structuredClone(playlist))));
    expect(new Set(ids(warningsOf(playlist))).size).toBe(warningsOf(playlist).length);
  });

  it('judge phase fit from the totals alone', () => {
    expect(phaseFit({ phaseId: 'p', plannedSeconds: 100, targetSeconds: 300, unknownDurations: 0 })).toBe('short');
    expect(phaseFit({ phaseId: 'p', plannedSeconds: 100, targetSeconds: 300, minSeconds: 60, unknownDurations: 0 })).toBe('fits');
    expect(phaseFit({ phaseId: 'p', plannedSeconds: 421, targetSeconds: 300, unknownDurations: 0 })).toBe('long');
  });

  it('call 6 min of music for a 4 min phase long, not a fit (within 10 % of the target without min/max)', () => {
    const phase = (plannedSeconds: number, bounds: { minSeconds?: number; maxSeconds?: number } = {}) => ({ phaseId: 'p', plannedSeconds, targetSeconds: 240, unknownDurations: 0, ...bounds });
    expect(phaseFit(phase(360))).toBe('long');
    expect(phaseFit(phase(264))).toBe('fits');
    expect(phaseFit(phase(265))).toBe('long');
    expect(phaseFit(phase(216))).toBe('fits');
    expect(phaseFit(phase(215))).toBe('short');
    // A phase's own bounds decide instead, however wide or narrow.
    expect(phaseFit(phase(360, { minSeconds: 180, maxSeconds: 360 }))).toBe('fits');
    expect(phaseFit(phase(250, { maxSeconds: 245 }))).toBe('long');
    expect(phaseFit(phase(230, { minSeconds: 235 }))).toBe('short');
  });

  it('is not fooled by a long phase either: an hour over a four-hour target is long', () => {
    expect(phaseFit({ phaseId: 'p', plannedSeconds: 5 * 3600, targetSeconds: 4 * 3600, unknownDurations: 0 })).toBe('long');
    expect(phaseFit({ phaseId: 'p', plannedSeconds: 4 * 3600 + 20 * 60, targetSeconds: 4 * 3600, unknownDurations: 0 })).toBe('fits');
  });
});
