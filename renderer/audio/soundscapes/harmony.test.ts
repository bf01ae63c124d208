import { describe, expect, it } from 'vitest';
import { chordSemitones, leadVoices, nextChord } from './harmony';
import { musicalDesigns } from './musical-designs';
import { seededRandom } from './seeded-random';

const designs = Object.entries(musicalDesigns);

/** The chords an hour of the walk plays, at the design's shortest chord length (the most chords an hour can hold). */
function hourOfChords(design: (typeof musicalDesigns)[keyof typeof musicalDesigns], seed: number): number[] {
  const random = seededRandom(seed);
  const chords = [0];
  while (chords.length * design.chordSeconds[0] < 3600) chords.push(nextChord(design.progression, chords.at(-1) as number, random));
  return chords;
}

describe('the musical presets’ harmony', () => {
  it('are in different keys, and none of the new ones in D', () => {
    const tonics = designs.map(([, design]) => (((Math.round(12 * Math.log2(design.tonicHz / 440)) % 12) + 12) % 12));
    expect(new Set(tonics).size).toBe(designs.length);
    // D is 5 semitones under A (−7 mod 12 = 5).
    expect(tonics).not.toContain(5);
  });

  it.each(designs)('%s: the walk is the same from the same seed and never cycles with a period under 5 minutes', (_name, design) => {
    expect(hourOfChords(design, 11)).toEqual(hourOfChords(design, 11));
    const chords = hourOfChords(design, 11);
    const longestLoopChords = Math.floor(300 / design.chordSeconds[0]);
    for (let period = 1; period <= longestLoopChords; period += 1) {
      const repeats = chords.slice(period).every((chord, index) => chord === chords[index]);
      expect(repeats, `period of ${period} chords`).toBe(false);
    }
    // Every chord of the key is heard within the hour.
    expect(new Set(chords).size).toBe(design.progression.chords.length);
  });

  it.each(designs)('%s: voices move to the nearest chord tones within their registers, never leaping more than a fifth', (_name, design) => {
    const random = seededRandom(3);
    const registers = design.voices.map((voice) => voice.register);
    let chord = 0;
    let pitches = leadVoices(design.voices.map((voice) => (voice.register[0] + voice.register[1]) / 2), registers, chordSemitones(design.progression, chord));
    for (let change = 0; change < 200; change += 1) {
      chord = nextChord(design.progression, chord, random);
      const tones = chordSemitones(design.progression, chord).map((tone) => ((tone % 12) + 12) % 12);
      const next = leadVoices(pitches, registers, chordSemitones(design.progression, chord));
      next.forEach((pitch, voice) => {
        const [low, high] = registers[voice] as readonly [number, number];
        expect(pitch).toBeGreaterThanOrEqual(low);
        expect(pitch).toBeLessThanOrEqual(high);
        expect(tones).toContain(((pitch % 12) + 12) % 12);
        expect(Math.abs(pitch - (pitches[voice] as number))).toBeLessThanOrEqual(7);
      });
      pitches = next;
    }
  });
});
