import { Howl } from 'howler';
import { createTrackGain } from './gain-chain';
import { Timers } from './Timers';
import type { Decibels, Milliseconds, Seconds } from './units';
import type { Voice, VoiceFailure } from './Voice';

/** What we need of howler's internals: the streamed <audio> element behind an html5 Howl. */
interface HowlWithElement {
  _sounds?: { _node?: HTMLAudioElement }[];
  _clearSound?: (element: HTMLAudioElement) => void;
}

/**
 * How an element that is done stops downloading. howler points it at a `data:audio/wav` of
 * silence instead, which the Content-Security-Policy (media-src 'self') refuses: a reported
 * violation each time a track is unloaded. Removing the source and reloading is the standard
 * way to release a media element, and asks nothing of the policy.
 */
function emptyElement(element: HTMLAudioElement): void {
  element.removeAttribute('src');
  element.load();
}

/**
 * One source node per element for the element's whole life: Web Audio allows only one,
 * and howler reuses <audio> elements from its html5 pool across Howls.
 */
const sourceNodes = new WeakMap<HTMLMediaElement, MediaElementAudioSourceNode>();

/** The most an element may be started ahead of the clock under a bridge (its start is late by 6–140 ms). */
const maxAheadSeconds = 0.4;

const formatsByExtension: Record<string, string> = {
  mp3: 'mp3',
  m4a: 'm4a',
  mp4: 'mp4',
  aac: 'aac',
  flac: 'flac',
  ogg: 'ogg',
  oga: 'ogg',
  opus: 'opus',
  wav: 'wav',
  webm: 'webm',
};

export function howlerFormatFor(path: string): string | undefined {
  const extension = path.split('.').at(-1)?.toLowerCase() ?? '';
  return formatsByExtension[extension];
}

export interface FileVoiceOptions {
  readonly context: AudioContext;
  readonly url: string;
  /** The file's path as the playlist names it, for messages. */
  readonly path: string;
  readonly gainDb: Decibels;
  /** Where in the file the segment begins (the curator's start trim); offsets count from here. */
  readonly mediaStartSeconds?: Seconds;
  readonly onFailure: (failure: VoiceFailure) => void;
  /** The file played to the end of its data (early, if it is truncated). */
  readonly onEnded?: () => void;
}

/**
 * A music file streamed by howler (`html5: true`, so memory stays flat however long the
 * set is) and routed into the shared AudioContext through a track gain (normalisation).
 * Media elements cannot start at an audio-clock instant, so start and stop are timed with
 * setTimeout and the deck's gain envelope (on the audio thread) does the crossfade. A 0 s join,
 * and the start of a crossfade, are made sample-exact by a GaplessJoin's bridge, which mutes the
 * element around it (`handoverIn`, `handoverOut`) and lines the element up with itself meanwhile
 * (`playAheadUnderBridge`, `holdBackBy`).
 */
export class FileVoice implements Voice {
  private howl: Howl | undefined;
  /** A start that came before the file was checked: where to play from once it is. */
  private pendingStart: number | undefined;
  private readonly trackGain: GainNode;
  /**
   * After the track gain, one for each side of the file a gapless join may bridge: the element
   * is muted here while the join's decoded buffer plays the same music (two nodes, so the join
   * into this file and the join out of it never overwrite each other's automation).
   */
  private readonly joinInGain: GainNode;
  private readonly joinOutGain: GainNode;
  private element: HTMLAudioElement | undefined;
  /**
   * Under a bridge that plays the file's start: the element plays this far ahead of the program
   * clock, through a delay of as much, which is then set to what the element was measured to lead
   * by (its start is late by an amount no timer knows). 0 with no bridge: no delay in the path.
   */
  private aheadSeconds = 0;
  private alignDelay: DelayNode | undefined;
  private readonly timers = new Timers();
  private failed = false;
  private disposed = false;
  private playing = false;
  private reachedEnd = false;
  readonly loaded: Promise<number>;

