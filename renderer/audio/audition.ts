import type { AudioOutput } from './AudioOutput';
import { FileVoice } from './FileVoice';
import { rampTo } from './gain-chain';
import type { Decibels, Seconds } from './units';

/*
 * What the players that sound music outside a session share (review's replay, the
 * curator's preview): they play only while no session does, one thing at a time.
 */

/**
 * A session that ended quiet or paused may have left the music bus faded out; outside a
 * session the bus is the caller's to open.
 */
export function openMusicBus(output: AudioOutput, fadeSeconds: Seconds): void {
  const bus = output.musicBus.gain;
  if (bus.value >= 0.999) return;
  rampTo(bus, 1, { now: output.currentTime, seconds: fadeSeconds });
}

export interface AuditionFile {
  readonly url: string;
  /** As the playlist or library names it, for messages. */
  readonly path: string;
  readonly gainDb: Decibels;
  /** The curator's start trim: offsets count from here. */
  readonly mediaStartSeconds: Seconds;
}

export type FileReadiness = { readonly ok: true; readonly durationSeconds: Seconds } | { readonly ok: false; readonly message: string };

export interface LoadingFile {
  readonly voice: FileVoice;
  /** The file's length once it can play, or why it cannot ("The file was not found."). */
  readonly ready: Promise<FileReadiness>;
  /** Resolves only if the file fails, before or while it plays, with the reason in a sentence. */
  readonly failure: Promise<string>;
}

/** Starts loading a file into a FileVoice (not yet connected or started). */
export function loadFile(context: AudioContext, file: AuditionFile, onEnded?: () => void): LoadingFile {
  let reportFailure: (message: string) => void = () => undefined;
  const failure = new Promise<string>((resolve) => (reportFailure = resolve));
  const voice = new FileVoice({
    context,
    url: file.url,
    path: file.path,
    gainDb: file.gainDb,
    mediaStartSeconds: file.mediaStartSeconds,
    onFailure: (problem) => reportFailure(`The file ${problem.detail}.`),
    ...(onEnded === undefined ? {} : { onEnded }),
  });
  const ready = Promise.race([
    voice.loaded.then((durationSeconds): FileReadiness => ({ ok: true, durationSeconds })),
    failure.then((message): FileReadiness => ({ ok: false, message })),
  ]);
  return { voice, ready, failure };
}

/**
 * Fades a gain to silence from wherever it is now, then frees what sounded through it
 * (after the fade, even if its owner was disposed meanwhile: nothing outlives the fade).
 */
export function fadeOutThenFree(gain: GainNode, fadeSeconds: Seconds, free: () => void): void {
  rampTo(gain.gain, 0, { now: gain.context.currentTime, seconds: fadeSeconds });
  setTimeout(() => {
    free();
    gain.disconnect();
  }, fadeSeconds * 1000 + 50);
}
