import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalEventInput } from '../../core/events';
import { ContractFailure } from '../../core/result';
import { sessionMetaSchema } from '../../core/session';
import { readJournal } from './journal';
import { SessionStore } from './sessions';
import { sessionSetupSchema } from '../../core/session';
import { droneOnlyPlaylist } from '../../tests/support/drone-playlist';

const setup = (clientCode: string) => sessionSetupSchema.parse({ clientCode });

let dataDir: string;
const stores: SessionStore[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-sessions-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dataDir, { recursive: true, force: true });
});

function newStore(wallClock?: () => Date): SessionStore {
  const store = new SessionStore(dataDir, wallClock === undefined ? {} : { wallClock });
  stores.push(store);
  return store;
}


function mark(sessionMs: number): JournalEventInput {
  return { id: randomUUID(), kind: 'mark', sessionMs, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 1000, reactionOffsetMs: 0 } };
}

function ending(sessionMs: number): JournalEventInput & { kind: 'session-ended' } {
  return { id: randomUUID(), kind: 'session-ended', sessionMs, payload: { reason: 'facilitator' } };
}

async function expectFailure(promise: Promise<unknown>, code: ContractFailure['code']): Promise<ContractFailure> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ContractFailure);
  expect((error as ContractFailure).code).toBe(code);
  return error as ContractFailure;
}

const journalPathOf = (sessionId: string) => path.join(dataDir, 'sessions', sessionId, 'events.jsonl');

describe('SessionStore.start', () => {
  it('creates the session folder with its metadata and a journal that begins with session-started', async () => {
    const store = newStore(() => new Date('2026-11-21T09:30:00.000Z'));
    const meta = await store.start(droneOnlyPlaylist(), setup('K-17'));

    expect(meta).toMatchObject({ playlistId: 'ocean', playlistTitle: 'Ocean', clientCode: 'K-17', status: 'open', createdAt: '2026-11-21T09:30:00.000Z' });
    expect(sessionMetaSchema.safeParse(meta).success).toBe(true);
    expect((await readdir(path.join(dataDir, 'sessions', meta.id))).sort()).toEqual(['events.jsonl', 'session.json']);
    expect(JSON.parse(await readFile(path.join(dataDir, 'sessions', meta.id, 'session.json'), 'utf8'))).toEqual(meta);

    const { events, repairs } = await readJournal(journalPathOf(meta.id), { repair: false });
    expect(repairs).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ seq: 0, kind: 'session-started', sessionMs: 0, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } });
  });

  it('gives two sessions started at the same moment different ids', async () => {
    const store = newStore(() => new Date('2026-11-21T09:30:00.000Z'));
    const first = await store.start(droneOnlyPlaylist(), setup(''));
    const second = await store.start(droneOnlyPlaylist(), setup(''));
    expect(first.id).not.toBe(second.id);
  });
});

