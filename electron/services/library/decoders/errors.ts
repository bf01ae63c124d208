/** Why a file could not be decoded, in words a curator can act on. */
export type AudioDecodeProblem =
  /** The file is missing, a folder, or not readable by this user. */
  | 'unreadable'
  /** The file is not in any audio format (e.g. a text file named .mp3). */
  | 'not-audio'
  /** An audio format, or a variant of one, that Attune cannot decode. */
  | 'unsupported'
  /** A known format whose data is damaged or empty. */
  | 'corrupt'
  /** An AAC/M4A (or other) file that only ffmpeg can decode here, and ffmpeg is not installed: the library hands it to the app's platform decoder. */
  | 'needs-ffmpeg';

export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';

  constructor(
    readonly problem: AudioDecodeProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Planar samples at full scale ±1, in WAVE/SMPTE channel order (L, R, C, LFE, Ls, Rs, …). */
export interface DecodedChunk {
  readonly sampleRate: number;
  readonly channels: Float32Array[];
}
