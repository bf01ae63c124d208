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

/** One or more params moved together (the stages of a steep filter share a cut-off). */
type ParamGroup = readonly AudioParam[];

interface NativeFilter {
  readonly input: AudioNode;
  readonly output: AudioNode;
  readonly frequency: ParamGroup;
}

/** Points per cycle of a sway: a sine sampled this finely is within 0.2 % of its swing of a true one. */
const swayPointsPerCycle = 64;

/**
 * A generative bed: noise and slow oscillators whose filters and levels sway at unrelated slow
 * rates plus slow random drifts, so nothing repeats on a timescale a listener notices. Output
 * level follows `intensity`; filter cut-offs follow `brightness`.
 *
 * Built of native Web Audio nodes, and cheap on purpose (a bed plays for hours, often on
 * battery): no per-sample oscillator for a drift that takes a minute (sways and drifts are
 * automation scheduled on the param, a cycle at a time), filter cut-offs and oscillator pitches
 * computed once per 128-sample block ('k-rate': a biquad whose cut-off moves per sample
 * recomputes its coefficients per sample), and bell oscillators only while a bell rings.
 * Tone's transport schedules the slow events, so offline renders and the live context agree.
 */
export abstract class Soundscape {
  readonly output: Tone.Gain;
  /** The native context the bed's nodes live in. */
  protected readonly context: BaseAudioContext;
  private readonly loops: Disposable[] = [];
  private readonly loopStarts: { start(time: Seconds): unknown; stop(time: Seconds): unknown }[] = [];
  private readonly nodes: AudioNode[] = [];
  private readonly sources: AudioScheduledSourceNode[] = [];
  /** Notes that ring now (bells): their nodes live only until they have rung out. */
  private readonly ringing = new Set<{ readonly sources: AudioScheduledSourceNode[]; readonly nodes: AudioNode[] }>();
  private started = false;
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
    this.context = this.output.context.rawContext as BaseAudioContext;
    this.build();
  }

  /** Builds the voice graph into `into` (the bed's output); runs once, from the constructor. */
  protected abstract build(): void;

  /** Where the bed's nodes end up. */
  protected get into(): AudioNode {
    return this.output.input;
  }

  private own<T extends AudioNode>(node: T): T {
    this.nodes.push(node);
    return node;
  }

  protected gain(value: number): GainNode {
    const node = this.own(this.context.createGain());
    node.gain.value = value;
    return node;
  }

  /** A filter of `stages` biquads in series (2 is Tone's −24 dB/octave), its cut-off and Q computed once per block. */
  protected filter(type: BiquadFilterType, frequency: number, Q: number, stages = 1): NativeFilter {
    const biquads = Array.from({ length: stages }, () => {
      const biquad = this.own(this.context.createBiquadFilter());
      biquad.type = type;
      for (const param of [biquad.frequency, biquad.Q, biquad.detune, biquad.gain]) param.automationRate = 'k-rate';
      biquad.frequency.value = frequency;
      biquad.Q.value = Q;
      return biquad;
    });
    for (let index = 1; index < biquads.length; index += 1) (biquads[index - 1] as BiquadFilterNode).connect(biquads[index] as BiquadFilterNode);
    return { input: biquads[0] as BiquadFilterNode, output: biquads.at(-1) as BiquadFilterNode, frequency: biquads.map((biquad) => biquad.frequency) };
  }

  protected oscillator(frequency: number, type: OscillatorType, detuneCents = 0): OscillatorNode {
    const oscillator = this.own(this.context.createOscillator());
    oscillator.type = type;
    oscillator.frequency.automationRate = 'k-rate';
    oscillator.detune.automationRate = 'k-rate';
    oscillator.frequency.value = frequency;
    oscillator.detune.value = detuneCents;
    this.sources.push(oscillator);
    return oscillator;
  }

  protected noise(color: NoiseColor): AudioBufferSourceNode {
    const source = this.own(this.context.createBufferSource());
    source.buffer = noiseBuffer(color).get() ?? null;
    source.loop = true;
    this.sources.push(source);
    // Drifting the playback rate keeps the loop point wandering and slightly varies the colour.
    this.sway([source.playbackRate], 0.011 + this.random() * 0.006, 0.97, 1.03, 0);
    return source;
  }

  /**
   * Moves `params` along a sine between `min` and `max`, `frequency` cycles a second, from
   * `phaseDegrees`: one value curve per cycle, scheduled as the cycle begins (a few ms short
   * of the next, so curves never touch).
   */
  protected sway(params: ParamGroup, frequency: number, min: number, max: number, phaseDegrees = this.random() * 360): void {
    const phase = (phaseDegrees * Math.PI) / 180;
    const cycle = Float32Array.from({ length: swayPointsPerCycle + 1 }, (_, index) => min + ((max - min) * (1 + Math.sin((2 * Math.PI * index) / swayPointsPerCycle + phase))) / 2);
    for (const param of params) param.value = cycle[0] as number;
    const periodSeconds = 1 / frequency;
    this.every(periodSeconds, (time) => {
      for (const param of params) param.setValueCurveAtTime(cycle, time, periodSeconds * 0.999);
    });
  }

  /** Every `everySeconds`, glide `params` to a new random value in [min, max] over most of the interval. */
  protected wander(params: ParamGroup, min: number, max: number, everySeconds: number): void {
    let from: number | undefined;
    this.every(everySeconds, (time) => {
      const target = min + this.random() * (max - min);
      for (const param of params) {
        param.setValueAtTime(from ?? param.value, time);
        param.linearRampToValueAtTime(target, time + everySeconds * 0.9);
      }
      from = target;
    });
  }

  /** Calls `callback` every `everySeconds` on Tone's transport while the bed plays, with the audio time it is due. */
  protected every(everySeconds: number, callback: (time: Seconds) => void): void {
    const loop = new Tone.Loop(callback, everySeconds);
    this.loopStarts.push({ start: (time) => loop.start(time), stop: (time) => loop.stop(time) });
    this.loops.push(loop);
  }

  /**
   * A note that rings out (a bell): `build` makes its nodes, ending in the one it answers, which
   * is connected to `into` while it rings; its sources start at `time`, stop at `until`, and
   * every node of it is let go once they have stopped.
   */
  protected ring(into: AudioNode, time: Seconds, until: Seconds, build: (context: BaseAudioContext) => { readonly sources: AudioScheduledSourceNode[]; readonly nodes: AudioNode[]; readonly output: AudioNode }): void {
    if (this.disposed) return;
    const note = build(this.context);
    const ringing = { sources: note.sources, nodes: [...note.nodes, note.output] };
    this.ringing.add(ringing);
    note.output.connect(into);
    const first = note.sources[0];
    if (first !== undefined)
      first.onended = () => {
        this.ringing.delete(ringing);
        for (const node of ringing.nodes) node.disconnect();
      };
    for (const source of note.sources) {
      source.start(time);
      source.stop(until);
    }
  }

  protected levelDb(quietestDb: number, loudestDb: number): number {
    return quietestDb + (loudestDb - quietestDb) * this.params.intensity;
  }

  protected brightnessHz(darkestHz: number, brightestHz: number): number {
    return darkestHz * (brightestHz / darkestHz) ** this.params.brightness;
  }

  start(time: Seconds, fadeInSeconds: Seconds = 4): void {
    this.releaseClock ??= holdToneClock(this.output.context);
    // Native sources start once: a bed is started once, and stop() ends it for good.
    if (!this.started) for (const source of this.sources) source.start(time);
    this.started = true;
    for (const loop of this.loopStarts) loop.start(time);
    this.output.gain.setValueAtTime(0, time);
    this.output.gain.linearRampToValueAtTime(1, time + fadeInSeconds);
  }

  stop(time: Seconds): void {
    this.output.gain.cancelScheduledValues(time);
    this.output.gain.setValueAtTime(0, time);
    for (const loop of this.loopStarts) loop.stop(time);
    if (this.started) for (const source of this.sources) source.stop(time);
    for (const note of this.ringing) for (const source of note.sources) source.stop(time);
    this.releaseClock?.();
    this.releaseClock = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseClock?.();
    for (const loop of this.loops.reverse()) loop.dispose();
    for (const note of this.ringing) {
      for (const source of note.sources) stopIfStarted(source);
      for (const node of note.nodes) node.disconnect();
    }
    this.ringing.clear();
    for (const source of this.sources) stopIfStarted(source);
    for (const node of this.nodes) node.disconnect();
    this.output.dispose();
  }
}

