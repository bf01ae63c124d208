import type { LookaheadLimiter } from '../../renderer/audio/limiter/LookaheadLimiter';

/**
 * Feeds planar `input` through `limiter` in blocks of `blockSizes` frames (in turn), as the audio
 * worklet feeds it 128 at a time, and answers its output, as long as the input.
 */
export function limitInBlocks(limiter: LookaheadLimiter, input: readonly Float32Array[], blockSizes: readonly number[] = [128]): Float32Array[] {
  const frames = input[0]?.length ?? 0;
  const output = input.map(() => new Float32Array(frames));
  for (let start = 0, block = 0; start < frames; start += blockSizes[block % blockSizes.length] as number, block += 1) {
    const end = Math.min(frames, start + (blockSizes[block % blockSizes.length] as number));
    limiter.process(
      input.map((channel) => channel.subarray(start, end)),
      output.map((channel) => channel.subarray(start, end)),
      end - start,
    );
  }
  return output;
}
