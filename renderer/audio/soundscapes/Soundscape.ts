import * as Tone from 'tone';
import type { SoundscapeParams, SoundscapePreset } from '../../../core/playlist';
import { holdToneClock } from '../tone-context';
import { dbToGain, type Seconds } from '../units';
import { noiseBuffer, type NoiseColor } from './noise-bank';

interface Disposable {
  dispose(): unknown;
}

interface RampableParam {
  linearRampTo(value: number, rampTime: Seconds, startTime?: Seconds): unknown;
}

/**
 * A generative bed: noise and slow oscillators whose filters and levels are moved by LFOs
 * at unrelated rates plus slow random drifts, so nothing repeats on a timescale a
 * listener notices. Output level follows `intensity`; filter cut-offs follow `brightness`.
 */
export abstract class Soundscape {
  readonly output: Tone.Gain;
  private readonly resources: Disposable[] = [];
  private readonly startables: { start(time?: Seconds): unknown; stop(time?: Seconds): unknown }[] = [];
  private readonly constantSources: ConstantSourceNode[];
  private disposed = false;
  private releaseClock: (() => void) | undefined;

  protected constructor(
    readonly preset: SoundscapePreset,
    protected readonly params: SoundscapeParams,
  ) {
    this.output = new Tone.Gain(0);
    this.constantSources = collectConstantSources(this.output.context, () => this.build());
  }

  /** Builds the voice graph into `output`; runs once, from the constructor. */
  protected abstract build(): void;

  protected track<T extends Disposable>(resource: T): T {
    this.resources.push(resource);
    return resource;
  }

  protected startable<T extends Disposable & { start(time?: Seconds): unknown; stop(time?: Seconds): unknown }>(node: T): T {
    this.startables.push(node);
    return this.track(node);
  }

  protected noise(color: NoiseColor): Tone.ToneBufferSource {
    const source = this.startable(new Tone.ToneBufferSource({ url: noiseBuffer(color), loop: true }));
    // Drifting the playback rate keeps the loop point wandering and slightly varies the colour.
    const drift = this.startable(new Tone.LFO({ frequency: 0.011 + Math.random() * 0.006, min: 0.97, max: 1.03 }));
    drift.connect(source.playbackRate);
    return source;
  }

  protected lfo(frequency: number, min: number, max: number): Tone.LFO {
    return this.startable(new Tone.LFO({ frequency, min, max, phase: Math.random() * 360 }));
  }

  /** Every `everySeconds`, glide `param` to a new random value in [min, max] over most of the interval. */
  protected wander(param: RampableParam, min: number, max: number, everySeconds: number): void {
    const loop = new Tone.Loop((time) => {
      param.linearRampTo(min + Math.random() * (max - min), everySeconds * 0.9, time);
    }, everySeconds);
    this.startables.push({ start: (time) => loop.start(time), stop: (time) => loop.stop(time) });
    this.track(loop);
  }

  protected levelDb(quietestDb: number, loudestDb: number): number {
    return quietestDb + (loudestDb - quietestDb) * this.params.intensity;
  }

  protected brightnessHz(darkestHz: number, brightestHz: number): number {
    return darkestHz * (brightestHz / darkestHz) ** this.params.brightness;
  }

  start(time: Seconds, fadeInSeconds: Seconds = 4): void {
    this.releaseClock ??= holdToneClock(this.output.context);
    for (const node of this.startables) node.start(time);
    this.output.gain.setValueAtTime(0, time);
    this.output.gain.linearRampToValueAtTime(1, time + fadeInSeconds);
  }

  stop(time: Seconds): void {
    this.output.gain.cancelScheduledValues(time);
    this.output.gain.setValueAtTime(0, time);
    for (const node of this.startables) node.stop(time);
    this.releaseClock?.();
    this.releaseClock = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseClock?.();
    for (const resource of this.resources.reverse()) resource.dispose();
    this.output.dispose();
    for (const source of this.constantSources) stopIfStarted(source);
  }
}

/**
 * Tone (15.5) never stops the native ConstantSourceNode behind a disposed Signal (its
 * deferred stop finds the source already "stopped" by its own clock and returns), so every
 * Signal, Oscillator, LFO and Filter leaves a running node behind: about 25–70 per
 * soundscape, each adding to the audio thread's work for the rest of the session. The nodes
 * Tone creates while a preset builds are collected here and stopped on dispose. On a live
 * context that is not running yet Tone creates them only once it runs, out of reach here;
 * the app builds soundscapes after AudioOutput.start().
 */
function collectConstantSources(context: Tone.BaseContext, build: () => void): ConstantSourceNode[] {
  const created: ConstantSourceNode[] = [];
  const create = context.createConstantSource;
  context.createConstantSource = () => {
    const source = create.call(context);
    created.push(source);
    return source;
  };
  try {
    build();
  } finally {
    context.createConstantSource = create;
  }
  return created;
}

function stopIfStarted(source: ConstantSourceNode): void {
  try {
    source.stop();
  } catch {
    // InvalidStateError: never started, so nothing keeps it alive.
  }
  source.disconnect();
}

