import { describe, expect, it } from 'vitest';
import { journalEventSchema, type JournalEvent } from '../events';
import { ProgramClock } from './program-clock';

let seq = 0;
function event(kind: string, sessionMs: number, payload: object): JournalEvent {
  seq += 1;
  return journalEventSchema.parse({
    id: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    seq,
    kind,
    sessionMs,
    wallTime: new Date(Date.UTC(2026, 0, 1) + sessionMs).toISOString(),
    payload,
  });
}

describe('ProgramClock', () => {
  it('runs with session time while playing and stands still while paused or quiet', () => {
    const clock = new ProgramClock([
      event('playback', 0, { action: 'play', programMs: 0 }),
      event('playback', 60_000, { action: 'pause', programMs: 60_000 }),
      event('playback', 90_000, { action: 'play', programMs: 60_000 }),
      event('quiet', 120_000, { action: 'start', programMs: 90_000 }),
      event('quiet', 180_000, { action: 'end', programMs: 90_000 }),
      event('session-ended', 240_000, { reason: 'facilitator' }),
    ]);
    expect(clock.programAt(30_000)).toBe(30_000);
    expect(clock.programAt(75_000)).toBe(60_000);
    expect(clock.programAt(100_000)).toBe(70_000);
    expect(clock.programAt(150_000)).toBe(90_000);
    expect(clock.programAt(200_000)).toBe(110_000);
    expect(clock.programAt(240_000)).toBe(150_000);
    expect(clock.programAt(999_000)).toBe(150_000);
  });

  it('takes a resume at its word and starts at 0 before any music', () => {
    const clock = new ProgramClock([
      event('segment-started', 1000, { phaseId: 'onset', segmentId: 'a', programMs: 0 }),
      event('session-resumed', 600_000, { programMs: 590_000, gapMs: 300_000, playing: false }),
    ]);
    expect(clock.programAt(0)).toBe(0);
    expect(clock.programAt(11_000)).toBe(10_000);
    expect(clock.programAt(700_000)).toBe(590_000);
    expect(new ProgramClock([]).programAt(5000)).toBe(0);
  });
});
