import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../core/channels';
import type { OpenedSession, RequestOf, ResponseOf, SessionSummary } from '../../../core/contract';
import type { EncryptionStatus } from '../../../core/encryption';
import type { Result } from '../../../core/result';
import type { SessionMeta } from '../../../core/session';
import { filesUnder, plaintextFindings } from '../../../tests/support/data-folder-scan';
import { createServices } from '../create-services';
import { dispatch } from '../dispatch';
import { SessionStore, sessionFileNames } from '../sessions';
import { EncryptionService, type SessionFolders } from './encryption-service';
import { readKeyFile, keyFilePath, type KeyProtector } from './key-file';

const bundledPlaylistsDir = path.resolve(import.meta.dirname, '..', '..', '..', 'playlists');
/** The lowest cost a key file may ask for: these tests derive many keys. */
const cheapPassphraseCost = { N: 2 ** 14, r: 8, p: 1 };
const passphrase = 'correct horse battery staple';

const clientCode = 'C-0417-QUILL';
const intention = 'to make peace with my brother Anselm';
const note = 'remembered the lighthouse at Varne and wept';
const needles = [clientCode, intention, note, 'lighthouse', 'Anselm'];

let dataDir: string;
const opened: ReturnType<typeof createServices>[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-encryption-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((services) => services.close()));
  await rm(dataDir, { recursive: true, force: true });
});

/** The services as a host starting on the data folder would create them (a restart is a new call). */
function host(options: { keyProtector?: KeyProtector } = {}) {
  const services = createServices({ dataDir, bundledPlaylistsDir, passphraseCost: cheapPassphraseCost, ...options });
  opened.push(services);
  return services;
}

type Host = ReturnType<typeof host>;

function call<C extends Channel>(services: Host, channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  return dispatch(services.handlers, channel, request, (failedChannel, error) => {
    throw new Error(`${failedChannel} failed unexpectedly: ${String(error)}`);
  }) as Promise<Result<ResponseOf<C>>>;
}

async function value<C extends Channel>(services: Host, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await call(services, channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value;
}

async function failure<C extends Channel>(services: Host, channel: C, request: RequestOf<C>) {
  const result = await call(services, channel, request);
  if (result.ok) throw new Error(`${channel} succeeded where it should have failed`);
  return result.error;
}

function markWithNote(sessionMs: number, text: string) {
  return { id: randomUUID(), kind: 'mark' as const, sessionMs, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 61_000, note: text } };
}

/** A session with the known client code, intention and note, and a few more marks. */
async function sessionWithSecrets(services: Host): Promise<SessionMeta> {
  const meta = await value(services, 'sessions:start', { playlistId: 'generative-session', clientCode, intention });
  await value(services, 'journal:append', { sessionId: meta.id, events: [markWithNote(60_000, note)] });
  for (let index = 0; index < 5; index += 1) {
    await value(services, 'journal:append', { sessionId: meta.id, events: [markWithNote(120_000 + index * 1000, `mark ${index}`)] });
  }
  return meta;
}

async function snapshot(directory: string): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const file of await filesUnder(directory)) contents.set(file, (await readFile(path.join(directory, file))).toString('base64'));
  return contents;
}

function sessionFile(sessionId: string, name: 'events.jsonl' | 'session.json'): string {
  return path.join(dataDir, 'sessions', sessionId, name);
}

