import { playedSeconds, type Segment } from '../../core/playlist';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { fadeOutThenFree, loadFile, openMusicBus, type FileReadiness } from './audition';
import type { FileVoice } from './FileVoice';
import { scheduleEqualPowerFade } from './gain-chain';
import { createSoundscape, type Soundscape } from './soundscapes/Soundscape';
import { transitionWindow, type TransitionWindow } from './transition-window';
import type { Decibels, Seconds } from './units';

/** One side of a preview: a segment as the playlist has it (a library track becomes one through segmentFromTrack). */
export interface PreviewItem {
  readonly segment: Segment;
  /** Where a file is served (mediaUrl or libraryMediaUrl); a soundscape has none. */
  readonly url?: string;
  /** The gain that normalises a file (core/loudness trackGain toward the settings' target). */
  readonly gainDb?: Decibels;
}

export type PreviewRequest =
  | {
      readonly kind: 'track';
      /** What the UI marks as playing (a track's path, a segment's id). */
      readonly id: string;
      readonly label: string;
      readonly item: PreviewItem;
      /** Where to begin, past the start trim. */
      readonly fromSeconds?: Seconds;
    }
  | {
      readonly kind: 'transition';
      readonly id: string;
      readonly label: string;
      readonly from: PreviewItem;
      readonly to: PreviewItem;
      /** The crossfade into `to` the playlist asks for (the segment's own, else the playlist's). */
      readonly crossfadeSeconds: Seconds;
    };

export type CuratorPreviewState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading' | 'playing'; readonly id: string; readonly label: string; readonly kind: PreviewRequest['kind'] }
  | { readonly status: 'failed'; readonly id: string; readonly label: string; readonly message: string };

export interface CuratorPreviewEvents extends Record<string, unknown> {
  state: CuratorPreviewState;
}

export interface CuratorPreviewOptions {
  readonly fadeInSeconds: Seconds;
  readonly fadeOutSeconds: Seconds;
  /** Of the outgoing segment, before the crossfade begins. */
  readonly leadSeconds: Seconds;
  /** Of the incoming segment, after the crossfade ends. */
  readonly tailSeconds: Seconds;
}

interface Deck {
  readonly gain: GainNode;
  voice?: FileVoice;
  soundscape?: Soundscape;
}

interface Preview {
  readonly request: PreviewRequest;
  readonly decks: Deck[];
  readonly timers: Set<ReturnType<typeof setTimeout>>;
}

const idle: CuratorPreviewState = { status: 'idle' };
/** Time to set both sides up before the first sound, so the crossfade lands where it is scheduled. */
const prerollSeconds = 0.15;

export const sessionRunningMessage = 'A session is playing: previews wait until it has ended.';

/**
 * The curator's ear on the shared output: one track, or the seam between two segments
 * (the last seconds of one crossfading into the next with equal-power curves, at the
 * gains a session would use). One preview at a time; none while a session plays.
 * React-free; the UI reads `getState()` and the 'state' event.
 */
export class CuratorPreview extends TypedEmitter<CuratorPreviewEvents> {
  static readonly defaults: CuratorPreviewOptions = { fadeInSeconds: 0.3, fadeOutSeconds: 0.6, leadSeconds: 6, tailSeconds: 4 };

  private readonly options: CuratorPreviewOptions;
  private current: Preview | undefined;
  private state: CuratorPreviewState = idle;
  private blocked = false;
  private disposed = false;

  /** `output` is asked for only when something plays, so the AudioContext starts on a user gesture. */
  constructor(
    private readonly output: () => AudioOutput,
    options: Partial<CuratorPreviewOptions> = {},
  ) {
    super();
    this.options = { ...CuratorPreview.defaults, ...options };
  }

  getState(): CuratorPreviewState {
    return this.state;
  }

  /** While a session plays the output is the session's: any preview stops and new ones are refused. */
  setSessionRunning(running: boolean): void {
    this.blocked = running;
    if (running) this.stop();
  }