  constructor(private readonly options: FileVoiceOptions) {
    this.trackGain = createTrackGain(options.context, options.gainDb);
    this.joinInGain = options.context.createGain();
    this.joinOutGain = options.context.createGain();
    this.trackGain.connect(this.joinInGain).connect(this.joinOutGain);
    let resolveLoaded: (durationSeconds: number) => void = () => undefined;
    this.loaded = new Promise((resolve) => (resolveLoaded = resolve));
    // Asked first, so a missing file is reported as missing rather than as undecodable.
    void fetch(options.url, { method: 'HEAD' }).then(
      (response) => {
        if (response.ok) this.load(resolveLoaded);
        else if (response.status === 404) this.fail('missing', 'was not found');
        else if (response.status === 403) this.fail('unreadable', 'is outside the playlist and library folders');
        else this.fail('unreadable', `could not be read (HTTP ${response.status})`);
      },
      () => this.fail('unreadable', 'could not be reached'),
    );
  }

  private load(resolveLoaded: (durationSeconds: number) => void): void {
    if (this.disposed) return;
    const format = howlerFormatFor(this.options.path);
    this.howl = new Howl({
      src: [this.options.url],
      html5: true,
      preload: true,
      ...(format === undefined ? {} : { format: [format] }),
      onload: () => {
        this.attachElement();
        resolveLoaded(this.durationSeconds());
      },
      onloaderror: (_id, error) =>
        error === 4 ? this.fail('not-audio', 'is not a playable audio file') : this.fail('unreadable', `could not be loaded (${describeMediaError(error)})`),
      onplayerror: (_id, error) => this.fail('unreadable', `could not be played (${describeMediaError(error)})`),
      onend: () => {
        this.reachedEnd = true;
        this.playing = false;
        this.options.onEnded?.();
      },
    });
    // howler 2.2 calls its own _clearSound on unload (and when a stream stops); this Howl uses ours.
    (this.howl as unknown as HowlWithElement)._clearSound = emptyElement;
    this.attachElement();
    if (this.pendingStart !== undefined) this.seekAndPlay(this.pendingStart);
  }

  private attachElement(): void {
    if (this.howl === undefined) return;
    const element = (this.howl as unknown as HowlWithElement)._sounds?.[0]?._node;
    if (element === undefined || element === this.element) return;
    this.element = element;
    let source = sourceNodes.get(element);
    if (source === undefined) {
      source = this.options.context.createMediaElementSource(element);
      sourceNodes.set(element, source);
    }
    source.disconnect();
    source.connect(this.trackGain);
  }

  private fail(reason: VoiceFailure['reason'], detail: string): void {
    if (this.failed || this.disposed) return;
    this.failed = true;
    this.options.onFailure({ reason, detail });
  }

  private at(audioTime: Seconds, action: () => void): void {
    const delayMs = Math.max(0, (audioTime - this.options.context.currentTime) * 1000);
    this.timers.after(delayMs, action);
  }

  connect(destination: AudioNode): void {
    this.joinOutGain.connect(destination);
  }

  /** The element's share of the output around a gapless join into this file (0 until the join's bridge hands back). */
  get handoverIn(): AudioParam {
    return this.joinInGain.gain;
  }

  /** The element's share of the output around a gapless join out of this file (0 once it has handed over to the bridge). */
  get handoverOut(): AudioParam {
    return this.joinOutGain.gain;
  }

  /** Where the file is served and what it is, for the join that decodes its edges. */
  get source(): { readonly url: string; readonly extension: string; readonly gainDb: Decibels } {
    return { url: this.options.url, extension: this.options.path.split('.').at(-1)?.toLowerCase() ?? '', gainDb: this.options.gainDb };
  }

  start(audioTime: Seconds, offsetMs: Milliseconds): void {
    const startedAt = this.options.context.currentTime;
    this.at(audioTime, () => {
      // Whatever the timer was late by is added to the seek, so the file stays on the program clock.
      const lateSeconds = Math.max(0, this.options.context.currentTime - Math.max(audioTime, startedAt));
      this.seekAndPlay(offsetMs / 1000 + lateSeconds);
    });
  }

