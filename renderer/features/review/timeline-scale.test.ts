import { describe, expect, it } from 'vitest';
import {
  axisTicks,
  bucketItems,
  centreView,
  clampView,
  formatAxisTime,
  minimumSpanMs,
  nearestItem,
  panView,
  spanOf,
  tickStep,
  timeToX,
  visibleSlice,
  wheelZoomFactor,
  wholeView,
  xToTime,
  zoomView,
} from './timeline-scale';

const hour = 3_600_000;
const day = { startMs: 0, endMs: 8 * hour };

describe('view math', () => {
  it('shows the whole domain, and at least the minimum span', () => {
    expect(wholeView(day)).toEqual(day);
    expect(wholeView({ startMs: 0, endMs: 5000 })).toEqual({ startMs: 0, endMs: minimumSpanMs });
  });

  it('keeps the view inside the domain and between a minute and the whole day', () => {
    expect(clampView({ startMs: -hour, endMs: hour }, day)).toEqual({ startMs: 0, endMs: 2 * hour });
    expect(clampView({ startMs: 7 * hour, endMs: 9 * hour }, day)).toEqual({ startMs: 6 * hour, endMs: 8 * hour });
    expect(clampView({ startMs: -hour, endMs: 20 * hour }, day)).toEqual(day);
    expect(spanOf(clampView({ startMs: hour, endMs: hour + 10 }, day))).toBe(minimumSpanMs);
  });

  it('hands back the very view that already fits, so setting it again does not redraw the timeline', () => {
    const fits = { startMs: hour, endMs: 3 * hour };
    expect(clampView(fits, day)).toBe(fits);
    const whole = wholeView(day);
    expect(clampView(whole, day)).toBe(whole);
  });

  it('zooms around the anchor, which stays where it was on screen', () => {
    const view = { startMs: 0, endMs: 4 * hour };
    const anchor = hour;
    const zoomed = zoomView(view, 2, anchor, day);
    expect(spanOf(zoomed)).toBe(2 * hour);
    expect(timeToX(anchor, zoomed, 1000)).toBeCloseTo(timeToX(anchor, view, 1000), 6);
    expect(zoomView(zoomed, 0.5, anchor, day)).toEqual(view);
  });

  it('stops zooming in at a minute and out at the whole day', () => {
    let view = wholeView(day);
    for (let step = 0; step < 40; step += 1) view = zoomView(view, 2, 3 * hour, day);
    expect(spanOf(view)).toBe(minimumSpanMs);
    expect(view.startMs).toBeLessThanOrEqual(3 * hour);
    expect(view.endMs).toBeGreaterThanOrEqual(3 * hour);
    for (let step = 0; step < 40; step += 1) view = zoomView(view, 0.5, 3 * hour, day);
    expect(view).toEqual(day);
  });

  it('pans without leaving the domain', () => {
    const view = { startMs: hour, endMs: 2 * hour };
    expect(panView(view, 30 * 60_000, day)).toEqual({ startMs: 1.5 * hour, endMs: 2.5 * hour });
    expect(panView(view, -5 * hour, day)).toEqual({ startMs: 0, endMs: hour });
    expect(panView(view, 50 * hour, day)).toEqual({ startMs: 7 * hour, endMs: 8 * hour });
    expect(centreView(view, 4 * hour, day)).toEqual({ startMs: 3.5 * hour, endMs: 4.5 * hour });
  });

  it('maps time to pixels and back', () => {
    const view = { startMs: hour, endMs: 3 * hour };
    expect(timeToX(2 * hour, view, 800)).toBe(400);
    expect(xToTime(400, view, 800)).toBe(2 * hour);
  });
});

