import type { Loudness } from './playlist';

/** What the library knows about the file behind one file segment. */
export interface FileFacts {
  readonly status: 'ok' | 'missing' | 'unreadable';
  /** Why it is missing or unreadable, in words (e.g. "not an audio file"). */
  readonly reason?: string;
  readonly durationSeconds?: number;
  /** Undefined: not analysed yet. */
  readonly loudness?: Loudness;
}
