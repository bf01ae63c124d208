import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractFailure } from '../../core/result';
import { sessionSetupSchema } from '../../core/session';
import { ClientStore, clientRecordFileName } from './clients';
import { encryptedCodec } from './encryption/session-codec';
import { SessionStore } from './sessions';
import { droneOnlyPlaylist } from '../../tests/support/drone-playlist';

let dataDir: string;
let sessions: SessionStore;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-clients-'));
  sessions = new SessionStore(dataDir);
});

afterEach(async () => {
  await sessions.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function dosingSession(clientCode: string): Promise<{ sessionId: string; markId: string }> {
  const meta = await sessions.start(droneOnlyPlaylist(), sessionSetupSchema.parse({ clientCode }));
  const markId = randomUUID();
  await sessions.append(meta.id, { id: markId, kind: 'mark', sessionMs: 5000, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 5000, reactionOffsetMs: 0 } });
  return { sessionId: meta.id, markId };
}

/** A day after every session these tests start (today, in the computer's time zone, as session ids have it). */
const integrationDay = '2099-01-02';

async function failure(promise: Promise<unknown>): Promise<ContractFailure> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ContractFailure)) throw new Error(`expected a ContractFailure, got ${String(error)}`);
  return error;
}

async function recordText(clients: ClientStore, clientId: string): Promise<string> {
  return readFile(path.join(clients.clientsDir, clientId, clientRecordFileName), 'utf8');
}

describe('ClientStore', () => {
  it('creates a client once per code (case and spaces aside) and lists it', async () => {
    const clients = new ClientStore(dataDir, { sessions });
    const client = await clients.create(' C-07 ', 'prefers cello');
    expect(client).toMatchObject({ code: 'C-07', notes: 'prefers cello', sessionCounts: { preparation: 0, dosing: 0, integration: 0 } });
    expect((await failure(clients.create('c-07', ''))).code).toBe('conflict');
    expect((await clients.list()).clients.map((entry) => entry.code)).toEqual(['C-07']);
    // The folder is named by the id, never by the code.
    expect(await readdir(clients.clientsDir)).toEqual([client.id]);
  });

  it('offers sessions saved under a code before courses existed and links them by journaling, leaving the sessions untouched', async () => {
    const first = await dosingSession('K-2');
    const second = await dosingSession('k-2');
    await dosingSession('');
    const journalBefore = await readFile(path.join(sessions.sessionsDir, first.sessionId, 'events.jsonl'), 'utf8');
    const clients = new ClientStore(dataDir, { sessions });
    const { offers } = await clients.list();
    expect(offers).toEqual([{ clientCode: expect.stringMatching(/^k-2$/i), clientId: null, sessionIds: [first.sessionId, second.sessionId].sort() }]);

    const client = await clients.linkOffered('K-2', offers[0]?.sessionIds ?? [], 'migration');
    expect(client.sessionCounts.dosing).toBe(2);
    expect((await clients.list()).offers).toEqual([]);
    expect(await readFile(path.join(sessions.sessionsDir, first.sessionId, 'events.jsonl'), 'utf8')).toBe(journalBefore);
    const record = await recordText(clients, client.id);
    expect(record.match(/"dosing-session-linked"/g)).toHaveLength(2);
    expect(record).toContain('"via":"migration"');
    const course = await clients.course(client.id);
    expect(course.timeline.map((entry) => entry.id)).toEqual([first.sessionId, second.sessionId].sort());
  });

  it('refuses an integration session pointing at a missing dosing session with a clear error, and loses nothing', async () => {
    const { sessionId } = await dosingSession('C-07');
    const clients = new ClientStore(dataDir, { sessions });
    const client = await clients.linkOffered('C-07', [sessionId], 'start');
    const before = await recordText(clients, client.id);
    const missing = '20261102-090000-gone00';
    const refused = await failure(
      clients.append(client.id, [
        { id: randomUUID(), kind: 'client-edited', payload: { notes: 'kept only if all is' } },
        { id: randomUUID(), kind: 'course-session-added', payload: { courseSessionId: 'course-aaaaaaaa', type: 'integration', date: integrationDay, facilitators: '', notes: '', followsSessionId: missing } },
      ]),
    );
    expect(refused.code).toBe('invalid-data');
    expect(refused.message).toContain(missing);
    expect(refused.message).toMatch(/does not exist/);
    expect(await recordText(clients, client.id)).toBe(before);
    // The same session, pointed at the real dosing session, is saved.
    await clients.append(client.id, [
      { id: randomUUID(), kind: 'course-session-added', payload: { courseSessionId: 'course-aaaaaaaa', type: 'integration', date: integrationDay, facilitators: 'AB', notes: '', followsSessionId: sessionId } },
    ]);
    expect((await clients.course(client.id)).timeline.map((entry) => entry.type)).toEqual(['dosing', 'integration']);
  });

  it('journals integration notes against the moments they discuss; a resend is not saved twice', async () => {
    const { sessionId, markId } = await dosingSession('C-07');
    const clients = new ClientStore(dataDir, { sessions });
    const client = await clients.linkOffered('C-07', [sessionId], 'start');
    await clients.append(client.id, [
      { id: randomUUID(), kind: 'course-session-added', payload: { courseSessionId: 'course-aaaaaaaa', type: 'integration', date: integrationDay, facilitators: '', notes: '', followsSessionId: sessionId } },
    ]);
    const note = { id: randomUUID(), kind: 'moment-note' as const, payload: { courseSessionId: 'course-aaaaaaaa', sessionId, markId, note: 'the cello felt like home' } };
    await clients.append(client.id, [note]);
    const [resent] = await clients.append(client.id, [note]);
    expect(resent?.duplicate).toBe(true);
    expect((await clients.course(client.id)).momentNotes).toEqual([expect.objectContaining({ markId, note: 'the cello felt like home' })]);
    const wrongMark = await failure(clients.append(client.id, [{ ...note, id: randomUUID(), payload: { ...note.payload, markId: randomUUID() } }]));
    expect(wrongMark.message).toMatch(/not among/);
  });

  it('cuts off a torn last line and keeps every whole event', async () => {
    const clients = new ClientStore(dataDir, { sessions });
    const client = await clients.create('C-07', '');
    await appendFile(path.join(clients.clientsDir, client.id, clientRecordFileName), '{"id":"torn');
    await clients.append(client.id, [{ id: randomUUID(), kind: 'client-edited', payload: { notes: 'after the crash' } }]);
    expect((await clients.course(client.id)).client.notes).toBe('after the crash');
    expect((await recordText(clients, client.id)).split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('writes the record encrypted when encryption is on: no code or note in clear, and it reads back', async () => {
    const codec = encryptedCodec(randomBytes(32), { writesEncrypted: true, readsClear: false });
    const clients = new ClientStore(dataDir, { sessions, codec: () => Promise.resolve(codec) });
    const client = await clients.create('C-07', 'prefers cello');
    const text = await recordText(clients, client.id);
    expect(text).not.toContain('C-07');
    expect(text).not.toContain('cello');
    expect((await clients.course(client.id)).client).toMatchObject({ code: 'C-07', notes: 'prefers cello' });
  });
});