function stopIfStarted(source: AudioScheduledSourceNode): void {
  try {
    source.stop();
  } catch {
    // InvalidStateError: never started, so nothing keeps it alive.
  }
}

/** Slow filtered pink noise that swells and recedes like breathing (about 5–6 breaths a minute). */
class Breath extends Soundscape {
  constructor(params: SoundscapeParams, seed: number) {
    super('breath', params, seed);
  }

  protected build(): void {
    const noise = this.noise('pink');
    const filter = this.filter('lowpass', this.brightnessHz(300, 2200), 0.6, 2);
    const breathGain = this.gain(0.5);
    const level = this.gain(dbToGain(this.levelDb(-16, -2)));
    this.sway([breathGain.gain], 0.085 + this.random() * 0.01, 0.15, 1);
    this.sway(filter.frequency, 0.085, this.brightnessHz(200, 1200), this.brightnessHz(500, 3000));
    this.wander([level.gain], dbToGain(this.levelDb(-18, -4)), dbToGain(this.levelDb(-14, -1)), 29);
    noise.connect(filter.input);
    filter.output.connect(breathGain).connect(level).connect(this.into);
  }
}

/** Detuned pads on a root, fifth and octave under a slowly moving low-pass filter. */
class Drone extends Soundscape {
  constructor(params: SoundscapeParams, seed: number) {
    super('drone', params, seed);
  }

