import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { FileVoice } from './FileVoice';
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
    this.openMusicBus(output);

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
    const failed = new Promise<string>((resolve) => {
      replay.voice = new FileVoice({
        context: output.context,
        url: source.url,
        path: source.path,
        gainDb: source.gainDb,
        mediaStartSeconds: source.mediaStartSeconds,
        onFailure: (failure) => resolve(`The file ${failure.detail}.`),
        onEnded: () => {
          if (this.current === replay) this.stop();
        },
      });
    });
    const voice = replay.voice as FileVoice;
    voice.connect(gain);
    const outcome = await Promise.race([voice.loaded, failed]);
    if (this.current !== replay) return;
    const fromSeconds = request.fromMs / 1000;
    const problem = typeof outcome === 'string' ? outcome : outcome > 0 && fromSeconds >= outcome ? 'The file ends before the moment of the mark.' : undefined;
    if (problem !== undefined) {
      this.fail(replay, problem);
      return;
    }
    // A failure while it plays (a stall, a decoding error) ends the replay with the reason.
    void failed.then((message) => {
      if (this.current === replay) this.fail(replay, message);
    });
    voice.start(output.currentTime, request.fromMs);
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

  /**
   * Review plays only while no session does (the screen says so), so the music bus is
   * ours: a session that ended quiet or paused may have left it faded out.
   */
  private openMusicBus(output: AudioOutput): void {
    const bus = output.musicBus.gain;
    if (bus.value >= 0.999) return;
    const now = output.currentTime;
    bus.cancelScheduledValues(now);
    bus.setValueAtTime(bus.value, now);
    bus.linearRampToValueAtTime(1, now + this.options.fadeInSeconds);
  }

  private release(replay: Replay, fadeSeconds: Seconds): void {
    const context = replay.gain.context;
    const now = context.currentTime;
    const gain = replay.gain.gain;
    gain.cancelScheduledValues(now);
    gain.setValueAtTime(gain.value, now);
    gain.linearRampToValueAtTime(0, now + fadeSeconds);
    // Freed once the fade is over, even after dispose(): nothing of a replay outlives it.
    setTimeout(
      () => {
        replay.voice?.stop(context.currentTime);
        replay.voice?.dispose();
        replay.soundscape?.stop(context.currentTime);
        replay.soundscape?.dispose();
        replay.gain.disconnect();
      },
      fadeSeconds * 1000 + 50,
    );
  }

  private setState(state: ReviewPlayerState): void {
    this.state = state;
    this.emit('state', state);
  }
}
