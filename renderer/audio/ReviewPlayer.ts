import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { fadeOutThenFree, loadFile, openMusicBus } from './audition';
import type { FileVoice } from './FileVoice';
import { createSoundscape, type Soundscape } from './soundscapes/Soundscape';
import type { Decibels, Milliseconds, Seconds } from './units';

/** What to play again: a file (with the gain that normalises it) or a soundscape re-synthesised from its preset. */
export type ReplaySource =
  | { readonly type: 'file'; readonly url: string; readonly path: string; readonly gainDb: Decibels; readonly mediaStartSeconds: Seconds }
  | { readonly type: 'soundscape'; readonly preset: SoundscapePreset; readonly params: SoundscapeParams };

export interface ReplayRequest {
  /** What the replay is for (a mark's id): the UI shows which one is playing. */
  readonly id: string;
  /** In words, for the screen: "Spiegel im Spiegel — Arvo Pärt". */
  readonly label: string;
  readonly source: ReplaySource;
  /** Position inside the segment to start from. */
  readonly fromMs: Milliseconds;
}

export type ReviewPlayerState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading' | 'playing'; readonly id: string; readonly label: string; readonly fromMs: Milliseconds }
  | { readonly status: 'failed'; readonly id: string; readonly label: string; readonly message: string };

export interface ReviewPlayerEvents extends Record<string, unknown> {
  state: ReviewPlayerState;
}

export interface ReviewPlayerOptions {
  readonly fadeInSeconds: Seconds;
  readonly fadeOutSeconds: Seconds;
}

interface Replay {
  readonly request: ReplayRequest;
  readonly gain: GainNode;
  voice: FileVoice | undefined;
  soundscape: Soundscape | undefined;
}

const idle: ReviewPlayerState = { status: 'idle' };

/**
 * Plays back the moment a mark was taken, on the app's shared output: one replay at a
 * time (a new one fades the last out), files through their loudness gain, soundscapes
 * re-synthesised. React-free; the UI reads `getState()` and the 'state' event.
 */
export class ReviewPlayer extends TypedEmitter<ReviewPlayerEvents> {
  static readonly defaults: ReviewPlayerOptions = { fadeInSeconds: 0.4, fadeOutSeconds: 0.6 };

  private readonly options: ReviewPlayerOptions;
  private current: Replay | undefined;
  private state: ReviewPlayerState = idle;
  private disposed = false;

  /** `output` is asked for only when something plays, so the AudioContext starts on a user gesture. */
  constructor(
    private readonly output: () => AudioOutput,
    options: Partial<ReviewPlayerOptions> = {},
  ) {
    super();
    this.options = { ...ReviewPlayer.defaults, ...options };
  }

  getState(): ReviewPlayerState {
    return this.state;
  }

  async play(request: ReplayRequest): Promise<void> {
    if (this.disposed) return;
    this.stop();
    const output = this.output();
    const gain = output.context.createGain();
    gain.gain.value = 0;
    const replay: Replay = { request, gain, voice: undefined, soundscape: undefined };
    this.current = replay;
    this.setState({ status: 'loading', id: request.id, label: request.label, fromMs: request.fromMs });
    await output.start();
    if (this.current !== replay) return;
    openMusicBus(output, this.options.fadeInSeconds);

    const { source } = request;
    if (source.type === 'soundscape') {
      gain.connect(output.soundscapeBus.input);
      replay.soundscape = createSoundscape(source.preset, source.params);
      replay.soundscape.output.connect(gain);
      replay.soundscape.start(output.currentTime, 0.05);
      this.begin(replay, output);
      return;
    }

    gain.connect(output.musicBus);
    const file = loadFile(output.context, source, () => {
      if (this.current === replay) this.stop();
    });
    replay.voice = file.voice;
    file.voice.connect(gain);
    const outcome = await file.ready;
    if (this.current !== replay) return;
    const fromSeconds = request.fromMs / 1000;
    const problem = !outcome.ok ? outcome.message : outcome.durationSeconds > 0 && fromSeconds >= outcome.durationSeconds ? 'The file ends before the moment of the mark.' : undefined;
    if (problem !== undefined) {
      this.fail(replay, problem);
      return;
    }
    // A failure while it plays (a stall, a decoding error) ends the replay with the reason.
    void file.failure.then((message) => {
      if (this.current === replay) this.fail(replay, message);
    });
    file.voice.start(output.currentTime, request.fromMs);
    this.begin(replay, output);
  }

  private fail(replay: Replay, message: string): void {
    this.current = undefined;
    this.release(replay, 0.05);
    const { request } = replay;
    this.setState({ status: 'failed', id: request.id, label: request.label, message });
  }

  /** Fades the replay out; nothing happens when none plays. */
  stop(): void {
    const replay = this.current;
    this.current = undefined;
    if (replay !== undefined) this.release(replay, this.options.fadeOutSeconds);
    if (this.state.status !== 'idle') this.setState(idle);
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.removeAllListeners();
  }

  private begin(replay: Replay, output: AudioOutput): void {
    const now = output.currentTime;
    replay.gain.gain.cancelScheduledValues(now);
    replay.gain.gain.setValueAtTime(0, now);
    replay.gain.gain.linearRampToValueAtTime(1, now + this.options.fadeInSeconds);
    const { request } = replay;
    this.setState({ status: 'playing', id: request.id, label: request.label, fromMs: request.fromMs });
  }

  private release(replay: Replay, fadeSeconds: Seconds): void {
    fadeOutThenFree(replay.gain, fadeSeconds, () => {
      const now = replay.gain.context.currentTime;
      replay.voice?.stop(now);
      replay.voice?.dispose();
      replay.soundscape?.stop(now);
      replay.soundscape?.dispose();
    });
  }

  private setState(state: ReviewPlayerState): void {
    this.state = state;
    this.emit('state', state);
  }
}
