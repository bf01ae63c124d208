import type { JournalEvent } from '../events';
import { inJournalOrder } from '../journal-order';
import type { Milliseconds } from '../units';

interface Checkpoint {
  readonly sessionMs: Milliseconds;
  readonly programMs: Milliseconds;
  readonly playing: boolean;
}

/**
 * Maps session time to program time (music time, which stands still while paused or
 * quiet) from the journal's checkpoints: phase and segment starts, play and pause, quiet
 * start and end, resumes. Between checkpoints, program time runs with session time while
 * playing; nothing runs after the session ended.
 */
export class ProgramClock {
  private readonly checkpoints: readonly Checkpoint[];

  constructor(events: readonly JournalEvent[]) {
    const checkpoints: Checkpoint[] = [];
    let last: Checkpoint | undefined;
    const add = (sessionMs: Milliseconds, programMs: Milliseconds, playing: boolean) => {
      // Checkpoints stay in session-time order even if a clock hiccup stamped one earlier.
      last = { sessionMs: Math.max(sessionMs, last?.sessionMs ?? 0), programMs, playing };
      checkpoints.push(last);
    };
    for (const event of inJournalOrder(events)) {
      switch (event.kind) {
        case 'phase-started':
        case 'segment-started':
          add(event.sessionMs, event.payload.programMs, true);
          break;
        case 'playback':
          add(event.sessionMs, event.payload.programMs, event.payload.action === 'play');
          break;
        case 'quiet':
          add(event.sessionMs, event.payload.programMs, event.payload.action === 'end');
          break;
        case 'closing-started':
          add(event.sessionMs, event.payload.programMs, false);
          break;
        case 'session-resumed':
          add(event.sessionMs, event.payload.programMs, event.payload.playing);
          break;
        case 'session-ended':
          if (last !== undefined) add(event.sessionMs, this.extrapolate(last, event.sessionMs), false);
          break;
        default:
          break;
      }
    }
    this.checkpoints = checkpoints;
  }

  private extrapolate(checkpoint: Checkpoint, sessionMs: Milliseconds): Milliseconds {
    return checkpoint.playing ? checkpoint.programMs + Math.max(0, sessionMs - checkpoint.sessionMs) : checkpoint.programMs;
  }

  /** Program time at a session time; 0 before the music started. */
  programAt(sessionMs: Milliseconds): Milliseconds {
    let low = 0;
    let high = this.checkpoints.length - 1;
    if (high < 0 || (this.checkpoints[0] as Checkpoint).sessionMs > sessionMs) return 0;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.checkpoints[middle] as Checkpoint).sessionMs <= sessionMs) low = middle;
      else high = middle - 1;
    }
    return this.extrapolate(this.checkpoints[low] as Checkpoint, sessionMs);
  }
}
