import * as Tone from 'tone';
import type { SoundscapeParams, SoundscapePreset } from '../../../core/playlist';
import { holdToneClock } from '../tone-context';
import { dbToGain, type Seconds } from '../units';
import { chordSemitones, leadVoices, nextChord, semitonesToRatio } from './harmony';
import { musicalDesigns, type MusicalDesign, type MusicalPreset } from './musical-designs';
import { noiseBuffer, type NoiseColor } from './noise-bank';
import { seededRandom, seedFromText } from './seeded-random';

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

  /** Every random choice the bed makes comes from here, so the same seed replays the same bed. */
  protected readonly random: () => number;

  protected constructor(
    readonly preset: SoundscapePreset,
    protected readonly params: SoundscapeParams,
    seed: number,
  ) {
    this.random = seededRandom(seed);
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
    const drift = this.startable(new Tone.LFO({ frequency: 0.011 + this.random() * 0.006, min: 0.97, max: 1.03 }));
    drift.connect(source.playbackRate);
    return source;
  }

  protected lfo(frequency: number, min: number, max: number): Tone.LFO {
    return this.startable(new Tone.LFO({ frequency, min, max, phase: this.random() * 360 }));
  }

  /** Every `everySeconds`, glide `param` to a new random value in [min, max] over most of the interval. */
  protected wander(param: RampableParam, min: number, max: number, everySeconds: number): void {
    this.every(everySeconds, (time) => param.linearRampTo(min + this.random() * (max - min), everySeconds * 0.9, time));
  }

  /** Calls `callback` every `everySeconds` on Tone's transport while the bed plays, with the audio time it is due. */
  protected every(everySeconds: number, callback: (time: Seconds) => void): void {
    const loop = new Tone.Loop(callback, everySeconds);
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
  constructor(params: SoundscapeParams, seed: number) {
    super('breath', params, seed);
  }

  protected build(): void {
    const noise = this.noise('pink');
    const filter = this.track(new Tone.Filter({ type: 'lowpass', frequency: this.brightnessHz(300, 2200), Q: 0.6, rolloff: -24 }));
    const breathGain = this.track(new Tone.Gain(0.5));
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(-16, -2))));
    const breathing = this.lfo(0.085 + this.random() * 0.01, 0.15, 1);
    breathing.connect(breathGain.gain);
    const filterSweep = this.lfo(0.085, this.brightnessHz(200, 1200), this.brightnessHz(500, 3000));
    filterSweep.connect(filter.frequency);
    this.wander(level.gain, dbToGain(this.levelDb(-18, -4)), dbToGain(this.levelDb(-14, -1)), 29);
    noise.chain(filter, breathGain, level, this.output);
  }
}

