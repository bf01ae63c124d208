import type { Milliseconds } from '../units';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `1:02:03` since the dose; negative before it (a dose corrected to after the Start press). */
export function formatSessionTime(ms: Milliseconds): string {
  const sign = ms < 0 ? '-' : '';
  const totalSeconds = Math.floor(Math.abs(ms) / 1000);
  return `${sign}${Math.floor(totalSeconds / 3600)}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
}

/** `4:05`, or `1:04:05` past an hour: a position inside a track. */
export function formatPosition(ms: Milliseconds): string {
  const totalSeconds = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(totalSeconds % 60)}` : `${minutes}:${pad(totalSeconds % 60)}`;
}

/**
 * `2026-11-21 09:00:30 UTC`, or in another IANA time zone (`Europe/Berlin`). Built from
 * numeric parts, so the text does not change with the runtime's locale data.
 */
export function formatWallTime(iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (timeZone === 'UTC') {
    return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${timeZone}`;
}