  async play(request: PreviewRequest): Promise<void> {
    if (this.disposed) return;
    this.stop();
    if (this.blocked) {
      this.setState({ status: 'failed', id: request.id, label: request.label, message: sessionRunningMessage });
      return;
    }
    const preview: Preview = { request, decks: [], timers: new Set() };
    this.current = preview;
    this.setState({ status: 'loading', id: request.id, label: request.label, kind: request.kind });
    const output = this.output();
    await output.start();
    if (this.current !== preview) return;
    openMusicBus(output, this.options.fadeInSeconds);
    if (request.kind === 'track') await this.playTrack(preview, request, output);
    else await this.playTransition(preview, request, output);
  }

  /** Fades out whatever plays; nothing happens when nothing does. */
  stop(): void {
    const preview = this.current;
    this.current = undefined;
    if (preview !== undefined) this.release(preview, this.options.fadeOutSeconds);
    if (this.state.status !== 'idle') this.setState(idle);
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.removeAllListeners();
  }

  private async playTrack(preview: Preview, request: Extract<PreviewRequest, { kind: 'track' }>, output: AudioOutput): Promise<void> {
    const deck = this.openDeck(preview, request.item, output, () => {
      if (this.current === preview) this.stop();
    });
    const ready = await deck.ready;
    if (this.current !== preview) return;
    if (!ready.ok) {
      this.fail(preview, ready.message);
      return;
    }
    const now = output.currentTime;
    const from = request.fromSeconds ?? 0;
    if (deck.deck.voice !== undefined) deck.deck.voice.start(now, from * 1000);
    if (deck.deck.soundscape !== undefined) {
      deck.deck.soundscape.start(now, 0.05);
      // A soundscape never ends by itself: the preview lasts as long as the segment would.
      const lengthSeconds = request.item.segment.durationSeconds ?? 60;
      this.after(preview, Math.max(1, lengthSeconds - from), () => this.stop());
    }
    const gain = deck.deck.gain.gain;
    gain.setValueAtTime(0, now);
    gain.linearRampToValueAtTime(1, now + this.options.fadeInSeconds);
    this.setState({ status: 'playing', id: request.id, label: request.label, kind: 'track' });
  }

  private async playTransition(preview: Preview, request: Extract<PreviewRequest, { kind: 'transition' }>, output: AudioOutput): Promise<void> {
    const outgoing = this.openDeck(preview, request.from, output);
    const incoming = this.openDeck(preview, request.to, output);
    const [fromReady, toReady] = await Promise.all([outgoing.ready, incoming.ready]);
    if (this.current !== preview) return;
    if (!fromReady.ok || !toReady.ok) {
      this.fail(preview, !fromReady.ok ? `The first piece cannot play. ${fromReady.message}` : `The next piece cannot play. ${(toReady as { message: string }).message}`);
      return;
    }
    const fromPlayed = soundingSeconds(request.from.segment, fromReady);
    const toPlayed = soundingSeconds(request.to.segment, toReady);
    if (fromPlayed === undefined || toPlayed === undefined) {
      this.fail(preview, 'The length of one of the two pieces is unknown, so the crossfade cannot be placed.');
      return;
    }
    const window = transitionWindow({
      fromPlayedSeconds: fromPlayed,
      toPlayedSeconds: toPlayed,
      crossfadeSeconds: request.crossfadeSeconds,
      leadSeconds: this.options.leadSeconds,
      tailSeconds: this.options.tailSeconds,
    });
    const startAt = output.currentTime + prerollSeconds;
    this.schedule(outgoing.deck, 'out', window, startAt, window.fromOffsetSeconds);
    this.schedule(incoming.deck, 'in', window, startAt + window.crossfadeAtSeconds, 0);
    this.after(preview, prerollSeconds + window.endAtSeconds, () => {
      if (this.current === preview) this.stop();
    });
    this.setState({ status: 'playing', id: request.id, label: request.label, kind: 'transition' });
  }

