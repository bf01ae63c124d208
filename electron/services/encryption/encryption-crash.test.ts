import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEventInput } from '../../../core/events';
import { sessionSetupSchema } from '../../../core/session';
import { bundleChildScript } from '../../../tests/support/bundle-child';
import { seededRandom } from '../../../tests/support/seeded-random';
import { SessionStore } from '../sessions';
import { keyFilePath, readKeyFile, unwrapWithPassphrase } from './key-file';
import { encryptedCodec, isEncryptedRecord, type SessionCodec } from './session-codec';
import { droneOnlyPlaylist } from '../../../tests/support/drone-playlist';

const passphrase = 'interrupted but never lost';
const sessionCount = 24;
const marksPerSession = 120;
const interruptions = 8;

let workDir: string;
let childScript: string;
/** The data folder before encryption: every session file, byte for byte. */
let clearFolder: string;
let originals: Map<string, string>;

/** Every file under the sessions folder, by its path relative to the data folder. */
async function sessionFiles(dataDir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const sessionsDir = path.join(dataDir, 'sessions');
  for (const sessionId of await readdir(sessionsDir)) {
    for (const name of await readdir(path.join(sessionsDir, sessionId))) {
      files.set(path.join('sessions', sessionId, name), await readFile(path.join(sessionsDir, sessionId, name), 'utf8'));
    }
  }
  return files;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'attune-encryption-crash-'));
  childScript = await bundleChildScript('encryption-crash-child.ts', workDir);

  clearFolder = path.join(workDir, 'clear');
  const store = new SessionStore(clearFolder);
  const playlist = droneOnlyPlaylist();
  for (let session = 0; session < sessionCount; session += 1) {
    const meta = await store.start(playlist, sessionSetupSchema.parse({ clientCode: `C-${session}`, intention: `intention ${session}` }));
    const marks: JournalEventInput[] = Array.from({ length: marksPerSession }, (_, index) => ({
      id: randomUUID(),
      kind: 'mark',
      sessionMs: index * 1000,
      payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: index * 1000, reactionOffsetMs: 0, note: `note ${session}/${index}` },
    }));
    for (let start = 0; start < marks.length; start += 60) await store.appendMany(meta.id, marks.slice(start, start + 60));
  }
  await store.close();
  originals = await sessionFiles(clearFolder);
}, 120_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface ChildRun {
  readonly finished: boolean;
  readonly stderr: string;
  readonly elapsedMs: number;
}

type Kill = { readonly afterMs: number } | { readonly afterSessions: number };

