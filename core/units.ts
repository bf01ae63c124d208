export type Milliseconds = number;
export type Seconds = number;
export type Minutes = number;
export type Decibels = number;
/** A number in [0, 1]. */
export type NormalRange = number;

export const secondsToMs = (seconds: Seconds): Milliseconds => Math.round(seconds * 1000);
export const minutesToMs = (minutes: Minutes): Milliseconds => Math.round(minutes * 60_000);