  protected build(): void {
    const root = 73.42; // D2
    const filter = this.filter('lowpass', this.brightnessHz(250, 1600), 0.8);
    const level = this.gain(dbToGain(this.levelDb(-20, -8)));
    const voices: [number, 'sine' | 'triangle' | 'sawtooth', number][] = [
      [root, 'triangle', 0],
      [root, 'sawtooth', -7],
      [root * 1.5, 'triangle', 5],
      [root * 2, 'sine', -3],
      [root * 3, 'sine', 4],
    ];
    voices.forEach(([frequency, type, detuneCents], index) => {
      const oscillator = this.oscillator(frequency, type, detuneCents);
      const voiceGain = this.gain(0.2);
      this.sway([voiceGain.gain], 0.013 + index * 0.0071, 0.05, 0.3);
      this.wander([oscillator.detune], detuneCents - 6, detuneCents + 6, 37 + index * 11);
      oscillator.connect(voiceGain).connect(filter.input);
    });
    this.sway(filter.frequency, 0.021, this.brightnessHz(180, 900), this.brightnessHz(400, 2400));
    filter.output.connect(level).connect(this.into);
  }
}

/** Brown noise, dark and low, with a slow beating drone underneath. */
class Earth extends Soundscape {
  constructor(params: SoundscapeParams, seed: number) {
    super('earth', params, seed);
  }

  protected build(): void {
    const noise = this.noise('brown');
    const noiseFilter = this.filter('lowpass', this.brightnessHz(180, 700), 0.5);
    const noiseGain = this.gain(0.7);
    this.sway([noiseGain.gain], 0.017, 0.5, 0.9);
    this.wander(noiseFilter.frequency, this.brightnessHz(140, 500), this.brightnessHz(260, 900), 41);
    const level = this.gain(dbToGain(this.levelDb(-16, -4)));
    noise.connect(noiseFilter.input);
    noiseFilter.output.connect(noiseGain).connect(level);
    const droneGain = this.gain(0.12);
    this.sway([droneGain.gain], 0.009, 0.08, 0.15);
    for (const frequency of [55, 55.17, 82.5]) this.oscillator(frequency, 'sine').connect(droneGain);
    droneGain.connect(level);
    level.connect(this.into);
  }
}

/** Soft high partials fading in and out on their own slow cycles, with a little air. */
class Shimmer extends Soundscape {
  constructor(params: SoundscapeParams, seed: number) {
    super('shimmer', params, seed);
  }

