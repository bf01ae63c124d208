/**
 * Ticks per beat of the transport that times the soundscapes' glides (every 29–70 s). Tone's
 * default, 192, makes its clock call back 384 times a second at 120 bpm, each call allocating
 * (~4 MB/s of garbage on the live page, whose collections then delay key presses); two ticks
 * per beat, one every 250 ms, time a glide as well.
 */
export const soundscapeTicksPerBeat = 2;
