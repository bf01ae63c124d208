import { buildPlan, type PlannedEntry } from '../../core/plan';
import type { Playlist } from '../../core/playlist';
import { AudioOutput } from '../../renderer/audio/AudioOutput';
import { LookaheadLimiter } from '../../renderer/audio/limiter/LookaheadLimiter';
import { limitInBlocks } from './limit-in-blocks';
import { quantumStartFrames } from './quantum-frames';
import { decodeHead, decodeTail } from '../../renderer/audio/gapless/edge-decoding';
import { readLayout } from '../../renderer/audio/gapless/audio-fragments';
import { resampleAsDecoded, resampleToItsEnd } from '../../renderer/audio/gapless/resample-as-decoded';
import { SessionPlayer } from '../../renderer/audio/SessionPlayer';
import { deckEnvelopeAt } from '../../renderer/audio/deck-envelope';
import { bestAlignment, measureCrossfadeStarts, measureJoins, type CrossfadeStartMeasure, type JoinMeasure } from './gapless-measure';

export interface EdgeCheck {
  readonly wholeFrames: number;
  readonly sampleRate: number;
  readonly headFrames: number;
  readonly tailFrames: number;
  /** Largest sample difference between the decoded head and the same frames of the whole file decoded at once. */
  readonly headLargestDifference: number;
  readonly tailLargestDifference: number;
  /** The whole file decoded against the WAV part it was encoded from: the shift that fits best and the largest difference there. */
  readonly shiftAgainstSource: number;
  readonly differenceFromSource: number;
}

function largestDifference(a: Float32Array, aFrom: number, b: Float32Array, bFrom: number, frames: number): number {
  let largest = 0;
  for (let index = 0; index < frames; index += 1) {
    const left = a[aFrom + index];
    const right = b[bFrom + index];
    largest = Math.max(largest, left === undefined || right === undefined ? Number.POSITIVE_INFINITY : Math.abs(left - right));
  }
  return largest;
}

const recorderProcessor = `
class OutputRecorder extends AudioWorkletProcessor {
  constructor() {
    super();
    this.recording = true;
    this.port.onmessage = () => { this.recording = false; this.port.postMessage({ done: true }); };
  }
  process(inputs) {
    const input = inputs[0];
    if (this.recording && input !== undefined && input.length > 0) {
      this.port.postMessage({ frame: currentFrame, left: input[0].slice(), right: (input[1] ?? input[0]).slice() });
    }
    return true;
  }
}
registerProcessor('attune-output-recorder', OutputRecorder);
`;

interface Recording {
  readonly firstFrame: number;
  readonly left: Float32Array;
  readonly right: Float32Array;
}

/**
 * Records what reaches the speakers: every node connected to a context's destination is also
 * connected to a recorder worklet (the engine's own chain is left as it is).
 */
class OutputTap {
  private recorder: AudioWorkletNode | undefined;
  /** Nodes connected to a destination before the recorder existed (its worklet loads on the context they need). */
  private readonly feeding: AudioNode[] = [];
  private readonly chunks: { frame: number; left: Float32Array; right: Float32Array }[] = [];
  private readonly originalConnect = AudioNode.prototype.connect;

  install(): void {
    const original = this.originalConnect;
    const recorderFor = (node: AudioNode): AudioWorkletNode | undefined => {
      if (this.recorder === undefined) this.feeding.push(node);
      return this.recorder?.context === node.context ? this.recorder : undefined;
    };
    const patched = function (this: AudioNode, ...args: unknown[]): unknown {
      const recorder = args[0] instanceof AudioDestinationNode ? recorderFor(this) : undefined;
      if (recorder !== undefined) Reflect.apply(original, this, [recorder]);
      return Reflect.apply(original, this, args);
    };
    AudioNode.prototype.connect = patched as typeof AudioNode.prototype.connect;
  }

