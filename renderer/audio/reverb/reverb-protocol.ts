export const reverbProcessorName = 'attune-soundscape-reverb';
