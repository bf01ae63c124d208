import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import type { AudioOutput } from './AudioOutput';
import { AuditionPlayer, type AuditionEvents, type AuditionFades, type AuditionPart, type AuditionSource, type AuditionState } from './AuditionPlayer';
import { drawEnvelope, type Span } from './gain-chain';
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

interface ReplayDetail {
  readonly fromMs: Milliseconds;
}

export type ReviewPlayerState = AuditionState<ReplayDetail>;

export type ReviewPlayerEvents = AuditionEvents<ReplayDetail>;

export type ReviewPlayerOptions = AuditionFades;

/** One segment of a replay: its envelope (the session's crossfades) inside the replay's own fade. */
interface Layer {
  readonly layout: ReplayLayer;
  readonly part: AuditionPart;
}

/** Lets every file of a layered replay be started together on the audio clock. */
const prerollSeconds = 0.1;

/**
 * Plays back the moment a mark was taken, on the app's shared output: one replay at a
 * time (a new one fades the last out), files through their loudness gain, soundscapes
 * re-synthesised. React-free; the UI reads `getState()` and the 'state' event.
 */
export class ReviewPlayer extends AuditionPlayer<ReplayRequest, ReplayDetail> {
  static readonly defaults: ReviewPlayerOptions = { fadeInSeconds: 0.4, fadeOutSeconds: 0.6 };

  /** `output` is asked for only when something plays, so the AudioContext starts on a user gesture. */
  constructor(output: () => AudioOutput, options: Partial<ReviewPlayerOptions> = {}) {
    super(output, { ...ReviewPlayer.defaults, ...options });
  }

  async play(request: ReplayRequest): Promise<void> {
    const begun = await this.begin(request);
    if (begun === undefined) return;
    const { take, output } = begun;

    const layout = layoutFor(request);
    const last = layout.at(-1);
    let layers = layout.map((part): Layer => ({
      layout: part,
      part: this.openPart(take, auditionSource(sourceOf(request, part.role)), output, {
        envelopeGain: replayLayerGain(part, 0),
        // The replay ends with the last of its segments.
        ...(part === last
          ? {
              onEnded: () => {
                if (this.isCurrent(take)) this.stop();
              },
            }
          : {}),
      }),
    }));
    const outcomes = await Promise.all(layers.map((layer) => layer.part.ready));
    if (!this.isCurrent(take)) return;
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
      this.fail(take, problem);
      return;
    }
    // A neighbour that cannot play is left out: the marked segment still sounds.
    layers = layers.filter((layer, index) => {
      if (outcomes[index]?.ok === true) return true;
      this.releasePart(take, layer.part, 0.05);
      return false;
    });
    const startAt = output.currentTime + (layers.length > 1 ? prerollSeconds : 0);
    for (const layer of layers) {
      this.failOnPlaybackFailure(take, layer.part);
      this.startLayer(layer, startAt);
    }
    this.fadeInAndAnnounce(take, output.currentTime);
  }

  protected detailOf(request: ReplayRequest): ReplayDetail {
    return { fromMs: request.fromMs };
  }

  /** Starts one segment of the replay and lays its crossfades on the audio thread, as the session's deck had them. */
  private startLayer({ layout, part }: Layer, startAt: Seconds): void {
    this.startPart(part, startAt + layout.startAtSeconds, layout.offsetSeconds);
    if (part.envelope !== undefined) scheduleEnvelope(part.envelope, layout, startAt);
    if (layout.stopAtSeconds !== undefined) part.voice?.stop(startAt + layout.stopAtSeconds);
  }
}

/**
 * The crossfades of one segment of a replay, as the session's deck had them. Before the replay
 * starts (its preroll) the envelope holds its gain at the start; a replay started without a
 * preroll, a little after `startAt`, takes up the envelope where it is by then.
 */
function scheduleEnvelope(envelope: GainNode, layout: ReplayLayer, startAt: Seconds): void {
  const moving: Span[] = [];
  const stepsAt: Seconds[] = [];
  for (const fade of layout.fades) {
    const begins = startAt + fade.startsAtSeconds;
    if (fade.seconds > 0) moving.push([begins, begins + fade.seconds]);
    else stepsAt.push(begins);
  }
  drawEnvelope(envelope.gain, {
    now: envelope.context.currentTime,
    gainAt: (audioTime) => replayLayerGain(layout, Math.max(0, audioTime - startAt)),
    moving,
    stepsAt,
  });
}

function auditionSource(source: ReplaySource): AuditionSource {
  if (source.type === 'soundscape') return { type: 'soundscape', preset: source.preset, params: source.params, durationSeconds: 0 };
  return { type: 'file', file: source };
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
