import type { Milliseconds } from '../../../core/units';

/** A stretch of session time since the dose; `endMs` is after `startMs`. */
export interface TimeRange {
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}

/** The closest the timeline zooms in: a minute across the whole width. */
export const minimumSpanMs: Milliseconds = 60_000;

export const spanOf = (range: TimeRange): Milliseconds => range.endMs - range.startMs;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * The view moved and sized to fit the domain: no narrower than `minSpanMs`, no wider than
 * the domain (a domain shorter than the minimum is shown at the minimum, from its start).
 */
export function clampView(view: TimeRange, domain: TimeRange, minSpanMs: Milliseconds = minimumSpanMs): TimeRange {
  const domainSpan = Math.max(spanOf(domain), minSpanMs);
  const span = clamp(spanOf(view), minSpanMs, domainSpan);
  const startMs = clamp(view.startMs, domain.startMs, domain.startMs + domainSpan - span);
  // The same view when it already fits: a state setter handed it back does not redraw the timeline.
  if (startMs === view.startMs && startMs + span === view.endMs) return view;
  return { startMs, endMs: startMs + span };
}

/** The whole domain (at least the minimum span). */
export function wholeView(domain: TimeRange, minSpanMs: Milliseconds = minimumSpanMs): TimeRange {
  return clampView({ startMs: domain.startMs, endMs: domain.startMs + Math.max(spanOf(domain), minSpanMs) }, domain, minSpanMs);
}

/**
 * Zooms by `factor` (above 1 zooms in) keeping `anchorMs` where it is on screen, so the
 * time under the pointer (or the selected mark) stays put.
 */
export function zoomView(view: TimeRange, factor: number, anchorMs: Milliseconds, domain: TimeRange, minSpanMs: Milliseconds = minimumSpanMs): TimeRange {
  const span = spanOf(view);
  const anchor = clamp(anchorMs, view.startMs, view.endMs);
  const fraction = span > 0 ? (anchor - view.startMs) / span : 0.5;
  const domainSpan = Math.max(spanOf(domain), minSpanMs);
  const nextSpan = clamp(span / factor, minSpanMs, domainSpan);
  const startMs = anchor - fraction * nextSpan;
  return clampView({ startMs, endMs: startMs + nextSpan }, domain, minSpanMs);
}

export function panView(view: TimeRange, deltaMs: Milliseconds, domain: TimeRange, minSpanMs: Milliseconds = minimumSpanMs): TimeRange {
  return clampView({ startMs: view.startMs + deltaMs, endMs: view.endMs + deltaMs }, domain, minSpanMs);
}

/** The same span, moved so `ms` is in its middle (as far as the domain allows). */
export function centreView(view: TimeRange, ms: Milliseconds, domain: TimeRange, minSpanMs: Milliseconds = minimumSpanMs): TimeRange {
  const half = spanOf(view) / 2;
  return clampView({ startMs: ms - half, endMs: ms + half }, domain, minSpanMs);
}

/** True when `ms` is inside the view with `marginFraction` of the span to spare on either side. */
export function isWellInside(view: TimeRange, ms: Milliseconds, marginFraction = 0.05): boolean {
  const margin = spanOf(view) * marginFraction;
  return ms >= view.startMs + margin && ms <= view.endMs - margin;
}

export const timeToX = (ms: Milliseconds, view: TimeRange, width: number): number => ((ms - view.startMs) / spanOf(view)) * width;
export const xToTime = (x: number, view: TimeRange, width: number): Milliseconds => view.startMs + (x / Math.max(1, width)) * spanOf(view);

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
/** Tick intervals a reader can count in: seconds, minutes, quarter hours, hours. */
export const tickSteps: readonly Milliseconds[] = [
  5 * second,
  10 * second,
  15 * second,
  30 * second,
  minute,
  2 * minute,
  5 * minute,
  10 * minute,
  15 * minute,
  30 * minute,
  hour,
  2 * hour,
];

/** The smallest step whose ticks are at least `minSpacingPx` apart. */
export function tickStep(view: TimeRange, width: number, minSpacingPx = 90): Milliseconds {
  const msPerPx = spanOf(view) / Math.max(1, width);
  return tickSteps.find((step) => step / msPerPx >= minSpacingPx) ?? (tickSteps.at(-1) as Milliseconds);
}

