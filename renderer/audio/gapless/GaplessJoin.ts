import { rampTo } from '../gain-chain';
import { dbToGain, type Decibels, type Seconds } from '../units';
import { decodeHead, decodeTail } from './edge-decoding';
import { elementLead } from './element-lead';
import { LeadRecorder, loadLeadRecorder } from './lead-recorder-node';
import { resampleAsDecoded, resampleToItsEnd } from './resample-as-decoded';
import { bridgeStartAt, defaultJoinShape, joinTimes, onOutputFrames, playsToItsEnd, type JoinShape, type JoinTimes } from './join-schedule';

/** One side of a join: a file segment, its normalising gain and the gain that hands its media element over to the bridge. */
export interface JoinSide {
  readonly url: string;
  readonly extension: string;
  readonly gainDb: Decibels;
  /** The file's whole length, once its media element has read it. */
  readonly fileSeconds: Promise<number>;
  /** Outgoing: seconds cut off the file's end; incoming: where the segment starts in the file. */
  readonly trimSeconds: Seconds;
  /** Multiplies the media element's output (after its track gain): 1 normally, 0 while the bridge plays for it; this join's alone. */
  readonly handover: AudioParam;
  /** Outgoing: where the plan ends the segment in the file; the bridge is used only when that is the file's end (less its end trim). */
  readonly plannedEndInFile?: Seconds;
  /** Incoming: the media element, to be lined up with the bridge while it is muted under it. */
  readonly element?: AlignableElement;
}

/** What of an incoming file's voice (FileVoice) lines its element up with the bridge. */
export interface AlignableElement {
  /** Starts the element this far ahead, held back by a delay of as much; false once it already plays. */
  playAheadUnderBridge(seconds: Seconds): boolean;
  /** The element's sound before that delay. */
  readonly undelayedOutput: AudioNode;
  /** Sets the delay to the lead measured. */
  holdBackBy(seconds: Seconds): void;
}

export type AlignmentResult = 'aligned' | 'waiting' | 'unavailable';

export interface GaplessJoinOptions {
  readonly context: BaseAudioContext;
  /** The music bus for a 0 s join; for the start of a crossfade, the incoming deck's gain, whose fade-in the bridge plays under. */
  readonly destination: AudioNode;
  /** Absent for the start of a crossfade: the outgoing file goes on in its element, and only the incoming file's first sample must be on time. */
  readonly outgoing?: JoinSide;
  readonly incoming: JoinSide;
  readonly shape?: Partial<JoinShape>;
}

export type JoinStatus = 'decoding' | 'ready' | 'scheduled' | 'unavailable' | 'disposed';

/** How far ahead of a change the audio thread must hear of it: a few render quanta, and a main thread that is late. */
const scheduleLeadSeconds = 0.05;
const cancelRampSeconds = 0.02;
/** How far ahead an incoming element is started under the bridge: more than its start is late (6–140 ms seen; a WAV's the most). */
const elementAheadSeconds = 0.25;
/** The bridge's last ~90 ms are looked for in the element's last ~0.7 s (the recorder's whole rings, ending at the same sample). */
const leadWindowFrames = 4096;
const recordedFrames = 32_768;
const leadScoreNeeded = 0.9;

/**
 * A 0 s crossfade between two file segments made sample-exact: the outgoing file's last seconds
 * and the incoming file's first are decoded (from byte ranges only, so memory stays a few MB
 * however long the files are) into one buffer whose seam is the join, started on the audio
 * clock. The media elements, whose start cannot be timed to the sample, hand over to the bridge
 * and back by short crossfades away from the join.
 *
 * Without an outgoing side it makes the start of a crossfade sample-exact: a media element starts
 * 6–140 ms after its play() (more after a seek), so the incoming file's fade-in would begin on
 * silence and the crossfade would dip. The bridge is its first second, started with the fade.
 *
 * Either way the incoming element, muted under the bridge, is started ahead through a delay and
 * held back by the lead measured against the bridge's own sound, so the handover back meets the
 * same sample.
 */
