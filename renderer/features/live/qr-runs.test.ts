import { describe, expect, it } from 'vitest';
import { qrRuns } from './qr-runs';

describe('qrRuns', () => {
  it('covers exactly the dark modules, runs at the row ends included', () => {
    const rows = [
      [true, true, false, true],
      [false, false, false, false],
      [true, false, true, true],
      [true, true, true, true],
    ];
    const runs = qrRuns(rows);
    expect(runs).toEqual([
      { x: 0, y: 0, width: 2 },
      { x: 3, y: 0, width: 1 },
      { x: 0, y: 2, width: 1 },
      { x: 2, y: 2, width: 2 },
      { x: 0, y: 3, width: 4 },
    ]);
    const drawn = rows.map((row) => row.map(() => false));
    for (const run of runs) for (let x = run.x; x < run.x + run.width; x += 1) (drawn[run.y] as boolean[])[x] = true;
    expect(drawn).toEqual(rows);
  });
});
