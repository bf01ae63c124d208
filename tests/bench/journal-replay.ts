import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { JournalEvent } from '../../core/events';
import { foldSession } from '../../core/fold';
import { readJournal } from '../../electron/services/journal';

const eventCount = 10_000;
const runs = Number(process.env.ATTUNE_BENCH_RUNS ?? 7);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * An 8-hour session far busier than a real one: a segment start every 25 events, marks
 * (some with notes and intensity), and edits of earlier marks, in the journal's line format.
 */
export function sessionEvents(): JournalEvent[] {
  const started = Date.parse('2026-11-21T09:00:00.000Z');
  const stepMs = Math.floor((8 * 3_600_000) / eventCount);
  const kinds = ['resonance', 'distress', 'dissociation', 'breakthrough', 'music-resistance', 'note'];
  const events: JournalEvent[] = [];
  const markIds: string[] = [];
  let segment = 0;
  let segmentStartMs = 0;
  for (let seq = 0; seq < eventCount; seq += 1) {
    const sessionMs = seq * stepMs;
    const base = { id: randomUUID(), seq, sessionMs, wallTime: new Date(started + sessionMs).toISOString() };
    if (seq === 0) {
      events.push({ ...base, kind: 'session-started', payload: { playlistId: 'generative', playlistTitle: 'Generative session' } });
    } else if (seq % 25 === 1) {
      segment += 1;
      segmentStartMs = sessionMs;
      events.push({ ...base, kind: 'segment-started', payload: { phaseId: 'peak', segmentId: `segment-${segment}`, programMs: sessionMs } });
    } else if (seq % 5 === 0 && markIds.length > 0) {
      const markId = markIds[(seq * 7) % markIds.length] as string;
      events.push({ ...base, kind: 'mark-edited', payload: { markId, intensity: 1 + (seq % 5), note: seq % 10 === 0 ? `edited at ${seq}` : undefined } });
    } else {
      markIds.push(base.id);
      const markKind = kinds[seq % kinds.length] as string;
      events.push({
        ...base,
        kind: 'mark',
        payload: {
          markKind,
          phaseId: 'peak',
          segmentId: `segment-${segment}`,
          positionMs: sessionMs - segmentStartMs,
          reactionOffsetMs: 0,
          ...(markKind === 'note' ? { note: 'Client asked for the blanket; breathing slower, hands open.' } : {}),
          ...(seq % 3 === 0 ? { intensity: 1 + (seq % 5) } : {}),
        },
      });
    }
  }
  return events;
}

/** readJournal + foldSession over a 10,000-event journal, next to plain JSON.parse of the same lines. */
export async function benchJournalReplay(): Promise<string[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-journal-'));
  try {
    const journalPath = path.join(directory, 'events.jsonl');
    const events = sessionEvents();
    await writeFile(journalPath, events.map((event) => `${JSON.stringify(event)}\n`).join(''));

    const replay = async () => {
      const startedAt = performance.now();
      const { events: read, repairs } = await readJournal(journalPath, { repair: false });
      const folded = foldSession(read);
      const elapsed = performance.now() - startedAt;
      if (read.length !== eventCount || repairs.length > 0 || folded.marks.length === 0) {
        throw new Error(`journal replay read ${read.length} of ${eventCount} events (${repairs.join('; ')})`);
      }
      return elapsed;
    };
    const reference = async () => {
      const startedAt = performance.now();
      const text = await readFile(journalPath, 'utf8');
      let parsed = 0;
      for (const line of text.split('\n')) {
        if (line !== '') {
          JSON.parse(line);
          parsed += 1;
        }
      }
      const elapsed = performance.now() - startedAt;
      if (parsed !== eventCount) throw new Error(`reference parsed ${parsed} of ${eventCount} lines`);
      return elapsed;
    };

    await replay(); // warm up; not counted
    await reference();
    const replayMs: number[] = [];
    const referenceMs: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      replayMs.push(await replay());
      referenceMs.push(await reference());
    }
    return [
      `journal_replay_ms_10k_events: ${median(replayMs).toFixed(1)} ms (median of ${runs})`,
      `reference_json_parse_ms_10k_lines: ${median(referenceMs).toFixed(1)} ms (median of ${runs}, reading the same file and JSON.parse of each line)`,
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