describe('SessionStore.start is atomic', () => {
  it('builds the session aside and leaves nothing else in sessions/', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    expect(await readdir(path.join(dataDir, 'sessions'))).toEqual([meta.id]);
    expect((await store.append(meta.id, mark(1000))).seq).toBe(1);
    expect((await readJournal(journalPathOf(meta.id), { repair: false })).events.map((event) => event.kind)).toEqual(['session-started', 'mark']);
  });

  it('lists no session when the start fails before its first event is durable; the next start-up sets the remains aside', async () => {
    const store = newStore();
    const probe = await open(path.join(dataDir, 'probe'), 'w');
    await probe.close();
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    vi.spyOn(prototype, 'appendFile').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    await expect(store.start(droneOnlyPlaylist(), setup(''))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await store.list()).toEqual([]);

    const lines: string[] = [];
    const restarted = new SessionStore(dataDir, { log: (line) => lines.push(line) });
    stores.push(restarted);
    expect(await restarted.list()).toEqual([]);
    const report = await restarted.setAsideReport();
    expect(report?.entries).toHaveLength(1);
    expect(report?.entries[0]).toMatch(/^\.creating-\d{8}-\d{6}-[a-z0-9]{6}: /);
    expect(await readdir(path.join(dataDir, 'sessions'))).toEqual([]);
    expect(lines.join('\n')).toContain(report?.folder);
  });

  it('sets aside at start-up every leftover of an interrupted start, keeps them, and reports each', async () => {
    const store = newStore();
    const whole = await store.start(droneOnlyPlaylist(), setup('kept'));
    await store.append(whole.id, mark(1000));
    await store.close();
    const sessionsDir = path.join(dataDir, 'sessions');
    await mkdir(path.join(sessionsDir, '.creating-20261121-093000-aaaaaa'));
    await writeFile(path.join(sessionsDir, '.creating-20261121-093000-aaaaaa', 'session.json'), '{}');
    await mkdir(path.join(sessionsDir, '20261121-093001-nometa'));
    await writeFile(path.join(sessionsDir, '20261121-093001-nometa', '.session.json.12.34.tmp'), '{"id"');
    await mkdir(path.join(sessionsDir, '20261121-093002-nojrnl'));
    await writeFile(path.join(sessionsDir, '20261121-093002-nojrnl', 'session.json'), JSON.stringify({ ...whole, id: '20261121-093002-nojrnl' }));
    await mkdir(path.join(sessionsDir, '20261121-093003-emptyj'));
    await writeFile(path.join(sessionsDir, '20261121-093003-emptyj', 'session.json'), JSON.stringify({ ...whole, id: '20261121-093003-emptyj' }));
    await writeFile(path.join(sessionsDir, '20261121-093003-emptyj', 'events.jsonl'), '');
    await mkdir(path.join(sessionsDir, '20261121-093004-tornjl'));
    await writeFile(path.join(sessionsDir, '20261121-093004-tornjl', 'session.json'), JSON.stringify({ ...whole, id: '20261121-093004-tornjl' }));
    await writeFile(path.join(sessionsDir, '20261121-093004-tornjl', 'events.jsonl'), '{"id":"5b0c');
    await writeFile(path.join(sessionsDir, whole.id, '.session.json.99.1234.tmp'), '{"half": ');

    const lines: string[] = [];
    const restarted = new SessionStore(dataDir, { log: (line) => lines.push(line) });
    stores.push(restarted);
    expect((await restarted.list()).map((summary) => [summary.meta.id, summary.markCount])).toEqual([[whole.id, 1]]);
    expect((await readdir(sessionsDir)).sort()).toEqual([whole.id]);
    expect((await readdir(path.join(sessionsDir, whole.id))).sort()).toEqual(['events.jsonl', 'session.json']);

    const report = await restarted.setAsideReport();
    expect(report?.folder.startsWith(path.join(dataDir, 'sessions-set-aside'))).toBe(true);
    expect(report?.entries.map((entry) => entry.split(':')[0])).toEqual([
      '.creating-20261121-093000-aaaaaa',
      '20261121-093001-nometa',
      '20261121-093002-nojrnl',
      '20261121-093003-emptyj',
      '20261121-093004-tornjl',
      path.join(whole.id, '.session.json.99.1234.tmp'),
    ]);
    // Kept as they were, never deleted.
    const folder = report?.folder ?? '';
    expect(await readFile(path.join(folder, '20261121-093004-tornjl', 'events.jsonl'), 'utf8')).toBe('{"id":"5b0c');
    expect(await readFile(path.join(folder, whole.id, '.session.json.99.1234.tmp'), 'utf8')).toBe('{"half": ');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('set aside 6 leftovers');
    // The whole session is untouched and goes on.
    expect((await restarted.append(whole.id, mark(2000))).seq).toBe(2);
  });
});