  async prepare(context: AudioContext): Promise<void> {
    await context.audioWorklet.addModule(URL.createObjectURL(new Blob([recorderProcessor], { type: 'text/javascript' })));
    const recorder = new AudioWorkletNode(context, 'attune-output-recorder', { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 2, channelCountMode: 'explicit' });
    recorder.port.onmessage = (message: MessageEvent<{ frame: number; left: Float32Array; right: Float32Array } | { done: true }>) => {
      if ('frame' in message.data) this.chunks.push(message.data);
    };
    this.recorder = recorder;
    for (const node of this.feeding) if (node.context === context) Reflect.apply(this.originalConnect, node, [recorder]);
  }

  async stop(): Promise<Recording> {
    const recorder = this.recorder;
    if (recorder === undefined) throw new Error('the tap never saw the output');
    await new Promise<void>((resolve) => {
      recorder.port.onmessage = (message: MessageEvent<{ done?: true; frame?: number; left?: Float32Array; right?: Float32Array }>) => {
        if (message.data.done === true) resolve();
        else if (message.data.frame !== undefined && message.data.left !== undefined && message.data.right !== undefined) this.chunks.push({ frame: message.data.frame, left: message.data.left, right: message.data.right });
      };
      recorder.port.postMessage('stop');
    });
    AudioNode.prototype.connect = this.originalConnect;
    const first = this.chunks[0];
    const last = this.chunks.at(-1);
    if (first === undefined || last === undefined) throw new Error('nothing was recorded');
    const starts = quantumStartFrames(
      this.chunks.map((chunk) => chunk.frame),
      this.chunks.map((chunk) => chunk.left.length),
    );
    const firstFrame = starts[0] as number;
    const length = (starts.at(-1) as number) + last.left.length - firstFrame;
    const left = new Float32Array(length);
    const right = new Float32Array(length);
    this.chunks.forEach((chunk, index) => {
      left.set(chunk.left, (starts[index] as number) - firstFrame);
      right.set(chunk.right, (starts[index] as number) - firstFrame);
    });
    return { firstFrame, left, right };
  }
}

export interface JoinRunOptions {
  /** The master's first parts and one more in one file: it plays first, cut by its end trim to `leadInParts` parts, so the first join is prepared in time as in a session (and the join out of an end trim is measured). */
  readonly leadInFile: string;
  readonly leadInParts: number;
  /** The parts that follow, consecutive from part `leadInParts`: file names under /media/. */
  readonly files: readonly string[];
  readonly partSeconds: number;
  readonly gaplessJoins: boolean;
  readonly volume: number;
  /**
   * The reference converts each file to the output's rate on its own and lays them end to end there (files of
   * two rates: what a player converting each whole file would give), instead of laying them end to end at 48 kHz
   * and converting the whole (files of one rate, joined as one continuous signal).
   */
  readonly referenceEachFileAtOutputRate?: boolean;
}

export interface JoinRunResult {
  readonly sampleRate: number;
  readonly joins: readonly JoinMeasure[];
  /** Each join's state at the end ('scheduled' when its bridge played). */
  readonly joinStatuses: readonly string[];
  readonly problems: readonly string[];
  /**
   * The master limiter's deepest gain reduction during the run (dB): it acts on a file's own overshoot past the
   * ceiling (ffmpeg's AAC encoder leaves some parts' starts near 1.1), before the volume, and the reference models it.
   */
  readonly limiterGainReductionDb: number;
}

export interface CrossfadeRunResult {
  readonly sampleRate: number;
  readonly crossfades: readonly CrossfadeStartMeasure[];
  readonly joinStatuses: readonly string[];
  readonly problems: readonly string[];
}

/**
 * What a perfect player gives: each file decoded whole (delay and padding dropped by the
 * decoder), placed at its entry's start under the plan's envelope (full gain through a 0 s join,
 * equal-power fades through a crossfade), summed, then converted to the live context's rate as
 * decodeAudioData converts (as the bridges are, and as the elements' sound is by a like
 * windowed-sinc converter). Lossy files differ from their source at their edges (an MP3 or
 * Vorbis frame that starts mid-waveform rings), so the live output is held to this, not to the
 * master they were cut from.
 */
