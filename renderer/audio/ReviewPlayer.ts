import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { fadeOutThenFree, loadFile, openMusicBus, type FileReadiness } from './audition';
import { rampTo, scheduleEqualPowerFade } from './gain-chain';
import type { FileVoice } from './FileVoice';
import { createSoundscape, type Soundscape } from './soundscapes/Soundscape';
import { replayLayerGain, replayLayout, type ReplayLayer, type ReplayNeighbourTiming } from './transition-window';
import type { Decibels, Milliseconds, Seconds } from './units';

/** What to play again: a file (with the gain that normalises it) or a soundscape re-synthesised from its preset. */
export type ReplaySource =
  | { readonly type: 'file'; readonly url: string; readonly path: string; readonly gainDb: Decibels; readonly mediaStartSeconds: Seconds }
  | { readonly type: 'soundscape'; readonly preset: SoundscapePreset; readonly params: SoundscapeParams };

/** A segment beside the marked one: what it was and how it joined the marked one in the session. */
export interface ReplayNeighbour {
  readonly source: ReplaySource;
  readonly timing: ReplayNeighbourTiming;
}

/** The marked segment's place in the session's plan: a replay inside a crossfade sounds both sides, as live. */
export interface ReplaySurroundings {
  /** How long the marked segment sounds (its trims taken off). */
  readonly playedSeconds: Seconds;
  readonly previous?: ReplayNeighbour;
  readonly next?: ReplayNeighbour;
  /** Without a next segment: its fade to silence at the end of the plan. */
  readonly endFadeSeconds?: Seconds;
}

export interface ReplayRequest {
  /** What the replay is for (a mark's id): the UI shows which one is playing. */
  readonly id: string;
  /** In words, for the screen: "Spiegel im Spiegel — Arvo Pärt". */
  readonly label: string;
  readonly source: ReplaySource;
  /** Position inside the segment to start from. */
  readonly fromMs: Milliseconds;
  /** Without it, the marked segment plays alone at full gain. */
  readonly surroundings?: ReplaySurroundings;
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

/** One segment of a replay: its envelope (the session's crossfades) inside the replay's own fade. */
interface Layer {
  readonly layout: ReplayLayer;
  /** The replay's fade in and out, connected to the segment's bus. */
  readonly gain: GainNode;
  /** The crossfade envelope, as the session's deck gain had it. */
  readonly envelope: GainNode;
  voice: FileVoice | undefined;
  soundscape: Soundscape | undefined;
  ready: Promise<FileReadiness>;
  failure: Promise<string> | undefined;
}

interface Replay {
  readonly request: ReplayRequest;
  layers: Layer[];
}

/** Lets every file of a layered replay be started together on the audio clock. */
const prerollSeconds = 0.1;
/** Guards against back-to-back automation curves touching, which Web Audio rejects as overlap. */
const curveMarginSeconds = 0.002;

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
    const replay: Replay = { request, layers: [] };
    this.current = replay;
    this.setState({ status: 'loading', id: request.id, label: request.label, fromMs: request.fromMs });
    await output.start();
    if (this.current !== replay) return;
    openMusicBus(output, this.options.fadeInSeconds);

