import { AudioOutput } from './audio/AudioOutput';
import { CuratorPreview } from './audio/CuratorPreview';
import { liveAudioElementCount } from './audio/diagnostics';
import { retireToneContext } from './audio/tone-context';

retireToneContext();

let sharedOutput: AudioOutput | undefined;

/** One AudioContext for the life of the page, created on the first user gesture. */
export function audioOutput(): AudioOutput {
  sharedOutput ??= new AudioOutput();
  return sharedOutput;
}

/** The output if something has played already; diagnostics never create one. */
export function existingOutput(): AudioOutput | undefined {
  return sharedOutput;
}

/** The curator's one preview, shared by the library and the playlist editor. */
export const curatorPreview = new CuratorPreview(audioOutput);

export { liveAudioElementCount };
