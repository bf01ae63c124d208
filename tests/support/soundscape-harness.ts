import * as Tone from 'tone';
import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { AudioOutput } from '../../renderer/audio/AudioOutput';
import { createSoundscape, type Soundscape } from '../../renderer/audio/soundscapes/Soundscape';
import { createReverbNode } from '../../renderer/audio/reverb/reverb-node';
import { holdToneClock } from '../../renderer/audio/tone-context';
import { noiseBuffer, type NoiseColor } from '../../renderer/audio/soundscapes/noise-bank';
import { soundscapeTicksPerBeat } from '../../renderer/audio/soundscapes/transport-resolution';
import { dbToGain, type Decibels, type Seconds } from '../../renderer/audio/units';
import { amplitudeToDb, rmsDb, samplePeakDb, shortTermLevels, type LevelPoint } from './audio-measure';
import { detectClicks, fft, spectrum, type ClickReport, type SpectrumSummary } from './soundscape-measure';
import { seededRandom } from './seeded-random';


async function withSeed<T>(seed: number, run: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return await run();
  } finally {
    Math.random = original;
  }
}

/**
 * The bank's buffers are made once per sample rate and page; making them here, from their own
 * seed, keeps them out of the bed's random sequence, so a render does not depend on what the
 * page rendered before.
 */
async function fillNoiseBank(seed: number): Promise<void> {
  await withSeed(seed, () => Promise.resolve([noiseBuffer('pink'), noiseBuffer('brown')]));
}

const channelsOf = (buffer: AudioBuffer): Float32Array[] => Array.from({ length: buffer.numberOfChannels }, (_, index) => buffer.getChannelData(index));

/** AudioOutput's send level to its shared reverb. */
const reverbSendDb = AudioOutput.defaults.reverbSendDb;

export interface RenderOptions {
  readonly preset: SoundscapePreset;
  readonly params: SoundscapeParams;
  readonly seconds: Seconds;
  readonly sampleRate: number;
  /** The bed's seed (Math.random is seeded with it too while the bed is built and its clock is rendered). */
  readonly seed: number;
  readonly startAt?: Seconds;
  readonly fadeInSeconds?: Seconds;
  /** Through AudioOutput's reverb (dry + send → the reverb worklet), rendered in stereo. */
  readonly reverb?: boolean;
  readonly stopAt?: Seconds;
  /** dispose() while the render runs (the render suspends there). */
  readonly disposeAt?: Seconds;
  /** A control: a rectangular pulse added straight to the output, i.e. two sample-level steps. */
  readonly pulse?: { readonly at: Seconds; readonly seconds: Seconds; readonly amplitude: number };
}

interface Rendered {
  readonly channels: Float32Array[];
  readonly renderMs: number;
}

/** Mono unless through the reverb: every preset's sources are mono. */
async function render(options: RenderOptions): Promise<Rendered> {
  const channelCount = options.reverb === true ? 2 : 1;
  const raw = new OfflineAudioContext(channelCount, Math.round(options.seconds * options.sampleRate), options.sampleRate);
  const context = new Tone.OfflineContext(raw);
  const previous = Tone.getContext();
  Tone.setContext(context);
  const held: { dispose(): unknown }[] = [];
  let soundscape: Soundscape | undefined;
  try {
    await fillNoiseBank(options.seed);
    return await withSeed(options.seed, async () => {
      const started = performance.now();
      const bed = createSoundscape(options.preset, options.params, options.seed);
      soundscape = bed;
      if (options.reverb === true) {
        const bus = new Tone.Gain(1);
        const send = new Tone.Gain(dbToGain(reverbSendDb));
        const reverb = await createReverbNode(raw);
        held.push(bus, send, { dispose: () => reverb.disconnect() });
        bed.output.connect(bus);
        bus.connect(context.destination);
        bus.connect(send);
        send.connect(reverb);
        reverb.connect(raw.destination);
      } else {
        bed.output.connect(context.destination);
      }
      // The live transport's resolution, so the glides render as they play.
      context.transport.PPQ = soundscapeTicksPerBeat;
      context.transport.start(0);
      bed.start(options.startAt ?? 0, options.fadeInSeconds ?? 4);
      if (options.stopAt !== undefined) bed.stop(options.stopAt);
      if (options.disposeAt !== undefined) {
        void raw.suspend(options.disposeAt).then(() => {
          bed.dispose();
          return raw.resume();
        });
      }
      if (options.pulse !== undefined) {
        const pulse = raw.createConstantSource();
        pulse.offset.value = options.pulse.amplitude;
        pulse.connect(raw.destination);
        pulse.start(options.pulse.at);
        pulse.stop(options.pulse.at + options.pulse.seconds);
      }
      // The clock (Tone's loops) is rendered synchronously first, then the audio.
      const buffer = await context.render(false);
      return { channels: channelsOf(buffer.get() as AudioBuffer), renderMs: performance.now() - started };
    });
  } finally {
    soundscape?.dispose();
    for (const node of held) node.dispose();
    Tone.setContext(previous);
    context.dispose();
  }
}

