import { trackGain, type TrackGain } from '../../core/loudness';
import type { Loudness } from '../../core/playlist';
import { createOutputChain, createTrackGain, drawEnvelope, scheduleEqualPowerFade } from '../../renderer/audio/gain-chain';
import { deckEnvelopeAt, deckEnvelopeShape, type EnvelopeTimes } from '../../renderer/audio/deck-envelope';
import { readLimiterReport } from '../../renderer/audio/limiter/limiter-node';
import { equalPowerGain, type Decibels, type Seconds } from '../../renderer/audio/units';
import { integratedLufs, rmsDb, samplePeakDb, shortTermLevels, truePeakDbtp, type Channels, type LevelPoint } from './audio-measure';
import { seededRandom } from './seeded-random';

const sampleRate = 48_000;
/**
 * The margin SessionPlayer once kept inside a fade's span (it lays fades with drawEnvelope now, without one); only
 * renderResumedFade, which checks the equal-power curve's maths across a pause, not the engine's scheduling, keeps it.
 */
const curveMarginSeconds = 0.002;

export type TestSignal =
  | { readonly kind: 'pink' | 'white'; readonly seed: number; readonly rmsDb: Decibels }
  | { readonly kind: 'sine'; readonly frequency: number; readonly peakDb: Decibels; readonly phase?: number }
  /** A naive (not band-limited) square wave: its edges ring far over its samples once interpolated. */
  | { readonly kind: 'square'; readonly frequency: number; readonly peakDb: Decibels }
  | {
      /** A steady sine with short Hann-windowed bursts at another frequency, every `everySeconds`, reaching `burstPeakDb`. */
      readonly kind: 'sine-with-bursts';
      readonly frequency: number;
      readonly peakDb: Decibels;
      readonly burstFrequency: number;
      readonly burstPeakDb: Decibels;
      readonly burstSeconds: Seconds;
      /** Starting phase of the burst's carrier: at 12 kHz and π/4 every sample misses the peaks by 3 dB. */
      readonly burstPhase?: number;
      readonly everySeconds: Seconds;
      readonly firstAt: Seconds;
    };


const dbToAmplitude = (db: Decibels) => 10 ** (db / 20);

function fillSignal(signal: TestSignal, channel: Float32Array, channelIndex: number): void {
  switch (signal.kind) {
    case 'white':
    case 'pink': {
      // Each channel its own noise, so the two channels are uncorrelated like a real stereo bed.
      const next = seededRandom(signal.seed * 7919 + channelIndex);
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      let b4 = 0;
      let b5 = 0;
      let b6 = 0;
      for (let index = 0; index < channel.length; index += 1) {
        const white = next() * 2 - 1;
        if (signal.kind === 'white') {
          channel[index] = white;
          continue;
        }
        // Paul Kellet's refined pink filter.
        b0 = 0.99886 * b0 + white * 0.0555179;
        b1 = 0.99332 * b1 + white * 0.0750759;
        b2 = 0.969 * b2 + white * 0.153852;
        b3 = 0.8665 * b3 + white * 0.3104856;
        b4 = 0.55 * b4 + white * 0.5329522;
        b5 = -0.7616 * b5 - white * 0.016898;
        channel[index] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
        b6 = white * 0.115926;
      }
      let power = 0;
      for (const sample of channel) power += sample * sample;
      const scale = dbToAmplitude(signal.rmsDb) / Math.sqrt(power / channel.length);
      for (let index = 0; index < channel.length; index += 1) channel[index] = (channel[index] as number) * scale;
      return;
    }
    case 'sine': {
      const amplitude = dbToAmplitude(signal.peakDb);
      for (let index = 0; index < channel.length; index += 1) {
        channel[index] = amplitude * Math.sin((2 * Math.PI * signal.frequency * index) / sampleRate + (signal.phase ?? 0));
      }
      return;
    }
    case 'square': {
      const amplitude = dbToAmplitude(signal.peakDb);
      const period = sampleRate / signal.frequency;
      for (let index = 0; index < channel.length; index += 1) channel[index] = index % period < period / 2 ? amplitude : -amplitude;
      return;
    }
    case 'sine-with-bursts': {
      fillSignal({ kind: 'sine', frequency: signal.frequency, peakDb: signal.peakDb }, channel, channelIndex);
      const burstAmplitude = dbToAmplitude(signal.burstPeakDb);
      const burstLength = Math.round(signal.burstSeconds * sampleRate);
      for (let at = signal.firstAt; at * sampleRate + burstLength < channel.length; at += signal.everySeconds) {
        const start = Math.round(at * sampleRate);
        for (let offset = 0; offset < burstLength; offset += 1) {
          const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * offset) / (burstLength - 1));
          channel[start + offset] = (channel[start + offset] as number) + burstAmplitude * hann * Math.sin((2 * Math.PI * signal.burstFrequency * offset) / sampleRate + (signal.burstPhase ?? 0));
        }
      }
      return;
    }
  }
}

