import * as Tone from 'tone';
import type { SoundscapeParams, SoundscapePreset } from '../../core/playlist';
import { AudioOutput } from '../../renderer/audio/AudioOutput';
import { createSoundscape, type Soundscape } from '../../renderer/audio/soundscapes/Soundscape';
import { createReverbNode } from '../../renderer/audio/reverb/reverb-node';
import { noiseBuffer, type NoiseColor } from '../../renderer/audio/soundscapes/noise-bank';
import { soundscapeTicksPerBeat } from '../../renderer/audio/soundscapes/transport-resolution';
import { dbToGain, type Decibels, type Seconds } from '../../renderer/audio/units';
import { amplitudeToDb, rmsDb, samplePeakDb, shortTermLevels, type LevelPoint } from './audio-measure';
import { detectClicks, spectrum, type ClickReport, type SpectrumSummary } from './soundscape-measure';
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
  /** Seeds Math.random while the bed is built and its clock is rendered. */
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
      const bed = createSoundscape(options.preset, options.params);
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

let live: { output: AudioOutput; source: Soundscape | Tone.Oscillator | undefined } | undefined;

/** Real time, as the app runs: the app's AudioOutput (its context, limiter and shared reverb), started. */
async function openRealtime(): Promise<{ sampleRate: number }> {
  await closeRealtime();
  const output = new AudioOutput({ volume: 0.8 });
  await output.start();
  live = { output, source: undefined };
  return { sampleRate: output.context.sampleRate };
}

/** Replaces what plays on the soundscape bus (stopping and disposing the last): a preset, a plain Tone.Oscillator, or nothing. */
function playRealtime(source: RealtimeSource, params: SoundscapeParams): void {
  if (live === undefined) throw new Error('openRealtime() first');
  const { output } = live;
  live.source?.stop(output.currentTime);
  live.source?.dispose();
  live.source = undefined;
  if (source === 'oscillator') {
    live.source = new Tone.Oscillator({ frequency: 220, type: 'sine', volume: -20 }).connect(output.soundscapeBus).start();
  } else if (source !== 'none') {
    const soundscape = createSoundscape(source, params);
    soundscape.output.connect(output.soundscapeBus);
    soundscape.start(output.currentTime + 0.05, 1);
    live.source = soundscape;
  }
}

function realtimeLevelDb(): Decibels {
  return live?.output.outputLevelDb() ?? Number.NEGATIVE_INFINITY;
}

async function closeRealtime(): Promise<void> {
  if (live === undefined) return;
  const { output, source } = live;
  live = undefined;
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
  timeRender,
  renderPulseControl,
  renderStop,
  renderNoiseLoop,
  openRealtime,
  playRealtime,
  realtimeLevelDb,
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
