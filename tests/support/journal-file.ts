import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface StoredEvent {
  readonly id: string;
  readonly seq: number;
  readonly kind: string;
  readonly sessionMs: number;
  readonly wallTime: string;
  readonly payload: Record<string, unknown>;
}

/** A session's journal as it is on disk: one parsed event per line. */
export async function readJournalFile(dataDir: string, sessionId: string): Promise<StoredEvent[]> {
  const text = await readFile(path.join(dataDir, 'sessions', sessionId, 'events.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StoredEvent);
}