function makeBuffer(context: BaseAudioContext, signal: TestSignal, seconds: Seconds): AudioBuffer {
  const buffer = context.createBuffer(2, Math.round(seconds * sampleRate), sampleRate);
  for (let channel = 0; channel < buffer.numberOfChannels; channel += 1) fillSignal(signal, buffer.getChannelData(channel), channel);
  return buffer;
}

const channelsOf = (buffer: AudioBuffer): Channels => Array.from({ length: buffer.numberOfChannels }, (_, channel) => buffer.getChannelData(channel));

function playBuffer(context: BaseAudioContext, buffer: AudioBuffer, destination: AudioNode): void {
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(destination);
  source.start(0);
}

export interface CrossfadeOptions {
  readonly outgoing: TestSignal;
  readonly incoming: TestSignal;
  readonly fadeStart: Seconds;
  readonly fadeSeconds: Seconds;
  /** Where the steady level after the fade is measured, from `fadeAt` (by default 50 to 250 ms after the fade's end). */
  readonly steadyAfter?: readonly [Seconds, Seconds];
  readonly totalSeconds: Seconds;
  readonly windowSeconds: Seconds;
  /** The render's rate (48 kHz by default): a live output's own, to compare with it (resampling to 44.1 kHz takes the top of a broadband signal). */
  readonly sampleRate?: number;
}

export interface CrossfadeResult {
  /** Short-term level over the whole render. */
  readonly levels: LevelPoint[];
  /** RMS of the outgoing signal alone before the fade, and of the incoming alone after it. */
  readonly steadyBeforeDb: Decibels;
  readonly steadyAfterDb: Decibels;
}

/**
 * One deck's gain through a crossfade of `fadeSeconds` from `fadeAt`, laid as SessionPlayer.scheduleEnvelope lays
 * it (drawEnvelope over the entry's deckEnvelopeAt), with the program clock on the audio clock: the outgoing deck
 * holds 1 and fades out over the overlap, the incoming holds 0 and fades in over the same span.
 */
function drawCrossfadeDeck(param: AudioParam, direction: 'in' | 'out', fadeAt: Seconds, fadeSeconds: Seconds): void {
  const fadeMs = fadeSeconds * 1000;
  const entry: EnvelopeTimes =
    direction === 'in'
      ? { startMs: fadeAt * 1000, endMs: Number.POSITIVE_INFINITY, fadeInMs: fadeMs, fadeOutMs: 0 }
      : { startMs: -1, endMs: fadeAt * 1000 + fadeMs, fadeInMs: 0, fadeOutMs: fadeMs };
  const { moving, stepsAt } = deckEnvelopeShape(entry, (programMs) => programMs / 1000);
  drawEnvelope(param, { now: 0, gainAt: (audioTime) => deckEnvelopeAt(entry, audioTime * 1000), moving, stepsAt });
}

/**
 * Two decks (track gain → deck gain → music bus → limiter → master) crossfading the way
 * SessionPlayer.scheduleEnvelope schedules an entry boundary (drawCrossfadeDeck).
 */
