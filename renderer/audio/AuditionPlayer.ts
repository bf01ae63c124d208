import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { TypedEmitter } from '../../core/typed-emitter';
import type { AudioOutput } from './AudioOutput';
import { FileVoice } from './FileVoice';
import { rampTo } from './gain-chain';
import { createSoundscape, type Soundscape } from './soundscapes/Soundscape';
import { Timers, type CancelTimer } from './Timers';
import type { Decibels, Seconds } from './units';

export interface AuditionFile {
  readonly url: string;
  /** As the playlist or library names it, for messages. */
  readonly path: string;
  readonly gainDb: Decibels;
  /** The curator's start trim: offsets count from here. */
  readonly mediaStartSeconds: Seconds;
}

/** What one part of an audition sounds. */
export type AuditionSource =
  | { readonly type: 'file'; readonly file: AuditionFile }
  /** A file Attune cannot reach: the part fails with `message` and sounds nothing. */
  | { readonly type: 'unreachable'; readonly message: string }
  /** `durationSeconds` is what the part reports as ready (0 when unknown). */
  | { readonly type: 'soundscape'; readonly preset: SoundscapePreset; readonly params: SoundscapeParams; readonly durationSeconds: Seconds };

export type FileReadiness = { readonly ok: true; readonly durationSeconds: Seconds } | { readonly ok: false; readonly message: string };

/** One sounding part of a take. */
export interface AuditionPart {
  /** The take's fade in and out, connected to the bus of the part's kind. */
  readonly gain: GainNode;
  /** A gain of its own before `gain` (a crossfade as the session had it), when asked for. */
  readonly envelope: GainNode | undefined;
  readonly voice: FileVoice | undefined;
  readonly soundscape: Soundscape | undefined;
  /** A file's length once it can play, or why it cannot; a soundscape is ready at once. */
  readonly ready: Promise<FileReadiness>;
  /** Resolves only if the file fails, before or while it plays, with the reason in a sentence. */
  readonly failure: Promise<string> | undefined;
}

export interface AuditionPartOptions {
  /** Puts an envelope gain, starting at this value, between the sound and the take's fade. */
  readonly envelopeGain?: number;
  /** The file played to its end. */
  readonly onEnded?: () => void;
}

export interface AuditionRequest {
  /** What the UI marks as playing. */
  readonly id: string;
  /** In words, for the screen. */
  readonly label: string;
}

/** `Detail` is what a loading or playing state tells beside the id and the label. */
export type AuditionState<Detail> =
  | { readonly status: 'idle' }
  | ({ readonly status: 'loading' | 'playing'; readonly id: string; readonly label: string } & Detail)
  | { readonly status: 'failed'; readonly id: string; readonly label: string; readonly message: string };

export interface AuditionEvents<Detail> extends Record<string, unknown> {
  state: AuditionState<Detail>;
}

export interface AuditionFades {
  readonly fadeInSeconds: Seconds;
  readonly fadeOutSeconds: Seconds;
}

/** What plays for one request; a new request makes a new take and fades the last one out. */
export interface Take<Request extends AuditionRequest> {
  readonly request: Request;
  readonly parts: AuditionPart[];
  readonly timers: CancelTimer[];
}

const failureFadeSeconds = 0.05;

/**
 * What the players that sound music outside a session share (review's replay, the curator's
 * preview): on the app's shared output, one take at a time, each part a file (through its
 * loudness gain) or a soundscape; a take fades in, fades out when stopped or replaced, and
 * reports loading, playing and failure through one 'state' event. React-free; the UI reads
 * `getState()` and the 'state' event.
 */
export abstract class AuditionPlayer<Request extends AuditionRequest, Detail> extends TypedEmitter<AuditionEvents<Detail>> {
  private current: Take<Request> | undefined;
  private state: AuditionState<Detail> = { status: 'idle' };
  private disposed = false;
  /** Each take's own timers, and the fade-outs that free what a take played. */
  private readonly timers = new Timers();

  /** `output` is asked for only when something plays, so the AudioContext starts on a user gesture. */
  constructor(
    private readonly output: () => AudioOutput,
    private readonly fades: AuditionFades,
  ) {
    super();
  }

  getState(): AuditionState<Detail> {
    return this.state;
  }

  /** Fades out whatever plays; nothing happens when nothing does. */
  stop(): void {
    const take = this.current;
    this.current = undefined;
    if (take !== undefined) this.release(take, this.fades.fadeOutSeconds);
    if (this.state.status !== 'idle') this.setState({ status: 'idle' });
  }

  /** Stops at once and frees every part, even one still fading out: no timer of it runs afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.timers.dispose();
    this.removeAllListeners();
  }

  /** What a loading or playing state tells of the request beside its id and label. */
  protected abstract detailOf(request: Request): Detail;

  /**
   * Stops what plays and begins a take: resolves once the output runs and the music bus is
   * open, or with undefined when the player was disposed or another take began meanwhile.
   */
  protected async begin(request: Request): Promise<{ readonly take: Take<Request>; readonly output: AudioOutput } | undefined> {
    if (this.disposed) return undefined;
    this.stop();
    const take: Take<Request> = { request, parts: [], timers: [] };
    this.current = take;
    this.setState({ status: 'loading', id: request.id, label: request.label, ...this.detailOf(request) });
    const output = this.output();
    await output.start();
    if (this.current !== take) return undefined;
    openMusicBus(output, this.fades.fadeInSeconds);
    return { take, output };
  }