describe('axis', () => {
  it('chooses steps a reader can count in, at least the spacing apart', () => {
    expect(tickStep(day, 1000)).toBe(hour);
    expect(tickStep({ startMs: 0, endMs: 10 * 60_000 }, 1000)).toBe(60_000);
    expect(tickStep({ startMs: 0, endMs: 60_000 }, 1000)).toBe(10_000);
    const ticks = axisTicks({ startMs: 10 * 60_000, endMs: 70 * 60_000 }, 1000);
    expect(ticks[0]?.ms).toBe(10 * 60_000);
    for (let index = 1; index < ticks.length; index += 1) expect(timeToX((ticks[index] as { ms: number }).ms, { startMs: 10 * 60_000, endMs: 70 * 60_000 }, 1000) - timeToX((ticks[index - 1] as { ms: number }).ms, { startMs: 10 * 60_000, endMs: 70 * 60_000 }, 1000)).toBeGreaterThanOrEqual(90);
  });

  it('labels hours and minutes, with seconds when the step is under a minute', () => {
    expect(formatAxisTime(90 * 60_000, hour)).toBe('1:30');
    expect(formatAxisTime(90 * 60_000 + 15_000, 15_000)).toBe('1:30:15');
    expect(formatAxisTime(-5 * 60_000, 60_000)).toBe('−0:05');
  });
});

describe('wheel', () => {
  it('zooms in for a wheel turned away (negative delta) and out toward the user', () => {
    expect(wheelZoomFactor(-100, 0, false)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100, 0, false)).toBeLessThan(1);
    expect(wheelZoomFactor(-3, 1, false)).toBeCloseTo(wheelZoomFactor(-48, 0, false), 10);
    // A pinch (ctrlKey) sends small deltas; they zoom more per pixel.
    expect(wheelZoomFactor(-10, 0, true)).toBeGreaterThan(wheelZoomFactor(-10, 0, false));
    expect(wheelZoomFactor(-1e6, 0, false)).toBe(wheelZoomFactor(-400, 0, false));
  });
});

describe('items in view', () => {
  const points = Array.from({ length: 2000 }, (_, index) => ({ startMs: index * 14_400, endMs: index * 14_400, id: index }));

  it('slices the items that may be visible by binary search', () => {
    const [from, to] = visibleSlice(points, { startMs: hour, endMs: 2 * hour }, 0);
    expect(points[from]?.startMs).toBeGreaterThanOrEqual(hour);
    expect(points[from - 1]?.startMs).toBeLessThan(hour);
    expect(points[to - 1]?.startMs).toBeLessThanOrEqual(2 * hour);
    expect(points[to]?.startMs ?? Infinity).toBeGreaterThan(2 * hour);
  });

  it('keeps a span that began before the view but reaches into it', () => {
    const items = [
      { startMs: 0, endMs: 3 * hour },
      { startMs: hour, endMs: hour },
      { startMs: 5 * hour, endMs: 5 * hour },
    ];
    const drawn = bucketItems(items, { startMs: 2 * hour, endMs: 4 * hour }, 1000, 3, 3 * hour);
    expect(drawn.map((entry) => entry.item)).toEqual([items[0]]);
  });

  it('merges points closer than a bucket at a wide zoom, and counts what each stands for', () => {
    const drawn = bucketItems(points, day, 1000, 3, 0);
    expect(drawn.length).toBeLessThanOrEqual(Math.ceil(1000 / 3) + 1);
    expect(drawn.reduce((total, entry) => total + entry.count, 0)).toBe(2000);
    const close = bucketItems(points, { startMs: hour, endMs: hour + 10 * 60_000 }, 1000, 3, 0);
    expect(close.every((entry) => entry.count === 1)).toBe(true);
  });

  it('finds the nearest item within the tolerance, spans anywhere along them', () => {
    const items = [
      { startMs: 1000, endMs: 1000 },
      { startMs: 5000, endMs: 9000 },
      { startMs: 20_000, endMs: 20_000 },
    ];
    expect(nearestItem(items, 1400, 500, 4000)).toBe(items[0]);
    expect(nearestItem(items, 7000, 500, 4000)).toBe(items[1]);
    expect(nearestItem(items, 19_600, 500, 4000)).toBe(items[2]);
    expect(nearestItem(items, 14_000, 500, 4000)).toBeUndefined();
  });
});
