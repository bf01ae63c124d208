import type { Seconds } from '../units';

export interface FeedbackDelayReverbOptions {
  /** Time for the tail to fall by 60 dB (at low frequencies; highs fall faster). */
  readonly decaySeconds: Seconds;
  readonly preDelaySeconds: Seconds;
  /** 0–1: how much faster the highs die away than the lows. */
  readonly damping: number;
}

/** Eight lines of mutually prime lengths (ms), spread so their echoes do not pile up. */
const lineMilliseconds = [29.7, 37.1, 41.1, 43.7, 53.3, 59.9, 67.9, 79.3];
const lineCount = lineMilliseconds.length;
/** What one pass through the orthonormal 8×8 Hadamard mix scales by. */
const hadamardScale = 1 / Math.sqrt(lineCount);
/** Input below this (about −200 dBFS) counts as silence for the bypass. */
const silence = 1e-10;

/**
 * The soundscape bus's shared reverb: an eight-line feedback delay network (Hadamard mix, a
 * low-pass in each line for a darker tail), sample by sample (the audio worklet feeds it 128
 * frames at a time). Some 60 operations a frame where the 5 s convolution it replaces cost a
 * few percent of a core; and once its input has been silent for longer than its tail, it
 * does nothing at all until sound comes again, so music with no soundscape pays nothing.
 * Mono in (the channels summed), stereo out (different lines on each side).
 */
export class FeedbackDelayReverb {
  static readonly defaults: FeedbackDelayReverbOptions = { decaySeconds: 4, preDelaySeconds: 0.04, damping: 0.35 };

  private readonly lines: Float32Array[];
  private readonly lineAt: Int32Array;
  private readonly feedbackGains: Float64Array;
  private readonly lowpassStates: Float64Array;
  private readonly lowpassCoefficient: number;
  private readonly preDelay: Float32Array;
  private preDelayAt = 0;
  private readonly mixed = new Float64Array(lineCount);
  private readonly outputScale: number;
  /** Frames of silent input in a row; past `tailFrames` the network is empty and skipped. */
  private silentFrames = 0;
  private readonly tailFrames: number;
  private resting = true;

  constructor(
    readonly sampleRate: number,
    options: Partial<FeedbackDelayReverbOptions> = {},
  ) {
    const settings = { ...FeedbackDelayReverb.defaults, ...options };
    this.lines = lineMilliseconds.map((ms) => new Float32Array(Math.max(1, Math.round((ms / 1000) * sampleRate))));
    this.lineAt = new Int32Array(lineCount);
    // Each pass through a line of d frames falls by 60 dB × d / (decay × rate).
    this.feedbackGains = Float64Array.from(this.lines, (line) => 10 ** ((-3 * line.length) / (settings.decaySeconds * sampleRate)));
    this.lowpassStates = new Float64Array(lineCount);
    this.lowpassCoefficient = Math.min(0.95, Math.max(0, settings.damping));
    this.preDelay = new Float32Array(Math.max(1, Math.round(settings.preDelaySeconds * sampleRate)));
    // A loop of gain g holds 1 / (1 − g²) of its input's power; four lines a side, averaged.
    const meanSquare = this.feedbackGains.reduce((sum, gain) => sum + gain * gain, 0) / lineCount;
    this.outputScale = Math.sqrt((1 - meanSquare) / (lineCount / 2));
    this.tailFrames = Math.ceil((settings.decaySeconds + settings.preDelaySeconds) * sampleRate * 1.5);
  }

  /** Whether the last block was skipped: the input silent for longer than the tail. */
  get isResting(): boolean {
    return this.resting;
  }

  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], frames: number): void {
    if (this.inputIsSilent(inputs, frames)) {
      this.silentFrames += frames;
      if (this.silentFrames > this.tailFrames) {
        if (!this.resting) this.clear();
        for (const output of outputs) output.fill(0, 0, frames);
        return;
      }
    } else {
      this.silentFrames = 0;
    }
    this.resting = false;
    const left = outputs[0];
    const right = outputs[1] ?? outputs[0];
    const lines = this.lines;
    const lineAt = this.lineAt;
    const mixed = this.mixed;
    const damping = this.lowpassCoefficient;
    const channels = inputs.length;
    for (let n = 0; n < frames; n += 1) {
      let sample = 0;
      for (let channel = 0; channel < channels; channel += 1) sample += (inputs[channel] as Float32Array)[n] as number;
      if (channels > 1) sample /= channels;
      const delayed = this.preDelay[this.preDelayAt] as number;
      this.preDelay[this.preDelayAt] = sample;
      this.preDelayAt = this.preDelayAt + 1 === this.preDelay.length ? 0 : this.preDelayAt + 1;
      // Each line's output, damped.
      for (let line = 0; line < lineCount; line += 1) {
        const out = (lines[line] as Float32Array)[lineAt[line] as number] as number;
        const state = (this.lowpassStates[line] as number) * damping + out * (1 - damping);
        this.lowpassStates[line] = state;
        mixed[line] = state;
      }
      let outLeft = 0;
      let outRight = 0;
      for (let line = 0; line < lineCount; line += 2) {
        outLeft += mixed[line] as number;
        outRight += mixed[line + 1] as number;
      }
      hadamard8(mixed);
      for (let line = 0; line < lineCount; line += 1) {
        const buffer = lines[line] as Float32Array;
        const at = lineAt[line] as number;
        buffer[at] = delayed + (mixed[line] as number) * hadamardScale * (this.feedbackGains[line] as number);
        lineAt[line] = at + 1 === buffer.length ? 0 : at + 1;
      }
      if (left !== undefined) left[n] = outLeft * this.outputScale;
      if (right !== undefined && right !== left) right[n] = outRight * this.outputScale;
    }
  }

  private inputIsSilent(inputs: readonly Float32Array[], frames: number): boolean {
    for (const input of inputs) {
      for (let n = 0; n < frames; n += 1) {
        const sample = input[n] as number;
        if (sample > silence || sample < -silence) return false;
      }
    }
    return true;
  }

  /** What is left after the tail is under −90 dB: dropped, so the next sound starts from silence, as from a fresh reverb. */
  private clear(): void {
    this.resting = true;
    for (const line of this.lines) line.fill(0);
    this.lowpassStates.fill(0);
    this.preDelay.fill(0);
  }
}

/** The unnormalised 8-point fast Walsh–Hadamard transform, in place. */
function hadamard8(values: Float64Array): void {
  for (let size = 1; size < lineCount; size *= 2) {
    for (let start = 0; start < lineCount; start += size * 2) {
      for (let index = start; index < start + size; index += 1) {
        const a = values[index] as number;
        const b = values[index + size] as number;
        values[index] = a + b;
        values[index + size] = a - b;
      }
    }
  }
}