export interface AnalyseOptions {
  /** Levels, clicks and spectrum are measured from here (after the fade-in). */
  readonly settledAt: Seconds;
  readonly windowSeconds: Seconds;
  readonly hopSeconds: Seconds;
}

export interface SoundscapeAnalysis {
  readonly renderMs: number;
  readonly sampleRate: number;
  readonly seconds: Seconds;
  readonly rmsDb: Decibels;
  /** Over the whole render, fade-in included. */
  readonly samplePeakDb: Decibels;
  readonly windows: LevelPoint[];
  readonly clicks: ClickReport;
  readonly spectrum: SpectrumSummary;
}

function analyse(rendered: Rendered, sampleRate: number, options: AnalyseOptions): SoundscapeAnalysis {
  const { channels } = rendered;
  const seconds = (channels[0]?.length ?? 0) / sampleRate;
  return {
    renderMs: rendered.renderMs,
    sampleRate,
    seconds,
    rmsDb: rmsDb(channels, sampleRate, options.settledAt),
    samplePeakDb: samplePeakDb(channels),
    windows: shortTermLevels(channels, sampleRate, options.windowSeconds, options.hopSeconds).filter((point) => point.at - options.windowSeconds / 2 >= options.settledAt),
    clicks: detectClicks(channels, sampleRate, options.settledAt),
    spectrum: spectrum(channels, sampleRate, options.settledAt, seconds),
  };
}

async function renderAndAnalyse(options: RenderOptions, analyseOptions: AnalyseOptions): Promise<SoundscapeAnalysis> {
  return analyse(await render(options), options.sampleRate, analyseOptions);
}

export interface RepetitionReport {
  readonly seconds: Seconds;
  /**
   * For the lag (≤ `maxLagSeconds`) at which the bed is most like itself: the mean squared
   * distance between its spectral frames that far apart, over that between frames far apart
   * in general. A loop of that period would give 0 (each frame like the one a loop earlier).
   */
  readonly closestRatio: number;
  readonly closestLagSeconds: Seconds;
  /** The control: the same measure on the render's own first `controlLoopSeconds` after the fade-in, looped over the same length. */
  readonly controlRatio: number;
  readonly controlLagSeconds: Seconds;
}

const controlLoopSeconds = 120;
const settleSeconds = 10;

/**
 * Renders `seconds` of a preset and compares its spectrum, frame by frame (log power in
 * 20 bands from 60 Hz, every half second), with itself `lag` later, for every lag from
 * `minLagSeconds` to `maxLagSeconds`: does it repeat a loop? And the same for a copy that
 * does loop, which must.
 */
