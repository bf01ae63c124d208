/** Semitones of each mode's seven degrees above its tonic. */
export const modes = {
  ionian: [0, 2, 4, 5, 7, 9, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  lydian: [0, 2, 4, 6, 7, 9, 11],
  aeolian: [0, 2, 3, 5, 7, 8, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
} as const;

export interface Progression {
  readonly mode: readonly number[];
  /** Chords as scale degrees from 0 (degrees past 6 are the next octave: 8 is the ninth). */
  readonly chords: readonly (readonly number[])[];
  /** For each chord, the chords it may move to: a slow walk through the key, never a fixed cycle. */
  readonly next: readonly (readonly number[])[];
}

/** Semitones above the tonic of a chord's tones. */
export function chordSemitones(progression: Progression, chord: number): number[] {
  const degrees = progression.chords[chord] ?? [0];
  return degrees.map((degree) => (progression.mode[degree % 7] as number) + 12 * Math.floor(degree / 7));
}

/** The next chord of the walk: one of those `next` allows, never the chord itself. */
export function nextChord(progression: Progression, chord: number, random: () => number): number {
  const choices = (progression.next[chord] ?? [0]).filter((candidate) => candidate !== chord);
  if (choices.length === 0) return 0;
  return choices[Math.floor(random() * choices.length)] as number;
}

/**
 * Voice leading: each voice (semitones above the tonic, within its register) moves to the
 * nearest tone of the new chord, preferring tones no earlier voice took, so the chord stays
 * full and no voice leaps.
 */
export function leadVoices(current: readonly number[], registers: readonly (readonly [number, number])[], chordTones: readonly number[]): number[] {
  const taken = new Set<number>();
  return current.map((pitch, voice) => {
    const [low, high] = registers[voice] ?? [pitch - 12, pitch + 12];
    const candidates: number[] = [];
    for (let octave = -4; octave <= 6; octave += 1) {
      for (const tone of chordTones) {
        const candidate = tone + 12 * octave;
        if (candidate >= low && candidate <= high) candidates.push(candidate);
      }
    }
    if (candidates.length === 0) return pitch;
    const cost = (candidate: number) => Math.abs(candidate - pitch) + (taken.has(((candidate % 12) + 12) % 12) ? 4 : 0);
    const best = candidates.reduce((a, b) => (cost(b) < cost(a) ? b : a));
    taken.add(((best % 12) + 12) % 12);
    return best;
  });
}

export const semitonesToRatio = (semitones: number): number => 2 ** (semitones / 12);