export class GaplessJoin {
  private readonly shape: JoinShape;
  private readonly abort = new AbortController();
  private bridge: AudioBuffer | undefined;
  /** Where the seam lies in the bridge, in frames at `sampleRate`: the files' own rate when they share one, else the output's (at which the bridge always plays). */
  private seam = { tailFrames: 0, headFrames: 0, sampleRate: 1 };
  private readonly gain: GainNode;
  private source: AudioBufferSourceNode | undefined;
  private taps: { readonly recorder: LeadRecorder; readonly bridgeSource: AudioBufferSourceNode; readonly aheadSeconds: Seconds } | undefined;
  /** Whether the recorder's worklet loaded: without it the element is left where its start put it. */
  private canAlign = false;
  private times: JoinTimes | undefined;
  private currentStatus: JoinStatus = 'decoding';
  private failure: string | undefined;
  readonly ready: Promise<boolean>;

  constructor(private readonly options: GaplessJoinOptions) {
    this.shape = { ...defaultJoinShape, ...options.shape };
    this.gain = options.context.createGain();
    this.gain.gain.value = 0;
    this.gain.connect(options.destination);
    this.ready = this.prepare().then(
      () => true,
      (error: unknown) => {
        if (this.currentStatus !== 'disposed') this.currentStatus = 'unavailable';
        this.failure = error instanceof Error ? error.message : String(error);
        return false;
      },
    );
  }

  get status(): JoinStatus {
    return this.currentStatus;
  }

  /** Why the join falls back to the media elements' timing, when it does. */
  get unavailableBecause(): string | undefined {
    return this.failure;
  }

  private async prepare(): Promise<void> {
    const { outgoing, incoming } = this.options;
    const signal = this.abort.signal;
    const recorderLoaded =
      incoming.element === undefined
        ? Promise.resolve(false)
        : loadLeadRecorder(this.options.context).then(
            () => true,
            () => false,
          );
    const [tail, head, canAlign] = await Promise.all([
      outgoing === undefined
        ? undefined
        : outgoing.fileSeconds.then((fileSeconds) => {
            if (outgoing.plannedEndInFile !== undefined && !playsToItsEnd(outgoing.plannedEndInFile, fileSeconds, outgoing.trimSeconds)) {
              throw new Error(`the plan ends the outgoing segment at ${outgoing.plannedEndInFile.toFixed(2)} s, not at its file's end`);
            }
            return decodeTail(outgoing, { seconds: this.shape.tailSeconds, fileSeconds, trimSeconds: outgoing.trimSeconds, signal });
          }),
      incoming.fileSeconds.then((fileSeconds) => decodeHead(incoming, { seconds: this.shape.headSeconds, fileSeconds, trimSeconds: incoming.trimSeconds, signal })),
      recorderLoaded,
    ]);
    this.canAlign = canAlign;
    if (this.currentStatus === 'disposed') return;
    const outputRate = this.options.context.sampleRate;
    const gains = { tail: dbToGain(outgoing?.gainDb ?? 0), head: dbToGain(incoming.gainDb) };
    // The bridge plays at the output's rate, converted as the elements' sound is (a windowed sinc, in time to the
    // sample), not by the source node's linear interpolation; the converter's edges ring for a few frames, inside the
    // margins where the bridge is silent.
    if (tail === undefined || tail.sampleRate === head.sampleRate) {
      // One rate: converted after joining, so across the seam the converter sees one continuous signal, as a player
      // converting the files laid end to end would. The seam keeps the files' own frames.
      const converted = await resampleAsDecoded(joinedBuffer(tail, head, gains), outputRate);
      if (signal.aborted) return;
      this.bridge = converted;
      this.seam = { tailFrames: tail?.length ?? 0, headFrames: head.length, sampleRate: head.sampleRate };
    } else {
      // Two rates: each side converted on its own, as a player converting each file whole would, and joined at the
      // output's rate, the head on the output frame nearest the tail's exact end. The tail is converted to its last
      // frame: as the converter gives it, a frame or two short, it left a frame of silence before the head.
      const [tailConverted, headConverted] = await Promise.all([resampleToItsEnd(tail, outputRate), resampleAsDecoded(head, outputRate)]);
      if (signal.aborted) return;
      const headAt = Math.round((tail.length * outputRate) / tail.sampleRate);
      this.bridge = joinedBuffer(tailConverted, headConverted, gains, headAt);
      this.seam = { tailFrames: headAt, headFrames: headConverted.length, sampleRate: outputRate };
    }
    this.currentStatus = 'ready';
  }

