import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { computeInsights, digestSession, insightsKinds, matchesFilter, type InsightsFilter, type SessionDigest, type TrackInsight } from '../../core/insights';
import type { Playlist } from '../../core/playlist';
import { sessionIdSchema, sessionMetaSchema } from '../../core/session';
import { clearCodec, type SessionCodec } from './encryption/session-codec';
import { readJournal } from './journal';
import { journalLineDecoder } from './sessions';

const metaFileName = 'session.json';
const journalFileName = 'events.jsonl';

export interface InsightsServiceOptions {
  /** Sessions are read from `<dataDir>/sessions/<id>/`. */
  readonly dataDir: string;
  /** Titles and artists come from the playlist as it is now (PlaylistCatalog fits); a missing one leaves ids. */
  readonly playlists: { get(playlistId: string): Promise<Playlist> };
  /** Session folders read at once. */
  readonly concurrency?: number;
  /** How session files are read now (encryption at rest); rejects while locked. */
  readonly codec?: () => Promise<SessionCodec>;
}

export interface InsightsReport {
  readonly rows: TrackInsight[];
  /** Mark kinds the rows use, by id (order them with insightsKinds and the settings' kinds). */
  readonly kinds: string[];
  /** Sessions the filter let through. */
  readonly sessionCount: number;
  /** Session folders that could not be read (damaged metadata, unreadable journal), with why. */
  readonly skipped: readonly { readonly sessionId: string; readonly reason: string }[];
}

interface CachedDigest {
  /** Size and modification time of the journal and of session.json: either changing means re-reading. */
  readonly key: string;
  readonly digest: SessionDigest;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Curator insights across every session folder: each session is read (without repairing
 * anything: a session still being written is left alone) and reduced to a digest, which is
 * kept until its journal or metadata changes size or modification time, so a second call
 * reads little more than the folder listing and a stat per session.
 */
export class InsightsService {
  private readonly cache = new Map<string, CachedDigest>();
  private readonly sessionsDir: string;
  private readonly concurrency: number;

  constructor(private readonly options: InsightsServiceOptions) {
    this.sessionsDir = path.join(options.dataDir, 'sessions');
    this.concurrency = options.concurrency ?? 32;
  }

  async compute(filter: InsightsFilter = {}): Promise<InsightsReport> {
    const codec = this.options.codec === undefined ? clearCodec : await this.options.codec();
    let names: string[];
    try {
      names = await readdir(this.sessionsDir);
    } catch (error) {
      if (isMissing(error)) return { rows: [], kinds: [], sessionCount: 0, skipped: [] };
      throw error;
    }
    const sessionIds = names.filter((name) => sessionIdSchema.safeParse(name).success).sort();
    const present = new Set(sessionIds);
    for (const cached of this.cache.keys()) if (!present.has(cached)) this.cache.delete(cached);

    const skipped: { sessionId: string; reason: string }[] = [];
    const digests = (
      await mapLimited(sessionIds, this.concurrency, async (sessionId) => {
        try {
          return await this.digest(sessionId, codec);
        } catch (error) {
          skipped.push({ sessionId, reason: error instanceof Error ? error.message : String(error) });
          return undefined;
        }
      })
    ).filter((digest): digest is SessionDigest => digest !== undefined);

    const playlistIds = [...new Set(digests.map((digest) => digest.playlistId))];
    const playlists = new Map<string, Playlist>();
    await Promise.all(
      playlistIds.map(async (playlistId) => {
        const playlist = await this.options.playlists.get(playlistId).catch(() => undefined);
        if (playlist !== undefined) playlists.set(playlistId, playlist);
      }),
    );
    const rows = computeInsights(digests, playlists, filter);
    const sessionCount = digests.filter((digest) => matchesFilter(digest, filter)).length;
    return { rows, kinds: insightsKinds(rows), sessionCount, skipped: skipped.sort((a, b) => (a.sessionId < b.sessionId ? -1 : 1)) };
  }

  private async digest(sessionId: string, codec: SessionCodec): Promise<SessionDigest | undefined> {
    const directory = path.join(this.sessionsDir, sessionId);
    const metaPath = path.join(directory, metaFileName);
    const journalPath = path.join(directory, journalFileName);
    let metaStat;
    let journalStat;
    try {
      [metaStat, journalStat] = await Promise.all([stat(metaPath), stat(journalPath)]);
    } catch (error) {
      // A folder being created (or something else that is not a session) is not an error.
      if (isMissing(error)) return undefined;
      throw error;
    }
    const key = `${journalStat.size}:${journalStat.mtimeMs}:${metaStat.size}:${metaStat.mtimeMs}`;
    const cached = this.cache.get(sessionId);
    if (cached?.key === key) return cached.digest;

    const decoded = codec.decodeMeta(sessionId, await readFile(metaPath, 'utf8'));
    if ('problem' in decoded) throw new Error(`its metadata ${decoded.problem}`);
    let json: unknown;
    try {
      json = JSON.parse(decoded.text);
    } catch {
      throw new Error('its metadata is not valid JSON');
    }
    const meta = sessionMetaSchema.safeParse(json);
    if (!meta.success || meta.data.id !== sessionId) throw new Error('its metadata is damaged');
    const { events } = await readJournal(journalPath, { repair: false, decodeLine: journalLineDecoder(codec, sessionId) });
    const digest = digestSession(meta.data, events);
    this.cache.set(sessionId, { key, digest });
    return digest;
  }
}