async function referenceMix(entries: readonly PlannedEntry[], totalMs: number, sampleRate: number, only?: PlannedEntry, decodeRate = 48_000): Promise<[Float32Array, Float32Array]> {
  const files = entries.map((entry) => (entry.segment.type === 'file' ? entry.segment : undefined));
  const decoded = await Promise.all(
    files.map(async (file) => {
      if (file === undefined) return undefined;
      const bytes = await (await fetch(`http://localhost/media/${file.path}`)).arrayBuffer();
      if (decodeRate !== sampleRate) return new OfflineAudioContext(2, 1, decodeRate).decodeAudioData(bytes);
      // Each file on its own at the output's rate, to its last frame: decoded at its own rate and converted with
      // every frame that falls inside it (decodeAudioData converting it stops a frame or two short of its end).
      const layout = readLayout(new Uint8Array(bytes), file.path.split('.').pop() ?? '');
      if (!('sampleRate' in layout)) throw new Error(`${file.path}: its header runs past the file`);
      return resampleToItsEnd(await new OfflineAudioContext(2, 1, layout.sampleRate).decodeAudioData(bytes), sampleRate);
    }),
  );
  const frames = Math.round((totalMs / 1000) * decodeRate);
  const mix = new AudioBuffer({ length: frames, numberOfChannels: 2, sampleRate: decodeRate });
  entries.forEach((entry, index) => {
    const buffer = decoded[index];
    if (buffer === undefined || (only !== undefined && entry !== only)) return;
    const startFrame = Math.round((entry.startMs / 1000) * decodeRate);
    const endFrame = Math.min(frames, Math.round((entry.endMs / 1000) * decodeRate));
    const trimFrames = Math.round((files[index]?.trimStartSeconds ?? 0) * decodeRate);
    for (let channel = 0; channel < 2; channel += 1) {
      const target = mix.getChannelData(channel);
      const source = buffer.getChannelData(Math.min(channel, buffer.numberOfChannels - 1));
      for (let frame = startFrame; frame < endFrame; frame += 1) {
        const envelope = deckEnvelopeAt(entry, (frame / decodeRate) * 1000);
        target[frame] = (target[frame] ?? 0) + envelope * (source[trimFrames + frame - startFrame] ?? 0);
      }
    }
  });
  const converted = await resampleAsDecoded(mix, sampleRate);
  const length = Math.ceil((frames * sampleRate) / decodeRate);
  const channel = (index: number) => {
    const padded = new Float32Array(length);
    padded.set(converted.getChannelData(index).subarray(0, length));
    return padded;
  };
  return limitedAsTheOutput([channel(0), channel(1)], sampleRate);
}

/**
 * The reference through the master bus's limiter (before the volume, as the engine has it), its latency taken off:
 * music under the ceiling passes bit for bit, and a file's own overshoot is limited as it is live.
 */
function limitedAsTheOutput(channels: [Float32Array, Float32Array], sampleRate: number): [Float32Array, Float32Array] {
  const limiter = new LookaheadLimiter(sampleRate);
  const latency = limiter.latencyFrames;
  const length = channels[0].length;
  const inputs = channels.map((channel) => {
    const padded = new Float32Array(length + latency);
    padded.set(channel);
    return padded;
  });
  const [left, right] = limitInBlocks(limiter, inputs).map((output) => output.slice(latency, latency + length));
  return [left as Float32Array, right as Float32Array];
}

interface PlayedParts {
  readonly entries: readonly PlannedEntry[];
  readonly totalMs: number;
  readonly recording: Recording;
  readonly sampleRate: number;
  /** The program clock's origin on the audio clock. */
  readonly programZero: number;
  readonly reference: [Float32Array, Float32Array];
  readonly joinStatuses: readonly string[];
  readonly problems: readonly string[];
  readonly limiterGainReductionDb: number;
}

