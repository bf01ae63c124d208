import type { Decibels, Seconds } from '../units';

export interface LookaheadLimiterOptions {
  /** The true-peak ceiling the output must stay under. */
  readonly ceilingDb: Decibels;
  /** How far ahead the gain starts to fall before a peak; also the attack time and the added latency. */
  readonly lookaheadSeconds: Seconds;
  /** Time constant of the gain's recovery after a peak. */
  readonly releaseSeconds: Seconds;
  readonly channels: number;
}

/** Frames each side of an interval the interpolator reads: 48 taps per phase. */
const halfTaps = 24;
const oversampling = 4;
const ceilingMarginDb = 0.05;

/**
 * Blackman-windowed sinc taps for the three values between two frames of a 4× upsampler,
 * each phase normalised to unity at DC. Longer than BS.1770's example filter (12 taps per
 * phase), which reads peaks of content near the top of the band up to 1.5 dB low.
 */
function interpolatingPhases(): Float64Array[] {
  return Array.from({ length: oversampling - 1 }, (_, phaseIndex) => {
    const offset = (phaseIndex + 1) / oversampling;
    const taps = new Float64Array(2 * halfTaps);
    let sum = 0;
    for (let tap = 0; tap < taps.length; tap += 1) {
      const distance = tap - (halfTaps - 1) - offset;
      const sinc = Math.sin(Math.PI * distance) / (Math.PI * distance);
      const position = (distance + halfTaps) / (2 * halfTaps);
      const blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * position) + 0.08 * Math.cos(4 * Math.PI * position);
      taps[tap] = sinc * blackman;
      sum += taps[tap] as number;
    }
    // Reversed, so tap k weighs the frame k frames before the newest.
    return taps.map((tap) => tap / sum).reverse();
  });
}

/**
 * A look-ahead true-peak limiter for the master bus, sample by sample (the audio worklet feeds
 * it 128 frames at a time). Each input frame's peak, between samples too (4× oversampled),
 * sets the gain it needs; the gain is the minimum of those needs held over the look-ahead,
 * released slowly, then smoothed by a moving average as long as the look-ahead, and applied
 * to the input delayed by as much. Held over the window and averaged over the same window,
 * the gain at every frame is at most what that frame needs, so the ceiling holds without
 * clipping, while a signal that never reaches the ceiling passes bit for bit (gain exactly 1).
 * Channels are linked: one gain for all, so the stereo image does not move.
 */
export class LookaheadLimiter {
  static readonly defaults: LookaheadLimiterOptions = { ceilingDb: -1, lookaheadSeconds: 0.005, releaseSeconds: 0.2, channels: 2 };

  /** Frames between an input frame and its output. */
  readonly latencyFrames: number;
  private readonly ceiling: number;
  private readonly window: number;
  private readonly releaseCoefficient: number;
  private readonly phases: Float64Array[];
  /** No interpolated value can exceed this times the largest frame the interpolator reads. */
  private readonly worstCaseGain: number;
  /** Monotonic deque of (frame, largest |sample|) over the interpolator's span, to skip it on quiet stretches. */
  private readonly loudestFrames: Float64Array;
  private readonly loudestValues: Float64Array;
  private loudestHead = 0;
  private loudestTail = 0;
  /** The last `2 × halfTaps` input frames per channel, for the interpolator (a ring, written twice over). */
  private readonly history: Float64Array[];
  private historyAt = 0;
  /** Input delayed by the latency, per channel (a ring). */
  private readonly delay: Float32Array[];
  private delayAt = 0;
  /** Gain needed by each interval between samples, the previous one kept to cover both its ends. */
  private previousIntervalNeed = 1;
  /** Monotonic deque of (frame, need) for the minimum over the hold window. */
  private readonly holdFrames: Float64Array;
  private readonly holdNeeds: Float64Array;
  private holdHead = 0;
  private holdTail = 0;
  private frame = 0;
  private released = 1;
  /** The last `window` released gains (a ring) and their running sum, for the moving average. */
  private readonly smoothing: Float64Array;
  private smoothingAt = 0;
  private smoothingSum: number;
  private smallestGain = 1;

  constructor(
    readonly sampleRate: number,
    options: Partial<LookaheadLimiterOptions> = {},
  ) {
    const settings = { ...LookaheadLimiter.defaults, ...options };
    // Aimed 0.05 dB under the ceiling: the gain differs slightly between neighbouring samples
    // and the output is rounded to 32-bit floats, which moves the peaks between them by ~0.001 dB.
    this.ceiling = 10 ** ((settings.ceilingDb - ceilingMarginDb) / 20);
    this.window = Math.max(1, Math.round(settings.lookaheadSeconds * sampleRate));
    this.releaseCoefficient = 1 - Math.exp(-1 / (settings.releaseSeconds * sampleRate));
    this.phases = interpolatingPhases();
    this.worstCaseGain = Math.max(...this.phases.map((taps) => taps.reduce((sum, tap) => sum + Math.abs(tap), 0)));
    // The interpolator sees `halfTaps` frames past the interval it reports on.
    this.latencyFrames = this.window - 1 + halfTaps;
    this.history = Array.from({ length: settings.channels }, () => new Float64Array(4 * halfTaps));
    this.loudestFrames = new Float64Array(2 * halfTaps + 1);
    this.loudestValues = new Float64Array(2 * halfTaps + 1);
    this.delay = Array.from({ length: settings.channels }, () => new Float32Array(this.latencyFrames + 1));
    this.holdFrames = new Float64Array(this.window + 1);
    this.holdNeeds = new Float64Array(this.window + 1);
    this.smoothing = new Float64Array(this.window).fill(1);
    this.smoothingSum = this.window;
  }

