export const reverbProcessorName = 'attune-soundscape-reverb';

/** Sent to a reverb processor that is no longer wanted: it stops processing and can be freed. */
export const reverbRetireMessage = 'retire';
