import { appendFile, copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../core/events';
import { sessionSetupSchema } from '../../core/session';
import { bundleChildScript } from '../../tests/support/bundle-child';
import { runAndKill, type KilledRun } from '../../tests/support/run-and-kill';
import { seededRandom } from '../../tests/support/seeded-random';
import { EncryptionService } from './encryption/encryption-service';
import { clearCodec, type SessionCodec } from './encryption/session-codec';
import { readJournal } from './journal';
import { journalLineDecoder, SessionStore, sessionFileNames } from './sessions';
import { droneOnlyPlaylist } from '../../tests/support/drone-playlist';

const kills = 120;
/** Fewer with encryption on: the same loop, to show encryption changes nothing it proves, in a reasonable time. */
const encryptedKills = 40;
const crashPassphrase = 'a passphrase for the crash test';
/** Every so many kills a torn line is left at the end too, as a power cut can leave one. */
const tornTailEvery = 10;

let workDir: string;
let childScript: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'attune-journal-crash-'));
  childScript = await bundleChildScript('journal-crash-child.ts', workDir);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface ChildRun extends KilledRun {
  /** Only whole lines were acknowledged; a line cut by the kill was not printed in full. */
  readonly lines: string[];
}

/** Runs the child and SIGKILLs it `killAfterMs` after its first acknowledgement. */
async function runChildAndKill(dataDir: string, sessionId: string, retryId: string, killAfterMs: number, passphrase: string | undefined): Promise<ChildRun> {
  const env = passphrase === undefined ? process.env : { ...process.env, ATTUNE_CRASH_PASSPHRASE: passphrase };
  const run = await runAndKill(childScript, [dataDir, sessionId, retryId], { armedBy: '\n', killAfterMs, env });
  return { ...run, lines: run.stdout.split('\n').slice(0, -1) };
}

function parsesAsJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function describeRun(iteration: number, total: number, seed: number): string {
  return `kill ${iteration + 1} of ${total} (seed ${seed})`;
}

/** The crash loop: kills the appending child again and again, checking the journal after each kill. */
async function killRepeatedly({ total, encrypted }: { total: number; encrypted: boolean }): Promise<void> {
  const seed = Date.now() % 1_000_000;
  const random = seededRandom(seed);
  const dataDir = path.join(workDir, encrypted ? 'data-encrypted' : 'data');
  const setupStore: SessionStore = new SessionStore(dataDir, { codec: () => encryption.codec() });
  const encryption = new EncryptionService({ dataDir, sessions: setupStore, sessionFiles: sessionFileNames, scryptCost: { N: 2 ** 14, r: 8, p: 1 } });
  const playlist = droneOnlyPlaylist();
  const meta = await setupStore.start(playlist, sessionSetupSchema.parse({ clientCode: 'CRASH-1' }));
  let codec: SessionCodec = clearCodec;
  if (encrypted) {
    await encryption.enable({ method: 'passphrase', passphrase: crashPassphrase });
    codec = await encryption.codec();
  }
  await setupStore.close();
  const journalPath = path.join(dataDir, 'sessions', meta.id, 'events.jsonl');
  const inspected = path.join(workDir, encrypted ? 'inspected-encrypted.jsonl' : 'inspected.jsonl');

  const acknowledged: string[] = [];
  let unacknowledgedButWritten = 0;
  let tornLinesLeftByKills = 0;

  for (let iteration = 0; iteration < total; iteration += 1) {
    const context = describeRun(iteration, total, seed);
    const retryId = acknowledged.at(-1) ?? '';
    const run = await runChildAndKill(dataDir, meta.id, retryId, 5 + Math.floor(random() * 56), encrypted ? crashPassphrase : undefined);

    expect(run.signal, `${context}: ${run.stderr}`).toBe('SIGKILL');
    expect(run.stderr, context).toBe('');
    if (retryId === '') {
      expect(run.lines.length, context).toBeGreaterThan(0);
      acknowledged.push(...run.lines);
    } else {
      // The mark acknowledged last before the kill, sent again, is recognised and not written twice.
      expect(run.lines[0], context).toBe(`duplicate ${retryId}`);
      acknowledged.push(...run.lines.slice(1));
    }

    // Inspect a byte-for-byte copy, so that the child's own open repairs the journal itself.
    await copyFile(journalPath, inspected);
    const text = await readFile(inspected, 'utf8');
    const { events, repairs } = await readJournal(inspected, { repair: true, decodeLine: journalLineDecoder(codec, meta.id) });
    expect(repairs.filter((repair) => !/cut off an incomplete last line/.test(repair)), context).toEqual([]);
    if (repairs.length > 0) tornLinesLeftByKills += 1;
    const completeLines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
    expect(completeLines.length, context).toBe(events.length);
    expect(completeLines.filter((line) => !parsesAsJson(line)), context).toEqual([]);
    if (encrypted) expect(completeLines.filter((line) => !line.startsWith('{"enc":1,')), `${context}: a line in clear`).toEqual([]);

    expect(events[0]?.kind, context).toBe('session-started');
    expect(
      events.map((event) => event.seq),
      context,
    ).toEqual(events.map((_, index) => index));
    const ids = events.map((event: JournalEvent) => event.id);
    expect(new Set(ids).size, `${context}: an id was written twice`).toBe(ids.length);
    const acknowledgedSet = new Set(acknowledged);
    expect(
      ids.filter((id) => acknowledgedSet.has(id)),
      `${context}: acknowledged marks missing or out of order`,
    ).toEqual(acknowledged);
    unacknowledgedButWritten = ids.length - 1 - acknowledged.length;

    if ((iteration + 1) % tornTailEvery === 0) {
      // In clear, a torn copy of the last line with another id; encrypted, its first bytes.
      const lastLine = completeLines.at(-1) ?? '';
      const cut = 1 + Math.floor(random() * (lastLine.length - 1));
      await appendFile(journalPath, lastLine.replace(/"id":"[^"]+"/, '"id":"00000000-0000-4000-8000-000000000000"').slice(0, cut));
    }
  }

  expect(acknowledged.length).toBeGreaterThan(total);
  console.log(
    `journal crash test${encrypted ? ' (encrypted)' : ''}: ${total} kills, ${acknowledged.length} acknowledged marks, ${unacknowledgedButWritten} written but not acknowledged, ${tornLinesLeftByKills} torn last lines left by a kill, ${total / tornTailEvery} more planted`,
  );
}

describe('the journal under SIGKILL', () => {
  it(`keeps every acknowledged mark, in order, across ${kills} kills of the process appending them`, () => killRepeatedly({ total: kills, encrypted: false }), 120_000);

  it(
    `keeps every acknowledged mark, in order, with encryption on, across ${encryptedKills} kills`,
    () => killRepeatedly({ total: encryptedKills, encrypted: true }),
    90_000,
  );
});
