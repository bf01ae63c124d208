import type { Decibels, Seconds } from '../units';

export interface LookaheadLimiterOptions {
  /** The true-peak ceiling the output must stay under. */
  readonly ceilingDb: Decibels;
  /** How far ahead the gain starts to fall before a peak; also the attack time and the added latency. */
  readonly lookaheadSeconds: Seconds;
  /** Time constant of the gain's recovery after a peak. */
  readonly releaseSeconds: Seconds;
  readonly channels: number;
  /** Passes quiet blocks through whole instead of measuring each frame: the same output, bit for bit, for less work. Off only to test that. */
  readonly passQuietBlocks: boolean;
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
  static readonly defaults: LookaheadLimiterOptions = { ceilingDb: -1, lookaheadSeconds: 0.005, releaseSeconds: 0.2, channels: 2, passQuietBlocks: true };

  /** Frames between an input frame and its output. */
  readonly latencyFrames: number;
  private readonly ceiling: number;
  private readonly window: number;
  private readonly releaseCoefficient: number;
  /** The three phases' taps interleaved, tap k of phase p at 3k + p. */
  private readonly interleavedTaps: Float64Array;
  /** No interpolated value can exceed this times the largest frame the interpolator reads. */
  private readonly worstCaseGain: number;
  /** Monotonic deque of (frame, largest |sample|) over the interpolator's span, to skip it on quiet stretches. */
  private readonly loudestFrames: Float64Array;
  private readonly loudestValues: Float64Array;
  private loudestHead = 0;
  private loudestTail = 0;
  /** Set after a passed block, whose frames the deque does not hold: rebuilt before the next measured frame. */
  private loudestStale = false;
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
  /** Frames in a row whose released gain was exactly 1: once a window's worth, the moving average is exactly 1 too. */
  private framesAtUnity = 0;
  private readonly passQuietBlocks: boolean;

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
    this.passQuietBlocks = settings.passQuietBlocks;
    const phases = interpolatingPhases();
    this.interleavedTaps = new Float64Array(phases.length * 2 * halfTaps);
    phases.forEach((taps, phase) => taps.forEach((tap, k) => (this.interleavedTaps[k * phases.length + phase] = tap)));
    this.worstCaseGain = Math.max(...phases.map((taps) => taps.reduce((sum, tap) => sum + Math.abs(tap), 0)));
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
    // A block longer than the latency would read frames it writes: rare (low rates), measured frame by frame.
    if (this.passQuietBlocks && frames <= this.latencyFrames && this.canPassThrough(inputs, frames)) {
      this.passThrough(inputs, outputs, frames);
      return;
    }
    if (this.loudestStale) this.rebuildLoudest();
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
          // The three phases in one pass over the history, each frame read once.
          const taps = this.interleavedTaps;
          let first3 = 0;
          let second3 = 0;
          let third3 = 0;
          for (let k = 0, t = 0; k < span; k += 1, t += 3) {
            const value = history[newest - k] as number;
            first3 += (taps[t] as number) * value;
            second3 += (taps[t + 1] as number) * value;
            third3 += (taps[t + 2] as number) * value;
          }
          const magnitude = Math.max(Math.abs(first3), Math.abs(second3), Math.abs(third3));
          if (magnitude > peak) peak = magnitude;
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
      this.framesAtUnity = this.released === 1 ? this.framesAtUnity + 1 : 0;

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

  /**
   * Whether the whole block would pass at unity gain, without measuring each frame: the gain
   * has been exactly 1 for a window (so the hold, release and average all stand at 1), and
   * no sample in the block or in the interpolator's span before it is loud enough for any
   * value between samples to reach the ceiling (a true peak is at most `worstCaseGain` times
   * the largest sample the interpolator reads). The usual case for music under the ceiling.
   */
  private canPassThrough(inputs: readonly Float32Array[], frames: number): boolean {
    if (this.framesAtUnity < this.window || this.previousIntervalNeed !== 1) return false;
    const quietBelow = this.ceiling / this.worstCaseGain;
    if (!this.loudestStale && this.loudestHead !== this.loudestTail && (this.loudestValues[this.loudestHead] as number) > quietBelow) return false;
    for (let channel = 0; channel < this.history.length; channel += 1) {
      const input = inputs[channel];
      if (input === undefined) continue;
      for (let n = 0; n < frames; n += 1) {
        const sample = input[n] as number;
        if (sample > quietBelow || sample < -quietBelow) return false;
      }
    }
    return true;
  }