    const layout = layoutFor(request);
    const last = layout.at(-1);
    replay.layers = layout.map((part) => this.openLayer(replay, part, sourceOf(request, part.role), output, part === last));
    const outcomes = await Promise.all(replay.layers.map((layer) => layer.ready));
    if (this.current !== replay) return;
    const fromSeconds = request.fromMs / 1000;
    const markedIndex = layout.findIndex((part) => part.role === 'marked');
    const marked = outcomes[markedIndex];
    const problem =
      marked === undefined
        ? 'The replay has nothing to play.'
        : !marked.ok
          ? marked.message
          : marked.durationSeconds > 0 && fromSeconds >= marked.durationSeconds
            ? 'The file ends before the moment of the mark.'
            : undefined;
    if (problem !== undefined) {
      this.fail(replay, problem);
      return;
    }
    // A neighbour that cannot play is left out: the marked segment still sounds.
    replay.layers = replay.layers.filter((layer, index) => {
      if (outcomes[index]?.ok === true) return true;
      this.releaseLayer(layer, 0.05);
      return false;
    });
    const startAt = output.currentTime + (replay.layers.length > 1 ? prerollSeconds : 0);
    for (const layer of replay.layers) {
      // A failure while it plays (a stall, a decoding error) ends the replay with the reason.
      void layer.failure?.then((message) => {
        if (this.current === replay) this.fail(replay, message);
      });
      this.startLayer(layer, startAt);
    }
    this.begin(replay, output);
  }

  private openLayer(replay: Replay, layout: ReplayLayer, source: ReplaySource, output: AudioOutput, isLast: boolean): Layer {
    const gain = output.context.createGain();
    gain.gain.value = 0;
    const envelope = output.context.createGain();
    envelope.gain.value = replayLayerGain(layout, 0);
    envelope.connect(gain);
    const layer: Layer = { layout, gain, envelope, voice: undefined, soundscape: undefined, ready: Promise.resolve({ ok: true, durationSeconds: 0 }), failure: undefined };
    if (source.type === 'soundscape') {
      gain.connect(output.soundscapeBus.input);
      layer.soundscape = createSoundscape(source.preset, source.params);
      layer.soundscape.output.connect(envelope);
      return layer;
    }
    gain.connect(output.musicBus);
    // The replay ends with the last of its segments.
    const file = loadFile(output.context, source, () => {
      if (isLast && this.current === replay) this.stop();
    });
    layer.voice = file.voice;
    layer.ready = file.ready;
    layer.failure = file.failure;
    file.voice.connect(envelope);
    return layer;
  }

  /** Starts one segment of the replay and lays its crossfades on the audio thread, as the session's deck had them. */
  private startLayer(layer: Layer, startAt: Seconds): void {
    const { layout } = layer;
    layer.voice?.start(startAt + layout.startAtSeconds, layout.offsetSeconds * 1000);
    layer.soundscape?.start(startAt + layout.startAtSeconds, 0.05);
    const param = layer.envelope.gain;
    param.cancelScheduledValues(0);
    param.setValueAtTime(replayLayerGain(layout, 0), layer.envelope.context.currentTime);
    for (const fade of layout.fades) {
      const endsAt = fade.startsAtSeconds + fade.seconds;
      if (endsAt <= 0) continue;
      if (fade.seconds === 0) {
        param.setValueAtTime(fade.direction === 'in' ? 1 : 0, startAt + fade.startsAtSeconds);
        continue;
      }
      const fromFraction = Math.max(0, -fade.startsAtSeconds / fade.seconds);
      const begins = startAt + Math.max(0, fade.startsAtSeconds);
      scheduleEqualPowerFade(param, fade.direction, begins + curveMarginSeconds, endsAt + startAt - begins - 2 * curveMarginSeconds, fromFraction);
    }
    if (layout.stopAtSeconds !== undefined) layer.voice?.stop(startAt + layout.stopAtSeconds);
  }

  private fail(replay: Replay, message: string): void {
    if (this.current === replay) this.current = undefined;
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
    for (const { gain } of replay.layers) rampTo(gain.gain, 1, { now, seconds: this.options.fadeInSeconds, from: 0 });
    const { request } = replay;
    this.setState({ status: 'playing', id: request.id, label: request.label, fromMs: request.fromMs });
  }

  private release(replay: Replay, fadeSeconds: Seconds): void {
    for (const layer of replay.layers.splice(0)) this.releaseLayer(layer, fadeSeconds);
  }

  private releaseLayer(layer: Layer, fadeSeconds: Seconds): void {
    fadeOutThenFree(layer.gain, fadeSeconds, () => {
      const now = layer.gain.context.currentTime;
      layer.voice?.stop(now);
      layer.voice?.dispose();
      layer.soundscape?.stop(now);
      layer.soundscape?.dispose();
      layer.envelope.disconnect();
    });
  }

  private setState(state: ReviewPlayerState): void {
    this.state = state;
    this.emit('state', state);
  }
}

function layoutFor(request: ReplayRequest): ReplayLayer[] {
  const fromSeconds = request.fromMs / 1000;
  const { surroundings } = request;
  if (surroundings === undefined) return [{ role: 'marked', startAtSeconds: 0, offsetSeconds: fromSeconds, fades: [], stopAtSeconds: undefined }];
  return replayLayout({
    fromSeconds,
    playedSeconds: surroundings.playedSeconds,
    ...(surroundings.previous === undefined ? {} : { previous: surroundings.previous.timing }),
    ...(surroundings.next === undefined ? {} : { next: surroundings.next.timing }),
    ...(surroundings.endFadeSeconds === undefined ? {} : { endFadeSeconds: surroundings.endFadeSeconds }),
  });
}

function sourceOf(request: ReplayRequest, role: ReplayLayer['role']): ReplaySource {
  if (role === 'marked') return request.source;
  return request.surroundings?.[role]?.source ?? request.source;
}
