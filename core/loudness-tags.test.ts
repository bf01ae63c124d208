import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taggedLoudnessFrom, type LoudnessTagSource } from './loudness-tags';

// The shapes below are what music-metadata 12 returned for files tagged by ffmpeg and loudgain
// (the scanner test reads such real files end to end).

describe('taggedLoudnessFrom: ReplayGain', () => {
  it('reads a FLAC/Vorbis comment written by loudgain (reference −18 LUFS, linear peak)', () => {
    const flac: LoudnessTagSource = {
      common: { replaygain_track_gain: { dB: -5.32 }, replaygain_track_peak: { ratio: 0.25142 } },
      native: {
        vorbis: [
          { id: 'REPLAYGAIN_REFERENCE_LOUDNESS', value: '-18.00 LUFS' },
          { id: 'REPLAYGAIN_TRACK_GAIN', value: '-5.32 dB' },
          { id: 'REPLAYGAIN_TRACK_PEAK', value: '0.251420' },
        ],
      },
    };
    expect(taggedLoudnessFrom(flac)).toEqual({ integratedLufs: -12.68, truePeakDbtp: -11.99, source: 'replaygain' });
  });

  it('reads ID3v2 TXXX frames and MP4 freeform atoms, in upper or lower case', () => {
    const id3: LoudnessTagSource = {
      native: {
        'ID3v2.4': [
          { id: 'TXXX:replaygain_track_gain', value: '+3.20 dB' },
          { id: 'TXXX:replaygain_track_peak', value: '0.977000' },
        ],
      },
    };
    expect(taggedLoudnessFrom(id3)).toEqual({ integratedLufs: -21.2, truePeakDbtp: -0.2, source: 'replaygain' });

    const mp4: LoudnessTagSource = {
      native: {
        iTunes: [
          { id: '----:com.apple.iTunes:REPLAYGAIN_TRACK_GAIN', value: '-5.32 dB' },
          { id: '----:com.apple.iTunes:REPLAYGAIN_TRACK_PEAK', value: '1.122018' },
        ],
      },
    };
    expect(taggedLoudnessFrom(mp4)).toEqual({ integratedLufs: -12.68, truePeakDbtp: 1, source: 'replaygain' });
  });

  it('uses a reference loudness given in LUFS (loudgain -d -5 writes gains relative to −23 LUFS)', () => {
    const source: LoudnessTagSource = {
      native: {
        vorbis: [
          { id: 'REPLAYGAIN_REFERENCE_LOUDNESS', value: '-23.00 LUFS' },
          { id: 'REPLAYGAIN_TRACK_GAIN', value: '-10.32 dB' },
          { id: 'REPLAYGAIN_TRACK_PEAK', value: '0.251420' },
        ],
      },
    };
    expect(taggedLoudnessFrom(source)?.integratedLufs).toBe(-12.68);
  });

  it('keeps −18 LUFS when the reference is the old ReplayGain 1 "89 dB" SPL', () => {
    const source: LoudnessTagSource = {
      native: {
        'ID3v2.3': [
          { id: 'TXXX:REPLAYGAIN_REFERENCE_LOUDNESS', value: '89.0 dB' },
          { id: 'TXXX:REPLAYGAIN_TRACK_GAIN', value: '-2.00 dB' },
        ],
      },
    };
    expect(taggedLoudnessFrom(source)).toEqual({ integratedLufs: -16, source: 'replaygain' });
  });

  it('reads a gain written without a space or unit, which music-metadata itself misreads as a ratio', () => {
    const source: LoudnessTagSource = {
      common: { replaygain_track_gain: { dB: Number.NaN } },
      native: { vorbis: [{ id: 'REPLAYGAIN_TRACK_GAIN', value: '-3.20dB' }] },
    };
    expect(taggedLoudnessFrom(source)).toEqual({ integratedLufs: -14.8, source: 'replaygain' });
    expect(taggedLoudnessFrom({ native: { APEv2: [{ id: 'replaygain_track_gain', value: '1.5' }] } })?.integratedLufs).toBe(-19.5);
  });

  it("falls back to music-metadata's common tags for tag formats it maps but we do not name", () => {
    const source: LoudnessTagSource = { common: { replaygain_track_gain: { dB: -4 }, replaygain_track_peak: { ratio: 0.5 } }, native: {} };
    expect(taggedLoudnessFrom(source)).toEqual({ integratedLufs: -14, truePeakDbtp: -6.02, source: 'replaygain' });
  });

  it('has no peak when the peak tag is missing, zero or malformed, so the track is measured rather than trusted', () => {
    const gainOnly = (peak?: string): LoudnessTagSource => ({
      native: { vorbis: [{ id: 'REPLAYGAIN_TRACK_GAIN', value: '-1.00 dB' }, ...(peak === undefined ? [] : [{ id: 'REPLAYGAIN_TRACK_PEAK', value: peak }])] },
    });
    for (const peak of [undefined, '0', '0.000000', 'loud', '-0.5', '0.9 dB', '']) {
      expect(taggedLoudnessFrom(gainOnly(peak)), `peak ${JSON.stringify(peak)}`).toEqual({ integratedLufs: -17, source: 'replaygain' });
    }
  });
});

