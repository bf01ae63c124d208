import { describe, expect, it } from 'vitest';
import { countInView, drawsAsPath, pathAbovePins, pinPaths, pinTransform } from './timeline-pins';

const hour = 3_600_000;
const domain = { startMs: -10 * 60_000, endMs: 8 * hour };
const shape = { top: 3, height: 16, widthPx: 4, rounded: false };

/** Where a path's x (seconds since the domain's start) lands on screen under the transform. */
function screenX(transform: string, seconds: number): number {
  const [a, , , , e] = (/^matrix\((.+)\)$/.exec(transform)?.[1] ?? '').split(' ').map(Number);
  return (a as number) * seconds + (e as number);
}

describe('pin paths', () => {
  const items = [
    { startMs: 0, endMs: 0, color: '#a00' },
    { startMs: hour, endMs: hour, color: '#0a0' },
    { startMs: 2 * hour, endMs: 3 * hour, color: '#a00' },
    { startMs: 4 * hour, endMs: 4 * hour, color: '#a00' },
  ];

  it('draws one vertical line per point, one path per colour, spans left out', () => {
    const paths = pinPaths(items, domain, shape);
    expect(paths.map((path) => path.colour)).toEqual(['#a00', '#0a0']);
    expect(paths[0]?.d).toBe('M600.000 3v16M15000.000 3v16');
    expect(paths[0]?.times).toEqual([0, 4 * hour]);
    expect(paths[1]?.d).toBe('M4200.000 3v16');
    // Round caps stay inside the row's pin height.
    expect(pinPaths(items, domain, { ...shape, rounded: true })[1]?.d).toBe('M4200.000 5v12');
  });

  it('is moved by its transform to where the view shows each time', () => {
    const view = { startMs: hour / 2, endMs: 1.5 * hour };
    const transform = pinTransform(view, domain, 168, 1000, 40);
    expect(transform).toMatch(/ 40\)$/);
    // The mark at one hour is in the middle of the view, the dose half a plot to the left of it.
    expect(screenX(transform, (hour - domain.startMs) / 1000)).toBeCloseTo(168 + 500, 6);
    expect(screenX(transform, (0 - domain.startMs) / 1000)).toBeCloseTo(168 - 500, 6);
    const whole = pinTransform(domain, domain, 168, 1000, 0);
    expect(screenX(whole, 0)).toBeCloseTo(168, 6);
    expect(screenX(whole, (domain.endMs - domain.startMs) / 1000)).toBeCloseTo(1168, 6);
  });

  it('counts the pins a view shows, its ends included', () => {
    const times = [0, hour, 2 * hour, 2 * hour, 3 * hour];
    expect(countInView(times, { startMs: 0, endMs: 8 * hour })).toBe(5);
    expect(countInView(times, { startMs: hour, endMs: 2 * hour })).toBe(3);
    expect(countInView(times, { startMs: hour + 1, endMs: 2 * hour - 1 })).toBe(0);
    expect(countInView(times, { startMs: 5 * hour, endMs: 6 * hour })).toBe(0);
    expect(countInView([], domain)).toBe(0);
  });

  it('chooses paths by the size of the whole row, so no zoom switches a row between elements and a path', () => {
    expect(drawsAsPath(pathAbovePins)).toBe(false);
    expect(drawsAsPath(pathAbovePins + 1)).toBe(true);
  });
});