  /**
   * The block goes through the delay untouched; the rest of the state moves on as the
   * frame-by-frame path would leave it. Copied in runs rather than frame by frame: the block
   * leaves the delay ring as it was written `latencyFrames` frames ago, and only its last
   * `2 × halfTaps` frames are kept for the interpolator.
   */
  private passThrough(inputs: readonly Float32Array[], outputs: readonly Float32Array[], frames: number): void {
    const channels = this.history.length;
    const span = 2 * halfTaps;
    const delayLength = this.latencyFrames + 1;
    for (let channel = 0; channel < channels; channel += 1) {
      const input = inputs[channel];
      const delay = this.delay[channel] as Float32Array;
      const output = outputs[channel];
      // Out first, from the frame after the write position: a block shorter than the latency never reads what it writes.
      if (output !== undefined) copyFromRing(delay, this.delayAt + 1, output, frames);
      copyIntoRing(input, frames, delay, this.delayAt);
      const history = this.history[channel] as Float64Array;
      const kept = Math.min(frames, span);
      let historyAt = (this.historyAt + frames - kept) % span;
      for (let n = frames - kept; n < frames; n += 1) {
        const sample = input === undefined ? 0 : (input[n] as number);
        history[historyAt] = sample;
        history[historyAt + span] = sample;
        historyAt = historyAt + 1 === span ? 0 : historyAt + 1;
      }
    }
    for (let channel = channels; channel < outputs.length; channel += 1) {
      (outputs[channel] as Float32Array).set((outputs[channels - 1] as Float32Array).subarray(0, frames));
    }
    this.historyAt = (this.historyAt + frames) % span;
    this.delayAt = (this.delayAt + frames) % delayLength;
    this.smoothingAt = (this.smoothingAt + frames) % this.window;
    this.smoothingSum = this.window;
    this.frame += frames;
    this.framesAtUnity += frames;
    // Every need in the block was 1: the hold's window holds 1 only. The loudest-sample deque
    // is rebuilt from the history only when a frame is next measured; until then every frame
    // in the span is known to be under the quiet level (the block and the span before it passed).
    this.holdHead = 0;
    this.holdTail = 1;
    this.holdFrames[0] = this.frame - 1;
    this.holdNeeds[0] = 1;
    this.loudestStale = true;
  }

  /** The loudest-sample deque for the interpolator's span ending at the last frame, from the history. */
  private rebuildLoudest(): void {
    const channels = this.history.length;
    const span = 2 * halfTaps;
    this.loudestHead = 0;
    this.loudestTail = 0;
    const newest = this.historyAt + span - 1;
    for (let back = Math.min(span, this.frame) - 1; back >= 0; back -= 1) {
      let loudest = 0;
      for (let channel = 0; channel < channels; channel += 1) {
        const magnitude = Math.abs((this.history[channel] as Float64Array)[newest - back] as number);
        if (magnitude > loudest) loudest = magnitude;
      }
      this.pushLoudest(this.frame - 1 - back, loudest);
    }
    this.loudestStale = false;
  }

  private pushLoudest(frame: number, value: number): void {
    const capacity = 2 * halfTaps + 1;
    while (this.loudestTail !== this.loudestHead) {
      const last = (this.loudestTail - 1 + capacity) % capacity;
      if ((this.loudestValues[last] as number) > value) break;
      this.loudestTail = last;
    }
    this.loudestFrames[this.loudestTail] = frame;
    this.loudestValues[this.loudestTail] = value;
    this.loudestTail = (this.loudestTail + 1) % capacity;
  }

  /** The largest |sample| over the interpolator's span, the newest frame's included (a monotonic deque). */
  private loudestOverSpan(newest: number): number {
    const capacity = 2 * halfTaps + 1;
    this.pushLoudest(this.frame, newest);
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

/** Copies `frames` samples out of `ring` from index `from` on (wrapping) into the start of `target`. */
function copyFromRing(ring: Float32Array, from: number, target: Float32Array, frames: number): void {
  const start = from % ring.length;
  const first = Math.min(frames, ring.length - start);
  target.set(ring.subarray(start, start + first));
  if (first < frames) target.set(ring.subarray(0, frames - first), first);
}

/** Writes the first `frames` samples of `source` (silence when it is missing) into `ring` from index `at` on, wrapping. */
function copyIntoRing(source: Float32Array | undefined, frames: number, ring: Float32Array, at: number): void {
  const first = Math.min(frames, ring.length - at);
  if (source === undefined) {
    ring.fill(0, at, at + first);
    if (first < frames) ring.fill(0, 0, frames - first);
    return;
  }
  ring.set(source.subarray(0, first), at);
  if (first < frames) ring.set(source.subarray(first, frames), 0);
}