  protected build(): void {
    const level = this.gain(dbToGain(this.levelDb(-24, -10)));
    const base = 146.83; // D3
    [4, 5, 6, 8, 9, 10].forEach((harmonic, index) => {
      const oscillator = this.oscillator(base * harmonic, 'sine', (index % 2 === 0 ? 1 : -1) * 3);
      const partialGain = this.gain(0);
      this.sway([partialGain.gain], 0.011 + index * 0.0067 + this.random() * 0.003, 0, 0.12);
      oscillator.connect(partialGain).connect(level);
    });
    const air = this.noise('pink');
    const airFilter = this.filter('highpass', this.brightnessHz(2500, 6000), 0.4);
    const airGain = this.gain(0.05);
    this.sway([airGain.gain], 0.023, 0.01, 0.06);
    air.connect(airFilter.input);
    airFilter.output.connect(airGain).connect(level);
    level.connect(this.into);
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
    const level = this.gain(dbToGain(this.levelDb(design.levelDb[0], design.levelDb[1])));
    const filter = this.filter('lowpass', this.brightnessHz(design.filterHz[0], design.filterHz[1]), 0.5);
    filter.output.connect(level).connect(this.into);
    const hz = (semitones: number) => design.tonicHz * semitonesToRatio(semitones);

    let chord = Math.floor(this.random() * design.progression.chords.length);
    const registers = design.voices.map((voice) => voice.register);
    let pitches = leadVoices(
      design.voices.map((voice) => (voice.register[0] + voice.register[1]) / 2),
      registers,
      chordSemitones(design.progression, chord),
    );
    const oscillators = design.voices.map((voice, index) => {
      const oscillator = this.oscillator(hz(pitches[index] as number), voice.type, (this.random() - 0.5) * 8);
      const voiceGain = this.gain(voice.level);
      // Each voice breathes on its own slow cycle, so the texture thins and thickens.
      this.sway([voiceGain.gain], 0.007 + this.random() * 0.012, voice.level * 0.55, voice.level);
      oscillator.connect(voiceGain).connect(filter.input);
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
      const previous = pitches;
      pitches = leadVoices(pitches, registers, chordSemitones(design.progression, chord));
      oscillators.forEach((oscillator, index) => {
        // From where the last glide arrived (each ends long before the next chord).
        oscillator.frequency.setValueAtTime(hz(previous[index] as number), time);
        oscillator.frequency.exponentialRampToValueAtTime(hz(pitches[index] as number), time + design.glideSeconds);
      });
    });

    if (design.wash !== undefined) {
      const wash = design.wash;
      const noise = this.noise(wash.color);
      const washFilter = this.filter('lowpass', this.brightnessHz(wash.filterHz * 0.6, wash.filterHz * 1.6), 0.5);
      const washGain = this.gain(wash.level);
      this.sway([washGain.gain], 1 / wash.swellSeconds, wash.level * 0.35, wash.level);
      noise.connect(washFilter.input);
      washFilter.output.connect(washGain).connect(level);
    }

    if (design.bells !== undefined) this.buildBells(design.bells, level, () => chordSemitones(design.progression, chord), hz);
  }

  /**
   * Sparse bell notes from the chord sounding, a partial a little over 2.7× up for the bell's
   * colour. Each note's oscillators exist only while it rings: a soft strike (80 ms), then an
   * exponential ring-out, stopped once it is 80 dB down.
   */
  private buildBells(bells: NonNullable<MusicalDesign['bells']>, into: AudioNode, chordTones: () => number[], hz: (semitones: number) => number): void {
    const drawWait = () => bells.everySeconds[0] + this.random() * (bells.everySeconds[1] - bells.everySeconds[0]);
    let untilBell = drawWait();
    const checkSeconds = 2;
    const strikeSeconds = 0.08;
    const decaySeconds = bells.ringSeconds / 5;
    this.every(checkSeconds, (time) => {
      untilBell -= checkSeconds;
      if (untilBell > 0) return;
      untilBell = drawWait();
      const tones = chordTones();
      const tone = tones[Math.floor(this.random() * tones.length)] as number;
      let pitch = tone;
      while (pitch < bells.register[0]) pitch += 12;
      while (pitch > bells.register[1]) pitch -= 12;
      const peak = bells.level * (0.6 + 0.4 * this.random());
      // e^−9.2 is 80 dB down: nothing of the note is left to hear.
      const until = time + strikeSeconds + decaySeconds * 9.2;
      this.ring(into, time, until, (context) => {
        const fundamental = new OscillatorNode(context, { type: 'sine', frequency: hz(pitch) });
        const partial = new OscillatorNode(context, { type: 'sine', frequency: hz(pitch) * 2.76 });
        const partialGain = new GainNode(context, { gain: 0.25 });
        const envelope = new GainNode(context, { gain: 0 });
        envelope.gain.setValueAtTime(0, time);
        envelope.gain.linearRampToValueAtTime(peak, time + strikeSeconds);
        envelope.gain.setTargetAtTime(0, time + strikeSeconds, decaySeconds);
        fundamental.connect(envelope);
        partial.connect(partialGain).connect(envelope);
        return { sources: [fundamental, partial], nodes: [fundamental, partial, partialGain], output: envelope };
      });
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