/** Slow filtered pink noise that swells and recedes like breathing (about 5–6 breaths a minute). */
class Breath extends Soundscape {
  constructor(params: SoundscapeParams) {
    super('breath', params);
  }

  protected build(): void {
    const noise = this.noise('pink');
    const filter = this.track(new Tone.Filter({ type: 'lowpass', frequency: this.brightnessHz(300, 2200), Q: 0.6, rolloff: -24 }));
    const breathGain = this.track(new Tone.Gain(0.5));
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(-16, -2))));
    const breathing = this.lfo(0.085 + Math.random() * 0.01, 0.15, 1);
    breathing.connect(breathGain.gain);
    const filterSweep = this.lfo(0.085, this.brightnessHz(200, 1200), this.brightnessHz(500, 3000));
    filterSweep.connect(filter.frequency);
    this.wander(level.gain, dbToGain(this.levelDb(-18, -4)), dbToGain(this.levelDb(-14, -1)), 29);
    noise.chain(filter, breathGain, level, this.output);
  }
}

/** Detuned pads on a root, fifth and octave under a slowly moving low-pass filter. */
class Drone extends Soundscape {
  constructor(params: SoundscapeParams) {
    super('drone', params);
  }

  protected build(): void {
    const root = 73.42; // D2
    const filter = this.track(new Tone.Filter({ type: 'lowpass', frequency: this.brightnessHz(250, 1600), Q: 0.8, rolloff: -12 }));
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(-20, -8))));
    const voices: [number, 'sine' | 'triangle' | 'sawtooth', number][] = [
      [root, 'triangle', 0],
      [root, 'sawtooth', -7],
      [root * 1.5, 'triangle', 5],
      [root * 2, 'sine', -3],
      [root * 3, 'sine', 4],
    ];
    voices.forEach(([frequency, type, detuneCents], index) => {
      const oscillator = this.startable(new Tone.Oscillator({ frequency, type, detune: detuneCents }));
      const voiceGain = this.track(new Tone.Gain(0.2));
      this.lfo(0.013 + index * 0.0071, 0.05, 0.3).connect(voiceGain.gain);
      this.wander(oscillator.detune, detuneCents - 6, detuneCents + 6, 37 + index * 11);
      oscillator.chain(voiceGain, filter);
    });
    this.lfo(0.021, this.brightnessHz(180, 900), this.brightnessHz(400, 2400)).connect(filter.frequency);
    filter.chain(level, this.output);
  }
}

/** Brown noise, dark and low, with a slow beating drone underneath. */
class Earth extends Soundscape {
  constructor(params: SoundscapeParams) {
    super('earth', params);
  }

  protected build(): void {
    const noise = this.noise('brown');
    const noiseFilter = this.track(new Tone.Filter({ type: 'lowpass', frequency: this.brightnessHz(180, 700), Q: 0.5 }));
    const noiseGain = this.track(new Tone.Gain(0.7));
    this.lfo(0.017, 0.5, 0.9).connect(noiseGain.gain);
    this.wander(noiseFilter.frequency, this.brightnessHz(140, 500), this.brightnessHz(260, 900), 41);
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(-16, -4))));
    noise.chain(noiseFilter, noiseGain, level);
    const droneGain = this.track(new Tone.Gain(0.12));
    this.lfo(0.009, 0.08, 0.15).connect(droneGain.gain);
    for (const frequency of [55, 55.17, 82.5]) {
      this.startable(new Tone.Oscillator({ frequency, type: 'sine' })).connect(droneGain);
    }
    droneGain.connect(level);
    level.connect(this.output);
  }
}

/** Soft high partials fading in and out on their own slow cycles, with a little air. */
class Shimmer extends Soundscape {
  constructor(params: SoundscapeParams) {
    super('shimmer', params);
  }

  protected build(): void {
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(-24, -10))));
    const base = 146.83; // D3
    [4, 5, 6, 8, 9, 10].forEach((harmonic, index) => {
      const oscillator = this.startable(new Tone.Oscillator({ frequency: base * harmonic, type: 'sine', detune: (index % 2 === 0 ? 1 : -1) * 3 }));
      const partialGain = this.track(new Tone.Gain(0));
      this.lfo(0.011 + index * 0.0067 + Math.random() * 0.003, 0, 0.12).connect(partialGain.gain);
      oscillator.chain(partialGain, level);
    });
    const air = this.noise('pink');
    const airFilter = this.track(new Tone.Filter({ type: 'highpass', frequency: this.brightnessHz(2500, 6000), Q: 0.4 }));
    const airGain = this.track(new Tone.Gain(0.05));
    this.lfo(0.023, 0.01, 0.06).connect(airGain.gain);
    air.chain(airFilter, airGain, level);
    level.connect(this.output);
  }
}

export function createSoundscape(preset: SoundscapePreset, params: SoundscapeParams): Soundscape {
  switch (preset) {
    case 'breath':
      return new Breath(params);
    case 'drone':
      return new Drone(params);
    case 'earth':
      return new Earth(params);
    case 'shimmer':
      return new Shimmer(params);
  }
}