/** Plays the lead-in and the parts through a SessionPlayer, recording the output, and renders the reference for the same plan. */
async function playParts(options: JoinRunOptions, crossfadeSeconds: number): Promise<PlayedParts> {
  const tap = new OutputTap();
  tap.install();
  const output = new AudioOutput({ volume: options.volume });
  await tap.prepare(output.context);
  const leadInSeconds = options.leadInParts * options.partSeconds;
  const playlist: Playlist = {
    format: 'attune.playlist',
    version: 1,
    id: 'gapless',
    title: 'Gapless parts',
    crossfadeSeconds,
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: (leadInSeconds + options.files.length * options.partSeconds) / 60,
        segments: [
          {
            type: 'file' as const,
            id: 'lead-in',
            path: options.leadInFile,
            title: 'lead-in',
            durationSeconds: leadInSeconds + options.partSeconds,
            trimEndSeconds: options.partSeconds,
          },
          ...options.files.map((file, index) => ({ type: 'file' as const, id: `part-${index}`, path: file, title: file, durationSeconds: options.partSeconds })),
        ],
      },
    ],
  };
  const plan = buildPlan(playlist);
  const player = new SessionPlayer(output, plan, 0, {
    gaplessJoins: options.gaplessJoins,
    resolveFile: (entry) => ({ url: `http://localhost/media/${entry.segment.type === 'file' ? entry.segment.path : ''}`, gainDb: 0 }),
  });
  const problems: string[] = [];
  player.on('problem', (problem) => problems.push(`${problem.segmentId}: ${problem.detail}`));
  const statuses = new Map<string, string>();
  const ended = new Promise<void>((resolve) => player.on('ended', () => resolve()));
  await player.play();
  // The program clock's origin on the audio clock, read from one currentTime.
  const now = output.context.currentTime;
  const programZero = now - player.programNow() / 1000;
  let limiterGainReductionDb = 0;
  const readLimiter = async () => {
    limiterGainReductionDb = Math.max(limiterGainReductionDb, (await output.limiterReading()).gainReductionDb);
  };
  const watch = setInterval(() => {
    for (const [key, status] of Object.entries(player.joinStatuses())) statuses.set(key, status);
    void readLimiter();
  }, 100);
  await ended;
  clearInterval(watch);
  await readLimiter();
  const recording = await tap.stop();
  const sampleRate = output.context.sampleRate;
  player.dispose();
  output.dispose();
  const reference = await referenceMix(plan.entries, plan.totalMs, sampleRate, undefined, options.referenceEachFileAtOutputRate === true ? sampleRate : undefined);
  return { entries: plan.entries, totalMs: plan.totalMs, recording, sampleRate, programZero, reference, joinStatuses: [...statuses].map(([key, status]) => `${key} ${status}`), problems, limiterGainReductionDb };
}

async function playJoins(options: JoinRunOptions): Promise<JoinRunResult> {
  const played = await playParts(options, 0);
  const { recording, sampleRate, programZero } = played;
  const joinMs = played.entries.slice(1).map((entry) => entry.startMs);
  const joins = measureJoins({
    recording,
    sampleRate,
    joinFrames: joinMs.map((ms) => Math.round((programZero + ms / 1000) * sampleRate) - recording.firstFrame),
    reference: played.reference,
    referenceFrameAtJoin: joinMs.map((ms) => Math.round((ms / 1000) * sampleRate)),
    gain: options.volume,
  });
  return { sampleRate, joins, joinStatuses: played.joinStatuses, problems: played.problems, limiterGainReductionDb: played.limiterGainReductionDb };
}

/** The same parts crossfaded: how exactly each incoming file starts with its fade-in. */
async function playCrossfades(options: JoinRunOptions & { readonly crossfadeSeconds: number }): Promise<CrossfadeRunResult> {
  const played = await playParts(options, options.crossfadeSeconds);
  const { recording, sampleRate, programZero } = played;
  const incoming = played.entries.slice(1).filter((entry) => entry.segment.type === 'file');
  const startsMs = incoming.map((entry) => entry.startMs);
  const incomingReferences: Float32Array[] = [];
  for (const entry of incoming) incomingReferences.push((await referenceMix(played.entries, played.totalMs, sampleRate, entry))[0]);
  const crossfades = measureCrossfadeStarts({
    recording,
    sampleRate,
    startFrames: startsMs.map((ms) => Math.round((programZero + ms / 1000) * sampleRate) - recording.firstFrame),
    reference: played.reference[0],
    incomingReferences,
    referenceFrameAtStart: startsMs.map((ms) => Math.round((ms / 1000) * sampleRate)),
    fadeSeconds: options.crossfadeSeconds,
    gain: options.volume,
  });
  return { sampleRate, crossfades, joinStatuses: played.joinStatuses, problems: played.problems };
}