  /** Refuses a request, saying why, after stopping what plays. */
  protected refuse(request: Request, message: string): void {
    if (this.disposed) return;
    this.stop();
    this.setState({ status: 'failed', id: request.id, label: request.label, message });
  }

  protected isCurrent(take: Take<Request>): boolean {
    return this.current === take;
  }

  /** Sets up one part of a take (silent, not started): its gain on the bus of its kind, and its file loading. */
  protected openPart(take: Take<Request>, source: AuditionSource, output: AudioOutput, options: AuditionPartOptions = {}): AuditionPart {
    const gain = output.context.createGain();
    gain.gain.value = 0;
    let envelope: GainNode | undefined;
    if (options.envelopeGain !== undefined) {
      envelope = output.context.createGain();
      envelope.gain.value = options.envelopeGain;
      envelope.connect(gain);
    }
    const input = envelope ?? gain;
    let part: AuditionPart;
    if (source.type === 'soundscape') {
      gain.connect(output.soundscapeBus.input);
      const soundscape = createSoundscape(source.preset, source.params);
      soundscape.output.connect(input);
      part = { gain, envelope, voice: undefined, soundscape, ready: Promise.resolve({ ok: true, durationSeconds: source.durationSeconds }), failure: undefined };
    } else if (source.type === 'unreachable') {
      gain.connect(output.musicBus);
      part = { gain, envelope, voice: undefined, soundscape: undefined, ready: Promise.resolve({ ok: false, message: source.message }), failure: undefined };
    } else {
      gain.connect(output.musicBus);
      const file = loadFile(output.context, source.file, options.onEnded);
      file.voice.connect(input);
      part = { gain, envelope, voice: file.voice, soundscape: undefined, ready: file.ready, failure: file.failure };
    }
    take.parts.push(part);
    return part;
  }

  /** Starts a part's sound at `audioTime`, `offsetSeconds` into it (a soundscape starts from its beginning). */
  protected startPart(part: AuditionPart, audioTime: Seconds, offsetSeconds: Seconds): void {
    part.voice?.start(audioTime, offsetSeconds * 1000);
    part.soundscape?.start(audioTime, 0.05);
  }

  /** A failure while the part plays (a stall, a decoding error) ends the take with the reason. */
  protected failOnPlaybackFailure(take: Take<Request>, part: AuditionPart): void {
    void part.failure?.then((message) => {
      if (this.current === take) this.fail(take, message);
    });
  }

  /** Fades every part of the take in from silence and says it plays. */
  protected fadeInAndAnnounce(take: Take<Request>, now: Seconds): void {
    for (const { gain } of take.parts) rampTo(gain.gain, 1, { now, seconds: this.fades.fadeInSeconds, from: 0 });
    this.announcePlaying(take);
  }

  /** Says the take plays (its parts' gains scheduled by the caller). */
  protected announcePlaying(take: Take<Request>): void {
    const { request } = take;
    this.setState({ status: 'playing', id: request.id, label: request.label, ...this.detailOf(request) });
  }

  /** Runs `action` after `seconds` unless the take has been stopped, replaced or has failed by then. */
  protected after(take: Take<Request>, seconds: Seconds, action: () => void): void {
    take.timers.push(this.timers.after(seconds * 1000, action));
  }

  protected fail(take: Take<Request>, message: string): void {
    if (this.current === take) this.current = undefined;
    this.release(take, failureFadeSeconds);
    const { request } = take;
    this.setState({ status: 'failed', id: request.id, label: request.label, message });
  }

  /** Fades one part out and frees it; the rest of the take plays on. */
  protected releasePart(take: Take<Request>, part: AuditionPart, fadeSeconds: Seconds): void {
    const index = take.parts.indexOf(part);
    if (index >= 0) take.parts.splice(index, 1);
    rampTo(part.gain.gain, 0, { now: part.gain.context.currentTime, seconds: fadeSeconds });
    // After the fade, even if the player was disposed meanwhile (dispose() frees it at once): nothing outlives the fade.
    this.timers.releaseAfter(fadeSeconds * 1000 + 50, () => {
      const now = part.gain.context.currentTime;
      part.voice?.stop(now);
      part.voice?.dispose();
      part.soundscape?.stop(now);
      part.soundscape?.dispose();
      part.envelope?.disconnect();
      part.gain.disconnect();
    });
  }

  private release(take: Take<Request>, fadeSeconds: Seconds): void {
    for (const cancel of take.timers.splice(0)) cancel();
    for (const part of [...take.parts]) this.releasePart(take, part, fadeSeconds);
  }

  private setState(state: AuditionState<Detail>): void {
    this.state = state;
    this.emit('state', state);
  }
}

/**
 * A session that ended quiet or paused may have left the music bus faded out; outside a
 * session the bus is the caller's to open.
 */
function openMusicBus(output: AudioOutput, fadeSeconds: Seconds): void {
  const bus = output.musicBus.gain;
  if (bus.value >= 0.999) return;
  rampTo(bus, 1, { now: output.currentTime, seconds: fadeSeconds });
}

interface LoadingFile {
  readonly voice: FileVoice;
  readonly ready: Promise<FileReadiness>;
  readonly failure: Promise<string>;
}

/** Starts loading a file into a FileVoice (not yet connected or started). */
function loadFile(context: AudioContext, file: AuditionFile, onEnded: (() => void) | undefined): LoadingFile {
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