/** Detuned pads on a root, fifth and octave under a slowly moving low-pass filter. */
class Drone extends Soundscape {
  constructor(params: SoundscapeParams, seed: number) {
    super('drone', params, seed);
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
  constructor(params: SoundscapeParams, seed: number) {
    super('earth', params, seed);
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
  constructor(params: SoundscapeParams, seed: number) {
    super('shimmer', params, seed);
  }

  protected build(): void {
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(-24, -10))));
    const base = 146.83; // D3
    [4, 5, 6, 8, 9, 10].forEach((harmonic, index) => {
      const oscillator = this.startable(new Tone.Oscillator({ frequency: base * harmonic, type: 'sine', detune: (index % 2 === 0 ? 1 : -1) * 3 }));
      const partialGain = this.track(new Tone.Gain(0));
      this.lfo(0.011 + index * 0.0067 + this.random() * 0.003, 0, 0.12).connect(partialGain.gain);
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

/**
 * Harmony that moves: pad voices walk through a key's chords (a seeded walk, each chord held
 * for a random while, the voices gliding to the nearest tones of the next), over an optional
 * noise wash, with optional sparse bell-like notes from the chord sounding. Everything it
 * decides comes from its seed, so a session replays it exactly; the walk never settles into
 * a cycle, so an hour of it does not repeat.
 */
class MusicalBed extends Soundscape {
  constructor(preset: MusicalPreset, params: SoundscapeParams, seed: number) {
    super(preset, params, seed);
  }

  private get design(): MusicalDesign {
    return musicalDesigns[this.preset as MusicalPreset];
  }

  protected build(): void {
    const design = this.design;
    const level = this.track(new Tone.Gain(dbToGain(this.levelDb(design.levelDb[0], design.levelDb[1]))));
    const filter = this.track(new Tone.Filter({ type: 'lowpass', frequency: this.brightnessHz(design.filterHz[0], design.filterHz[1]), Q: 0.5, rolloff: -12 }));
    filter.connect(level);
    level.connect(this.output);
    const hz = (semitones: number) => design.tonicHz * semitonesToRatio(semitones);

    let chord = Math.floor(this.random() * design.progression.chords.length);
    const registers = design.voices.map((voice) => voice.register);
    let pitches = leadVoices(
      design.voices.map((voice) => (voice.register[0] + voice.register[1]) / 2),
      registers,
      chordSemitones(design.progression, chord),
    );
    const oscillators = design.voices.map((voice, index) => {
      const oscillator = this.startable(new Tone.Oscillator({ frequency: hz(pitches[index] as number), type: voice.type, detune: (this.random() - 0.5) * 8 }));
      const voiceGain = this.track(new Tone.Gain(voice.level));
      // Each voice breathes on its own slow cycle, so the texture thins and thickens.
      this.lfo(0.007 + this.random() * 0.012, voice.level * 0.55, voice.level).connect(voiceGain.gain);
      oscillator.chain(voiceGain, filter);
      return oscillator;
    });

    // The walk: checked every few seconds, a new chord once the drawn duration has passed.
    const checkSeconds = 4;
    const drawDuration = () => design.chordSeconds[0] + this.random() * (design.chordSeconds[1] - design.chordSeconds[0]);
    let untilChange = drawDuration();
    this.every(checkSeconds, (time) => {
      untilChange -= checkSeconds;
      if (untilChange > 0) return;
      untilChange = drawDuration();
      chord = nextChord(design.progression, chord, this.random);
      pitches = leadVoices(pitches, registers, chordSemitones(design.progression, chord));
      oscillators.forEach((oscillator, index) => oscillator.frequency.exponentialRampTo(hz(pitches[index] as number), design.glideSeconds, time));
    });

    if (design.wash !== undefined) {
      const wash = design.wash;
      const noise = this.noise(wash.color);
      const washFilter = this.track(new Tone.Filter({ type: 'lowpass', frequency: this.brightnessHz(wash.filterHz * 0.6, wash.filterHz * 1.6), Q: 0.5 }));
      const washGain = this.track(new Tone.Gain(wash.level));
      this.lfo(1 / wash.swellSeconds, wash.level * 0.35, wash.level).connect(washGain.gain);
      noise.chain(washFilter, washGain, level);
    }

    if (design.bells !== undefined) this.buildBells(design.bells, level, () => chordSemitones(design.progression, chord), hz);
  }

  /** Three bell voices taking turns (each rings out long before its next turn), a partial a little over 2.7× up for the bell's colour. */
  private buildBells(bells: NonNullable<MusicalDesign['bells']>, into: Tone.Gain, chordTones: () => number[], hz: (semitones: number) => number): void {
    const voices = Array.from({ length: 3 }, () => {
      const fundamental = this.startable(new Tone.Oscillator({ frequency: 440, type: 'sine' }));
      const partial = this.startable(new Tone.Oscillator({ frequency: 440 * 2.76, type: 'sine' }));
      const partialGain = this.track(new Tone.Gain(0.25));
      const envelope = this.track(new Tone.Gain(0));
      fundamental.connect(envelope);
      partial.chain(partialGain, envelope);
      envelope.connect(into);
      return { fundamental, partial, envelope };
    });
    let turn = 0;
    const drawWait = () => bells.everySeconds[0] + this.random() * (bells.everySeconds[1] - bells.everySeconds[0]);
    let untilBell = drawWait();
    const checkSeconds = 2;
    this.every(checkSeconds, (time) => {
      untilBell -= checkSeconds;
      if (untilBell > 0) return;
      untilBell = drawWait();
      const tones = chordTones();
      const tone = tones[Math.floor(this.random() * tones.length)] as number;
      let pitch = tone;
      while (pitch < bells.register[0]) pitch += 12;
      while (pitch > bells.register[1]) pitch -= 12;
      const voice = voices[turn % voices.length];
      turn += 1;
      if (voice === undefined) return;
      // The voice is silent (its last note rang out a turn ago): its pitch can change at once.
      voice.fundamental.frequency.setValueAtTime(hz(pitch), time);
      voice.partial.frequency.setValueAtTime(hz(pitch) * 2.76, time);
      const peak = bells.level * (0.6 + 0.4 * this.random());
      const gain = voice.envelope.gain;
      gain.cancelScheduledValues(time);
      gain.setValueAtTime(0, time);
      // A soft strike (80 ms), then an exponential ring-out.
      gain.linearRampToValueAtTime(peak, time + 0.08);
      gain.setTargetAtTime(0, time + 0.08, bells.ringSeconds / 5);
    });
  }
}

/**
 * A bed of `preset`; `seed` (default: the params' seed, else one from the preset's name)
 * fixes every random choice it makes, so a session replays exactly.
 */
export function createSoundscape(preset: SoundscapePreset, params: SoundscapeParams, seed: number = params.seed ?? seedFromText(preset)): Soundscape {
  switch (preset) {
    case 'breath':
      return new Breath(params, seed);
    case 'drone':
      return new Drone(params, seed);
    case 'earth':
      return new Earth(params, seed);
    case 'shimmer':
      return new Shimmer(params, seed);
    default:
      return new MusicalBed(preset, params, seed);
  }
}