describe('taggedLoudnessFrom: R128', () => {
  it('reads an Opus R128_TRACK_GAIN (Q7.8, relative to −23 LUFS) as loudgain writes it', () => {
    // loudgain reported −12.69 LUFS and "Gain: −10.31 dB (−2639)" for this file.
    expect(taggedLoudnessFrom({ native: { vorbis: [{ id: 'R128_TRACK_GAIN', value: '-2639' }] } })).toEqual({ integratedLufs: -12.69, source: 'r128' });
    expect(taggedLoudnessFrom({ native: { vorbis: [{ id: 'R128_TRACK_GAIN', value: '0' }] } })).toEqual({ integratedLufs: -23, source: 'r128' });
    expect(taggedLoudnessFrom({ native: { vorbis: [{ id: 'R128_TRACK_GAIN', value: '+1280' }] } })).toEqual({ integratedLufs: -28, source: 'r128' });
  });

  it('prefers ReplayGain, which carries a peak, when a file has both', () => {
    const both: LoudnessTagSource = {
      native: {
        vorbis: [
          { id: 'R128_TRACK_GAIN', value: '-1000' },
          { id: 'REPLAYGAIN_TRACK_GAIN', value: '-3.20 dB' },
          { id: 'REPLAYGAIN_TRACK_PEAK', value: '0.5' },
        ],
      },
    };
    expect(taggedLoudnessFrom(both)?.source).toBe('replaygain');
    const malformedReplayGain: LoudnessTagSource = {
      native: { vorbis: [{ id: 'R128_TRACK_GAIN', value: '-1000' }, { id: 'REPLAYGAIN_TRACK_GAIN', value: 'n/a' }] },
    };
    expect(taggedLoudnessFrom(malformedReplayGain)).toEqual({ integratedLufs: -19.09, source: 'r128' });
  });

  it('ignores R128 values that are not Q7.8 integers', () => {
    for (const value of ['-10.31', '-2639 dB', '99999', '-40000', 'abc', '']) {
      expect(taggedLoudnessFrom({ native: { vorbis: [{ id: 'R128_TRACK_GAIN', value }] } }), value).toBeUndefined();
    }
  });
});

describe('taggedLoudnessFrom: anything else', () => {
  it('is undefined without loudness tags', () => {
    expect(taggedLoudnessFrom({})).toBeUndefined();
    expect(taggedLoudnessFrom({ common: {}, native: { vorbis: [{ id: 'TITLE', value: 'Þú' }] } })).toBeUndefined();
  });

  it('ignores gains that put the track outside −70…+5 LUFS', () => {
    expect(taggedLoudnessFrom({ native: { vorbis: [{ id: 'REPLAYGAIN_TRACK_GAIN', value: '-30 dB' }] } })).toBeUndefined();
    expect(taggedLoudnessFrom({ native: { vorbis: [{ id: 'REPLAYGAIN_TRACK_GAIN', value: '60 dB' }] } })).toBeUndefined();
  });

  it('never throws and only returns values the schema accepts, whatever the tag values are', () => {
    const anyValue = fc.oneof(fc.string(), fc.double(), fc.constant(null), fc.constant(undefined), fc.record({ text: fc.string() }), fc.array(fc.string()));
    const tagName = fc.constantFrom('REPLAYGAIN_TRACK_GAIN', 'TXXX:replaygain_track_peak', 'REPLAYGAIN_REFERENCE_LOUDNESS', 'R128_TRACK_GAIN', 'TITLE');
    fc.assert(
      fc.property(fc.array(fc.record({ id: tagName, value: anyValue })), fc.double(), fc.double(), (tags, gainDb, peakRatio) => {
        const result = taggedLoudnessFrom({ common: { replaygain_track_gain: { dB: gainDb }, replaygain_track_peak: { ratio: peakRatio } }, native: { vorbis: tags } });
        if (result === undefined) return;
        expect(result.integratedLufs).toBeGreaterThanOrEqual(-70);
        expect(result.integratedLufs).toBeLessThanOrEqual(5);
        if (result.truePeakDbtp !== undefined) expect(Math.abs(result.truePeakDbtp)).toBeLessThanOrEqual(70);
      }),
    );
  });
});
