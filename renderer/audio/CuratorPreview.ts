import { playedSeconds, type Segment } from '../../core/playlist';
import type { AudioOutput } from './AudioOutput';
import { AuditionPlayer, type AuditionEvents, type AuditionPart, type AuditionSource, type AuditionState, type FileReadiness, type Take } from './AuditionPlayer';
import { drawEnvelope, type Span } from './gain-chain';
import { transitionWindow, type TransitionWindow } from './transition-window';
import { equalPowerGain, type Decibels, type Seconds } from './units';

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

interface PreviewDetail {
  readonly kind: PreviewRequest['kind'];
}

export type CuratorPreviewState = AuditionState<PreviewDetail>;

export type CuratorPreviewEvents = AuditionEvents<PreviewDetail>;

export interface CuratorPreviewOptions {
  readonly fadeInSeconds: Seconds;
  readonly fadeOutSeconds: Seconds;
  /** Of the outgoing segment, before the crossfade begins. */
  readonly leadSeconds: Seconds;
  /** Of the incoming segment, after the crossfade ends. */
  readonly tailSeconds: Seconds;
}

/** Time to set both sides up before the first sound, so the crossfade lands where it is scheduled. */
const prerollSeconds = 0.15;

export const sessionRunningMessage = 'A session is playing: previews wait until it has ended.';

/**
 * The curator's ear on the shared output: one track, or the seam between two segments
 * (the last seconds of one crossfading into the next with equal-power curves, at the
 * gains a session would use). One preview at a time; none while a session plays.
 * React-free; the UI reads `getState()` and the 'state' event.
 */
export class CuratorPreview extends AuditionPlayer<PreviewRequest, PreviewDetail> {
  static readonly defaults: CuratorPreviewOptions = { fadeInSeconds: 0.3, fadeOutSeconds: 0.6, leadSeconds: 6, tailSeconds: 4 };

  private readonly options: CuratorPreviewOptions;
  private blocked = false;

  /** `output` is asked for only when something plays, so the AudioContext starts on a user gesture. */
  constructor(output: () => AudioOutput, options: Partial<CuratorPreviewOptions> = {}) {
    const settings = { ...CuratorPreview.defaults, ...options };
    super(output, settings);
    this.options = settings;
  }

  /** While a session plays the output is the session's: any preview stops and new ones are refused. */
  setSessionRunning(running: boolean): void {
    this.blocked = running;
    if (running) this.stop();
  }

  async play(request: PreviewRequest): Promise<void> {
    if (this.blocked) {
      this.refuse(request, sessionRunningMessage);
      return;
    }
    const begun = await this.begin(request);
    if (begun === undefined) return;
    if (request.kind === 'track') await this.playTrack(begun.take, request, begun.output);
    else await this.playTransition(begun.take, request, begun.output);
  }

  protected detailOf(request: PreviewRequest): PreviewDetail {
    return { kind: request.kind };
  }

  private async playTrack(take: Take<PreviewRequest>, request: Extract<PreviewRequest, { kind: 'track' }>, output: AudioOutput): Promise<void> {
    const part = this.openSide(take, request.item, output, () => {
      if (this.isCurrent(take)) this.stop();
    });
    const ready = await part.ready;
    if (!this.isCurrent(take)) return;
    if (!ready.ok) {
      this.fail(take, ready.message);
      return;
    }
    const now = output.currentTime;
    const from = request.fromSeconds ?? 0;
    this.startPart(part, now, from);
    if (part.soundscape !== undefined) {
      // A soundscape never ends by itself: the preview lasts as long as the segment would.
      const lengthSeconds = request.item.segment.durationSeconds ?? 60;
      this.after(take, Math.max(1, lengthSeconds - from), () => this.stop());
    }
    this.fadeInAndAnnounce(take, now);
  }

