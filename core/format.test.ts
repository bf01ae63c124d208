import { describe, expect, it } from 'vitest';
import { formatClock, formatMinutes, formatPosition } from './format';

describe('formatClock', () => {
  it.each([
    [0, '0:00:00'],
    [999, '0:00:00'],
    [1000, '0:00:01'],
    [245_000, '0:04:05'],
    [3_723_000, '1:02:03'],
    [8 * 3_600_000 - 1, '7:59:59'],
    [10 * 3_600_000, '10:00:00'],
    [-5000, '0:00:00'],
  ])('shows %i ms as %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe('formatPosition', () => {
  it.each([
    [0, '0:00'],
    [5_500, '0:05'],
    [245_000, '4:05'],
    [3_599_999, '59:59'],
    [3_600_000, '1:00:00'],
    [3_723_000, '1:02:03'],
    [-1, '0:00'],
  ])('shows %i ms as %s', (ms, text) => {
    expect(formatPosition(ms)).toBe(text);
  });
});

describe('formatMinutes', () => {
  it.each([
    [45, '45 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [420, '7 h'],
  ])('shows %i minutes as %s', (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text);
  });
});
