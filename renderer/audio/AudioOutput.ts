import { Howler } from 'howler';
import * as Tone from 'tone';
import { dbToGain, gainToDb, type Decibels, type Seconds } from './units';

export interface AudioOutputOptions {
  /** Master volume, 0–1. */
  readonly volume: number;
  /** Feeds the shared reverb from the soundscape bus. */
  readonly reverbSendDb: Decibels;
}

/**
 * The one AudioContext and the gain chain every sound passes through:
 * decks → music bus (pause/quiet fades) → safety limiter → master (volume) → output,
 * with an analyser on the master so the app can see what actually reaches the listener.
 * Soundscape decks go through a soundscape bus that feeds the one shared reverb.
 */
export class AudioOutput {
  static readonly defaults: AudioOutputOptions = { volume: 0.8, reverbSendDb: -6 };

  readonly context: AudioContext;
  readonly musicBus: GainNode;
  readonly soundscapeBus: Tone.Gain;
  private readonly limiter: DynamicsCompressorNode;
  private readonly master: GainNode;
  private readonly analyser: AnalyserNode;
  private readonly reverb: Tone.Reverb;
  private readonly reverbSend: Tone.Gain;
  private readonly levelBuffer: Float32Array<ArrayBuffer>;
  private disposed = false;

  constructor(options: Partial<AudioOutputOptions> = {}) {
    const settings = { ...AudioOutput.defaults, ...options };
    this.context = new AudioContext({ latencyHint: 'playback' });
    Tone.setContext(this.context);
    // Howler must never suspend the shared context behind our back during a quiet passage.
    Howler.autoSuspend = false;

    this.musicBus = this.context.createGain();
    this.limiter = this.context.createDynamicsCompressor();
    this.limiter.threshold.value = -3;
    this.limiter.knee.value = 0;
    this.limiter.ratio.value = 20;
    this.limiter.attack.value = 0.002;
    this.limiter.release.value = 0.25;
    this.master = this.context.createGain();
    this.master.gain.value = settings.volume;
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.levelBuffer = new Float32Array(this.analyser.fftSize);

    this.musicBus.connect(this.limiter);
    this.limiter.connect(this.master);
    this.master.connect(this.context.destination);
    this.master.connect(this.analyser);

    this.soundscapeBus = new Tone.Gain(1);
    this.reverbSend = new Tone.Gain(dbToGain(settings.reverbSendDb));
    this.reverb = new Tone.Reverb({ decay: 9, preDelay: 0.04, wet: 1 });
    this.soundscapeBus.connect(this.musicBus);
    this.soundscapeBus.connect(this.reverbSend);
    this.reverbSend.connect(this.reverb);
    this.reverb.connect(this.musicBus);
    Tone.getTransport().start();
  }

  /** Resolves when the context runs and the reverb's impulse response is ready. */
  async start(): Promise<void> {
    await Tone.start();
    if (this.context.state !== 'running') await this.context.resume();
    await this.reverb.ready;
  }

  get currentTime(): Seconds {
    return this.context.currentTime;
  }

  /** RMS level of what reaches the output right now, in dBFS (−Infinity when silent). */
  outputLevelDb(): Decibels {
    this.analyser.getFloatTimeDomainData(this.levelBuffer);
    let sumOfSquares = 0;
    for (const sample of this.levelBuffer) sumOfSquares += sample * sample;
    return gainToDb(Math.sqrt(sumOfSquares / this.levelBuffer.length));
  }

  setVolume(volume: number, rampSeconds: Seconds = 0.3): void {
    const target = Math.min(1, Math.max(0, volume));
    const now = this.context.currentTime;
    this.master.gain.cancelScheduledValues(now);
    this.master.gain.setValueAtTime(this.master.gain.value, now);
    this.master.gain.linearRampToValueAtTime(target, now + rampSeconds);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Tone.getTransport().stop();
    this.reverb.dispose();
    this.reverbSend.dispose();
    this.soundscapeBus.dispose();
    this.musicBus.disconnect();
    this.limiter.disconnect();
    this.master.disconnect();
    void this.context.close();
  }
}