async function renderRepetition(options: RenderOptions, minLagSeconds: Seconds, maxLagSeconds: Seconds): Promise<RepetitionReport> {
  const { channels } = await render(options);
  const samples = channels[0] ?? new Float32Array(0);
  const settled = Math.round(settleSeconds * options.sampleRate);
  const loopFrames = Math.round(controlLoopSeconds * options.sampleRate);
  const looped = Float32Array.from(samples, (value, index) => (index < settled ? value : (samples[settled + ((index - settled) % loopFrames)] as number)));
  const measured = selfSimilarity(samples, options.sampleRate, minLagSeconds, maxLagSeconds);
  const control = selfSimilarity(looped, options.sampleRate, minLagSeconds, maxLagSeconds);
  return {
    seconds: samples.length / options.sampleRate,
    closestRatio: measured.ratio,
    closestLagSeconds: measured.lagSeconds,
    controlRatio: control.ratio,
    controlLagSeconds: control.lagSeconds,
  };
}

function selfSimilarity(samples: Float32Array, sampleRate: number, minLagSeconds: Seconds, maxLagSeconds: Seconds): { ratio: number; lagSeconds: Seconds } {
  const hop = Math.round(sampleRate / 2);
  const size = 1024;
  const edges = Array.from({ length: 21 }, (_, index) => 60 * 2 ** (index / 4.2));
  const frames: Float64Array[] = [];
  const real = new Float64Array(size);
  const imaginary = new Float64Array(size);
  const binHz = sampleRate / size;
  // From the end of the fade-in.
  for (let start = Math.round(settleSeconds * sampleRate); start + size <= samples.length; start += hop) {
    for (let index = 0; index < size; index += 1) {
      real[index] = (samples[start + index] as number) * (0.5 - 0.5 * Math.cos((2 * Math.PI * index) / size));
      imaginary[index] = 0;
    }
    fft(real, imaginary);
    const bands = new Float64Array(edges.length - 1);
    for (let bin = 1; bin < size / 2; bin += 1) {
      const hz = bin * binHz;
      for (let band = 0; band < bands.length; band += 1) {
        if (hz >= (edges[band] as number) && hz < (edges[band + 1] as number)) bands[band] = (bands[band] as number) + (real[bin] as number) ** 2 + (imaginary[bin] as number) ** 2;
      }
    }
    frames.push(bands.map((value) => 10 * Math.log10(value + 1e-12)));
  }
  const distance = (a: Float64Array, b: Float64Array) => a.reduce((sum, value, index) => sum + (value - (b[index] as number)) ** 2, 0);
  const meanDistanceAt = (lag: number) => {
    let sum = 0;
    for (let index = 0; index + lag < frames.length; index += 1) sum += distance(frames[index] as Float64Array, frames[index + lag] as Float64Array);
    return sum / (frames.length - lag);
  };
  // Frames far apart in general: every lag from 10 to 20 minutes, sampled.
  const farLags = Array.from({ length: 20 }, (_, index) => Math.round((600 + index * 30) * 2)).filter((lag) => lag < frames.length / 2);
  const far = farLags.reduce((sum, lag) => sum + meanDistanceAt(lag), 0) / farLags.length;
  let closestRatio = Number.POSITIVE_INFINITY;
  let closestLag = 0;
  for (let lag = minLagSeconds * 2; lag <= maxLagSeconds * 2; lag += 1) {
    const ratio = meanDistanceAt(lag) / far;
    if (ratio < closestRatio) {
      closestRatio = ratio;
      closestLag = lag;
    }
  }
  return { ratio: closestRatio, lagSeconds: closestLag / 2 };
}

/**
 * When a glide loop like the presets' (Tone.Loop on the context's transport, at the live
 * transport's resolution) fires over `seconds` of an offline render, in seconds.
 */
async function glideLoopTimes(everySeconds: Seconds, seconds: Seconds): Promise<number[]> {
  const context = new Tone.OfflineContext(1, seconds, 8000);
  const previous = Tone.getContext();
  Tone.setContext(context);
  const fired: number[] = [];
  try {
    context.transport.PPQ = soundscapeTicksPerBeat;
    const loop = new Tone.Loop((time) => fired.push(time), everySeconds);
    context.transport.start(0);
    loop.start(0);
    await context.render(false);
    loop.dispose();
    return fired;
  } finally {
    Tone.setContext(previous);
    context.dispose();
  }
}

