import type { LoudnessMeasurement } from '../../../core/library';
import { LoudnessMeter } from '../../../core/loudness-meter';
import type { Seconds } from '../units';
import { PlatformDecodeError } from './byte-source';

/** The part of WebCodecs' AudioData read here (unit tests hand in plain objects). */
export interface DecodedAudio {
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  copyTo(destination: Float32Array, options: { planeIndex: number; format: 'f32-planar' }): void;
}

export interface ProgrammeSpan {
  /** Decoded audio to drop at the start (the encoder's priming). */
  readonly skipSeconds: Seconds;
  /** How much to keep after that; undefined keeps everything. */
  readonly keepSeconds: Seconds | undefined;
}

/**
 * Feeds decoder output, chunk by chunk, into the host's own loudness meter (core/loudness-meter,
 * the one the worker threads use), keeping only the programme: the priming before it and the
 * padding after it are dropped as ffmpeg (and so loudgain) drops them. Memory stays one chunk's
 * worth whatever the file's length.
 */
export class DecodedAudioMeter {
  private meter: LoudnessMeter | undefined;
  private framesSeen = 0;
  private skipFrames = 0;
  private keepUntilFrame = Number.POSITIVE_INFINITY;
  private scratch: Float32Array[] = [];

  constructor(private readonly span: ProgrammeSpan) {}

  push(audio: DecodedAudio): void {
    const frames = audio.numberOfFrames;
    if (frames === 0) return;
    const meter = this.meterFor(audio);
    const from = Math.max(0, this.skipFrames - this.framesSeen);
    const to = Math.min(frames, this.keepUntilFrame - this.framesSeen);
    this.framesSeen += frames;
    if (to <= from) return;
    const channels = Array.from({ length: audio.numberOfChannels }, (_, planeIndex) => {
      let plane = this.scratch[planeIndex];
      if (plane === undefined || plane.length < frames) {
        plane = new Float32Array(Math.max(frames, 4096));
        this.scratch[planeIndex] = plane;
      }
      audio.copyTo(plane.subarray(0, frames), { planeIndex, format: 'f32-planar' });
      return plane.subarray(from, to);
    });
    meter.push(channels);
  }

  /** The measurement of the programme; fails when the decoder produced none of it. */
  result(): LoudnessMeasurement {
    if (this.meter === undefined || this.framesSeen <= this.skipFrames) throw new PlatformDecodeError('No audio could be decoded from this file; it is empty or damaged.');
    return this.meter.result();
  }

  private meterFor(audio: DecodedAudio): LoudnessMeter {
    const existing = this.meter;
    if (existing !== undefined) {
      if (existing.sampleRate !== audio.sampleRate || existing.channelCount !== audio.numberOfChannels) {
        throw new PlatformDecodeError(
          `The audio format changes part-way through the file (${existing.sampleRate} Hz, ${existing.channelCount} channels to ${audio.sampleRate} Hz, ${audio.numberOfChannels} channels); the file is damaged.`,
        );
      }
      return existing;
    }
    // The decoder's rate, not the container's: HE-AAC decodes to twice the rate its header names.
    const meter = new LoudnessMeter(audio.sampleRate, audio.numberOfChannels);
    this.meter = meter;
    this.skipFrames = Math.round(this.span.skipSeconds * audio.sampleRate);
    if (this.span.keepSeconds !== undefined) this.keepUntilFrame = this.skipFrames + Math.round(this.span.keepSeconds * audio.sampleRate);
    return meter;
  }
}
