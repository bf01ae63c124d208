import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionSetupSchema } from '../../core/session';
import { ClientStore } from './clients';
import { SessionSummaryCache } from './clients-session-summaries';
import { SessionStore } from './sessions';
import { droneOnlyPlaylist } from '../../tests/support/drone-playlist';

let dataDir: string;
let sessions: SessionStore;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-summaries-'));
  sessions = new SessionStore(dataDir);
});

afterEach(async () => {
  await sessions.close();
  await rm(dataDir, { recursive: true, force: true });
});

const mark = (sessionMs: number) => ({ id: randomUUID(), kind: 'mark' as const, sessionMs, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: sessionMs, reactionOffsetMs: 0 } });

describe('SessionSummaryCache', () => {
  it('reads a session again only when its journal or metadata changed, and leaves out one that is gone', async () => {
    const first = await sessions.start(droneOnlyPlaylist(), sessionSetupSchema.parse({ clientCode: 'C-1' }));
    const second = await sessions.start(droneOnlyPlaylist(), sessionSetupSchema.parse({ clientCode: 'C-1' }));
    const asked: string[][] = [];
    const cache = new SessionSummaryCache(sessions.sessionsDir, (sessionIds) => {
      asked.push([...sessionIds]);
      return sessions.summariesOf(sessionIds);
    });
    const order = [second.id, first.id];
    expect((await cache.summariesOf(order)).map((summary) => summary.meta.id)).toEqual(order);
    expect((await cache.summariesOf(order)).map((summary) => summary.markCount)).toEqual([0, 0]);
    expect(asked).toEqual([order]);

    await sessions.append(first.id, mark(5000));
    expect((await cache.summariesOf(order)).map((summary) => summary.markCount)).toEqual([0, 1]);
    expect(asked.at(-1)).toEqual([first.id]);

    await sessions.rewriteSession(second.id, (directory) => rm(directory, { recursive: true }));
    expect((await cache.summariesOf(order)).map((summary) => summary.meta.id)).toEqual([first.id]);
  });

  it('the course page counts a mark taken after it was first shown', async () => {
    const meta = await sessions.start(droneOnlyPlaylist(), sessionSetupSchema.parse({ clientCode: 'C-2' }));
    const clients = new ClientStore(dataDir, { sessions });
    const client = await clients.linkOffered('C-2', [meta.id], 'start');
    const markCount = async () => {
      const entry = (await clients.course(client.id)).timeline.find((found) => found.type === 'dosing');
      return entry?.type === 'dosing' ? entry.markCount : undefined;
    };
    expect(await markCount()).toBe(0);
    await sessions.append(meta.id, mark(5000));
    await sessions.append(meta.id, mark(6000));
    expect(await markCount()).toBe(2);
  });
});
