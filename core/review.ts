import type { OpenedSession } from './contract';
import { isMark, type MarkEvent } from './events';

export interface ReviewedMark {
  readonly id: string;
  readonly seq: number;
  readonly markKind: string;
  readonly sessionMs: number;
  readonly wallTime: string;
  readonly phaseId: string;
  readonly segmentId: string;
  readonly positionMs: number;
}

export interface SessionReview {
  readonly marks: readonly ReviewedMark[];
  readonly lastSessionMs: number;
  readonly ended: boolean;
}

const toReviewedMark = (event: MarkEvent): ReviewedMark => ({
  id: event.id,
  seq: event.seq,
  markKind: event.payload.markKind,
  sessionMs: event.sessionMs,
  wallTime: event.wallTime,
  phaseId: event.payload.phaseId,
  segmentId: event.payload.segmentId,
  positionMs: event.payload.positionMs,
});

/** The session as review shows it: marks in session-time order (journal order breaks ties). */
export function reviewSession(session: OpenedSession): SessionReview {
  const marks = session.events
    .filter(isMark)
    .map(toReviewedMark)
    .sort((a, b) => a.sessionMs - b.sessionMs || a.seq - b.seq);
  const lastSessionMs = session.events.reduce((latest, event) => Math.max(latest, event.sessionMs), 0);
  return { marks, lastSessionMs, ended: session.meta.status === 'ended' };
}