const pad = (value: number) => String(value).padStart(2, '0');

/** `1:30` (h:mm) for steps of a minute or more, `1:30:15` below; negative before the dose. */
export function formatAxisTime(ms: Milliseconds, stepMs: Milliseconds): string {
  const sign = ms < 0 ? '−' : '';
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return stepMs >= minute ? `${sign}${hours}:${pad(minutes)}` : `${sign}${hours}:${pad(minutes)}:${pad(seconds)}`;
}

export interface Tick {
  readonly ms: Milliseconds;
  readonly label: string;
}

export function axisTicks(view: TimeRange, width: number, minSpacingPx = 90): Tick[] {
  const step = tickStep(view, width, minSpacingPx);
  const ticks: Tick[] = [];
  for (let ms = Math.ceil(view.startMs / step) * step; ms <= view.endMs; ms += step) ticks.push({ ms, label: formatAxisTime(ms, step) });
  return ticks;
}

/**
 * How much one wheel event zooms: vertical wheel and pinch (Chromium sends a pinch as a
 * wheel event with ctrlKey) zoom, scaled so a notch of a mouse wheel is about ×1.25.
 */
export function wheelZoomFactor(deltaY: number, deltaMode: number, ctrlKey: boolean): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const perPixel = ctrlKey ? 0.01 : 0.0022;
  return Math.exp(-clamp(pixels, -400, 400) * perPixel);
}

export interface Timed {
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
}

/** First index whose start is at or after `ms` (items sorted by start). */
export function lowerBound(items: readonly Timed[], ms: Milliseconds): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as Timed).startMs < ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Indices [from, to) of the items (sorted by start) that may overlap the view: the only
 * ones worth drawing. `longestMs` is the longest item, so spans starting before the view
 * but reaching into it are kept; the caller still checks each one's end.
 */
export function visibleSlice(items: readonly Timed[], view: TimeRange, longestMs: Milliseconds): [number, number] {
  return [lowerBound(items, view.startMs - longestMs), lowerBound(items, view.endMs + 1)];
}

export interface Bucketed<T> {
  readonly item: T;
  /** How many items this one stands for (drawn as one pin). */
  readonly count: number;
}

/**
 * Points in the view, at most one per `bucketPx` pixels: at a whole-day zoom two thousand
 * marks become a few hundred pins, each standing for the marks under it. Spans (end after
 * start) are never merged.
 */
export function bucketItems<T extends Timed>(items: readonly T[], view: TimeRange, width: number, bucketPx: number, longestMs: Milliseconds): Bucketed<T>[] {
  const [from, to] = visibleSlice(items, view, longestMs);
  const result: Bucketed<T>[] = [];
  let lastBucket = Number.NEGATIVE_INFINITY;
  let last: { item: T; count: number } | undefined;
  for (let index = from; index < to; index += 1) {
    const item = items[index] as T;
    if (item.endMs < view.startMs || item.startMs > view.endMs) continue;
    if (item.endMs > item.startMs) {
      result.push({ item, count: 1 });
      continue;
    }
    const bucket = Math.floor(timeToX(item.startMs, view, width) / bucketPx);
    if (last !== undefined && bucket === lastBucket) {
      last.count += 1;
      continue;
    }
    last = { item, count: 1 };
    lastBucket = bucket;
    result.push(last);
  }
  return result;
}

/**
 * The item nearest to `ms` within `toleranceMs` (a span counts as near anywhere along it);
 * undefined when none is. Items sorted by start.
 */
export function nearestItem<T extends Timed>(items: readonly T[], ms: Milliseconds, toleranceMs: Milliseconds, longestMs: Milliseconds): T | undefined {
  let best: T | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const from = lowerBound(items, ms - toleranceMs - longestMs);
  for (let index = from; index < items.length; index += 1) {
    const item = items[index] as T;
    if (item.startMs > ms + toleranceMs) break;
    const distance = ms < item.startMs ? item.startMs - ms : ms > item.endMs ? ms - item.endMs : 0;
    if (distance <= toleranceMs && distance < bestDistance) {
      best = item;
      bestDistance = distance;
    }
  }
  return best;
}