  private seekAndPlay(positionSeconds: number): void {
    if (this.failed) return;
    if (this.howl === undefined) {
      this.pendingStart = positionSeconds;
      return;
    }
    this.pendingStart = undefined;
    this.attachElement();
    this.howl.seek(positionSeconds + this.aheadSeconds + (this.options.mediaStartSeconds ?? 0));
    if (!this.howl.playing()) this.howl.play();
    this.playing = true;
  }

  pause(): void {
    this.timers.cancelPending();
    this.pendingStart = undefined;
    this.howl?.pause();
    this.playing = false;
  }

  resume(offsetMs: Milliseconds): void {
    this.seekAndPlay(offsetMs / 1000);
  }

  stop(audioTime: Seconds): void {
    this.at(audioTime, () => {
      this.howl?.stop();
      this.playing = false;
    });
  }

  /**
   * A bridge will play the file's start (the element muted under it): the element is to start
   * `seconds` ahead, through a delay that holds it back by as much. The path is changed now,
   * before the element sounds; false once it plays (too late to change what is heard).
   */
  playAheadUnderBridge(seconds: Seconds): boolean {
    if (this.playing || this.failed) return false;
    const delay = this.alignDelay ?? new DelayNode(this.options.context, { maxDelayTime: maxAheadSeconds });
    if (this.alignDelay === undefined) {
      this.trackGain.disconnect(this.joinInGain);
      this.trackGain.connect(delay).connect(this.joinInGain);
      this.alignDelay = delay;
    }
    this.aheadSeconds = Math.min(seconds, maxAheadSeconds);
    delay.delayTime.value = this.aheadSeconds;
    return true;
  }

  /** The element's sound before the delay that aligns it: what a bridge measures the element's lead from. */
  get undelayedOutput(): AudioNode {
    return this.trackGain;
  }

  /**
   * Holds the element back by `seconds`, the lead it was measured to have over the bridge (while
   * it is muted under it): from then on it sounds on the program clock, to the sample. A pause
   * and resume keeps the same lead, so it comes back in line but for its new start's lateness.
   */
  holdBackBy(seconds: Seconds): void {
    const delay = this.alignDelay;
    if (delay === undefined) return;
    const held = Math.max(0, Math.min(maxAheadSeconds, seconds));
    delay.delayTime.setValueAtTime(held, this.options.context.currentTime);
    this.aheadSeconds = held;
  }

  /** Where the element's playhead is, for the stall watchdog. */
  positionSeconds(): number | undefined {
    return this.playing && !this.failed ? (this.element?.currentTime ?? undefined) : undefined;
  }

  heldBackSeconds(): Seconds {
    return this.aheadSeconds;
  }

  /** True once the element has reached the end of its data. */
  ended(): boolean {
    return this.reachedEnd;
  }

  /**
   * The file's length as its media element reads it. Not howler's duration(): that is the element's
   * rounded up to a tenth of a second, which made a gapless join refuse about half of all files
   * (their plan ending up to 0.1 s before the "end" it read, past the 50 ms it allows).
   */
  durationSeconds(): number {
    const exact = this.element?.duration;
    return exact !== undefined && Number.isFinite(exact) && exact > 0 ? exact : (this.howl?.duration() ?? 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timers.dispose();
    const element = this.element;
    this.howl?.unload();
    if (element !== undefined) sourceNodes.get(element)?.disconnect();
    this.trackGain.disconnect();
    this.alignDelay?.disconnect();
    this.joinInGain.disconnect();
    this.joinOutGain.disconnect();
  }
}

function describeMediaError(error: unknown): string {
  switch (error) {
    case 1:
      return 'loading was aborted';
    case 2:
      return 'a network error';
    case 3:
      return 'the audio data is corrupt';
    case 4:
      return 'not a playable audio file, or not found';
    default:
      return typeof error === 'string' ? error : 'unknown error';
  }
}