async function renderCrossfade(options: CrossfadeOptions): Promise<CrossfadeResult> {
  const context = new OfflineAudioContext(2, Math.round(options.totalSeconds * sampleRate), sampleRate);
  const chain = createOutputChain(context, 1);
  chain.master.connect(context.destination);
  await chain.limiter;
  const deck = (signal: TestSignal, direction: 'in' | 'out') => {
    const track = createTrackGain(context, 0);
    const gain = context.createGain();
    gain.gain.value = 0;
    drawCrossfadeDeck(gain.gain, direction, options.fadeStart, options.fadeSeconds);
    track.connect(gain).connect(chain.musicBus);
    playBuffer(context, makeBuffer(context, signal, options.totalSeconds), track);
  };
  deck(options.outgoing, 'out');
  deck(options.incoming, 'in');
  const rendered = channelsOf(await context.startRendering());
  const fadeEnd = options.fadeStart + options.fadeSeconds;
  return {
    levels: shortTermLevels(rendered, sampleRate, options.windowSeconds, options.windowSeconds / 4),
    steadyBeforeDb: rmsDb(rendered, sampleRate, 0.5, options.fadeStart),
    steadyAfterDb: rmsDb(rendered, sampleRate, fadeEnd, options.totalSeconds - 0.1),
  };
}

export interface ResumedFadeOptions {
  readonly direction: 'in' | 'out';
  readonly fadeStart: Seconds;
  readonly fadeSeconds: Seconds;
  /** Where in the fade the pause comes, and for how long the program stands still. */
  readonly pauseFraction: number;
  readonly pauseSeconds: Seconds;
}

export interface ResumedFadeResult {
  readonly pausedAt: Seconds;
  readonly resumedAt: Seconds;
  /** The deck gain at every sample (a DC signal of 1 through it). */
  readonly gain: number[];
  /** The gain the equal-power curve asks for at `pauseFraction`. */
  readonly expectedAtPause: number;
  readonly largestStep: number;
  /** Largest step a smooth equal-power fade of this length takes between two samples. */
  readonly smoothStep: number;
  /** Largest distance from the equal-power curve over the resumed part. */
  readonly resumedError: number;
}

/**
 * A fade interrupted part-way and resumed, in SessionPlayer's order: hold() cancels and
 * freezes the deck at envelopeAt(); play() cancels, sets envelopeAt() again and schedules
 * the rest of the curve with `fromFraction`. The deck gain is read through a DC signal.
 */
async function renderResumedFade(options: ResumedFadeOptions): Promise<ResumedFadeResult> {
  const totalSeconds = options.fadeStart + options.pauseSeconds + options.fadeSeconds + 0.5;
  const context = new OfflineAudioContext(1, Math.round(totalSeconds * sampleRate), sampleRate);
  const dc = context.createConstantSource();
  const gain = context.createGain();
  dc.connect(gain).connect(context.destination);
  const param = gain.gain;
  param.setValueAtTime(options.direction === 'in' ? 0 : 1, 0);
  scheduleEqualPowerFade(param, options.direction, options.fadeStart, options.fadeSeconds, 0);
  dc.start(0);

  let pausedAt = 0;
  let resumedAt = 0;
  let fraction = 0;
  let curveStart = 0;
  let curveSeconds = 0;
  // suspend() lands on a render-quantum boundary; the engine reads currentTime the same way.
  const pauseTime = options.fadeStart + options.pauseFraction * options.fadeSeconds;
  void context.suspend(pauseTime).then(() => {
    pausedAt = context.currentTime;
    fraction = (pausedAt - options.fadeStart) / options.fadeSeconds;
    param.cancelScheduledValues(pausedAt);
    param.setValueAtTime(equalPowerGain(options.direction, fraction), pausedAt);
    void context.resume();
  });
  void context.suspend(pauseTime + options.pauseSeconds).then(() => {
    resumedAt = context.currentTime;
    param.cancelScheduledValues(resumedAt);
    param.setValueAtTime(equalPowerGain(options.direction, fraction), resumedAt);
    // As scheduleEnvelope once did: a fade-in's curve starts now, a fade-out's a margin later; both end a margin early.
    const duration = (1 - fraction) * options.fadeSeconds - curveMarginSeconds;
    curveStart = options.direction === 'in' ? resumedAt : resumedAt + curveMarginSeconds;
    curveSeconds = duration;
    scheduleEqualPowerFade(param, options.direction, curveStart, duration, fraction);
    void context.resume();
  });
  const rendered = (await context.startRendering()).getChannelData(0);

  let largestStep = 0;
  for (let index = 1; index < rendered.length; index += 1) largestStep = Math.max(largestStep, Math.abs((rendered[index] as number) - (rendered[index - 1] as number)));
  let resumedError = 0;
  for (let index = Math.ceil(curveStart * sampleRate); index < Math.floor((curveStart + curveSeconds) * sampleRate); index += 1) {
    const expected = equalPowerGain(options.direction, fraction + ((1 - fraction) * (index / sampleRate - curveStart)) / curveSeconds);
    resumedError = Math.max(resumedError, Math.abs((rendered[index] as number) - expected));
  }
  return {
    pausedAt,
    resumedAt,
    gain: Array.from(rendered),
    expectedAtPause: equalPowerGain(options.direction, fraction),
    largestStep,
    smoothStep: Math.PI / 2 / (options.fadeSeconds * sampleRate),
    resumedError,
  };
}

