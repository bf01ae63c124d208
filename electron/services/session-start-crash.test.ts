import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedSession, SessionSummary } from '../../core/contract';
import type { Result } from '../../core/result';
import { bundleChildScript } from '../../tests/support/bundle-child';
import { runAndKill } from '../../tests/support/run-and-kill';
import { seededRandom } from '../../tests/support/seeded-random';
import { createServices } from './create-services';
import { dispatch } from './dispatch';
import { SessionStore, setAsideFolderName } from './sessions';

const kills = 100;
const bundledPlaylistsDir = fileURLToPath(new URL('../../playlists/', import.meta.url));

let workDir: string;
let childScript: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'attune-start-crash-'));
  childScript = await bundleChildScript('session-start-crash-child.ts', workDir);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Runs the child and SIGKILLs it `killAfterMs` after it is ready to start sessions; answers the sessions it was told had started. */
async function runChildAndKill(dataDir: string, killAfterMs: number): Promise<{ started: string[]; stderr: string; signal: NodeJS.Signals | null }> {
  const { stdout, stderr, signal } = await runAndKill(childScript, [dataDir], { armedBy: 'ready\n', killAfterMs });
  const started = stdout
    .split('\n')
    .filter((line) => line.startsWith('started '))
    .map((line) => line.slice('started '.length));
  return { started, stderr, signal };
}

function valueOf<T>(result: Result<unknown>, context: string): T {
  if (!result.ok) throw new Error(`${context}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('sessions:start under SIGKILL', () => {
  it(
    `leaves only whole sessions across ${kills} kills 0–60 ms into starting: each listed one begins with session-started and opens and appends`,
    async () => {
      const seed = Date.now() % 1_000_000;
      const random = seededRandom(seed);
      const dataDir = path.join(workDir, 'data');
      const answered = new Set<string>();
      for (let iteration = 0; iteration < kills; iteration += 1) {
        const context = `kill ${iteration + 1} of ${kills} (seed ${seed})`;
        const run = await runChildAndKill(dataDir, Math.floor(random() * 61));
        expect(run.signal, `${context}: ${run.stderr}`).toBe('SIGKILL');
        expect(run.stderr, context).toBe('');
        for (const id of run.started) answered.add(id);

        // What the next start-up sees: leftovers set aside, and every listed session whole.
        const store = new SessionStore(dataDir, { log: () => undefined });
        try {
          const listed = (await store.list()).map((summary) => summary.meta.id);
          const inFolder = (await readdir(path.join(dataDir, 'sessions')).catch(() => [])).sort();
          expect(inFolder, `${context}: something in sessions/ that is not a listed session`).toEqual([...listed].sort());
          for (const id of answered) expect(listed, `${context}: a started session was lost`).toContain(id);
          for (const id of listed) expect((await store.open(id)).events[0]?.kind, `${context}: ${id}`).toBe('session-started');
        } finally {
          await store.close();
        }
      }

      const services = createServices({ dataDir, bundledPlaylistsDir });
      try {
        const listed = valueOf<SessionSummary[]>(await dispatch(services.handlers, 'sessions:list', {}), 'sessions:list');
        expect(listed.length).toBeGreaterThanOrEqual(answered.size);
        for (const { meta } of listed) {
          const opened = valueOf<OpenedSession>(await dispatch(services.handlers, 'sessions:open', { sessionId: meta.id }), `open ${meta.id}`);
          expect(opened.events.filter((event) => event.kind === 'session-started')).toHaveLength(1);
          const mark = { id: randomUUID(), kind: 'mark', sessionMs: 1000, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 0, reactionOffsetMs: 0 } };
          valueOf(await dispatch(services.handlers, 'journal:append', { sessionId: meta.id, events: [mark] }), `append to ${meta.id}`);
        }
        const setAsideRuns = await readdir(path.join(dataDir, setAsideFolderName)).catch(() => []);
        console.log(`session start crash test: ${kills} kills, ${listed.length} whole sessions (${answered.size} answered before a kill), leftovers set aside on ${setAsideRuns.length} start-ups`);
      } finally {
        await services.close();
      }
    },
    180_000,
  );
});
