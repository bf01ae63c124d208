import type { LoudnessEstimate } from '../../core/loudness';
import { LoudnessMeter } from '../../core/loudness-meter';
import { TypedEmitter } from '../../core/typed-emitter';
import { Timers } from './Timers';

export interface LoudnessEstimatorOptions {
  /** How much of each file's opening is read: 1.5 MB is about a minute of a 192 kb/s mp3, 10 s of a flac. */
  readonly excerptBytes: number;
  /** Decoded at this rate (the meter weights any rate alike). */
  readonly sampleRate: number;
  /** Frames measured between yields, so the screen never waits long on the meter. */
  readonly framesPerSlice: number;
}

export interface EstimatedFile {
  readonly id: string;
  readonly url: string;
}

export interface LoudnessEstimatorEvents extends Record<string, unknown> {
  estimated: { readonly id: string; readonly estimate: LoudnessEstimate };
  /** Nothing could be read (not decodable from its opening, silent, unreachable): the blind guess stays. */
  unestimated: { readonly id: string; readonly reason: string };
}

/**
 * Quick loudness estimates for files that carry none, taken while a session plays: each
 * file's opening is fetched (one Range request), decoded and put through the EBU R128
 * meter, one file at a time, in the order they will play. React-free; `dispose()` stops the
 * work in progress.
 */
export class LoudnessEstimator extends TypedEmitter<LoudnessEstimatorEvents> {
  static readonly defaults: LoudnessEstimatorOptions = { excerptBytes: 1_500_000, sampleRate: 48_000, framesPerSlice: 48_000 };

  private readonly options: LoudnessEstimatorOptions;
  private readonly estimates = new Map<string, LoudnessEstimate>();
  private readonly abort = new AbortController();
  private readonly timers = new Timers();

  constructor(options: Partial<LoudnessEstimatorOptions> = {}) {
    super();
    this.options = { ...LoudnessEstimator.defaults, ...options };
  }

  get(id: string): LoudnessEstimate | undefined {
    return this.estimates.get(id);
  }

  /** Estimates the files in turn; resolves when all are done (or the estimator is disposed). */
  async estimateAll(files: readonly EstimatedFile[]): Promise<void> {
    for (const file of files) {
      if (this.abort.signal.aborted) return;
      if (this.estimates.has(file.id)) continue;
      try {
        const estimate = await this.estimate(file.url);
        if (this.abort.signal.aborted) return;
        this.estimates.set(file.id, estimate);
        this.emit('estimated', { id: file.id, estimate });
      } catch (error) {
        if (this.abort.signal.aborted) return;
        this.emit('unestimated', { id: file.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  private async estimate(url: string): Promise<LoudnessEstimate> {
    const { signal } = this.abort;
    const response = await fetch(url, { headers: { range: `bytes=0-${this.options.excerptBytes - 1}` }, signal });
    if (!response.ok) throw new Error(`the file could not be read (HTTP ${response.status})`);
    const bytes = await response.arrayBuffer();
    // An offline context decodes without touching the output; its own length does not matter.
    const decoder = new OfflineAudioContext(1, 1, this.options.sampleRate);
    const audio = await decoder.decodeAudioData(bytes);
    const meter = new LoudnessMeter(audio.sampleRate, audio.numberOfChannels);
    const channels = Array.from({ length: audio.numberOfChannels }, (_, index) => audio.getChannelData(index));
    for (let from = 0; from < audio.length; from += this.options.framesPerSlice) {
      const to = Math.min(audio.length, from + this.options.framesPerSlice);
      meter.push(channels.map((channel) => channel.subarray(from, to)));
      // A minute of audio takes a while to meter: give the page its turn between seconds.
      await this.timers.wait(0);
      if (signal.aborted) throw new Error('stopped');
    }
    const result = meter.result();
    if (result.integratedLufs <= -70) throw new Error('its opening is silent');
    return { integratedLufs: result.integratedLufs, truePeakDbtp: result.truePeakDbtp, excerptSeconds: audio.duration };
  }

  dispose(): void {
    this.abort.abort();
    this.timers.dispose();
    this.removeAllListeners();
  }
}
