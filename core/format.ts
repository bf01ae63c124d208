import type { Milliseconds } from './units';

const pad = (value: number) => String(value).padStart(2, '0');

/** `1:02:03` since the dose; negative before it (a dose corrected to after the Start press). */
export function formatSessionTime(ms: Milliseconds): string {
  const sign = ms < 0 ? '-' : '';
  const totalSeconds = Math.floor(Math.abs(ms) / 1000);
  return `${sign}${Math.floor(totalSeconds / 3600)}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
}

/** `0:04:05` style, never negative; hours always shown because sessions run for hours. */
export function formatClock(ms: Milliseconds): string {
  return formatSessionTime(Math.max(0, ms));
}

/** `4:05` for positions inside a track or soundscape (hours only when needed). */
export function formatPosition(ms: Milliseconds): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = pad(totalSeconds % 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${seconds}` : `${minutes}:${seconds}`;
}

export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "1 mark", "8 marks", "8 marks · 1 taken back": the words every list and header uses for liveMarkCount. */
export function formatMarkCount(count: number, takenBack = 0): string {
  const marks = `${count} mark${count === 1 ? '' : 's'}`;
  return takenBack > 0 ? `${marks} · ${takenBack} taken back` : marks;
}
