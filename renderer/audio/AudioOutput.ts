import { Howler } from 'howler';
import * as Tone from 'tone';
import { TypedEmitter } from '../../core/typed-emitter';
import { createOutputChain, rampTo, type OutputLimiter } from './gain-chain';
import { readLimiterReport } from './limiter/limiter-node';
import { createReverbNode, loadReverbModule, retireReverbNode } from './reverb/reverb-node';
import { soundscapeTicksPerBeat } from './soundscapes/transport-resolution';
import { restToneClock, retireToneContext, shareContextWithHowler, watchToneClock } from './tone-context';
import { dbToGain, gainToDb, type Decibels, type Seconds } from './units';

interface AudioContextWithSink {
  setSinkId?(sinkId: string): Promise<void>;
}

export interface AudioOutputEvents extends Record<string, unknown> {
  /** The chosen output device disappeared; sound now goes to the system default. */
  'device-lost': { readonly deviceId: string };
}

export interface AudioOutputOptions {
  /** Master volume, 0–1. */
  readonly volume: number;
  /** Feeds the shared reverb from the soundscape bus. */
  readonly reverbSendDb: Decibels;
  /** How long the reverb stays after the last soundscape stopped: its tail (a few seconds) rings out whole. */
  readonly reverbLingerMs: number;
}

/**
 * The one AudioContext and the gain chain every sound passes through:
 * decks → music bus (pause/quiet fades) → safety limiter → master (volume) → output,
 * with an analyser on the master so the app can see what actually reaches the listener.
 * Soundscape decks go through a soundscape bus that feeds the one shared reverb while any sounds.
 */
export class AudioOutput extends TypedEmitter<AudioOutputEvents> {
  static readonly defaults: AudioOutputOptions = { volume: 0.8, reverbSendDb: -6, reverbLingerMs: 30_000 };

  readonly context: AudioContext;
  readonly musicBus: GainNode;
  readonly soundscapeBus: Tone.Gain;
  /** A bed that plays while the music is quiet: it bypasses the music bus, which quiet fades out. */
  readonly bedBus: GainNode;
  private readonly limiterInput: GainNode;
  private readonly limiter: Promise<OutputLimiter>;
  private readonly master: GainNode;
  private readonly analyser: AnalyserNode;
  /** The programme before the facilitator's volume: what the silence watchdog reads. */
  private readonly programAnalyser: AnalyserNode;
  /**
   * The soundscapes' shared reverb (a worklet), only while a soundscape sounds and for its
   * tail after: a live worklet node costs the audio thread work 375 times a second even with
   * nothing to do (1.5–2 % of a core during a file-only set). Undefined while none sounds;
   * resolves to undefined where it cannot load (the beds then play dry).
   */
  private reverb: Promise<AudioWorkletNode | undefined> | undefined;
  /** Whether the reverb's module loaded; the first soundscape then gets its reverb at once. */
  private readonly reverbModule: Promise<boolean>;
  private reverbRetireTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly reverbLingerMs: number;
  private readonly stopWatchingSoundscapes: () => void;
  private readonly reverbSend: Tone.Gain;
  private readonly levelBuffer: Float32Array<ArrayBuffer>;
  private disposed = false;
  private limiterFallbackReported = false;

  private sinkId = '';
  private readonly onDeviceChange = () => void this.checkDevice();

  constructor(options: Partial<AudioOutputOptions> = {}) {
    super();
    const settings = { ...AudioOutput.defaults, ...options };
    this.reverbLingerMs = settings.reverbLingerMs;
    this.context = new AudioContext({ latencyHint: 'playback' });
    retireToneContext();
    Tone.setContext(this.context);
    restToneClock(Tone.getContext());
    shareContextWithHowler(this.context);
    // Howler must never suspend the shared context behind our back during a quiet passage.
    Howler.autoSuspend = false;

    const chain = createOutputChain(this.context, settings.volume);
    this.musicBus = chain.musicBus;
    this.limiterInput = chain.limiterInput;
    this.limiter = chain.limiter;
    this.master = chain.master;
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.levelBuffer = new Float32Array(this.analyser.fftSize);

    this.master.connect(this.context.destination);
    this.master.connect(this.analyser);
    this.programAnalyser = this.context.createAnalyser();
    this.programAnalyser.fftSize = this.analyser.fftSize;
    this.limiterInput.connect(this.programAnalyser);

    this.bedBus = this.context.createGain();
    this.bedBus.connect(this.limiterInput);
    this.soundscapeBus = new Tone.Gain(1);
    this.reverbSend = new Tone.Gain(dbToGain(settings.reverbSendDb));
    this.soundscapeBus.connect(this.musicBus);
    this.soundscapeBus.connect(this.reverbSend);
    this.reverbModule = loadReverbModule(this.context).then(
      () => true,
      (error: unknown) => {
        console.error(`Attune: the soundscape reverb could not load (${error instanceof Error ? error.message : String(error)}); soundscapes play dry`);
        return false;
      },
    );
    this.stopWatchingSoundscapes = watchToneClock(Tone.getContext(), (sounding) => (sounding ? this.wakeReverb() : this.retireReverbLater()));
    Tone.getTransport().PPQ = soundscapeTicksPerBeat;
    Tone.getTransport().start();
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
  }