describe('SessionStore journal', () => {
  it('appends marks and returns them when the session is opened', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const first = mark(60_000);
    const second = mark(120_000);
    expect(await store.append(meta.id, first)).toMatchObject({ seq: 1, duplicate: false });
    expect(await store.append(meta.id, second)).toMatchObject({ seq: 2, duplicate: false });

    const opened = await store.open(meta.id);
    expect(opened.meta).toEqual(meta);
    expect(opened.repairs).toEqual([]);
    expect(opened.events.map((event) => [event.seq, event.kind])).toEqual([
      [0, 'session-started'],
      [1, 'mark'],
      [2, 'mark'],
    ]);
    expect(opened.events.slice(1).map((event) => event.id)).toEqual([first.id, second.id]);
  });

  it('answers a retried append as a duplicate', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const input = mark(1000);
    const first = await store.append(meta.id, input);
    expect(await store.append(meta.id, input)).toEqual({ ...first, duplicate: true });
    expect((await store.open(meta.id)).events).toHaveLength(2);
  });

  it('refuses the same event id with other content as a conflict', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const input = mark(1000);
    await store.append(meta.id, input);
    const failure = await expectFailure(store.append(meta.id, { ...input, sessionMs: 5000 }), 'conflict');
    expect(failure.message).toContain(input.id);
    expect((await store.open(meta.id)).events).toHaveLength(2);
  });

  it('refuses a second session-started, and takes a resend of the first as a duplicate', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const [started] = (await store.open(meta.id)).events;
    const second: JournalEventInput = { id: randomUUID(), kind: 'session-started', sessionMs: 9000, payload: { playlistId: 'ocean', playlistTitle: 'Ocean' } };
    const failure = await expectFailure(store.append(meta.id, second), 'conflict');
    expect(failure.message).toContain('already started');
    await expectFailure(store.appendMany(meta.id, [mark(1000), second]), 'conflict');
    if (started?.kind !== 'session-started') throw new Error('the journal does not begin with session-started');
    const resent: JournalEventInput = { id: started.id, kind: started.kind, sessionMs: started.sessionMs, payload: started.payload };
    expect(await store.append(meta.id, resent)).toMatchObject({ seq: 0, duplicate: true });
    expect((await newStore().open(meta.id)).events.map((event) => event.kind)).toEqual(['session-started']);
  });

  it('keeps everything across a restart and continues the numbering', async () => {
    const before = newStore();
    const meta = await before.start(droneOnlyPlaylist(), setup('K-17'));
    const input = mark(5000);
    await before.append(meta.id, input);
    await before.close();

    const after = newStore();
    const opened = await after.open(meta.id);
    expect(opened.meta).toEqual(meta);
    expect(opened.events.map((event) => event.kind)).toEqual(['session-started', 'mark']);
    expect(opened.events[1]?.id).toBe(input.id);
    expect((await after.append(meta.id, input)).duplicate).toBe(true);
    expect((await after.append(meta.id, mark(6000))).seq).toBe(2);
    expect((await after.list()).map((summary) => summary.meta.id)).toEqual([meta.id]);
  });

  it('repairs a torn last line when the session is opened after a crash and reports it', async () => {
    const before = newStore();
    const meta = await before.start(droneOnlyPlaylist(), setup(''));
    await before.append(meta.id, mark(1000));
    await before.close();
    await appendFile(journalPathOf(meta.id), '{"id":"6c1f0a2e-1b2c-4d3e-8f4a-5b6c7d8e9f0a","seq":2,"kind":"ma');

    const after = newStore();
    const opened = await after.open(meta.id);
    expect(opened.events.map((event) => event.seq)).toEqual([0, 1]);
    expect(opened.repairs).toHaveLength(1);
    expect(opened.repairs[0]).toMatch(/incomplete last line/);

    await after.append(meta.id, mark(2000));
    const onDisk = await readJournal(journalPathOf(meta.id), { repair: false });
    expect(onDisk.repairs).toEqual([]);
    expect(onDisk.events.map((event) => event.sessionMs)).toEqual([0, 1000, 2000]);
  });

  it('repairs a torn tail before the first append after a restart', async () => {
    const before = newStore();
    const meta = await before.start(droneOnlyPlaylist(), setup(''));
    await before.close();
    await appendFile(journalPathOf(meta.id), Buffer.from([0x7b, 0x22, 0xe2, 0x82]));

    const after = newStore();
    expect((await after.append(meta.id, mark(1000))).seq).toBe(1);
    const onDisk = await readJournal(journalPathOf(meta.id), { repair: false });
    expect(onDisk.repairs).toEqual([]);
    expect(onDisk.events.map((event) => event.seq)).toEqual([0, 1]);
  });

  it('turns a failed write into a write-failed result that names the cause', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const probe = await open(journalPathOf(meta.id), 'r');
    await probe.close();
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    vi.spyOn(prototype, 'appendFile').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));

    const failure = await expectFailure(store.append(meta.id, mark(1000)), 'write-failed');
    expect(failure.message).toContain('ENOSPC');
    expect((await store.append(meta.id, mark(2000))).seq).toBe(1);
  });
});

describe('SessionStore.end', () => {
  it('marks the session ended, journals why, and refuses later marks', async () => {
    const store = newStore(() => new Date('2026-11-21T16:00:00.000Z'));
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const ended = await store.end(meta.id, ending(7 * 3_600_000));

    expect(ended).toEqual({ ...meta, status: 'ended', endedAt: '2026-11-21T16:00:00.000Z' });
    expect(JSON.parse(await readFile(path.join(dataDir, 'sessions', meta.id, 'session.json'), 'utf8'))).toEqual(ended);
    const opened = await store.open(meta.id);
    expect(opened.meta.status).toBe('ended');
    expect(opened.events.at(-1)).toMatchObject({ kind: 'session-ended', sessionMs: 7 * 3_600_000, payload: { reason: 'facilitator' } });

    await expectFailure(store.append(meta.id, mark(7 * 3_600_000 + 1)), 'conflict');
    expect((await store.open(meta.id)).events).toHaveLength(opened.events.length);
  });

  it('refuses marks on an ended session after a restart too', async () => {
    const before = newStore();
    const meta = await before.start(droneOnlyPlaylist(), setup(''));
    await before.end(meta.id, ending(1000));
    await before.close();
    await expectFailure(newStore().append(meta.id, mark(2000)), 'conflict');
  });

  it('ends only once', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const first = await store.end(meta.id, ending(1000));
    expect(await store.end(meta.id, ending(2000))).toEqual(first);
    const endings = (await store.open(meta.id)).events.filter((event) => event.kind === 'session-ended');
    expect(endings).toHaveLength(1);
  });
});

