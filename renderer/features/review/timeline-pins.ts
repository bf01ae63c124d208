import type { Milliseconds } from '../../../core/units';
import { spanOf, type TimeRange, type Timed } from './timeline-scale';

/**
 * Above this many items a row's point pins are drawn as one path per colour, built once
 * per session and moved by a transform; at or below it, as one element per pin.
 */
export const pathAbovePins = 60;

/** What a row of pins is drawn from; the pins' own y is from the top of their row. */
export interface PinShape {
  readonly top: number;
  readonly height: number;
  /** On screen, however far the view is zoomed. */
  readonly widthPx: number;
  /** Rounded ends (as the single pins' `rx`), kept inside top and height. */
  readonly rounded: boolean;
}

export interface PinPath {
  readonly colour: string;
  /**
   * One vertical line per pin at its time, in seconds since the domain's start (so the
   * numbers stay small enough for the renderer's single-precision paths), stroked at a
   * fixed on-screen width while the row's transform stretches time to the view.
   */
  readonly d: string;
  /** The pins' times, sorted: how many of them a view shows. */
  readonly times: readonly Milliseconds[];
}

/** True when the row draws its points as paths: decided by the whole row, so zooming never switches a row between the two ways. */
export const drawsAsPath = (itemCount: number): boolean => itemCount > pathAbovePins;

/** The row's point items (start equal to end), one path per colour. */
export function pinPaths<T extends Timed & { readonly color: string }>(items: readonly T[], domain: TimeRange, shape: PinShape): PinPath[] {
  const byColour = new Map<string, { d: string[]; times: Milliseconds[] }>();
  // A round cap reaches half the stroke's width past each end of its line.
  const inset = shape.rounded ? shape.widthPx / 2 : 0;
  for (const item of items) {
    if (item.endMs > item.startMs) continue;
    let group = byColour.get(item.color);
    if (group === undefined) {
      group = { d: [], times: [] };
      byColour.set(item.color, group);
    }
    group.d.push(`M${((item.startMs - domain.startMs) / 1000).toFixed(3)} ${shape.top + inset}v${shape.height - 2 * inset}`);
    group.times.push(item.startMs);
  }
  return [...byColour].map(([colour, group]) => ({ colour, d: group.d.join(''), times: group.times }));
}

/**
 * The SVG transform that puts a pin path's seconds where the view shows them: `x` is the
 * left edge of the plot, `width` its width in pixels, `y` the top of the row.
 */
export function pinTransform(view: TimeRange, domain: TimeRange, x: number, width: number, y: number): string {
  const pxPerMs = width / spanOf(view);
  return `matrix(${pxPerMs * 1000} 0 0 1 ${x + (domain.startMs - view.startMs) * pxPerMs} ${y})`;
}

/** How many of the sorted times fall inside the view (its ends included). */
export function countInView(times: readonly Milliseconds[], view: TimeRange): number {
  return firstIndexAbove(times, view.endMs, true) - firstIndexAbove(times, view.startMs, false);
}

/** The first index whose time is above `ms` (or at or above it, when `inclusive` is false). */
function firstIndexAbove(times: readonly Milliseconds[], ms: Milliseconds, inclusive: boolean): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const time = times[middle] as Milliseconds;
    if (time < ms || (inclusive && time === ms)) low = middle + 1;
    else high = middle;
  }
  return low;
}