/** A stand-in for the system keychain: a real cipher under a key only this object holds. */
function fakeKeychain(options: { backend?: string; available?: boolean } = {}): KeyProtector & { readonly secret: Buffer } {
  const secret = randomBytes(32);
  return {
    secret,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    encryptStringAsync: async (plainText) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptStringAsync: async (encrypted) => {
      const decipher = createDecipheriv('aes-256-gcm', secret, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return { result: Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8'), shouldReEncrypt: false };
    },
  };
}

describe('turning encryption on', () => {
  it('leaves no plaintext of a note, the client code or the intention in any byte of the data folder, and every session reads as before', async () => {
    const services = host();
    const meta = await sessionWithSecrets(services);
    const ended = await sessionWithSecrets(services);
    await value(services, 'sessions:end', { sessionId: ended.id, eventId: randomUUID(), sessionMs: 3_600_000, reason: 'facilitator' });
    const before = await Promise.all([meta.id, ended.id].map((sessionId) => value(services, 'sessions:open', { sessionId })));
    expect(await plaintextFindings(dataDir, needles)).not.toEqual([]);

    const status = await value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    expect(status).toMatchObject({ enabled: true, locked: false, method: 'passphrase' });
    expect(status.progress).toBeUndefined();

    // A mark saved after, and a session started after, are encrypted too.
    await value(services, 'journal:append', { sessionId: meta.id, events: [markWithNote(200_000, `after: ${note}`)] });
    const later = await sessionWithSecrets(services);

    expect(await plaintextFindings(dataDir, needles)).toEqual([]);
    const files = await filesUnder(dataDir);
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(files).toContain('keys.json');

    const restarted = host();
    await value(restarted, 'encryption:unlock', { passphrase });
    const after = await Promise.all([meta.id, ended.id].map((sessionId) => value(restarted, 'sessions:open', { sessionId })));
    expect(after[1]).toEqual(before[1]);
    expect(after[0]?.events.slice(0, -1)).toEqual(before[0]?.events);
    expect(after[0]?.events.at(-1)?.payload).toMatchObject({ note: `after: ${note}` });
    expect((await value(restarted, 'sessions:open', { sessionId: later.id })).meta.intention).toBe(intention);
    const listed = await value(restarted, 'sessions:list', {});
    expect(listed.map((summary: SessionSummary) => summary.meta.id).sort()).toEqual([meta.id, ended.id, later.id].sort());
    const insights = await value(restarted, 'insights:query', {});
    expect(insights.sessionCount).toBe(3);
    expect(insights.skipped).toEqual([]);
  });

  it('loses no mark saved while the existing sessions are being encrypted', async () => {
    const services = host();
    const sessions = [];
    for (let index = 0; index < 6; index += 1) sessions.push(await sessionWithSecrets(services));
    const live = sessions[0] as SessionMeta;
    const acknowledged: string[] = [];
    let enabling = true;
    const marking = (async () => {
      for (let index = 0; enabling || index < 5; index += 1) {
        const mark = markWithNote(300_000 + index, `${note} ${index}`);
        await value(services, 'journal:append', { sessionId: live.id, events: [mark] });
        acknowledged.push(mark.id);
      }
    })();
    await value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    enabling = false;
    const savedWhileEncrypting = acknowledged.length;
    await marking;
    expect(savedWhileEncrypting).toBeGreaterThan(1);

    const journal = await readFile(sessionFile(live.id, 'events.jsonl'), 'utf8');
    expect(journal.split('\n').filter((line) => line !== '' && !line.startsWith('{"enc":1,'))).toEqual([]);
    const restarted = host();
    await value(restarted, 'encryption:unlock', { passphrase });
    const reopened = await value(restarted, 'sessions:open', { sessionId: live.id });
    expect(reopened.repairs).toEqual([]);
    const ids = reopened.events.map((event) => event.id);
    expect(ids.filter((id) => acknowledged.includes(id))).toEqual(acknowledged);
    expect(reopened.events.map((event) => event.seq)).toEqual(reopened.events.map((_, index) => index));
    expect(await plaintextFindings(dataDir, needles)).toEqual([]);
  });

  it('reports its progress while the existing sessions are encrypted', async () => {
    const services = host();
    for (let index = 0; index < 8; index += 1) await value(services, 'sessions:start', { playlistId: 'generative-session', clientCode });
    const enabling = value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    let finished = false;
    void enabling.finally(() => (finished = true));
    const seen: NonNullable<EncryptionStatus['progress']>[] = [];
    while (!finished) {
      const { progress } = await value(services, 'encryption:status', {});
      if (progress !== undefined) seen.push(progress);
      // A status answers without I/O: let the conversion's file operations run in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await enabling).progress).toBeUndefined();
    expect(seen.length).toBeGreaterThan(0);
    for (const progress of seen) expect(progress).toMatchObject({ direction: 'encrypt', total: 8 });
    const done = seen.map((progress) => progress.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  it('stops on a failed write with a message, keeps every session readable, and finishes when asked again', async () => {
    const services = host();
    const metas = [];
    for (let index = 0; index < 4; index += 1) metas.push(await sessionWithSecrets(services));
    await services.close();

    const store: SessionStore = new SessionStore(dataDir, { codec: () => encryption.codec() });
    let rewrites = 0;
    const diskFullOnTheThird: SessionFolders = {
      sessionIds: () => store.sessionIds(),
      rewriteSession: async (sessionId, work) => {
        rewrites += 1;
        if (rewrites === 3) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        return store.rewriteSession(sessionId, work);
      },
    };
    const encryption = new EncryptionService({ dataDir, sessions: diskFullOnTheThird, sessionFiles: sessionFileNames, scryptCost: cheapPassphraseCost });
    await expect(encryption.enable({ method: 'passphrase', passphrase })).rejects.toMatchObject({ code: 'write-failed', message: expect.stringContaining('ENOSPC') });

    const stopped = await encryption.status();
    expect(stopped).toMatchObject({
      enabled: true,
      locked: false,
      unfinished: 'encrypt',
      problem: expect.stringMatching(/Encrypting the existing sessions stopped \(the disk answered ENOSPC\); every session can still be read/),
    });
    expect(await readKeyFile(keyFilePath(dataDir))).toMatchObject({ state: 'encrypting' });
    for (const meta of metas) {
      const opened = await store.open(meta.id);
      expect(opened.repairs).toEqual([]);
      expect(opened.meta.clientCode).toBe(clientCode);
    }

    expect(await encryption.enable({ method: 'passphrase', passphrase })).toMatchObject({ enabled: true, locked: false });
    const finished = await encryption.status();
    expect(finished.problem).toBeUndefined();
    expect(finished.unfinished).toBeUndefined();
    expect(await readKeyFile(keyFilePath(dataDir))).toMatchObject({ state: 'on' });
    await store.close();
    expect(await plaintextFindings(dataDir, needles)).toEqual([]);
  });

  it('turns off again, giving back every session file byte for byte', async () => {
    const services = host();
    await sessionWithSecrets(services);
    await sessionWithSecrets(services);
    const clear = await snapshot(path.join(dataDir, 'sessions'));

    await value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    expect(await snapshot(path.join(dataDir, 'sessions'))).not.toEqual(clear);
    expect((await failure(services, 'encryption:disable', {})).code).toBe('wrong-passphrase');
    expect((await failure(services, 'encryption:disable', { passphrase: 'not the passphrase' })).code).toBe('wrong-passphrase');
    const status = await value(services, 'encryption:disable', { passphrase });

    expect(status).toMatchObject({ enabled: false, locked: false, method: null });
    expect(await snapshot(path.join(dataDir, 'sessions'))).toEqual(clear);
    expect(await filesUnder(dataDir)).not.toContain('keys.json');
    expect((await value(host(), 'sessions:list', {})).length).toBe(2);
  });
});

describe('while locked', () => {
  it('refuses every session read and write with a typed "locked" error until the passphrase is entered', async () => {
    const first = host();
    const meta = await sessionWithSecrets(first);
    await value(first, 'encryption:enable', { method: 'passphrase', passphrase });
    await first.close();
    const sizeBefore = (await readFile(sessionFile(meta.id, 'events.jsonl'))).length;

    const restarted = host();
    expect(await value(restarted, 'encryption:status', {})).toMatchObject({ enabled: true, locked: true, method: 'passphrase', keychainAvailable: false });
    const refusals = [
      await failure(restarted, 'sessions:list', {}),
      await failure(restarted, 'sessions:open', { sessionId: meta.id }),
      await failure(restarted, 'sessions:start', { playlistId: 'generative-session' }),
      await failure(restarted, 'journal:append', { sessionId: meta.id, events: [markWithNote(1, 'while locked')] }),
      await failure(restarted, 'sessions:end', { sessionId: meta.id, eventId: randomUUID(), sessionMs: 1, reason: 'facilitator' }),
      await failure(restarted, 'insights:query', {}),
    ];
    for (const refusal of refusals) {
      expect(refusal.code).toBe('locked');
      expect(refusal.message).toMatch(/passphrase/);
    }
    expect((await readFile(sessionFile(meta.id, 'events.jsonl'))).length).toBe(sizeBefore);
    expect(await filesUnder(path.join(dataDir, 'sessions'))).toHaveLength(2);

    const wrong = await failure(restarted, 'encryption:unlock', { passphrase: 'correct horse battery stapler' });
    expect(wrong).toEqual({ code: 'wrong-passphrase', message: 'That passphrase does not open these sessions.' });
    expect((await value(restarted, 'encryption:status', {})).locked).toBe(true);

    expect(await value(restarted, 'encryption:unlock', { passphrase })).toMatchObject({ locked: false });
    expect((await value(restarted, 'sessions:open', { sessionId: meta.id })).meta.clientCode).toBe(clientCode);
    await value(restarted, 'journal:append', { sessionId: meta.id, events: [markWithNote(1, 'after unlock')] });
  });

  it('keeps a damaged keys.json locked with a message, never falling back to clear writes', async () => {
    const first = host();
    const meta = await sessionWithSecrets(first);
    await value(first, 'encryption:enable', { method: 'passphrase', passphrase });
    await first.close();
    await writeFile(path.join(dataDir, 'keys.json'), '{"format":"attune.keys","version":1,');

    const restarted = host();
    const status = await value(restarted, 'encryption:status', {});
    expect(status).toMatchObject({ enabled: true, locked: true });
    expect(status.problem).toMatch(/keys\.json.*damaged/);
    expect((await failure(restarted, 'sessions:start', { playlistId: 'generative-session', clientCode })).code).toBe('locked');
    expect((await failure(restarted, 'encryption:unlock', { passphrase })).code).toBe('locked');
    expect((await failure(restarted, 'journal:append', { sessionId: meta.id, events: [markWithNote(1, note)] })).code).toBe('locked');
    expect(await plaintextFindings(dataDir, needles)).toEqual([]);
  });
});

describe('changing the passphrase', () => {
  it('re-wraps the key without changing a byte of any session file; only the new passphrase opens them', async () => {
    const services = host();
    const meta = await sessionWithSecrets(services);
    await sessionWithSecrets(services);
    await value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    const sessionsBefore = await snapshot(path.join(dataDir, 'sessions'));
    const keysBefore = await readFile(path.join(dataDir, 'keys.json'), 'utf8');

    expect((await failure(services, 'encryption:change-passphrase', { current: 'not it at all', next: 'a new long passphrase' })).code).toBe('wrong-passphrase');
    expect((await failure(services, 'encryption:change-passphrase', { current: passphrase, next: 'short' })).code).toBe('bad-request');
    await value(services, 'encryption:change-passphrase', { current: passphrase, next: 'a new long passphrase' });

    expect(await snapshot(path.join(dataDir, 'sessions'))).toEqual(sessionsBefore);
    const keysAfter = JSON.parse(await readFile(path.join(dataDir, 'keys.json'), 'utf8')) as { wrapping: { kdf: { salt: string } } };
    expect(keysAfter.wrapping.kdf.salt).not.toBe((JSON.parse(keysBefore) as typeof keysAfter).wrapping.kdf.salt);

    const restarted = host();
    expect((await failure(restarted, 'encryption:unlock', { passphrase })).code).toBe('wrong-passphrase');
    await value(restarted, 'encryption:unlock', { passphrase: 'a new long passphrase' });
    expect((await value(restarted, 'sessions:open', { sessionId: meta.id })).meta.intention).toBe(intention);
  });
});

describe('tampering', () => {
  async function encryptedSession() {
    const services = host();
    const meta = await sessionWithSecrets(services);
    const other = await sessionWithSecrets(services);
    await value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    const before = await value(services, 'sessions:open', { sessionId: meta.id });
    await services.close();
    const restarted = host();
    await value(restarted, 'encryption:unlock', { passphrase });
    return { services: restarted, meta, other, before };
  }

  async function rewriteJournal(sessionId: string, change: (lines: string[]) => string[]) {
    const journalPath = sessionFile(sessionId, 'events.jsonl');
    const lines = (await readFile(journalPath, 'utf8')).split('\n').slice(0, -1);
    await writeFile(journalPath, change(lines).map((line) => `${line}\n`).join(''));
  }

  it('reports a flipped bit as an integrity error naming the session and the line, and reads the rest', async () => {
    const { services, meta, before } = await encryptedSession();
    const journalPath = sessionFile(meta.id, 'events.jsonl');
    const bytes = await readFile(journalPath);
    const thirdLineStart = bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1;
    const target = thirdLineStart + 60;
    bytes[target] = (bytes[target] as number) ^ 0x04;
    await writeFile(journalPath, bytes);

    const result: OpenedSession = await value(services, 'sessions:open', { sessionId: meta.id });
    expect(result.repairs).toHaveLength(1);
    expect(result.repairs[0]).toMatch(new RegExp(`^skipped line 3: failed its integrity check \\(session ${meta.id}\\)`));
    expect(result.events).toEqual(before.events.filter((_, index) => index !== 2));
  });

  it('refuses a record copied from another session, records swapped within one, and a clear line slipped in', async () => {
    const { services, meta, other } = await encryptedSession();
    const otherLines = (await readFile(sessionFile(other.id, 'events.jsonl'), 'utf8')).split('\n');
    await rewriteJournal(meta.id, (lines) => [
      lines[0] as string,
      otherLines[1] as string,
      lines[3] as string,
      lines[2] as string,
      ...lines.slice(4),
      JSON.stringify({ ...JSON.parse(JSON.stringify(markWithNote(5, 'planted'))), seq: 99, wallTime: new Date().toISOString() }),
    ]);
    const result = await value(services, 'sessions:open', { sessionId: meta.id });
    const integrity = `failed its integrity check (session ${meta.id}): it was changed or damaged outside Attune, or belongs to another session or place`;
    expect(result.repairs).toEqual([
      `skipped line 2: ${integrity}`,
      `skipped line 3: ${integrity}`,
      `skipped line 4: ${integrity}`,
      `skipped line 8: is not encrypted although this data folder is, so Attune did not write it (session ${meta.id})`,
    ]);
    expect(result.events.map((event) => event.seq)).toEqual([0, 4, 5, 6]);
  });

  it('refuses metadata that was changed or taken from another session, and lists the sessions that are sound', async () => {
    const { services, meta, other } = await encryptedSession();
    await writeFile(sessionFile(meta.id, 'session.json'), await readFile(sessionFile(other.id, 'session.json')));
    const refused = await failure(services, 'sessions:open', { sessionId: meta.id });
    expect(refused.code).toBe('invalid-data');
    expect(refused.message).toContain(`the metadata of session ${meta.id} failed its integrity check`);
    expect((await value(services, 'sessions:list', {})).map((summary) => summary.meta.id)).toEqual([other.id]);
    expect((await value(services, 'insights:query', {})).skipped).toEqual([{ sessionId: meta.id, reason: expect.stringContaining('failed its integrity check') }]);
  });
});

describe('the keychain', () => {
  it('is refused with a clear message when the only Linux store is basic_text, and nothing is written', async () => {
    const services = host({ keyProtector: fakeKeychain({ backend: 'basic_text' }) });
    await sessionWithSecrets(services);
    const status: EncryptionStatus = await value(services, 'encryption:status', {});
    expect(status.keychainAvailable).toBe(false);
    expect(status.keychainProblem).toMatch(/basic_text/);
    expect(status.keychainProblem).toMatch(/use a passphrase/i);
    const refused = await failure(services, 'encryption:enable', { method: 'keychain' });
    expect(refused.code).toBe('unsupported');
    expect(refused.message).toMatch(/basic_text/);
    expect(await filesUnder(dataDir)).not.toContain('keys.json');
    expect(await plaintextFindings(dataDir, [note])).not.toEqual([]);
  });

  it('is refused when safeStorage is unavailable, and in the web host, which has none', async () => {
    const unavailable = await failure(host({ keyProtector: fakeKeychain({ available: false }) }), 'encryption:enable', { method: 'keychain' });
    expect(unavailable).toMatchObject({ code: 'unsupported', message: expect.stringMatching(/keychain is not available/) });
    const web = await failure(host(), 'encryption:enable', { method: 'keychain' });
    expect(web).toMatchObject({ code: 'unsupported', message: expect.stringMatching(/no system keychain/) });
    expect(await filesUnder(dataDir)).not.toContain('keys.json');
  });

  it('keeps the key so the desktop app opens the sessions by itself after a restart; elsewhere they stay locked', async () => {
    const keychain = fakeKeychain();
    const services = host({ keyProtector: keychain });
    const meta = await sessionWithSecrets(services);
    expect(await value(services, 'encryption:enable', { method: 'keychain' })).toMatchObject({ enabled: true, locked: false, method: 'keychain' });
    expect(await plaintextFindings(dataDir, needles)).toEqual([]);
    expect(await readFile(path.join(dataDir, 'keys.json'), 'utf8')).not.toContain(keychain.secret.toString('base64'));

    const restarted = host({ keyProtector: keychain });
    expect((await value(restarted, 'sessions:open', { sessionId: meta.id })).meta.clientCode).toBe(clientCode);
    expect((await value(restarted, 'encryption:status', {})).locked).toBe(false);

    const otherComputer = host({ keyProtector: fakeKeychain() });
    const refused = await failure(otherComputer, 'sessions:list', {});
    expect(refused).toMatchObject({ code: 'locked', message: expect.stringMatching(/keychain did not give back the key/) });
    const webHost = host();
    expect(await value(webHost, 'encryption:status', {})).toMatchObject({ enabled: true, locked: true, method: 'keychain' });
    expect((await failure(webHost, 'sessions:open', { sessionId: meta.id })).message).toMatch(/desktop app/);
    expect((await failure(webHost, 'encryption:change-passphrase', { current: passphrase, next: 'another passphrase' })).code).toBe('conflict');
  });
});