/** Runs the child; SIGKILLs it so long after it says it is ready, or once it has converted so many sessions, unless it finishes first. */
function runChild(dataDir: string, direction: 'enable' | 'disable', kill?: Kill): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, dataDir, direction], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ATTUNE_CRASH_PASSPHRASE: passphrase },
    });
    let stdout = '';
    let stderr = '';
    let readyAt = 0;
    let killTimer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (readyAt === 0 && stdout.includes('ready\n')) {
        readyAt = performance.now();
        if (kill !== undefined && 'afterMs' in kill) killTimer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
      }
      if (kill !== undefined && 'afterSessions' in kill && stdout.includes(`converted ${kill.afterSessions}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(giveUp);
      clearTimeout(killTimer);
      resolve({ finished: stdout.includes('done\n'), stderr, elapsedMs: performance.now() - readyAt });
    });
  });
}

async function codecOf(dataDir: string): Promise<SessionCodec | undefined> {
  const keyFile = await readKeyFile(keyFilePath(dataDir));
  if (keyFile === undefined) return undefined;
  if (keyFile === 'damaged' || keyFile.wrapping.method !== 'passphrase') throw new Error('keys.json is damaged');
  const dataKey = await unwrapWithPassphrase(keyFile.wrapping, passphrase);
  if (dataKey === undefined) throw new Error('keys.json does not open with the passphrase');
  return encryptedCodec(dataKey, { writesEncrypted: false, readsClear: true });
}

interface FolderState {
  readonly encryptedFiles: number;
  readonly clearFiles: number;
}

/**
 * Each session file is whole: its clear original byte for byte, or an encrypted version
 * that decrypts to exactly that original. Leftover temporary files may lie beside them.
 */
async function expectEveryFileWhole(dataDir: string, context: string): Promise<FolderState> {
  const codec = await codecOf(dataDir);
  let encryptedFiles = 0;
  let clearFiles = 0;
  for (const [file, contents] of await sessionFiles(dataDir)) {
    const name = path.basename(file);
    if (name.startsWith('.') && name.endsWith('.tmp')) continue;
    const original = originals.get(file);
    expect(original, `${context}: ${file} is not a session file`).toBeDefined();
    if (contents === original) {
      clearFiles += 1;
      continue;
    }
    expect(codec, `${context}: ${file} changed but there is no key`).toBeDefined();
    if (codec === undefined) continue;
    const sessionId = path.basename(path.dirname(file));
    if (name === 'session.json') {
      expect(codec.decodeMeta(sessionId, contents), `${context}: ${file}`).toEqual({ text: original });
    } else {
      const lines = contents.split('\n');
      expect(lines.at(-1), `${context}: ${file} ends mid-line`).toBe('');
      const decoded = lines.slice(0, -1).map((line, recordIndex) => {
        const result = codec.decodeJournalLine(sessionId, recordIndex, line);
        return 'text' in result && isEncryptedRecord(line) ? `${result.text}\n` : `not decrypted: ${line.slice(0, 40)}`;
      });
      expect(decoded.join(''), `${context}: ${file}`).toBe(original);
    }
    encryptedFiles += 1;
  }
  return { encryptedFiles, clearFiles };
}

async function expectFinished(dataDir: string, form: 'encrypted' | 'clear', context: string): Promise<void> {
  const state = await expectEveryFileWhole(dataDir, context);
  expect(state, context).toEqual(form === 'encrypted' ? { encryptedFiles: originals.size, clearFiles: 0 } : { encryptedFiles: 0, clearFiles: originals.size });
  const leftovers = [...(await sessionFiles(dataDir)).keys()].filter((file) => file.endsWith('.tmp'));
  expect(leftovers, `${context}: temporary files left`).toEqual([]);
  const keyFile = await readKeyFile(keyFilePath(dataDir));
  if (form === 'encrypted') expect(keyFile, context).toMatchObject({ state: 'on' });
  else expect(keyFile, context).toBeUndefined();
}

describe('turning encryption on or off, interrupted by SIGKILL', () => {
  for (const direction of ['enable', 'disable'] as const) {
    it(
      `${direction === 'enable' ? 'encrypts' : 'decrypts'} every session in the end, each file whole (old or new) after any kill`,
      async () => {
        const seed = Date.now() % 1_000_000;
        const random = seededRandom(seed);
        const startFolder = path.join(workDir, `${direction}-start`);
        await cp(clearFolder, startFolder, { recursive: true });
        if (direction === 'disable') {
          expect((await runChild(startFolder, 'enable')).finished).toBe(true);
          await expectFinished(startFolder, 'encrypted', 'before turning off');
        }
        const measuring = path.join(workDir, `${direction}-measure`);
        await cp(startFolder, measuring, { recursive: true });
        const uninterrupted = await runChild(measuring, direction);
        expect(uninterrupted.finished, uninterrupted.stderr).toBe(true);
        await expectFinished(measuring, direction === 'enable' ? 'encrypted' : 'clear', 'uninterrupted');

        let caughtMidway = 0;
        for (let iteration = 0; iteration < interruptions; iteration += 1) {
          const context = `${direction}, interruption ${iteration + 1} of ${interruptions} (seed ${seed})`;
          const dataDir = path.join(workDir, `${direction}-${iteration}`);
          await cp(startFolder, dataDir, { recursive: true });
          // Killed at any moment (while the key file is written, too), then again midway through resuming.
          const kills: Kill[] = [{ afterMs: random() * uninterrupted.elapsedMs }, { afterSessions: 1 + Math.floor(random() * (sessionCount / 2)) }];
          for (const [kill, when] of kills.entries()) {
            const run = await runChild(dataDir, direction, when);
            expect(run.stderr, context).toBe('');
            const state = await expectEveryFileWhole(dataDir, `${context}, kill ${kill + 1}`);
            if (state.encryptedFiles > 0 && state.clearFiles > 0) caughtMidway += 1;
          }
          const final = await runChild(dataDir, direction);
          expect(final.finished, `${context}: ${final.stderr}`).toBe(true);
          await expectFinished(dataDir, direction === 'enable' ? 'encrypted' : 'clear', context);
          await rm(dataDir, { recursive: true, force: true });
        }
        console.log(`encryption crash test (${direction}): ${interruptions * 2} kills, ${caughtMidway} with some sessions converted and others not`);
        expect(caughtMidway, 'no kill landed in the middle of a conversion').toBeGreaterThan(0);
      },
      180_000,
    );
  }
});
