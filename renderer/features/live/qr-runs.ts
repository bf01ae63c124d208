/** One horizontal run of dark modules in a QR code's row. */
export interface QrRun {
  readonly x: number;
  readonly y: number;
  readonly width: number;
}

/**
 * A QR code's dark modules as horizontal runs, one rectangle each: a 33-module code has a few
 * hundred instead of a thousand squares, and no seams between neighbours.
 */
export function qrRuns(rows: readonly (readonly boolean[])[]): QrRun[] {
  const runs: QrRun[] = [];
  rows.forEach((row, y) => {
    let start = -1;
    row.forEach((dark, x) => {
      if (dark && start < 0) start = x;
      const ends = !dark || x === row.length - 1;
      if (ends && start >= 0) {
        runs.push({ x: start, y, width: (dark ? x + 1 : x) - start });
        start = -1;
      }
    });
  });
  return runs;
}