  private async playTransition(take: Take<PreviewRequest>, request: Extract<PreviewRequest, { kind: 'transition' }>, output: AudioOutput): Promise<void> {
    const outgoing = this.openSide(take, request.from, output);
    const incoming = this.openSide(take, request.to, output);
    const [fromReady, toReady] = await Promise.all([outgoing.ready, incoming.ready]);
    if (!this.isCurrent(take)) return;
    if (!fromReady.ok || !toReady.ok) {
      this.fail(take, !fromReady.ok ? `The first piece cannot play. ${fromReady.message}` : `The next piece cannot play. ${(toReady as { message: string }).message}`);
      return;
    }
    const fromPlayed = soundingSeconds(request.from.segment, fromReady);
    const toPlayed = soundingSeconds(request.to.segment, toReady);
    if (fromPlayed === undefined || toPlayed === undefined) {
      this.fail(take, 'The length of one of the two pieces is unknown, so the crossfade cannot be placed.');
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
    this.schedule(outgoing, 'out', window, startAt, window.fromOffsetSeconds);
    this.schedule(incoming, 'in', window, startAt + window.crossfadeAtSeconds, 0);
    this.after(take, prerollSeconds + window.endAtSeconds, () => {
      if (this.isCurrent(take)) this.stop();
    });
    this.announcePlaying(take);
  }

  /** Starts one side of a transition at `startAt` and lays its gain envelope on the audio thread. */
  private schedule(part: AuditionPart, side: 'in' | 'out', window: TransitionWindow, startAt: Seconds, offsetSeconds: Seconds): void {
    this.startPart(part, startAt, offsetSeconds);
    const crossfadeStart = startAt + (side === 'out' ? window.crossfadeAtSeconds : 0);
    // The outgoing piece starts part-way: a short fade-in, finished before the crossfade begins.
    const fadeIn = side === 'out' ? Math.min(this.options.fadeInSeconds, window.crossfadeAtSeconds - 0.01) : 0;
    const fadeInGain = (time: Seconds) => (fadeIn > 0 ? Math.min(1, Math.max(0, (time - startAt) / fadeIn)) : time >= startAt ? 1 : 0);
    const crossfadeGain = (time: Seconds) =>
      window.crossfadeSeconds > 0 ? equalPowerGain(side, (time - crossfadeStart) / window.crossfadeSeconds) : (time >= crossfadeStart) === (side === 'in') ? 1 : 0;
    const moving: Span[] = [];
    const stepsAt: Seconds[] = [];
    if (side === 'out') {
      if (fadeIn > 0) moving.push([startAt, startAt + fadeIn]);
      else stepsAt.push(startAt);
    }
    if (window.crossfadeSeconds > 0) moving.push([crossfadeStart, crossfadeStart + window.crossfadeSeconds]);
    else stepsAt.push(crossfadeStart);
    drawEnvelope(part.gain.gain, {
      now: part.gain.context.currentTime,
      gainAt: (time) => (side === 'out' ? fadeInGain(time) : 1) * crossfadeGain(time),
      moving,
      stepsAt,
    });
  }

  /** One side of a preview; a failure while it plays (a stall, a decoding error) ends the preview with the reason. */
  private openSide(take: Take<PreviewRequest>, item: PreviewItem, output: AudioOutput, onEnded?: () => void): AuditionPart {
    const part = this.openPart(take, sourceOf(item), output, onEnded === undefined ? {} : { onEnded });
    this.failOnPlaybackFailure(take, part);
    return part;
  }
}

function sourceOf(item: PreviewItem): AuditionSource {
  const { segment } = item;
  if (segment.type === 'soundscape') return { type: 'soundscape', preset: segment.preset, params: segment.params, durationSeconds: segment.durationSeconds };
  if (item.url === undefined) return { type: 'unreachable', message: 'Attune does not know where this file is served from.' };
  return { type: 'file', file: { url: item.url, path: segment.path, gainDb: item.gainDb ?? 0, mediaStartSeconds: segment.trimStartSeconds ?? 0 } };
}

/** How long a side sounds: a file's real length (as the element reports it) less its trims; a soundscape's own length. */
function soundingSeconds(segment: Segment, ready: Extract<FileReadiness, { ok: true }>): Seconds | undefined {
  if (segment.type === 'soundscape') return segment.durationSeconds;
  return playedSeconds(segment, ready.durationSeconds > 0 ? ready.durationSeconds : segment.durationSeconds);
}
