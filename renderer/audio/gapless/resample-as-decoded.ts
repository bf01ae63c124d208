/**
 * A decoded buffer at another sample rate, converted as the browser converts a whole file it
 * decodes (decodeAudioData resamples to its context's rate with a windowed-sinc resampler): a
 * bridge at the output's rate plays without the AudioBufferSourceNode's linear interpolation,
 * which dulls the highs and folds what lies above the output's Nyquist back into the audible band,
 * so it sounds like the media element it hands back to (itself resampled by a sinc resampler).
 */

/** The samples as a 32-bit float WAV, interleaved: a container every engine decodes bit for bit. */
export function floatWav(buffer: AudioBuffer): ArrayBuffer {
  const channels = buffer.numberOfChannels;
  const dataBytes = buffer.length * channels * 4;
  const bytes = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(bytes);
  const ascii = (offset: number, text: string) => [...text].forEach((character, index) => view.setUint8(offset + index, character.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  // 3: IEEE float.
  view.setUint16(20, 3, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, buffer.sampleRate, true);
  view.setUint32(28, buffer.sampleRate * channels * 4, true);
  view.setUint16(32, channels * 4, true);
  view.setUint16(34, 32, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  const samples = new Float32Array(bytes, 44, buffer.length * channels);
  for (let channel = 0; channel < channels; channel += 1) {
    const data = buffer.getChannelData(channel);
    for (let frame = 0; frame < buffer.length; frame += 1) samples[frame * channels + channel] = data[frame] ?? 0;
  }
  return bytes;
}

/** `buffer` at `sampleRate` (itself when it is already there). */
export async function resampleAsDecoded(buffer: AudioBuffer, sampleRate: number): Promise<AudioBuffer> {
  if (buffer.sampleRate === sampleRate) return buffer;
  return new OfflineAudioContext(buffer.numberOfChannels, 1, sampleRate).decodeAudioData(floatWav(buffer));
}