export interface MeasuredSignal {
  readonly integratedLufs: Decibels;
  readonly truePeakDbtp: Decibels;
  readonly samplePeakDb: Decibels;
  readonly rmsDb: Decibels;
}

function measure(channels: Channels, settleSeconds: Seconds = 0): MeasuredSignal {
  const from = Math.round(settleSeconds * sampleRate);
  const trimmed = channels.map((channel) => channel.subarray(from));
  return {
    integratedLufs: integratedLufs(trimmed, sampleRate),
    truePeakDbtp: truePeakDbtp(trimmed),
    samplePeakDb: samplePeakDb(trimmed),
    rmsDb: rmsDb(trimmed, sampleRate),
  };
}

/** Generates a test signal and measures it as a library scan would (loudness and true peak). */
function measureSignal(signal: TestSignal, seconds: Seconds): MeasuredSignal {
  const context = new OfflineAudioContext(2, 128, sampleRate);
  return measure(channelsOf(makeBuffer(context, signal, seconds)));
}

export interface StagingOptions {
  readonly loudness: Loudness;
  readonly targetLufs?: Decibels;
  readonly volume?: number;
  /** Let the limiter settle before measuring the output. */
  readonly settleSeconds?: Seconds;
}

export interface StagingResult {
  readonly gain: TrackGain;
  readonly input: MeasuredSignal;
  /** After the track gain alone, before the music bus. */
  readonly afterTrackGain: MeasuredSignal;
  /** What leaves the master: track gain → music bus → limiter → master. */
  readonly output: MeasuredSignal;
}

async function renderThrough(buffer: AudioBuffer, gainDb: Decibels, volume: number, throughChain: boolean): Promise<Channels> {
  const context = new OfflineAudioContext(2, buffer.length, sampleRate);
  const track = createTrackGain(context, gainDb);
  if (throughChain) {
    const chain = createOutputChain(context, volume);
    track.connect(chain.musicBus);
    chain.master.connect(context.destination);
    await chain.limiter;
  } else {
    track.connect(context.destination);
  }
  playBuffer(context, buffer, track);
  return channelsOf(await context.startRendering());
}

/** A buffer through the engine's gain staging, with the gain trackGain() gives for its stored loudness. */
async function stageBuffer(buffer: AudioBuffer, options: StagingOptions): Promise<StagingResult> {
  const gain = trackGain({ loudness: options.loudness }, options.targetLufs);
  const settle = options.settleSeconds ?? 0.5;
  return {
    gain,
    input: measure(channelsOf(buffer), settle),
    afterTrackGain: measure(await renderThrough(buffer, gain.gainDb, options.volume ?? 1, false), settle),
    output: measure(await renderThrough(buffer, gain.gainDb, options.volume ?? 1, true), settle),
  };
}

async function renderStaging(signal: TestSignal, seconds: Seconds, options: StagingOptions): Promise<StagingResult> {
  const context = new OfflineAudioContext(2, 128, sampleRate);
  return stageBuffer(makeBuffer(context, signal, seconds), options);
}

function decode(base64: string, rate: number = sampleRate): Promise<AudioBuffer> {
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  // decodeAudioData resamples to the context's rate, so every file is measured at 48 kHz unless a rate is asked for.
  return new OfflineAudioContext(2, 128, rate).decodeAudioData(bytes.buffer);
}

/** A file's bytes decoded by the browser, then staged like renderStaging. */
async function renderFileStaging(base64: string, options: StagingOptions): Promise<StagingResult> {
  return stageBuffer(await decode(base64), options);
}