/** Offline render time of one preset (default parameters) or of a plain Tone.Oscillator, for the bench. */
async function timeRender(source: SoundscapePreset | 'oscillator', seconds: Seconds, sampleRate: number): Promise<number> {
  if (source !== 'oscillator') return (await render({ preset: source, params: { intensity: 0.5, brightness: 0.5 }, seconds, sampleRate, seed: 1 })).renderMs;
  const context = new Tone.OfflineContext(1, seconds, sampleRate);
  const previous = Tone.getContext();
  Tone.setContext(context);
  try {
    const started = performance.now();
    const oscillator = new Tone.Oscillator({ frequency: 220, type: 'sine', volume: -20 }).connect(context.destination).start(0);
    await context.render(false);
    const elapsed = performance.now() - started;
    oscillator.dispose();
    return elapsed;
  } finally {
    Tone.setContext(previous);
    context.dispose();
  }
}

export interface PulseControlResult {
  readonly localRmsDb: Decibels;
  readonly pulseDb: Decibels;
  readonly clean: ClickReport;
  readonly withPulse: ClickReport;
}

/**
 * The detector's control: the same seeded render twice, once clean and once with a 100 ms
 * pulse `relativeDb` under the bed's level around `at` added to the output.
 */
async function renderPulseControl(options: RenderOptions, at: Seconds, relativeDb: Decibels, settledAt: Seconds): Promise<PulseControlResult> {
  const clean = await render(options);
  const localRmsDb = rmsDb(clean.channels, options.sampleRate, at - 0.5, at + 0.5);
  const amplitude = dbToGain(localRmsDb + relativeDb);
  const withPulse = await render({ ...options, pulse: { at, seconds: 0.1, amplitude } });
  return {
    localRmsDb,
    pulseDb: amplitudeToDb(amplitude),
    clean: detectClicks(clean.channels, options.sampleRate, settledAt),
    withPulse: detectClicks(withPulse.channels, options.sampleRate, settledAt),
  };
}

export interface StopResult {
  readonly beforeDb: Decibels;
  /** Sample peak from the stop (or dispose) to the end. */
  readonly afterPeakDb: Decibels;
}

async function renderStop(options: RenderOptions, silentFrom: Seconds): Promise<StopResult> {
  const { channels } = await render(options);
  return {
    beforeDb: rmsDb(channels, options.sampleRate, silentFrom - 2, silentFrom),
    afterPeakDb: samplePeakDb(channels, Math.ceil(silentFrom * options.sampleRate)),
  };
}

export interface NoiseLoopOptions {
  readonly color: NoiseColor;
  /** Seeds the bank's noise if this is the page's first render at this sample rate. */
  readonly seed: number;
  readonly sampleRate: number;
  readonly playbackRate: number;
  /** The control: loop a stretch of the same buffer whose ends the bank never smoothed, at its worst. */
  readonly rawSeam: boolean;
}

export interface NoiseLoopResult {
  readonly seamAt: Seconds;
  readonly clicks: ClickReport;
}

/** The bank's noise buffer looped by a plain buffer source, starting so that the wrap comes 1 s into the render. */
async function renderNoiseLoop(options: NoiseLoopOptions): Promise<NoiseLoopResult> {
  const seconds = 3;
  const raw = new OfflineAudioContext(1, seconds * options.sampleRate, options.sampleRate);
  const context = new Tone.OfflineContext(raw);
  const previous = Tone.getContext();
  Tone.setContext(context);
  try {
    await fillNoiseBank(options.seed);
    const buffer = noiseBuffer(options.color).get() as AudioBuffer;
    const source = raw.createBufferSource();
    source.buffer = buffer;
    source.loop = true;
    source.playbackRate.value = options.playbackRate;
    let loopEnd = buffer.duration;
    if (options.rawSeam) {
      // The worst wrap an unsmoothed loop could make: from the sample in the second half farthest
      // from the loudest sample of the first half, straight back to that sample.
      const samples = buffer.getChannelData(0);
      const half = Math.floor(samples.length / 2);
      let from = 0;
      for (let index = 0; index < half; index += 1) if (Math.abs(samples[index] as number) > Math.abs(samples[from] as number)) from = index;
      let to = half;
      for (let index = half; index < samples.length; index += 1) {
        if (Math.abs((samples[index] as number) - (samples[from] as number)) > Math.abs((samples[to] as number) - (samples[from] as number))) to = index;
      }
      source.loopStart = from / buffer.sampleRate;
      loopEnd = (to + 1) / buffer.sampleRate;
      source.loopEnd = loopEnd;
    }
    source.connect(raw.destination);
    source.start(0, loopEnd - options.playbackRate);
    const channels = channelsOf(await raw.startRendering());
    return { seamAt: 1, clicks: detectClicks(channels, options.sampleRate) };
  } finally {
    Tone.setContext(previous);
    context.dispose();
  }
}