  /**
   * Puts the join's seam at `join` on the audio clock. False when it cannot (not decoded, or
   * too late to hand over): the elements' own timing then makes the join.
   */
  schedule(join: Seconds): boolean {
    const bridge = this.bridge;
    if (bridge === undefined || this.currentStatus !== 'ready') return false;
    const { context, outgoing, incoming } = this.options;
    const times = joinTimes(join, this.seam.tailFrames, this.seam.headFrames, this.seam.sampleRate, this.shape);
    const exactStart = bridgeStartAt(times, context.currentTime, scheduleLeadSeconds);
    if (exactStart === undefined) return false;
    const start = onOutputFrames(exactStart, context.sampleRate);
    const source = context.createBufferSource();
    source.buffer = bridge;
    source.connect(this.gain);
    source.start(start.when, start.offset);
    const handover = times.handoverSeconds;
    const bridgeGain = this.gain.gain;
    bridgeGain.cancelScheduledValues(0);
    if (outgoing === undefined) {
      bridgeGain.setValueAtTime(1, start.when);
    } else {
      bridgeGain.setValueAtTime(0, times.handoverIn);
      bridgeGain.linearRampToValueAtTime(1, times.handoverIn + handover);
      // The element and the bridge play the same music: a linear crossfade keeps its level.
      outgoing.handover.cancelScheduledValues(0);
      outgoing.handover.setValueAtTime(1, times.handoverIn);
      outgoing.handover.linearRampToValueAtTime(0, times.handoverIn + handover);
    }
    bridgeGain.setValueAtTime(1, times.handoverOut);
    bridgeGain.linearRampToValueAtTime(0, times.handoverOut + handover);
    incoming.handover.cancelScheduledValues(0);
    incoming.handover.setValueAtTime(0, start.when);
    incoming.handover.setValueAtTime(0, times.handoverOut);
    incoming.handover.linearRampToValueAtTime(1, times.handoverOut + handover);
    this.source = source;
    this.times = times;
    this.currentStatus = 'scheduled';
    this.tapForAlignment(source);
    return true;
  }

  /** The incoming element is started ahead, through a delay; a recorder fed by both in the same quanta will tell by how much it leads. */
  private tapForAlignment(source: AudioBufferSourceNode): void {
    const element = this.options.incoming.element;
    if (!this.canAlign || element === undefined || this.taps !== undefined || !element.playAheadUnderBridge(elementAheadSeconds)) return;
    const recorder = new LeadRecorder(this.options.context, recordedFrames);
    source.connect(recorder.bridgeInput.node, 0, recorder.bridgeInput.input);
    element.undelayedOutput.connect(recorder.elementInput.node, 0, recorder.elementInput.input);
    this.taps = { recorder, bridgeSource: source, aheadSeconds: elementAheadSeconds };
  }

  private removeTaps(): void {
    const taps = this.taps;
    if (taps === undefined) return;
    this.taps = undefined;
    taps.bridgeSource.disconnect(taps.recorder.bridgeInput.node, 0, taps.recorder.bridgeInput.input);
    this.options.incoming.element?.undelayedOutput.disconnect(taps.recorder.elementInput.node, 0, taps.recorder.elementInput.input);
    taps.recorder.stop();
  }

