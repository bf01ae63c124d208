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

/**
 * `buffer` at `sampleRate` with every output frame that falls inside its span: ⌈length × rate ÷ its rate⌉ frames.
 * The converter stops short of the end (2.5 s at 48 kHz comes out one frame short of 2.5 s at 44.1 kHz), and the
 * next file joined on the frame nearest the exact end would leave a frame of silence between them: a click in the
 * middle of the music. The missing frames are converted as the converter converts every frame near an end, with
 * silence after it, so the frames it did give are unchanged.
 */
export async function resampleToItsEnd(buffer: AudioBuffer, sampleRate: number): Promise<AudioBuffer> {
  if (buffer.sampleRate === sampleRate) return buffer;
  const wanted = Math.ceil((buffer.length * sampleRate) / buffer.sampleRate);
  // Enough input frames for a few output frames more than the converter's shortfall, at any ratio.
  const silenceFrames = Math.ceil((4 * buffer.sampleRate) / sampleRate) + 4;
  const padded = new AudioBuffer({ length: buffer.length + silenceFrames, numberOfChannels: buffer.numberOfChannels, sampleRate: buffer.sampleRate });
  for (let channel = 0; channel < buffer.numberOfChannels; channel += 1) padded.copyToChannel(buffer.getChannelData(channel), channel);
  return sliceBuffer(await resampleAsDecoded(padded, sampleRate), 0, wanted);
}

/** Frames [fromFrame, toFrame) of `buffer` (rounded, clamped to it) as a buffer of their own. */
export function sliceBuffer(buffer: AudioBuffer, fromFrame: number, toFrame: number): AudioBuffer {
  const from = Math.max(0, Math.min(buffer.length, Math.round(fromFrame)));
  const to = Math.max(from, Math.min(buffer.length, Math.round(toFrame)));
  const slice = new AudioBuffer({ length: Math.max(1, to - from), numberOfChannels: buffer.numberOfChannels, sampleRate: buffer.sampleRate });
  for (let channel = 0; channel < buffer.numberOfChannels; channel += 1) slice.copyToChannel(buffer.getChannelData(channel).subarray(from, to), channel);
  return slice;
}
