import { decodeHead, decodeTail } from '../../renderer/audio/gapless/edge-decoding';

export interface EdgeCheck {
  readonly wholeFrames: number;
  readonly sampleRate: number;
  readonly headFrames: number;
  readonly tailFrames: number;
  /** Largest sample difference between the decoded head and the same frames of the whole file decoded at once. */
  readonly headLargestDifference: number;
  readonly tailLargestDifference: number;
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

const gaplessHarness = {
  async checkEdges(url: string, extension: string, seconds: number): Promise<EdgeCheck> {
    const bytes = await (await fetch(url)).arrayBuffer();
    const head = await decodeHead({ url, extension }, { seconds, fileSeconds: 2.5, trimSeconds: 0 });
    const tail = await decodeTail({ url, extension }, { seconds, fileSeconds: 2.5, trimSeconds: 0 });
    const whole = await new OfflineAudioContext(1, 1, head.sampleRate).decodeAudioData(bytes);
    const wholeData = whole.getChannelData(0);
    const tailAt = whole.length - tail.length;
    return {
      wholeFrames: whole.length,
      sampleRate: whole.sampleRate,
      headFrames: head.length,
      tailFrames: tail.length,
      headLargestDifference: largestDifference(head.getChannelData(0), 0, wholeData, 0, head.length),
      tailLargestDifference: largestDifference(tail.getChannelData(0), 0, wholeData, tailAt, tail.length),
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