export interface FileCrossfadeOptions {
  /** The files' bytes, base64. */
  readonly outgoing: string;
  readonly incoming: string;
  readonly outgoingLoudness: Loudness;
  readonly incomingLoudness: Loudness;
  /** Where the outgoing file is when the render starts. */
  readonly outgoingFrom: Seconds;
  /** The overlap starts this long into the render; the incoming file starts there from 0. */
  readonly fadeAt: Seconds;
  readonly fadeSeconds: Seconds;
  /** Where the steady level after the fade is measured, from `fadeAt` (by default 50 to 250 ms after the fade's end). */
  readonly steadyAfter?: readonly [Seconds, Seconds];
  readonly totalSeconds: Seconds;
  readonly windowSeconds: Seconds;
  /** The render's rate (48 kHz by default): a live output's own, to compare with it (resampling to 44.1 kHz takes the top of a broadband signal). */
  readonly sampleRate?: number;
}

export interface FileCrossfadeResult {
  readonly steadyBeforeDb: Decibels;
  readonly steadyAfterDb: Decibels;
  /** The lowest short-term level whose window centre lies in the overlap. */
  readonly lowestDb: Decibels;
}

/**
 * Two real files crossfading as two decks would, with their track gains, through the chain:
 * what a transition sounds like with sample-exact starts (no media elements, no timers).
 * Steady levels are 200 ms windows ending 50 ms before and starting 50 ms after the overlap.
 */
async function renderFileCrossfade(options: FileCrossfadeOptions): Promise<FileCrossfadeResult> {
  const rate = options.sampleRate ?? sampleRate;
  const [outgoing, incoming] = await Promise.all([decode(options.outgoing, rate), decode(options.incoming, rate)]);
  const context = new OfflineAudioContext(2, Math.round(options.totalSeconds * rate), rate);
  const chain = createOutputChain(context, 1);
  chain.master.connect(context.destination);
  await chain.limiter;
  const deck = (buffer: AudioBuffer, loudness: Loudness, direction: 'in' | 'out') => {
    const track = createTrackGain(context, trackGain({ loudness }).gainDb);
    const gain = context.createGain();
    drawCrossfadeDeck(gain.gain, direction, options.fadeAt, options.fadeSeconds);
    track.connect(gain).connect(chain.musicBus);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(track);
    if (direction === 'in') source.start(options.fadeAt, 0);
    else source.start(0, options.outgoingFrom);
  };
  deck(outgoing, options.outgoingLoudness, 'out');
  deck(incoming, options.incomingLoudness, 'in');
  const rendered = channelsOf(await context.startRendering());
  const fadeEnd = options.fadeAt + options.fadeSeconds;
  const [afterFrom, afterTo] = options.steadyAfter ?? [options.fadeSeconds + 0.05, options.fadeSeconds + 0.25];
  // Windows centred on the fade's start and every 5 ms after it to its end, as the live output is measured: windows
  // laid from the render's start put their first centre 4 ms into the fade and missed the low at its very start.
  const inside: LevelPoint[] = [];
  for (let step = 0; options.fadeAt + step * 0.005 <= fadeEnd + 1e-9; step += 1) {
    const at = options.fadeAt + step * 0.005;
    inside.push({ at, db: rmsDb(rendered, rate, at - options.windowSeconds / 2, at + options.windowSeconds / 2) });
  }
  return {
    steadyBeforeDb: rmsDb(rendered, rate, options.fadeAt - 0.25, options.fadeAt - 0.05),
    steadyAfterDb: rmsDb(rendered, rate, options.fadeAt + afterFrom, options.fadeAt + afterTo),
    lowestDb: Math.min(...inside.map((point) => point.db)),
  };
}

export interface LimiterBurstOptions {
  readonly base: TestSignal;
  readonly burstDb: Decibels;
  readonly burstAt: Seconds;
  readonly burstSeconds: Seconds;
  readonly totalSeconds: Seconds;
}

export interface LimiterBurstResult {
  /** The burst as it reaches the music bus, and as it leaves the master. */
  readonly unlimitedPeakDb: Decibels;
  readonly outputPeakDb: Decibels;
  readonly outputTruePeakDbtp: Decibels;
  /** The first 10 ms of the burst: what the limiter lets through before it acts. */
  readonly outputOnsetPeakDb: Decibels;
  /** The level outside the burst, in and out, to see the limiter's own gain. */
  readonly steadyInDb: Decibels;
  readonly steadyOutDb: Decibels;
}