export interface ConversionToItsEnd {
  readonly fromRate: number;
  readonly toRate: number;
  readonly frames: number;
  /** ⌈frames × toRate ÷ fromRate⌉: every output frame inside the buffer's span. */
  readonly framesInSpan: number;
  readonly convertedFrames: number;
  /** What decodeAudioData's conversion gives on its own. */
  readonly converterFrames: number;
  /** Largest difference from the converter's own frames, over those it gives. */
  readonly differenceFromConverter: number;
  /** The last frame over the 100 Hz sine's value there (about 1: music, not a frame of silence). */
  readonly lastFrameOverSine: number;
}

/** A 100 Hz sine of `frames` at `fromRate` converted to `toRate` by resampleToItsEnd, beside decodeAudioData's own conversion. */
async function convertToItsEnd(frames: number, fromRate: number, toRate: number): Promise<ConversionToItsEnd> {
  const sine = new AudioBuffer({ length: frames, numberOfChannels: 1, sampleRate: fromRate });
  const phase = (seconds: number) => 0.5 * Math.sin(2 * Math.PI * 100 * seconds + 1);
  sine.copyToChannel(Float32Array.from({ length: frames }, (_, frame) => phase(frame / fromRate)), 0);
  const [converted, converter] = await Promise.all([resampleToItsEnd(sine, toRate), resampleAsDecoded(sine, toRate)]);
  const last = converted.length - 1;
  return {
    fromRate,
    toRate,
    frames,
    framesInSpan: Math.ceil((frames * toRate) / fromRate),
    convertedFrames: converted.length,
    converterFrames: converter.length,
    differenceFromConverter: largestDifference(converted.getChannelData(0), 0, converter.getChannelData(0), 0, converter.length),
    lastFrameOverSine: (converted.getChannelData(0)[last] ?? 0) / phase(last / toRate),
  };
}

const gaplessHarness = {
  playJoins,
  playCrossfades,
  convertToItsEnd,
  /** `sourceUrl`: the WAV part the file was encoded from (by default the file's own name as `.wav`). */
  async checkEdges(url: string, extension: string, seconds: number, sourceUrl: string = url.replace(/\.[a-z0-9]+$/, '.wav')): Promise<EdgeCheck> {
    const sourceBytes = await (await fetch(sourceUrl)).arrayBuffer();
    const bytes = await (await fetch(url)).arrayBuffer();
    const head = await decodeHead({ url, extension }, { seconds, fileSeconds: 2.5, trimSeconds: 0 });
    const tail = await decodeTail({ url, extension }, { seconds, fileSeconds: 2.5, trimSeconds: 0 });
    const whole = await new OfflineAudioContext(1, 1, head.sampleRate).decodeAudioData(bytes);
    const wholeData = whole.getChannelData(0);
    const tailAt = whole.length - tail.length;
    // Every channel of each edge against the same channel of the whole file.
    const edgeDifference = (edge: AudioBuffer, at: number) =>
      Math.max(...Array.from({ length: whole.numberOfChannels }, (_, channel) => largestDifference(edge.getChannelData(Math.min(channel, edge.numberOfChannels - 1)), 0, whole.getChannelData(channel), at, edge.length)));
    const source = (await new OfflineAudioContext(1, 1, head.sampleRate).decodeAudioData(sourceBytes)).getChannelData(0);
    const middle = Math.floor(source.length / 2);
    const shift = bestAlignment(wholeData, middle, source, middle, 3000, 1);
    return {
      wholeFrames: whole.length,
      sampleRate: whole.sampleRate,
      headFrames: head.length,
      tailFrames: tail.length,
      headLargestDifference: edgeDifference(head, 0),
      tailLargestDifference: edgeDifference(tail, tailAt),
      shiftAgainstSource: shift,
      differenceFromSource: largestDifference(wholeData, 2000, source, 2000 + shift, source.length - 4000),
    };
  },
};

export type GaplessHarness = typeof gaplessHarness;

declare global {
  interface Window {
    attuneGaplessHarness: GaplessHarness;
  }
}

window.attuneGaplessHarness = gaplessHarness;