  /** Sends the sound to an output device ('' = the system default). Resolves false if it cannot. */
  async setOutputDevice(deviceId: string): Promise<boolean> {
    const context = this.context as AudioContext & AudioContextWithSink;
    if (context.setSinkId === undefined) return deviceId === '';
    try {
      await context.setSinkId(deviceId);
      this.sinkId = deviceId;
      return true;
    } catch {
      await context.setSinkId('').catch(() => undefined);
      this.sinkId = '';
      return false;
    }
  }

  private async checkDevice(): Promise<void> {
    if (this.sinkId === '' || navigator.mediaDevices === undefined) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    if (devices.some((device) => device.kind === 'audiooutput' && device.deviceId === this.sinkId)) return;
    const lost = this.sinkId;
    await this.setOutputDevice('');
    this.emit('device-lost', { deviceId: lost });
  }

  /** Resolves when the context runs and the limiter and the reverb are in place. */
  async start(): Promise<void> {
    await Tone.start();
    if (this.context.state !== 'running') await this.context.resume();
    const limiter = await this.limiter;
    if (limiter.kind === 'compressor' && !this.limiterFallbackReported) {
      this.limiterFallbackReported = true;
      console.error(`Attune: the true-peak limiter could not load (${limiter.reason}); a compressor guards the output instead`);
    }
    await this.reverbModule;
  }

  /** Whether the soundscapes' reverb is in the graph now (diagnostics and tests). */
  reverbRunning(): boolean {
    return this.reverb !== undefined;
  }

  private wakeReverb(): void {
    clearTimeout(this.reverbRetireTimer);
    this.reverbRetireTimer = undefined;
    if (this.reverb !== undefined || this.disposed) return;
    this.reverb = this.reverbModule.then(async (loaded) => {
      if (!loaded) return undefined;
      const reverb = await createReverbNode(this.context);
      this.reverbSend.connect(reverb);
      reverb.connect(this.musicBus);
      return reverb;
    });
  }

  /** The last soundscape stopped: its fade and the reverb's tail ring out first. */
  private retireReverbLater(): void {
    clearTimeout(this.reverbRetireTimer);
    this.reverbRetireTimer = setTimeout(() => this.retireReverb(), this.reverbLingerMs);
  }

  private retireReverb(): void {
    clearTimeout(this.reverbRetireTimer);
    this.reverbRetireTimer = undefined;
    const reverb = this.reverb;
    this.reverb = undefined;
    void reverb?.then((node) => {
      if (node === undefined) return;
      // After dispose() the send is gone already (disposing disconnected it).
      if (!this.disposed) this.reverbSend.disconnect(node);
      retireReverbNode(node);
    });
  }

  /**
   * Nothing is left to play (the live session was closed): the context is suspended, so the
   * audio device, the limiter and the reverb stop working until the next start() resumes it.
   */
  async rest(): Promise<void> {
    if (this.context.state === 'running') await this.context.suspend();
  }

  /** Which limiter guards the output, and the deepest gain reduction since the last reading (0 dB with the compressor fallback). */
  async limiterReading(): Promise<{ readonly kind: OutputLimiter['kind']; readonly gainReductionDb: Decibels }> {
    const limiter = await this.limiter;
    if (limiter.kind === 'compressor') return { kind: limiter.kind, gainReductionDb: -limiter.node.reduction };
    return { kind: limiter.kind, gainReductionDb: (await readLimiterReport(limiter.node)).gainReductionDb };
  }

  get currentTime(): Seconds {
    return this.context.currentTime;
  }

  /** RMS level of what reaches the output right now, in dBFS (−Infinity when silent). */
  outputLevelDb(): Decibels {
    return this.rmsDb(this.analyser);
  }

  /**
   * RMS level of the programme before the master volume, in dBFS: whether something is
   * playing, whatever the facilitator's volume (a low volume is not a silent track).
   */
  programLevelDb(): Decibels {
    return this.rmsDb(this.programAnalyser);
  }

  private rmsDb(analyser: AnalyserNode): Decibels {
    analyser.getFloatTimeDomainData(this.levelBuffer);
    let sumOfSquares = 0;
    // An indexed loop: read nine times a second, this code stays unoptimised, where a for-of
    // allocates an iterator result for each of the 2048 samples.
    for (let index = 0; index < this.levelBuffer.length; index += 1) {
      const sample = this.levelBuffer[index] as number;
      sumOfSquares += sample * sample;
    }
    return gainToDb(Math.sqrt(sumOfSquares / this.levelBuffer.length));
  }

  setVolume(volume: number, rampSeconds: Seconds = 0.3): void {
    const target = Math.min(1, Math.max(0, volume));
    rampTo(this.master.gain, target, { now: this.context.currentTime, seconds: rampSeconds });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.removeAllListeners();
    Tone.getTransport().stop();
    this.stopWatchingSoundscapes();
    this.retireReverb();
    this.reverbSend.dispose();
    this.soundscapeBus.dispose();
    this.bedBus.disconnect();
    this.musicBus.disconnect();
    this.limiterInput.disconnect();
    this.programAnalyser.disconnect();
    void this.limiter.then((limiter) => limiter.node.disconnect());
    this.master.disconnect();
    void this.context.close();
  }
}