/** A steady signal that suddenly jumps by `burstDb` for a moment, through the chain. */
async function renderLimiterBurst(options: LimiterBurstOptions): Promise<LimiterBurstResult> {
  const context = new OfflineAudioContext(2, Math.round(options.totalSeconds * sampleRate), sampleRate);
  const buffer = makeBuffer(context, options.base, options.totalSeconds);
  const from = Math.round(options.burstAt * sampleRate);
  const to = Math.round((options.burstAt + options.burstSeconds) * sampleRate);
  for (const channel of channelsOf(buffer)) {
    for (let index = from; index < to; index += 1) channel[index] = (channel[index] as number) * dbToAmplitude(options.burstDb);
  }
  const output = await renderThrough(buffer, 0, 1, true);
  const input = channelsOf(buffer);
  const steadyTo = options.burstAt - 0.05;
  return {
    unlimitedPeakDb: samplePeakDb(input, from, to),
    outputPeakDb: samplePeakDb(output, from, to + Math.round(0.3 * sampleRate)),
    outputTruePeakDbtp: truePeakDbtp(output, from, to + Math.round(0.3 * sampleRate)),
    outputOnsetPeakDb: samplePeakDb(output, from, from + Math.round(0.01 * sampleRate)),
    steadyInDb: rmsDb(input, sampleRate, 0.5, steadyTo),
    steadyOutDb: rmsDb(output, sampleRate, 0.5, steadyTo),
  };
}

export interface LimiterCheckResult {
  /** Which limiter guards the chain: the true-peak worklet, or the compressor fallback. */
  readonly limiterKind: string;
  readonly inputTruePeakDbtp: Decibels;
  readonly outputTruePeakDbtp: Decibels;
  /** The limiter's own reading of its deepest gain reduction over the render. */
  readonly gainReductionDb: Decibels;
  readonly latencyFrames: number;
  /** The largest |output − input| once the output is moved back by the latency (0: passed bit for bit). */
  readonly largestDifference: number;
}

/**
 * A signal through the chain at volume 1 with no track gain: what the master-bus limiter alone
 * does to it. The render runs 100 ms past the signal, so its end leaves the limiter too.
 */
async function renderLimiterCheck(signal: TestSignal, seconds: Seconds): Promise<LimiterCheckResult> {
  const context = new OfflineAudioContext(2, Math.round((seconds + 0.1) * sampleRate), sampleRate);
  const buffer = makeBuffer(context, signal, seconds);
  const chain = createOutputChain(context, 1);
  chain.master.connect(context.destination);
  const limiter = await chain.limiter;
  playBuffer(context, buffer, chain.musicBus);
  const output = channelsOf(await context.startRendering());
  const input = channelsOf(buffer);
  const report = limiter.kind === 'true-peak' ? await readLimiterReport(limiter.node) : { gainReductionDb: -limiter.node.reduction, latencyFrames: 0 };
  let largestDifference = 0;
  for (const [channel, samples] of input.entries()) {
    const out = output[channel] as Float32Array;
    for (let index = 0; index < samples.length && index + report.latencyFrames < out.length; index += 1) {
      largestDifference = Math.max(largestDifference, Math.abs((out[index + report.latencyFrames] as number) - (samples[index] as number)));
    }
  }
  return {
    limiterKind: limiter.kind,
    inputTruePeakDbtp: truePeakDbtp(input),
    outputTruePeakDbtp: truePeakDbtp(output),
    gainReductionDb: report.gainReductionDb,
    latencyFrames: report.latencyFrames,
    largestDifference,
  };
}

/**
 * What the page gets once bundle-audio-harness.ts has bundled this file: renders through the
 * engine's own gain chain, track gain, fades and loudness rule; only the test signals and the
 * measuring are ours.
 */
export const audioHarness = {
  sampleRate,
  renderCrossfade,
  renderResumedFade,
  measureSignal,
  renderStaging,
  renderFileStaging,
  renderLimiterBurst,
  renderLimiterCheck,
  renderFileCrossfade,
};

export type AudioHarness = typeof audioHarness;

declare global {
  interface Window {
    /** Present in a page once the bundled harness is injected (tests only). */
    attuneAudioHarness: AudioHarness;
  }
}

window.attuneAudioHarness = audioHarness;
