import { describe, expect, it } from 'vitest';
import type { FileFacts } from './curation-warnings';
import { parsePlaylist, type Playlist } from './playlist';
import { canStart, journalMinimumFreeBytes, preflightChecks, preflightReport, type PreflightFacts, type PreflightLine } from './preflight';

const loudness = { integratedLufs: -14, truePeakDbtp: -2, source: 'measured' as const };

function playlistFixture(): Playlist {
  const parsed = parsePlaylist({
    format: 'attune.playlist',
    version: 1,
    id: 'harbour',
    title: 'Harbour',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 60,
        segments: [
          { type: 'file', id: 'tide', path: 'tide.flac', title: 'Tide', durationSeconds: 1800, loudness },
          { type: 'soundscape', id: 'settle', preset: 'breath', durationSeconds: 1808 },
        ],
      },
      {
        id: 'peak',
        kind: 'peak',
        title: 'Peak',
        targetMinutes: 240,
        segments: [{ type: 'file', id: 'storm', path: 'storm.flac', title: 'Storm', durationSeconds: 14_400, loudness }],
      },
      {
        id: 'return',
        kind: 'return',
        title: 'Return',
        targetMinutes: 120,
        segments: [{ type: 'file', id: 'shore', path: 'shore.flac', title: 'Shore', durationSeconds: 7200, loudness }],
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function healthyFacts(playlist = playlistFixture()): PreflightFacts {
  const files = new Map<string, FileFacts>();
  for (const phase of playlist.phases) {
    for (const segment of phase.segments) if (segment.type === 'file') files.set(segment.id, { status: 'ok', durationSeconds: segment.durationSeconds, loudness });
  }
  return {
    playlist,
    files,
    outputDevice: { label: 'Studio headphones', present: true },
    journalFreeBytes: 20 * 1024 * 1024 * 1024,
    keepAwake: { by: 'power-save-blocker' },
  };
}

const withFiles = (facts: PreflightFacts, changes: Record<string, FileFacts | undefined>): PreflightFacts => {
  const files = new Map(facts.files);
  for (const [id, change] of Object.entries(changes)) {
    if (change === undefined) files.delete(id);
    else files.set(id, change);
  }
  return { ...facts, files };
};

function line(report: readonly PreflightLine[], id: PreflightLine['id']): PreflightLine {
  const found = report.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no line ${id}`);
  return found;
}

describe('preflightReport', () => {
  it('is all green for a healthy setup, one line per check in order, with nothing to fix', () => {
    const report = preflightReport(healthyFacts());
    expect(report.map((entry) => entry.id)).toEqual([...preflightChecks]);
    expect(report.every((entry) => entry.ok && entry.fix === '' && !entry.blocksStart)).toBe(true);
    expect(line(report, 'files').detail).toBe('All 3 files are present and readable.');
    expect(line(report, 'duration').detail).toBe('Every phase has music for its target (7 h in all).');
    expect(line(report, 'journal-space').detail).toBe('20480 MB free.');
  });

  it('names every file that cannot be played, and why', () => {
    const report = preflightReport(
      withFiles(healthyFacts(), { tide: { status: 'missing' }, storm: { status: 'unreadable', reason: 'not an audio file' }, shore: undefined }),
    );
    expect(line(report, 'files')).toEqual({
      id: 'files',
      ok: false,
      severity: 'required',
      label: 'Every file present and readable',
      detail: '3 of 3 files cannot be played: "Tide" (missing), "Storm" (unreadable: not an audio file), "Shore" (not checked). A soundscape will cover for each one.',
      fix: 'Find or replace them in the playlist editor (add their folder to the library), or remove them.',
      blocksStart: false,
    });
  });

  it('blocks outright only when none of the music can play at all', () => {
    const playlist = playlistFixture();
    const filesOnly: Playlist = { ...playlist, phases: playlist.phases.map((phase) => ({ ...phase, segments: phase.segments.filter((segment) => segment.type === 'file') })) };
    const facts = withFiles(healthyFacts(filesOnly), { tide: { status: 'missing' }, storm: { status: 'missing' }, shore: { status: 'missing' } });
    const files = line(preflightReport(facts), 'files');
    expect(files).toMatchObject({ ok: false, blocksStart: true, fix: 'Connect the drive that holds the music, or choose another playlist.' });
    expect(files.detail).toMatch(/^None of the playlist's 3 files can be played: /);
  });

  it('marks tracks playing at a guessed loudness as advisory, and says when only the playlist lags the library', () => {
    const playlist = playlistFixture();
    const unanalysed: Playlist = {
      ...playlist,
      phases: playlist.phases.map((phase) => ({ ...phase, segments: phase.segments.map((segment) => (segment.id === 'storm' ? { ...segment, loudness: undefined } : segment)) })),
    };
    const notAnalysed = line(preflightReport(withFiles(healthyFacts(unanalysed), { storm: { status: 'ok', durationSeconds: 14_400 } })), 'analysed');
    expect(notAnalysed).toMatchObject({
      ok: false,
      severity: 'advisory',
      detail: '1 track will play at a cautious guessed level, possibly quieter than the rest: "Storm".',
      fix: 'Analyse them in the library, then update the playlist from the library.',
    });
    const lagging = line(preflightReport(healthyFacts(unanalysed)), 'analysed');
    expect(lagging.fix).toBe('The library has analysed them: update the playlist from the library.');
  });

  it('says which phases are short of music and which have tracks of unknown length', () => {
    const playlist = playlistFixture();
    const short: Playlist = {
      ...playlist,
      phases: playlist.phases.map((phase) =>
        phase.id === 'peak'
          ? { ...phase, segments: [{ type: 'file', id: 'storm', path: 'storm.flac', title: 'Storm', durationSeconds: 12_600, loudness }, { type: 'file', id: 'squall', path: 'squall.flac' }] }
          : phase,
      ),
    };
    const duration = line(preflightReport(withFiles(healthyFacts(short), { squall: { status: 'ok' } })), 'duration');
    expect(duration).toMatchObject({
      ok: false,
      severity: 'advisory',
      detail: '"Peak" 30 min short, 1 track of unknown length left out. Soundscapes will fill the gaps.',
      fix: 'Add music to those phases or lower their targets in the playlist editor.',
    });
  });

  it('is green for a screen wake lock the browser granted, and says it holds only while the page shows', () => {
    const report = preflightReport({ ...healthyFacts(), keepAwake: { by: 'screen-wake-lock' } });
    expect(line(report, 'power-save')).toMatchObject({ ok: true, fix: '' });
    expect(line(report, 'power-save').detail).toContain('while this page is showing');
    expect(canStart(report, { confirmedWarnings: false })).toEqual({ allowed: true, confirmed: [] });
  });

  it('fails the output device, journal space and power-save lines with their fixes', () => {
    const report = preflightReport({
      ...healthyFacts(),
      outputDevice: { label: 'USB DAC', present: false },
      journalFreeBytes: journalMinimumFreeBytes - 1,
      keepAwake: { by: 'nothing', reason: 'NotAllowedError: Wake Lock permission request denied' },
    });
    expect(line(report, 'output-device')).toMatchObject({ ok: false, severity: 'required', detail: '"USB DAC" is not connected.', fix: 'Connect it, or choose another output in Settings.' });
    expect(line(report, 'journal-space')).toMatchObject({
      ok: false,
      detail: 'Only 49 MB free where the journal is written: marks and notes could be lost if the disk fills.',
      fix: "Free at least 50 MB on the drive that holds Attune's data.",
    });
    expect(line(report, 'power-save')).toMatchObject({ ok: false, fix: 'Set the computer never to sleep while plugged in, and keep it on mains power.' });
    expect(line(report, 'power-save').detail).toContain('NotAllowedError: Wake Lock permission request denied');
    expect(line(preflightReport({ ...healthyFacts(), journalFreeBytes: journalMinimumFreeBytes }), 'journal-space').ok).toBe(true);
    expect(line(preflightReport({ ...healthyFacts(), journalFreeBytes: undefined }), 'journal-space')).toMatchObject({
      ok: false,
      detail: 'Attune could not find out how much space is free where the journal is written.',
    });
  });
});

describe('canStart', () => {
  it('starts a healthy session without asking', () => {
    expect(canStart(preflightReport(healthyFacts()), { confirmedWarnings: false })).toEqual({ allowed: true, confirmed: [] });
  });

  it('asks for confirmation of any failing line, advisory ones included, then starts and reports what was confirmed', () => {
    const report = preflightReport({ ...withFiles(healthyFacts(), { tide: { status: 'missing' } }), keepAwake: { by: 'nothing', reason: 'NotAllowedError: denied' } });
    const asked = canStart(report, { confirmedWarnings: false });
    expect(asked).toMatchObject({ allowed: false, reason: 'needs-confirmation' });
    expect(asked.allowed ? [] : asked.lines.map((entry) => entry.id)).toEqual(['files', 'power-save']);
    const confirmed = canStart(report, { confirmedWarnings: true });
    expect(confirmed.allowed ? confirmed.confirmed.map((entry) => entry.id) : 'refused').toEqual(['files', 'power-save']);

    const playlist = playlistFixture();
    const guessed = preflightReport(
      healthyFacts({ ...playlist, phases: playlist.phases.map((phase) => ({ ...phase, segments: phase.segments.map((segment) => ({ ...segment, loudness: undefined })) })) }),
    );
    expect(guessed.filter((entry) => !entry.ok).map((entry) => entry.severity)).toEqual(['advisory']);
    expect(canStart(guessed, { confirmedWarnings: false })).toMatchObject({ allowed: false, reason: 'needs-confirmation' });
  });

  it('refuses a session with no playable music even when confirmed', () => {
    const playlist = playlistFixture();
    const filesOnly: Playlist = { ...playlist, phases: playlist.phases.map((phase) => ({ ...phase, segments: phase.segments.filter((segment) => segment.type === 'file') })) };
    const report = preflightReport(withFiles(healthyFacts(filesOnly), { tide: { status: 'missing' }, storm: { status: 'unreadable' }, shore: { status: 'missing' } }));
    const decision = canStart(report, { confirmedWarnings: true });
    expect(decision).toMatchObject({ allowed: false, reason: 'blocked' });
    expect(decision.allowed ? [] : decision.lines.map((entry) => entry.id)).toEqual(['files']);
  });
});
