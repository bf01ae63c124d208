import { describe, expect, it } from 'vitest';
import type { LibraryTrack } from '../../../core/library';
import { awaitsAnalysis, filterTracks, jobCount, loudnessText, namesForRepeatedTitles, pageOf, searchText, signedDecimal, trackTitle } from './track-format';

const track = (overrides: Partial<LibraryTrack>): LibraryTrack => ({
  path: '/music/Arvo Pärt/Spiegel im Spiegel.flac',
  root: '/music',
  size: 1000,
  mtimeMs: 1,
  format: 'flac',
  ...overrides,
});

describe('loudnessText', () => {
  it('prints our measurement with true minus signs', () => {
    expect(loudnessText(track({ measured: { integratedLufs: -14.23, truePeakDbtp: -0.8, rangeLu: 6, durationSeconds: 600 } }))).toBe(
      '\u221214.2 LUFS · \u22120.8 dBTP (measured)',
    );
  });

  it('prints trustworthy ReplayGain tags as such, and prefers a measurement over them', () => {
    const tagged = track({ tagged: { integratedLufs: -16, truePeakDbtp: -1.5, source: 'replaygain' } });
    expect(loudnessText(tagged)).toBe('\u221216.0 LUFS · \u22121.5 dBTP (from ReplayGain tags)');
    expect(loudnessText({ ...tagged, measured: { integratedLufs: -15, truePeakDbtp: -1, rangeLu: 4, durationSeconds: 60 } })).toContain('(measured)');
  });

  it('calls a track with an R128 gain but no peak not analysed, and names an analysis problem', () => {
    const r128 = track({ tagged: { integratedLufs: -20, source: 'r128' } });
    expect(loudnessText(r128)).toBe('not analysed');
    expect(awaitsAnalysis(r128)).toBe(true);
    const broken = track({ analysisProblem: 'the audio data is corrupt' });
    expect(loudnessText(broken)).toBe('could not be measured: the audio data is corrupt');
    expect(awaitsAnalysis(broken)).toBe(false);
  });
});

describe('signedDecimal', () => {
  it('never prints a negative zero', () => {
    expect(signedDecimal(-0.04)).toBe('0.0');
    expect(signedDecimal(3.25)).toBe('3.3');
  });
});

describe('filterTracks', () => {
  const tracks = [
    track({}),
    track({ path: '/music/b.mp3', title: 'Weightless', artist: 'Marconi Union', album: 'Ambient' }),
    track({ path: '/music/c.mp3', title: 'On the Nature of Daylight', artist: 'Max Richter' }),
  ];

  it('matches every word anywhere, without case or accents', () => {
    expect(filterTracks(tracks, 'part spiegel', searchText).map(trackTitle)).toEqual(['Spiegel im Spiegel']);
    expect(filterTracks(tracks, 'MAX daylight', searchText).map(trackTitle)).toEqual(['On the Nature of Daylight']);
    expect(filterTracks(tracks, 'ambient union', searchText)).toHaveLength(1);
    expect(filterTracks(tracks, 'union richter', searchText)).toHaveLength(0);
  });

  it('keeps everything for an empty or blank query', () => {
    expect(filterTracks(tracks, '  ', searchText)).toHaveLength(3);
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 250 }, (_, index) => index);

  it('shows one page with its place in the whole', () => {
    const page = pageOf(items, 1, 100);
    expect(page.items[0]).toBe(100);
    expect(page.items).toHaveLength(100);
    expect([page.first, page.last, page.total, page.pageCount]).toEqual([101, 200, 250, 3]);
  });

  it('clamps a page past the end (the filter shrank the list) to the last page', () => {
    const page = pageOf(items.slice(0, 30), 2, 100);
    expect(page.page).toBe(0);
    expect([page.first, page.last]).toEqual([1, 30]);
    expect(pageOf([], 0, 100).first).toBe(0);
  });
});

describe('jobCount', () => {
  it('counts against the total once it is known', () => {
    expect(jobCount({ done: 812, total: 2000 })).toBe('812 of 2,000');
    expect(jobCount({ done: 40 })).toBe('40 found');
  });
});

describe('namesForRepeatedTitles', () => {
  it('names the file of each track whose title another shares, and nothing for a title of its own', () => {
    const names = namesForRepeatedTitles([
      { path: '/m/ost/01 Theme.ogg', title: 'Theme' },
      { path: '/m/ost/01 Theme (reprise).ogg', title: 'theme' },
      { path: '/m/ost/02 Forest.ogg', title: 'Forest' },
      { path: '/m/flac/pulse.flac' },
      { path: '/m/mp3/pulse.mp3' },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      '/m/ost/01 Theme.ogg': '01 Theme.ogg',
      '/m/ost/01 Theme (reprise).ogg': '01 Theme (reprise).ogg',
      '/m/flac/pulse.flac': 'pulse.flac',
      '/m/mp3/pulse.mp3': 'pulse.mp3',
    });
  });

  it('adds the folder where the file names are the same too', () => {
    const names = namesForRepeatedTitles([
      { path: '/m/disc 1/track.ogg', title: 'Track' },
      { path: '/m/disc 2/track.ogg', title: 'Track' },
    ]);
    expect([...names.values()]).toEqual(['disc 1/track.ogg', 'disc 2/track.ogg']);
  });
});