  /** Starts one side of a transition at `startAt` and lays its gain envelope on the audio thread. */
  private schedule(deck: Deck, side: 'in' | 'out', window: TransitionWindow, startAt: Seconds, offsetSeconds: Seconds): void {
    deck.voice?.start(startAt, offsetSeconds * 1000);
    deck.soundscape?.start(startAt, 0.05);
    const gain = deck.gain.gain;
    const crossfadeStart = startAt + (side === 'out' ? window.crossfadeAtSeconds : 0);
    gain.setValueAtTime(0, deck.gain.context.currentTime);
    if (side === 'out') {
      // The outgoing piece starts part-way: a short fade-in, finished before the crossfade begins.
      const fadeIn = Math.min(this.options.fadeInSeconds, window.crossfadeAtSeconds - 0.01);
      if (fadeIn > 0) gain.linearRampToValueAtTime(1, startAt + fadeIn);
      else gain.setValueAtTime(1, startAt);
    }
    if (window.crossfadeSeconds > 0) {
      scheduleEqualPowerFade(gain, side, crossfadeStart, window.crossfadeSeconds);
    } else {
      gain.setValueAtTime(side === 'out' ? 0 : 1, crossfadeStart);
    }
  }

  private openDeck(preview: Preview, item: PreviewItem, output: AudioOutput, onEnded?: () => void): { deck: Deck; ready: Promise<FileReadiness> } {
    const gain = output.context.createGain();
    gain.gain.value = 0;
    const deck: Deck = { gain };
    preview.decks.push(deck);
    const { segment } = item;
    if (segment.type === 'soundscape') {
      gain.connect(output.soundscapeBus.input);
      deck.soundscape = createSoundscape(segment.preset, segment.params);
      deck.soundscape.output.connect(gain);
      return { deck, ready: Promise.resolve({ ok: true, durationSeconds: segment.durationSeconds }) };
    }
    gain.connect(output.musicBus);
    if (item.url === undefined) return { deck, ready: Promise.resolve({ ok: false, message: 'Attune does not know where this file is served from.' }) };
    const file = loadFile(output.context, { url: item.url, path: segment.path, gainDb: item.gainDb ?? 0, mediaStartSeconds: segment.trimStartSeconds ?? 0 }, onEnded);
    deck.voice = file.voice;
    file.voice.connect(gain);
    // A failure while it plays (a stall, a decoding error) ends the preview with the reason.
    void file.failure.then((message) => {
      if (this.current === preview) this.fail(preview, message);
    });
    return { deck, ready: file.ready };
  }

  private after(preview: Preview, seconds: Seconds, action: () => void): void {
    const timer = setTimeout(() => {
      preview.timers.delete(timer);
      action();
    }, seconds * 1000);
    preview.timers.add(timer);
  }

  private fail(preview: Preview, message: string): void {
    if (this.current === preview) this.current = undefined;
    this.release(preview, 0.05);
    this.setState({ status: 'failed', id: preview.request.id, label: preview.request.label, message });
  }

  private release(preview: Preview, fadeSeconds: Seconds): void {
    for (const timer of preview.timers) clearTimeout(timer);
    preview.timers.clear();
    for (const deck of preview.decks.splice(0)) {
      fadeOutThenFree(deck.gain, fadeSeconds, () => {
        const now = deck.gain.context.currentTime;
        deck.voice?.stop(now);
        deck.voice?.dispose();
        deck.soundscape?.stop(now);
        deck.soundscape?.dispose();
      });
    }
  }

  private setState(state: CuratorPreviewState): void {
    this.state = state;
    this.emit('state', state);
  }
}

/** How long a side sounds: a file's real length (as the element reports it) less its trims; a soundscape's own length. */
function soundingSeconds(segment: Segment, ready: Extract<FileReadiness, { ok: true }>): Seconds | undefined {
  if (segment.type === 'soundscape') return segment.durationSeconds;
  return playedSeconds(segment, ready.durationSeconds > 0 ? ready.durationSeconds : segment.durationSeconds);
}
