/**
 * Where each render quantum a recorder worklet saw starts on the audio clock. The worklet's
 * `currentFrame` cannot be trusted for this: when Chromium's audio thread falls behind it renders
 * several quanta in a row and reports the same `currentFrame` for all of them (seen here: one
 * frame four times, then the frame 512 on). Placed by it, those quanta land on each other and
 * leave zeros after them, which read as a gap of one to three quanta in a join that had none.
 * The quanta come in order and without holes, so each one starts where the one before it ended;
 * only the first start is taken from `currentFrame`, as the latest one any quantum's report allows
 * (a report is never ahead of its quantum, only behind).
 */
export function quantumStartFrames(reportedFrames: readonly number[], quantumLengths: readonly number[]): number[] {
  if (reportedFrames.length !== quantumLengths.length) throw new Error('one reported frame and one length per quantum');
  let first = Number.NEGATIVE_INFINITY;
  let before = 0;
  reportedFrames.forEach((reported, index) => {
    first = Math.max(first, reported - before);
    before += quantumLengths[index] ?? 0;
  });
  const starts: number[] = [];
  let at = first;
  for (const length of quantumLengths) {
    starts.push(at);
    at += length;
  }
  return starts;
}
