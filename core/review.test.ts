import { describe, expect, it } from 'vitest';
import type { OpenedSession } from './contract';
import type { JournalEvent } from './events';
import { reviewSession } from './review';

const meta: OpenedSession['meta'] = {
  id: '20261121-093000-a1b2c3',
  playlistId: 'generative-session',
  playlistTitle: 'Generative session',
  clientCode: 'K-17',
  createdAt: '2026-11-21T09:30:00.000Z',
  status: 'open',
};

let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${String((counter += 1)).padStart(12, '0')}`;

function mark(seq: number, sessionMs: number, markKind = 'resonance'): JournalEvent {
  return {
    id: uuid(),
    seq,
    kind: 'mark',
    sessionMs,
    wallTime: new Date(Date.UTC(2026, 10, 21, 9, 30) + sessionMs).toISOString(),
    payload: { markKind, phaseId: 'peak', segmentId: 'peak-drone', positionMs: sessionMs % 60_000 },
  };
}

function playback(seq: number, sessionMs: number): JournalEvent {
  return {
    id: uuid(),
    seq,
    kind: 'playback',
    sessionMs,
    wallTime: '2026-11-21T10:00:00.000Z',
    payload: { action: 'pause', programMs: sessionMs },
  };
}

describe('reviewSession', () => {
  it('lists only marks, in session-time order, with journal order breaking ties', () => {
    const events = [playback(0, 500), mark(1, 90_000, 'distress'), mark(2, 30_000), mark(3, 90_000, 'breakthrough'), playback(4, 95_000), mark(5, 10_000)];
    const review = reviewSession({ meta, events, repairs: [] });
    expect(review.marks.map((reviewed) => [reviewed.sessionMs, reviewed.seq, reviewed.markKind])).toEqual([
      [10_000, 5, 'resonance'],
      [30_000, 2, 'resonance'],
      [90_000, 1, 'distress'],
      [90_000, 3, 'breakthrough'],
    ]);
  });

  it('breaks ties by sequence number even when the journal lists them out of order', () => {
    const review = reviewSession({ meta, events: [mark(7, 1000), mark(3, 1000)], repairs: [] });
    expect(review.marks.map((reviewed) => reviewed.seq)).toEqual([3, 7]);
  });

  it('carries the phase, segment and position of each mark', () => {
    const event = mark(0, 125_000);
    const [reviewed] = reviewSession({ meta, events: [event], repairs: [] }).marks;
    expect(reviewed).toEqual({
      id: event.id,
      seq: 0,
      markKind: 'resonance',
      sessionMs: 125_000,
      wallTime: event.wallTime,
      phaseId: 'peak',
      segmentId: 'peak-drone',
      positionMs: 5_000,
    });
  });

  it('reports the latest session time over all events and whether the session ended', () => {
    const events = [mark(0, 2000), playback(1, 7_200_000), mark(2, 3000)];
    expect(reviewSession({ meta, events, repairs: [] })).toMatchObject({ lastSessionMs: 7_200_000, ended: false });
    expect(reviewSession({ meta: { ...meta, status: 'ended', endedAt: '2026-11-21T16:30:00.000Z' }, events: [], repairs: [] })).toEqual({
      marks: [],
      lastSessionMs: 0,
      ended: true,
    });
  });
});