describe('SessionStore.list', () => {
  it('is empty before any session exists', async () => {
    expect(await newStore().list()).toEqual([]);
  });

  it('summarises sessions newest first with their mark counts, skipping junk', async () => {
    let now = new Date('2026-11-20T09:00:00.000Z');
    const store = newStore(() => now);
    const older = await store.start(droneOnlyPlaylist(), setup('A-1'));
    await store.append(older.id, mark(1000));
    await store.append(older.id, mark(2_000_000));
    await store.append(older.id, { id: randomUUID(), kind: 'playback', sessionMs: 2_500_000, payload: { action: 'pause', programMs: 2_400_000 } });
    now = new Date('2026-11-21T09:00:00.000Z');
    const newer = await store.start(droneOnlyPlaylist(), setup('B-2'));
    await store.append(newer.id, mark(30_000));

    const sessionsDir = path.join(dataDir, 'sessions');
    await mkdir(path.join(sessionsDir, 'notes'));
    await writeFile(path.join(sessionsDir, '.DS_Store'), 'junk');
    await writeFile(path.join(sessionsDir, '20991231-235959-zzzzzz'), 'a file, not a folder');
    await mkdir(path.join(sessionsDir, '20991230-235959-empty0'));
    await mkdir(path.join(sessionsDir, '20991229-235959-broken'));
    await writeFile(path.join(sessionsDir, '20991229-235959-broken', 'session.json'), '{"id": ');

    const summaries = await newStore().list();
    expect(summaries.map((summary) => summary.meta.id)).toEqual([newer.id, older.id]);
    expect(summaries.map((summary) => [summary.meta.clientCode, summary.markCount, summary.lastSessionMs])).toEqual([
      ['B-2', 1, 30_000],
      ['A-1', 2, 2_500_000],
    ]);
  });

  it('counts marks of sessions this store has open, including ones not yet reread from disk', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    await store.append(meta.id, mark(1000));
    expect((await store.list())[0]).toMatchObject({ markCount: 1, lastSessionMs: 1000 });
    await store.append(meta.id, mark(4000));
    expect((await store.list())[0]).toMatchObject({ markCount: 2, lastSessionMs: 4000 });
  });
});

describe('SessionStore with an unknown or damaged session', () => {
  const unknownId = '20261121-093000-zzzzzz';

  it('answers not-found for open, append and end', async () => {
    const store = newStore();
    await store.start(droneOnlyPlaylist(), setup(''));
    await expectFailure(store.open(unknownId), 'not-found');
    await expectFailure(store.append(unknownId, mark(0)), 'not-found');
    await expectFailure(store.end(unknownId, ending(0)), 'not-found');
    await expect(readdir(path.join(dataDir, 'sessions', unknownId))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('answers invalid-data when the metadata is not valid JSON', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    await writeFile(path.join(dataDir, 'sessions', meta.id, 'session.json'), '{"id": "');
    await expectFailure(newStore().open(meta.id), 'invalid-data');
  });

  it('answers invalid-data when the metadata belongs to another session', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    await writeFile(path.join(dataDir, 'sessions', meta.id, 'session.json'), JSON.stringify({ ...meta, id: unknownId }));
    await expectFailure(newStore().open(meta.id), 'invalid-data');
  });
});

describe('the listed mark count', () => {
  it('is the live marks of the fold: an undone mark is not counted, edits and span closes are not marks', async () => {
    const store = newStore();
    const meta = await store.start(droneOnlyPlaylist(), setup(''));
    const first = mark(1000);
    const undone = mark(2000);
    await store.append(meta.id, first);
    await store.append(meta.id, undone);
    await store.append(meta.id, mark(3000));
    await store.append(meta.id, { id: randomUUID(), kind: 'mark-deleted', sessionMs: 2500, payload: { markId: undone.id, reason: 'undo' } });
    await store.append(meta.id, { id: randomUUID(), kind: 'mark-edited', sessionMs: 4000, payload: { markId: first.id, intensity: 3 } });
    const [listed] = await store.list();
    expect(listed?.markCount).toBe(2);
  });
});
