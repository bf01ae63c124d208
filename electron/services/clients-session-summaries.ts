import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { SessionSummary } from '../../core/contract';
import { nodeErrorCode } from './error-code';

/** The files a session summary is read from, inside `<data>/sessions/<id>/`. */
const summarySources = ['session.json', 'events.jsonl'] as const;

interface CachedSummary {
  /** Inode, size and modification time of each source file: any change (an append, the end, encryption turned on) means reading again. */
  readonly key: string;
  readonly summary: SessionSummary;
}

/**
 * Dosing-session summaries for the course page, kept per session until its journal or
 * metadata changes on disk. A summary costs reading and folding an eight-hour journal; a
 * course of twenty sessions asked again (after every note saved on the page) would read
 * them all each time. The key is taken before the summary is read, so a write in between
 * leaves an older key on a newer summary, which the next call reads again: never stale.
 */
export class SessionSummaryCache {
  private readonly cache = new Map<string, CachedSummary>();

  constructor(
    private readonly sessionsDir: string,
    private readonly read: (sessionIds: readonly string[]) => Promise<SessionSummary[]>,
  ) {}

  /** The summaries of these sessions, in the order given; one that is missing or cannot be read is left out (as the session store does). */
  async summariesOf(sessionIds: readonly string[]): Promise<SessionSummary[]> {
    const keys = await Promise.all(sessionIds.map((sessionId) => this.keyOf(sessionId)));
    const stale = sessionIds.filter((sessionId, index) => keys[index] === undefined || this.cache.get(sessionId)?.key !== keys[index]);
    const fresh = new Map((stale.length === 0 ? [] : await this.read(stale)).map((summary) => [summary.meta.id, summary]));
    const summaries: SessionSummary[] = [];
    sessionIds.forEach((sessionId, index) => {
      const key = keys[index];
      const summary = fresh.get(sessionId) ?? (key === undefined ? undefined : this.cache.get(sessionId)?.summary);
      if (summary === undefined) {
        this.cache.delete(sessionId);
        return;
      }
      if (key !== undefined && fresh.has(sessionId)) this.cache.set(sessionId, { key, summary });
      summaries.push(summary);
    });
    return summaries;
  }

  /** undefined when a file is missing (a folder being built, or a damaged one): never cached. */
  private async keyOf(sessionId: string): Promise<string | undefined> {
    try {
      const stats = await Promise.all(summarySources.map((name) => stat(path.join(this.sessionsDir, sessionId, name), { bigint: true })));
      return stats.map((found) => `${found.ino}:${found.size}:${found.mtimeNs}`).join('/');
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOENT' || nodeErrorCode(error) === 'ENOTDIR') return undefined;
      throw error;
    }
  }
}