  /**
   * Measures how far the (muted) incoming element leads the bridge and holds it back by that
   * much, so the handover back to it meets the same sample. 'waiting' while the element has not
   * played long enough, or the music does not say (silence); 'unavailable' with nothing to measure.
   */
  async alignIncoming(): Promise<AlignmentResult> {
    const taps = this.taps;
    const element = this.options.incoming.element;
    if (taps === undefined || element === undefined || this.currentStatus !== 'scheduled') return 'unavailable';
    const buffers = await taps.recorder.read();
    // Taken back or disposed while the recording came.
    if (buffers === undefined || this.taps !== taps) return 'unavailable';
    if (!buffers.element.some((sample) => sample !== 0)) return 'waiting';
    const rate = this.options.context.sampleRate;
    // The whole range of leads is searched once the element has played every frame it compares: the silence before
    // it started would match wrongly, and a range cut short could leave out the true lead for a near-periodic one.
    const minLeadFrames = -Math.round(0.03 * rate);
    const maxLeadFrames = Math.round((taps.aheadSeconds + 0.01) * rate);
    const firstSound = buffers.element.findIndex((sample) => sample !== 0);
    if (firstSound < 0 || buffers.element.length - firstSound < leadWindowFrames + maxLeadFrames - minLeadFrames) return 'waiting';
    const lead = elementLead({ bridge: buffers.bridge, element: buffers.element, windowFrames: leadWindowFrames, minLeadFrames, maxLeadFrames });
    if (lead === undefined || lead.score < leadScoreNeeded) return 'waiting';
    // Whole frames: a fractional delay is the DelayNode's linear interpolation between two samples,
    // a low-pass (down to −∞ at Nyquist for half a frame) on the rest of the file. Half a frame off
    // matters only in the 30 ms handover.
    element.holdBackBy(Math.round(lead.frames) / rate);
    this.removeTaps();
    return 'aligned';
  }

  /** When the bridge has played out and the incoming element sounds alone again. */
  get finishedAt(): Seconds | undefined {
    return this.times === undefined ? undefined : this.times.bridgeEnd;
  }

  /**
   * Takes the join back (a pause, a changed plan): the elements sound again and the bridge fades
   * out at once. It can be scheduled again later.
   */
  unschedule(): void {
    if (this.currentStatus !== 'scheduled') return;
    const now = this.options.context.currentTime;
    const ramp = { now, seconds: cancelRampSeconds };
    rampTo(this.gain.gain, 0, ramp);
    if (this.options.outgoing !== undefined) rampTo(this.options.outgoing.handover, 1, ramp);
    rampTo(this.options.incoming.handover, 1, ramp);
    this.removeTaps();
    this.source?.stop(now + cancelRampSeconds);
    this.source = undefined;
    this.times = undefined;
    this.currentStatus = 'ready';
  }

  dispose(): void {
    if (this.currentStatus === 'disposed') return;
    const wasScheduled = this.currentStatus === 'scheduled';
    this.currentStatus = 'disposed';
    this.abort.abort();
    if (wasScheduled) {
      this.source?.stop();
      this.options.outgoing?.handover.cancelScheduledValues(0);
      this.options.incoming.handover.cancelScheduledValues(0);
      this.options.incoming.handover.value = 1;
    }
    this.removeTaps();
    this.source?.disconnect();
    this.gain.disconnect();
    this.bridge = undefined;
  }
}

/**
 * The outgoing file's last seconds (if any) followed by the incoming file's first, at their track gains, at the
 * head's rate: the head from frame `headAt` (the tail's length by default; the tail cut or padded with silence to it).
 */
function joinedBuffer(tail: AudioBuffer | undefined, head: AudioBuffer, gains: { readonly tail: number; readonly head: number }, headAt = tail?.length ?? 0): AudioBuffer {
  const tailLength = headAt;
  const channels = Math.max(tail?.numberOfChannels ?? 1, head.numberOfChannels);
  const joined = new AudioBuffer({ length: tailLength + head.length, numberOfChannels: channels, sampleRate: head.sampleRate });
  for (let channel = 0; channel < channels; channel += 1) {
    const data = joined.getChannelData(channel);
    // A mono file feeds both channels, as a media element's does.
    const tailData = tail?.getChannelData(Math.min(channel, tail.numberOfChannels - 1)) ?? new Float32Array(0);
    const headData = head.getChannelData(Math.min(channel, head.numberOfChannels - 1));
    for (let index = 0; index < Math.min(tailData.length, tailLength); index += 1) data[index] = (tailData[index] ?? 0) * gains.tail;
    for (let index = 0; index < headData.length; index += 1) data[tailLength + index] = (headData[index] ?? 0) * gains.head;
  }
  return joined;
}
