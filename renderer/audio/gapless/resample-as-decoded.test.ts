import { describe, expect, it } from 'vitest';
import { floatWav } from './resample-as-decoded';

/** What floatWav reads of an AudioBuffer (Node has none). */
function bufferOf(channels: readonly number[][], sampleRate: number): AudioBuffer {
  return {
    numberOfChannels: channels.length,
    length: channels[0]?.length ?? 0,
    sampleRate,
    getChannelData: (channel: number) => Float32Array.from(channels[channel] ?? []),
  } as unknown as AudioBuffer;
}

describe('floatWav', () => {
  it('writes a 32-bit float WAV header a decoder accepts, for the buffer’s rate and channels', () => {
    const bytes = floatWav(bufferOf([[0.5, -0.25, 1], [0, 0.75, -1]], 48_000));
    const view = new DataView(bytes);
    const text = (offset: number) => String.fromCharCode(...new Uint8Array(bytes, offset, 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(bytes.byteLength - 8);
    expect(view.getUint16(20, true)).toBe(3);
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(48_000);
    expect(view.getUint32(28, true)).toBe(48_000 * 2 * 4);
    expect(view.getUint16(32, true)).toBe(8);
    expect(view.getUint16(34, true)).toBe(32);
    expect(view.getUint32(40, true)).toBe(3 * 2 * 4);
  });

  it('interleaves the channels frame by frame, every sample exact', () => {
    const bytes = floatWav(bufferOf([[0.5, -0.25, 1], [0, 0.75, -1]], 44_100));
    expect([...new Float32Array(bytes, 44)]).toEqual([0.5, 0, -0.25, 0.75, 1, -1]);
  });
});
