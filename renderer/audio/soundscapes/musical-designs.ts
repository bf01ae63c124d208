import { modes, type Progression } from './harmony';

export interface PadVoice {
  /** Semitones above the key's tonic this voice moves within. */
  readonly register: readonly [number, number];
  readonly type: 'sine' | 'triangle';
  /** Its share of the bed, before intensity. */
  readonly level: number;
}

export interface MusicalDesign {
  /** The key's tonic, in its lowest register. */
  readonly tonicHz: number;
  readonly progression: Progression;
  /** Each chord lasts a random time in this range (seconds). */
  readonly chordSeconds: readonly [number, number];
  /** How long the voices take to glide into the next chord (seconds). */
  readonly glideSeconds: number;
  readonly voices: readonly PadVoice[];
  /** The pads' low-pass cut-off from darkest to brightest (brightness 0 to 1). */
  readonly filterHz: readonly [number, number];
  /** Level from quietest to loudest (intensity 0 to 1), dBFS-ish before the reverb. */
  readonly levelDb: readonly [number, number];
  /** Sparse bell-like notes from the current chord: how often, where, how loud and how long they ring. */
  readonly bells?: { readonly everySeconds: readonly [number, number]; readonly register: readonly [number, number]; readonly level: number; readonly ringSeconds: number };
  /** A filtered noise wash under the harmony, swelling at its own slow pace. */
  readonly wash?: { readonly color: 'pink' | 'brown'; readonly level: number; readonly filterHz: number; readonly swellSeconds: number };
}

/** Scale degrees: 0 I, 1 ii, 2 iii, 3 IV, 4 V, 5 vi, 6 vii; +7 an octave up (7 = the octave, 8 the ninth). */
const majorWalk: Progression = {
  mode: modes.ionian,
  // I(add9), IV(add9), vi7, ii7, V(sus), iii7
  chords: [
    [0, 4, 8, 2],
    [3, 7, 5, 9],
    [5, 7, 9, 11],
    [1, 3, 5, 7],
    [4, 7, 8, 11],
    [2, 4, 6, 8],
  ],
  next: [
    [1, 2, 3, 5],
    [0, 3, 2, 4],
    [1, 3, 0, 5],
    [4, 1, 0],
    [0, 2, 1],
    [2, 1, 0],
  ],
};

const minorWalk: Progression = {
  mode: modes.aeolian,
  // i(add9), VI(maj7), III, VII, iv7, v7
  chords: [
    [0, 2, 4, 8],
    [5, 7, 9, 11],
    [2, 4, 6, 9],
    [6, 8, 10, 12],
    [3, 5, 7, 9],
    [4, 6, 8, 11],
  ],
  next: [
    [1, 4, 2, 3],
    [2, 3, 0, 4],
    [3, 1, 5, 0],
    [0, 2, 1],
    [0, 1, 5],
    [0, 1, 3],
  ],
};

const lydianWalk: Progression = {
  mode: modes.lydian,
  // I(maj9), II (the lydian colour), vii, V(add9), iii, vi
  chords: [
    [0, 4, 6, 8],
    [1, 3, 5, 8],
    [6, 8, 10, 12],
    [4, 6, 8, 11],
    [2, 4, 6, 9],
    [5, 7, 9, 11],
  ],
  next: [
    [1, 3, 5, 2],
    [0, 3, 4],
    [0, 5, 3],
    [0, 1, 5],
    [5, 1, 0],
    [1, 3, 0, 4],
  ],
};

const dorianWalk: Progression = {
  mode: modes.dorian,
  // i(add9), IV (dorian's major four), VII, III, v, ii
  chords: [
    [0, 4, 8, 2],
    [3, 5, 7, 9],
    [6, 8, 10, 13],
    [2, 4, 6, 9],
    [4, 6, 8, 11],
    [1, 3, 5, 8],
  ],
  next: [
    [1, 2, 3, 5],
    [0, 2, 4],
    [0, 3, 1],
    [1, 5, 4],
    [0, 1, 2],
    [1, 0, 2],
  ],
};