  /** The deepest gain reduction since the last call, in dB (0 when nothing was limited); for meters and tests. */
  takeGainReductionDb(): Decibels {
    const db = this.smallestGain >= 1 ? 0 : -20 * Math.log10(this.smallestGain);
    this.smallestGain = 1;
    return db;
  }

  /**
   * Limits `frames` frames from `inputs` into `outputs` (one array per channel; a missing input
   * channel is silence). Inputs and outputs may be the same arrays.
   */
  process(inputs: readonly Float32Array[], outputs: readonly Float32Array[], frames: number): void {
    const channels = this.history.length;
    const span = 2 * halfTaps;
    const delayLength = this.latencyFrames + 1;
    for (let n = 0; n < frames; n += 1) {
      // The newest frame joins the history; the interval between the frames `halfTaps` and
      // `halfTaps - 1` before it is measured: its first sample and three values after it.
      const at = this.historyAt;
      const newest = at + span;
      let loudest = 0;
      for (let channel = 0; channel < channels; channel += 1) {
        const history = this.history[channel] as Float64Array;
        const sample = inputs[channel]?.[n] ?? 0;
        // Written twice, so the last `span` frames always lie in one run: history[newest - k].
        history[at] = sample;
        history[newest] = sample;
        (this.delay[channel] as Float32Array)[this.delayAt] = sample;
        const magnitude = Math.abs(sample);
        if (magnitude > loudest) loudest = magnitude;
      }
      let peak = 0;
      // Only where the interpolator's span is loud enough for a value between frames to pass the ceiling.
      if (this.loudestOverSpan(loudest) * this.worstCaseGain > this.ceiling) {
        for (let channel = 0; channel < channels; channel += 1) {
          const history = this.history[channel] as Float64Array;
          const first = Math.abs(history[newest - halfTaps] as number);
          if (first > peak) peak = first;
          for (let phase = 0; phase < this.phases.length; phase += 1) {
            const taps = this.phases[phase] as Float64Array;
            let value = 0;
            for (let k = 0; k < span; k += 1) value += (taps[k] as number) * (history[newest - k] as number);
            const magnitude = Math.abs(value);
            if (magnitude > peak) peak = magnitude;
          }
        }
      }
      this.historyAt = (at + 1) % span;
      const intervalNeed = peak > this.ceiling ? this.ceiling / peak : 1;
      // A frame ends one interval and starts the next: it needs what either needs.
      const need = Math.min(intervalNeed, this.previousIntervalNeed);
      this.previousIntervalNeed = intervalNeed;

      const held = this.hold(need);
      this.released = held < this.released ? held : this.released + (held - this.released) * this.releaseCoefficient;
      // Recovered to within a part in 10^7: exactly unity again, so quiet music passes untouched.
      if (this.released > 1 - 1e-7) this.released = 1;

      const leaving = this.smoothing[this.smoothingAt] as number;
      this.smoothing[this.smoothingAt] = this.released;
      this.smoothingAt = (this.smoothingAt + 1) % this.window;
      this.smoothingSum += this.released - leaving;
      // Re-summed once per window, so rounding never drifts; and unity is exact when all are 1.
      if (this.smoothingAt === 0) {
        let sum = 0;
        for (let index = 0; index < this.window; index += 1) sum += this.smoothing[index] as number;
        this.smoothingSum = sum;
      }
      const gain = this.smoothingSum >= this.window ? 1 : this.smoothingSum / this.window;
      if (gain < this.smallestGain) this.smallestGain = gain;

      const outAt = (this.delayAt + 1) % delayLength;
      for (let channel = 0; channel < outputs.length; channel += 1) {
        const delayed = (this.delay[Math.min(channel, channels - 1)] as Float32Array)[outAt] as number;
        (outputs[channel] as Float32Array)[n] = gain === 1 ? delayed : delayed * gain;
      }
      this.delayAt = outAt;
      this.frame += 1;
    }
  }

  /** The largest |sample| over the interpolator's span, the newest frame's included (a monotonic deque). */
  private loudestOverSpan(newest: number): number {
    const capacity = 2 * halfTaps + 1;
    while (this.loudestTail !== this.loudestHead) {
      const last = (this.loudestTail - 1 + capacity) % capacity;
      if ((this.loudestValues[last] as number) > newest) break;
      this.loudestTail = last;
    }
    this.loudestFrames[this.loudestTail] = this.frame;
    this.loudestValues[this.loudestTail] = newest;
    this.loudestTail = (this.loudestTail + 1) % capacity;
    while ((this.loudestFrames[this.loudestHead] as number) <= this.frame - 2 * halfTaps) this.loudestHead = (this.loudestHead + 1) % capacity;
    return this.loudestValues[this.loudestHead] as number;
  }

  /** The smallest need over the last `window` frames (a monotonic deque: O(1) amortised). */
  private hold(need: number): number {
    const capacity = this.window + 1;
    while (this.holdTail !== this.holdHead) {
      const last = (this.holdTail - 1 + capacity) % capacity;
      if ((this.holdNeeds[last] as number) < need) break;
      this.holdTail = last;
    }
    this.holdFrames[this.holdTail] = this.frame;
    this.holdNeeds[this.holdTail] = need;
    this.holdTail = (this.holdTail + 1) % capacity;
    while ((this.holdFrames[this.holdHead] as number) <= this.frame - this.window) this.holdHead = (this.holdHead + 1) % capacity;
    return this.holdNeeds[this.holdHead] as number;
  }
}