export type RealtimeSource = SoundscapePreset | 'oscillator' | 'none';

let live: { output: AudioOutput; source: Soundscape | Tone.Oscillator | undefined; releaseReverb: (() => void) | undefined } | undefined;

/** Real time, as the app runs: the app's AudioOutput (its context, limiter and shared reverb), started. */
async function openRealtime(): Promise<{ sampleRate: number }> {
  await closeRealtime();
  // The reverb leaves a second after the last soundscape (the app keeps it 30 s for the tail), so a test sees the graph at rest soon.
  const output = new AudioOutput({ volume: 0.8, reverbLingerMs: 1000 });
  await output.start();
  live = { output, source: undefined, releaseReverb: undefined };
  return { sampleRate: output.context.sampleRate };
}

/** Replaces what plays on the soundscape bus (stopping and disposing the last): a preset, a plain Tone.Oscillator, or nothing. */
function playRealtime(source: RealtimeSource, params: SoundscapeParams): void {
  if (live === undefined) throw new Error('openRealtime() first');
  const { output } = live;
  live.source?.stop(output.currentTime);
  live.source?.dispose();
  live.source = undefined;
  live.releaseReverb?.();
  live.releaseReverb = undefined;
  if (source === 'oscillator') {
    live.source = new Tone.Oscillator({ frequency: 220, type: 'sine', volume: -20 }).connect(output.soundscapeBus).start();
    // As a soundscape would: the bus's reverb (and Tone's clock) run for it, so it is the bus's cost on any sound.
    live.releaseReverb = holdToneClock(Tone.getContext());
  } else if (source !== 'none') {
    const soundscape = createSoundscape(source, params);
    soundscape.output.connect(output.soundscapeBus);
    soundscape.start(output.currentTime + 0.05, 1);
    live.source = soundscape;
  }
}

/** The output at rest (its context suspended), or started again; answers the context's state. */
async function restRealtime(rest: boolean): Promise<AudioContextState | 'closed'> {
  if (live === undefined) return 'closed';
  await (rest ? live.output.rest() : live.output.start());
  return live.output.context.state;
}

function realtimeTime(): Seconds {
  return live?.output.currentTime ?? Number.NaN;
}

function realtimeLevelDb(): Decibels {
  return live?.output.outputLevelDb() ?? Number.NEGATIVE_INFINITY;
}

async function closeRealtime(): Promise<void> {
  if (live === undefined) return;
  const { output, source, releaseReverb } = live;
  live = undefined;
  releaseReverb?.();
  source?.dispose();
  output.dispose();
  await output.context.close().catch(() => undefined);
}

/**
 * What the page gets once bundle-soundscape-harness.ts has bundled this file: the presets
 * as the app builds them, rendered offline, and the measures the tests and bench apply.
 */
export const soundscapeHarness = {
  renderAndAnalyse,
  renderRepetition,
  timeRender,
  renderPulseControl,
  renderStop,
  renderNoiseLoop,
  openRealtime,
  playRealtime,
  realtimeLevelDb,
  restRealtime,
  realtimeTime,
  closeRealtime,
  glideLoopTimes,
};

export type SoundscapeHarness = typeof soundscapeHarness;

declare global {
  interface Window {
    /** Present in a page once the bundled harness is injected (tests and bench only). */
    attuneSoundscapeHarness: SoundscapeHarness;
  }
}

window.attuneSoundscapeHarness = soundscapeHarness;