/** The musical presets: each its own key, mode, pace and register, for a phase's character. */
export const musicalDesigns = {
  /** Onset, settling: F major, low and slow, long chords, soft and dark; a rare low bell. */
  dawn: {
    tonicHz: 43.65, // F1
    progression: majorWalk,
    chordSeconds: [55, 85],
    glideSeconds: 14,
    voices: [
      { register: [12, 24], type: 'triangle', level: 0.34 },
      { register: [19, 31], type: 'sine', level: 0.3 },
      { register: [24, 36], type: 'sine', level: 0.24 },
      { register: [28, 40], type: 'sine', level: 0.16 },
    ],
    filterHz: [350, 1400],
    levelDb: [-22, -9],
    bells: { everySeconds: [45, 90], register: [36, 48], level: 0.05, ringSeconds: 6 },
  },
  /** Onset or return: A minor, a noise wash swelling like a tide under a slowly turning minor walk. */
  tide: {
    tonicHz: 55, // A1
    progression: minorWalk,
    chordSeconds: [40, 70],
    glideSeconds: 10,
    voices: [
      { register: [12, 22], type: 'sine', level: 0.3 },
      { register: [17, 29], type: 'sine', level: 0.26 },
      { register: [22, 34], type: 'triangle', level: 0.2 },
    ],
    filterHz: [500, 2200],
    levelDb: [-22, -9],
    wash: { color: 'pink', level: 0.5, filterHz: 900, swellSeconds: 17 },
  },
  /** Peak, expansive: E♭ lydian spread over four octaves, brighter, with bells among the branches. */
  canopy: {
    tonicHz: 38.89, // E♭1
    progression: lydianWalk,
    chordSeconds: [30, 55],
    glideSeconds: 8,
    voices: [
      { register: [12, 24], type: 'triangle', level: 0.26 },
      { register: [24, 36], type: 'sine', level: 0.22 },
      { register: [31, 43], type: 'sine', level: 0.2 },
      { register: [36, 48], type: 'sine', level: 0.16 },
      { register: [43, 55], type: 'sine', level: 0.1 },
    ],
    filterHz: [1200, 5000],
    levelDb: [-24, -11],
    bells: { everySeconds: [14, 34], register: [48, 62], level: 0.07, ringSeconds: 5 },
  },
  /** Return, warm and grounding: G major low and close, a held tonic under it, amber filter. */
  hearth: {
    tonicHz: 49, // G1
    progression: { ...majorWalk, mode: modes.mixolydian },
    chordSeconds: [45, 75],
    glideSeconds: 12,
    voices: [
      { register: [0, 7], type: 'sine', level: 0.36 },
      { register: [12, 21], type: 'triangle', level: 0.3 },
      { register: [16, 26], type: 'triangle', level: 0.22 },
      { register: [21, 31], type: 'sine', level: 0.16 },
    ],
    filterHz: [260, 900],
    levelDb: [-20, -8],
    wash: { color: 'brown', level: 0.35, filterHz: 300, swellSeconds: 23 },
  },
  /** Peak, spacious and open: B dorian in wide fifths, high and airy, bells now and then. */
  vast: {
    tonicHz: 61.74, // B1
    progression: dorianWalk,
    chordSeconds: [35, 60],
    glideSeconds: 9,
    voices: [
      { register: [12, 24], type: 'sine', level: 0.26 },
      { register: [24, 38], type: 'sine', level: 0.22 },
      { register: [31, 45], type: 'triangle', level: 0.16 },
      { register: [38, 50], type: 'sine', level: 0.12 },
    ],
    filterHz: [900, 3800],
    levelDb: [-24, -11],
    bells: { everySeconds: [20, 45], register: [43, 55], level: 0.06, ringSeconds: 7 },
    wash: { color: 'pink', level: 0.18, filterHz: 3500, swellSeconds: 29 },
  },
} as const satisfies Record<string, MusicalDesign>;

export type MusicalPreset = keyof typeof musicalDesigns;
