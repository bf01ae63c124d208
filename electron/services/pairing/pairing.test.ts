import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../core/events';
import { seal, toHex } from '../../../core/pairing/channel';
import { cpaceShare } from '../../../core/pairing/cpace';
import { formatPairingCode } from '../../../core/pairing/pairing-code';
import { DeviceClient, type DeviceTransport } from '../../../core/pairing/device-client';
import { pairingPaths, MAX_PAIRING_BODY_BYTES } from '../../../core/pairing/protocol';
import type { PairingStatus } from '../../../core/pairing-contract';
import { sessionSetupSchema, type SessionMeta } from '../../../core/session';
import { createServices } from '../create-services';
import { loadOrCreateHostCertificate, pairingCertificateFileName } from './host-certificate';
import { LanServer } from './lan-server';
import { defaultInvitationPolicy } from './invitation';
import { PairingService, type PairingServiceOptions } from './pairing-service';
import { MemoryDeviceStore } from '../../../tests/support/memory-device-store';

const bundledPlaylistsDir = fileURLToPath(new URL('../../../playlists/', import.meta.url));
const secretNote = 'client cried at the cello, spoke of her father';

let dataDir: string;
let services: ReturnType<typeof createServices>;
let meta: SessionMeta;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-pairing-'));
  services = createServices({ dataDir, bundledPlaylistsDir });
  meta = await services.handlers['sessions:start']({ playlistId: 'generative-session', ...sessionSetupSchema.parse({}) });
  await services.sessions.append(meta.id, { id: randomUUID(), kind: 'segment-started', sessionMs: 10, payload: { phaseId: 'onset', segmentId: 'onset-breath', programMs: 0 } });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await services.close();
  await rm(dataDir, { recursive: true, force: true });
});

function pairingService(options: Partial<PairingServiceOptions> = {}): PairingService {
  const service = new PairingService({
    dataDir,
    sessions: services.sessions,
    settings: services.settings,
    playlists: services.playlists,
    deviceAppDir: undefined,
    feedWaitMs: 1500,
    log: () => undefined,
    ...options,
  });
  cleanups.push(() => service.dispose());
  return service;
}

/** A raw HTTPS request to the pairing server, as any machine on the network could send. */
function rawRequest(port: number, urlPath: string, options: { method?: string; body?: string | Buffer; contentType?: string } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: options.method ?? 'POST',
        // The device trusts the host through the pairing, not the certificate chain.
        rejectUnauthorized: false,
        headers: { 'content-type': options.contentType ?? 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

function rawGet(port: number, urlPath: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: urlPath, rejectUnauthorized: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

/** The device's transport over real HTTPS; `down` drops the link, `divert` hands requests to another "host". */
class SwitchableTransport implements DeviceTransport {
  down = false;
  divert: DeviceTransport | undefined;
  readonly sent: { path: string; body: unknown }[] = [];
  readonly answers: { path: string; status: number; body: unknown }[] = [];

  constructor(private readonly port: () => number) {}

  async post(urlPath: string, body: unknown): Promise<{ status: number; body: unknown }> {
    if (this.down) throw new Error('network unreachable');
    if (this.divert !== undefined) return this.divert.post(urlPath, body);
    this.sent.push({ path: urlPath, body });
    const answer = await rawRequest(this.port(), urlPath, { body: JSON.stringify(body) });
    const parsed: unknown = JSON.parse(answer.text);
    this.answers.push({ path: urlPath, status: answer.status, body: parsed });
    return { status: answer.status, body: parsed };
  }
}


async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function device(service: PairingService, transport = new SwitchableTransport(() => service.listeningPort ?? 0), store = new MemoryDeviceStore()) {
  const client = await DeviceClient.open({ transport, store, now: () => Date.now() });
  cleanups.push(() => client.dispose());
  return { client, transport, store };
}

async function journal(): Promise<JournalEvent[]> {
  return [...(await services.sessions.open(meta.id)).events];
}

function mainMark(sessionMs: number, note?: string) {
  return {
    id: randomUUID(),
    kind: 'mark' as const,
    sessionMs,
    payload: { markKind: 'resonance', phaseId: 'onset', segmentId: 'onset-breath', positionMs: sessionMs, reactionOffsetMs: 0, by: 'MA', ...(note === undefined ? {} : { note }) },
  };
}

/** LISTEN sockets on this port, from the kernel's tables: the local addresses they are bound to. */
async function listeningAddresses(port: number): Promise<string[]> {
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, portHex] = (fields[1] ?? '').split(':');
      if (fields[3] === '0A' && portHex !== undefined && Number.parseInt(portHex, 16) === port) found.push(address ?? '');
    }
  }
  return found;
}

describe('co-facilitation, device and host end to end', () => {
  it('pairs, and both see both authors marks; either adds details to the other one', async () => {
    const service = pairingService();
    const remote: JournalEvent[][] = [];
    service.on('remote-events', ({ events }) => remote.push(events));
    const status = await service.invite(meta.id, 'MA');
    expect(status.invitation?.code).toMatch(/^[2-9A-Z]{4} [2-9A-Z]{4}$/);
    expect(status.invitation?.url).toContain(`#c=${status.invitation?.code.replace(' ', '')}&f=`);
    expect(status.invitation?.qr.length).toBeGreaterThan(20);
    const { client } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO', status.invitation?.url.split('&f=')[1]);
    expect(client.view()).toMatchObject({ link: 'online', initials: 'CO', problem: null });
    expect(client.view().session).toMatchObject({ title: 'Generative session', phaseTitle: 'Onset' });

    const deviceMarkId = await client.mark('resonance', { intensity: 4, note: secretNote });
    const mainEvent = mainMark(1000);
    await services.sessions.append(meta.id, mainEvent);
    await until(() => client.view().marks.length === 2 && client.view().pending === 0, 'both marks on the device');
    const marks = client.view().marks;
    expect(marks.find((mark) => mark.id === deviceMarkId)).toMatchObject({ by: 'CO', mine: true, pending: false, intensity: 4, note: secretNote, late: false });
    expect(marks.find((mark) => mark.id === mainEvent.id)).toMatchObject({ by: 'MA', mine: false });

    await client.addDetails(mainEvent.id, { note: 'added on the tablet', intensity: 2 });
    await until(() => client.view().marks.find((mark) => mark.id === mainEvent.id)?.note === 'added on the tablet' && client.view().pending === 0, 'details on the main mark');

    const events = await journal();
    const stored = events.find((event) => event.id === deviceMarkId);
    expect(stored).toMatchObject({ kind: 'mark', payload: { by: 'CO', markKind: 'resonance', phaseId: 'onset', segmentId: 'onset-breath', note: secretNote } });
    expect(stored?.kind === 'mark' && stored.payload.late).toBeUndefined();
    expect(events.filter((event) => event.kind === 'mark-edited')).toMatchObject([{ payload: { markId: mainEvent.id, note: 'added on the tablet', intensity: 2, by: 'CO', from: 'live' } }]);
    expect(events.filter((event) => event.kind === 'co-facilitator').map((event) => event.kind === 'co-facilitator' && event.payload)).toEqual([
      { action: 'joined', device: 'main', by: 'MA' },
      expect.objectContaining({ action: 'joined', by: 'CO' }),
    ]);
    // The main screen hears of the device's events once they are saved.
    expect(remote.flat().map((event) => event.id)).toEqual(expect.arrayContaining([deviceMarkId]));
    expect((await service.status(meta.id)).devices).toMatchObject([{ initials: 'CO', markCount: 1, quiet: false }]);
    // The certificate is the user's only.
    expect((await stat(path.join(dataDir, pairingCertificateFileName))).mode & 0o077).toBe(0);
  });

  it("sets the client state from the device under the main screen's rules, with the reaction time subtracted", async () => {
    services.settings.update({ reactionOffsetMs: 2000 });
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const { client } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await client.setState('hyperaroused');
    await until(() => client.view().session?.currentStateId === 'hyperaroused' && client.view().pending === 0, 'the state on the device');
    const stateEvent = (await journal()).find((event) => event.kind === 'client-state');
    expect(stateEvent).toMatchObject({ payload: { stateId: 'hyperaroused', action: 'set' } });
    const markId = await client.mark('resonance');
    await until(() => client.view().pending === 0, 'the mark acknowledged');
    const markEvent = (await journal()).find((event) => event.id === markId);
    expect(markEvent?.kind === 'mark' && markEvent.payload.reactionOffsetMs).toBeGreaterThan(0);
    // A span state, a span mark, and any state during a break are refused with the reason, and not retried.
    await client.setState('dissociated');
    await until(() => client.view().pending === 0, 'the span state answered');
    expect(client.view().problem).toMatch(/span/);
    await services.sessions.append(meta.id, { id: randomUUID(), kind: 'mark', sessionMs: 1, payload: { markKind: 'break', phaseId: 'onset', segmentId: 'onset-breath', positionMs: 0, reactionOffsetMs: 0, span: 'open' } });
    await client.setState('within-window');
    await until(() => client.view().pending === 0, 'the state during a break answered');
    expect(client.view().problem).toMatch(/break is open/);
    expect((await journal()).filter((event) => event.kind === 'client-state')).toHaveLength(1);
  });

  it('a device offline for a while keeps its marks and delivers each once, in session-time order, flagged late', async () => {
    // Late after 300 ms instead of 5 s, so the test need not wait that long offline.
    const service = pairingService({ lateAfterMs: 300 });
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    transport.down = true;
    const made: string[] = [];
    for (const note of ['first', 'second', 'third']) {
      made.push(await client.mark('distress', { note }));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await until(() => client.view().link === 'offline', 'the device to see the link down');
    expect(client.view().pending).toBe(3);
    await services.sessions.append(meta.id, mainMark(50));
    await new Promise((resolve) => setTimeout(resolve, 400));
    transport.down = false;
    await until(() => client.view().pending === 0 && client.view().link === 'online', 'the marks to be delivered', 15_000);
    const deviceMarks = (await journal()).filter((event) => event.kind === 'mark' && event.payload.by === 'CO');
    expect(deviceMarks.map((event) => event.id)).toEqual(made);
    for (const event of deviceMarks) expect(event.kind === 'mark' && event.payload.late).toBe(true);
    const times = deviceMarks.map((event) => event.sessionMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    await until(() => client.view().marks.length === 4, 'all marks on the device');
    // Both authors' marks, in session-time order (the device's times carry the clock offset's uncertainty, so no fixed interleaving is asserted).
    const shown = client.view().marks;
    expect(shown.map((mark) => mark.sessionMs)).toEqual([...shown.map((mark) => mark.sessionMs)].sort((a, b) => a - b));
    expect(shown.filter((mark) => mark.by === 'CO').map((mark) => mark.id)).toEqual(made);
    expect(shown.filter((mark) => mark.by === 'MA')).toHaveLength(1);
    expect(client.view().marks.filter((mark) => mark.by === 'CO').every((mark) => mark.late)).toBe(true);
  });

  it('a late mark does not shift the session time of the marks after it', async () => {
    const service = pairingService({ lateAfterMs: 300 });
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    // The main screen's mark sets where session time stands; the device's marks follow it.
    await services.sessions.append(meta.id, mainMark(60_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    transport.down = true;
    const madeOffline = Date.now();
    const lateId = await client.mark('distress');
    await until(() => client.view().link === 'offline', 'the device to see the link down');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    transport.down = false;
    await until(() => client.view().pending === 0 && client.view().link === 'online', 'the late mark to be delivered');
    const madeOnline = Date.now();
    const onTimeId = await client.mark('resonance');
    await until(() => client.view().pending === 0, 'the on-time mark to be saved');
    const stored = await journal();
    const late = stored.find((event) => event.id === lateId);
    const onTime = stored.find((event) => event.id === onTimeId);
    expect(late?.kind === 'mark' && late.payload.late).toBe(true);
    expect(onTime?.kind === 'mark' && onTime.payload.late).toBeUndefined();
    // As far apart in session time as they were made (give or take the clock offset's and the
    // journal's few milliseconds), not 1.2 s closer as if the late mark's arrival anchored time.
    const apart = (onTime?.sessionMs ?? 0) - (late?.sessionMs ?? 0);
    expect(Math.abs(apart - (madeOnline - madeOffline))).toBeLessThan(250);
  });
});

describe('co-facilitation, a device that reloads or goes quiet', () => {
  it('a reloaded device page resumes its pairing and sends the marks it kept', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const first = await device(service);
    await first.client.pair(status.invitation?.code ?? '', 'CO');
    first.transport.down = true;
    const kept = await first.client.mark('breakthrough', { note: 'made before the reload' });
    // mark() resolved: the mark is in the device's durable store before anything was sent.
    expect(first.store.value?.pendingMarks.map((mark) => mark.id)).toEqual([kept]);
    first.client.dispose();
    const reloaded = await device(service, new SwitchableTransport(() => service.listeningPort ?? 0), first.store);
    expect(reloaded.client.view()).toMatchObject({ initials: 'CO', pending: 1 });
    await until(() => reloaded.client.view().pending === 0 && reloaded.client.view().link === 'online', 'the kept mark to be sent');
    expect((await journal()).filter((event) => event.id === kept)).toHaveLength(1);
  });

  it('after a host restart the device asks to pair again and then sends the marks it kept', async () => {
    const before = pairingService();
    const first = await before.invite(meta.id, 'MA');
    let port = before.listeningPort ?? 0;
    const transport = new SwitchableTransport(() => port);
    const { client } = await device(before, transport);
    await client.pair(first.invitation?.code ?? '', 'CO');
    transport.down = true;
    const kept = await client.mark('resonance', { note: 'made while the host restarted' });
    await before.dispose();
    const after = pairingService();
    const second = await after.invite(meta.id, 'MA');
    port = after.listeningPort ?? 0;
    transport.down = false;
    await until(() => client.view().link === 'unpaired', 'the device to learn the host forgot it');
    expect(client.view()).toMatchObject({ pending: 1, problem: expect.stringMatching(/Pair again/) });
    await client.pair(second.invitation?.code ?? '', 'CO');
    await until(() => client.view().pending === 0 && client.view().link === 'online', 'the kept mark to reach the restarted host');
    expect((await journal()).filter((event) => event.id === kept)).toHaveLength(1);
  });

  it('sends a long backlog of long notes in requests under the body cap', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    transport.down = true;
    const made: string[] = [];
    for (let index = 0; index < 80; index += 1) made.push(await client.mark('note', { note: `${index} `.padEnd(5000, 'x') }));
    transport.down = false;
    await until(() => client.view().pending === 0, 'the backlog to be delivered', 20_000);
    const journaled = (await journal()).filter((event) => event.kind === 'mark').map((event) => event.id);
    expect(journaled).toEqual(made);
    const markRequests = transport.sent.filter((sent) => sent.path === pairingPaths.device && JSON.stringify(sent.body).length > 100_000);
    expect(markRequests.length).toBeGreaterThan(1);
    for (const request of markRequests) expect(JSON.stringify(request.body).length).toBeLessThan(MAX_PAIRING_BODY_BYTES);
    expect(transport.answers.every((answer) => answer.status !== 413)).toBe(true);
  });

  it('shows the main screen a device that went quiet, and that it is back', async () => {
    const service = pairingService({ quietAfterMs: 300, feedWaitMs: 200 });
    const statuses: PairingStatus[] = [];
    service.on('status', (status) => statuses.push(status));
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    transport.down = true;
    await until(() => statuses.at(-1)?.devices[0]?.quiet === true, 'the device to show as quiet', 5000);
    transport.down = false;
    await until(() => statuses.at(-1)?.devices[0]?.quiet === false, 'the device to show as back', 15_000);
  });
});

describe('co-facilitation security', () => {
  it('an unpaired client gets nothing, and a removed device is told so and journals nothing more', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    const stranger = JSON.stringify({ deviceId: randomUUID(), counter: 1, box: seal(new Uint8Array(32), { deviceId: randomUUID(), counter: 1, direction: 'device-to-host', path: pairingPaths.device }, { op: 'feed', since: null }) });
    const answer = await rawRequest(port, pairingPaths.device, { body: stranger });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'unknown-device' });

    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await services.sessions.append(meta.id, mainMark(20, secretNote));
    await until(() => client.view().marks.length === 1, 'the main mark on the device');
    // Nothing that crossed the network holds the note in the clear.
    expect(JSON.stringify(transport.answers)).not.toContain('cello');
    expect(JSON.stringify(transport.sent)).not.toContain('CO"');

    const envelope = transport.sent.findLast((sent) => sent.path === pairingPaths.device)?.body;
    const deviceId = (envelope as { deviceId: string }).deviceId;
    // A second invitation keeps the server up after the removal, so the replay below reaches it.
    await service.invite(meta.id, 'MA');
    await service.remove(meta.id, deviceId);
    await until(() => client.view().link === 'removed', 'the device to learn it was removed');
    await expect(client.mark('resonance')).rejects.toThrow(/not paired/);
    // Its old keys open nothing on the host any more: a replayed request is answered only with a sealed notice.
    const replay = await rawRequest(service.listeningPort ?? 0, pairingPaths.device, { body: JSON.stringify(envelope) });
    expect(replay.status).toBe(200);
    expect(Object.keys(JSON.parse(replay.text) as object)).toEqual(['box']);
    expect(replay.text).not.toContain('cello');
    const events = await journal();
    expect(events.filter((event) => event.kind === 'co-facilitator').at(-1)).toMatchObject({ payload: { action: 'left', device: deviceId, by: 'CO', reason: 'removed' } });
    expect(events.filter((event) => event.kind === 'mark')).toHaveLength(1);
  });

  it('refuses a device that cannot prove the code, and counts the try', async () => {
    const service = pairingService();
    await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    const hello = JSON.parse((await rawRequest(port, pairingPaths.hello, { body: '{}' })).text) as { invitationId: string; hostId: string };
    const deviceId = randomUUID();
    const { share } = cpaceShare({ code: 'ZZZZ ZZZZ', invitationId: hello.invitationId, deviceId, hostId: hello.hostId });
    expect((await rawRequest(port, pairingPaths.start, { body: JSON.stringify({ invitationId: hello.invitationId, deviceId, share: toHex(share) }) })).status).toBe(200);
    const box = seal(new Uint8Array(32), { deviceId, counter: 0, direction: 'device-to-host', path: pairingPaths.finish }, { initials: 'EV' });
    const finish = await rawRequest(port, pairingPaths.finish, { body: JSON.stringify({ invitationId: hello.invitationId, deviceId, deviceConfirm: '11'.repeat(64), box }) });
    expect(finish.status).toBe(403);
    expect(JSON.parse(finish.text)).toMatchObject({ error: 'wrong-code' });
    expect(await service.status(meta.id)).toMatchObject({ devices: [], invitation: { failedAttempts: 1, locked: false } });
  });

  it('a pairing cannot take over the id of a device already paired', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    const pairedId = (transport.sent.find((sent) => sent.path === pairingPaths.start)?.body as { deviceId: string }).deviceId;
    await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    const hello = JSON.parse((await rawRequest(port, pairingPaths.hello, { body: '{}' })).text) as { invitationId: string; hostId: string };
    const { share } = cpaceShare({ code: 'ZZZZ ZZZZ', invitationId: hello.invitationId, deviceId: pairedId, hostId: hello.hostId });
    const answer = await rawRequest(port, pairingPaths.start, { body: JSON.stringify({ invitationId: hello.invitationId, deviceId: pairedId, share: toHex(share) }) });
    expect(answer.status).toBe(400);
    await client.mark('resonance');
    await until(() => client.view().pending === 0, 'the paired device to go on marking');
  });

  it('refuses a replayed request', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await client.mark('resonance');
    await until(() => client.view().pending === 0, 'the mark acknowledged');
    const markRequest = transport.sent.find((sent) => sent.path === pairingPaths.device && transport.answers[transport.sent.indexOf(sent)]?.status === 200);
    const before = (await journal()).length;
    const replay = await rawRequest(service.listeningPort ?? 0, pairingPaths.device, { body: JSON.stringify(markRequest?.body) });
    expect(replay.status).toBe(409);
    expect(JSON.parse(replay.text)).toMatchObject({ error: 'stale-counter' });
    expect((await journal()).length).toBe(before);
  });

  it('an expired code and a used code fail', async () => {
    const service = pairingService({ invitationPolicy: { ...defaultInvitationPolicy, lifetimeMs: 150 } });
    const first = await service.invite(meta.id, 'MA');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await device(service);
    await late.client.pair(first.invitation?.code ?? '', 'CO');
    expect(late.client.view()).toMatchObject({ link: 'unpaired', problem: expect.stringMatching(/expired/) });

    const service2 = pairingService();
    const second = await service2.invite(meta.id, 'MA');
    const one = await device(service2);
    await one.client.pair(second.invitation?.code ?? '', 'CO');
    expect(one.client.view().link).toBe('online');
    const two = await device(service2);
    await two.client.pair(second.invitation?.code ?? '', 'XY');
    expect(two.client.view()).toMatchObject({ link: 'unpaired', problem: expect.stringMatching(/No invitation/) });
  });

  it('slows wrong codes after five and locks the invitation at a hundred', async () => {
    let now = Date.now();
    const service = pairingService({ now: () => now });
    const status = await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    const hello = JSON.parse((await rawRequest(port, pairingPaths.hello, { body: '{}' })).text) as { invitationId: string; hostId: string };
    const tryWrongCode = async () => {
      const deviceId = randomUUID();
      const { share } = cpaceShare({ code: 'ZZZZ ZZZZ', invitationId: hello.invitationId, deviceId, hostId: hello.hostId });
      const answer = await rawRequest(port, pairingPaths.start, { body: JSON.stringify({ invitationId: hello.invitationId, deviceId, share: toHex(share) }) });
      return { status: answer.status, body: JSON.parse(answer.text) as { error?: string; retryAfterMs?: number } };
    };
    let slowed = 0;
    let tries = 0;
    while (tries < 100) {
      const answer = await tryWrongCode();
      if (answer.status === 429) {
        expect(answer.body.error).toBe('slow-down');
        expect(tries).toBeGreaterThanOrEqual(5);
        slowed += 1;
        now += answer.body.retryAfterMs ?? 0;
        continue;
      }
      expect(answer.status).toBe(200);
      tries += 1;
    }
    expect(slowed).toBeGreaterThanOrEqual(94);
    // All hundred fit in the invitation's two minutes; the hundred-and-first is refused, even with the right code.
    expect(now - Date.parse(status.invitation?.expiresAt ?? '')).toBeLessThan(0);
    now += 5000;
    expect(await tryWrongCode()).toMatchObject({ status: 423, body: { error: 'locked' } });
    const rightful = await device(service);
    await rightful.client.pair(status.invitation?.code ?? '', 'CO');
    expect(rightful.client.view()).toMatchObject({ link: 'unpaired', problem: expect.stringMatching(/locked/) });
    expect((await service.status(meta.id)).invitation).toMatchObject({ failedAttempts: 100, locked: true });
  });

  it('refuses a forged host, and the marks wait for the real one', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    // A host that does not know the code cannot complete pairing.
    const impostorPairing: DeviceTransport = {
      post: async (urlPath) => {
        if (urlPath === pairingPaths.hello) return { status: 200, body: { invitationId: randomUUID(), hostId: 'aa', hostTime: Date.now() } };
        if (urlPath === pairingPaths.start) return { status: 200, body: { share: toHex(cpaceShare({ code: 'ABCD EFGH', invitationId: randomUUID(), deviceId: randomUUID(), hostId: 'aa' }).share), hostConfirm: '00'.repeat(64), hostTime: Date.now() } };
        return { status: 500, body: {} };
      },
    };
    const fooled = await device(service);
    fooled.transport.divert = impostorPairing;
    await fooled.client.pair(status.invitation?.code ?? '', 'CO');
    expect(fooled.client.view().link).not.toBe('online');
    expect(fooled.transport.sent).toHaveLength(0);

    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await until(() => transport.answers.some((answer) => answer.path === pairingPaths.device && answer.status === 200), 'a real answer to replay');
    const recorded = transport.answers.find((answer) => answer.path === pairingPaths.device && answer.status === 200);
    const received: unknown[] = [];
    for (const forgery of ['own-key', 'replay'] as const) {
      transport.divert = {
        post: async (urlPath, body) => {
          received.push(body);
          if (forgery === 'replay') return { status: 200, body: recorded?.body };
          const { deviceId, counter } = body as { deviceId: string; counter: number };
          return { status: 200, body: { box: seal(new Uint8Array(32).fill(9), { deviceId, counter, direction: 'host-to-device', path: urlPath }, { status: 'ok', hostTime: 0, accepted: [], rejected: [], feed: null }) } };
        },
      };
      await client.mark('resonance', { note: secretNote });
      await until(() => client.view().link === 'refused-host', `the device to refuse the forged host (${forgery})`);
    }
    expect(client.view().pending).toBe(2);
    expect(JSON.stringify(received)).not.toContain('cello');
    transport.divert = undefined;
    await until(() => client.view().pending === 0 && client.view().link === 'online', 'the marks to reach the real host', 15_000);
    expect((await journal()).filter((event) => event.kind === 'mark' && event.payload.note === secretNote)).toHaveLength(2);
  });
});

describe('the co-facilitation server', () => {
  it('listens beyond loopback only while an invitation is open or a device is paired, and stops at session end', async () => {
    const service = pairingService({ listenHost: '0.0.0.0' });
    expect(service.listeningPort).toBeUndefined();
    let status: PairingStatus = await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    expect(await listeningAddresses(port)).toEqual(['00000000']);
    expect(status.listening?.port).toBe(port);
    status = await service.cancelInvite(meta.id);
    expect(status.listening).toBeNull();
    expect(await listeningAddresses(port)).toEqual([]);

    status = await service.invite(meta.id, 'MA');
    const { client } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await service.cancelInvite(meta.id);
    const pairedPort = service.listeningPort ?? 0;
    expect(await listeningAddresses(pairedPort)).toEqual(['00000000']);

    await services.sessions.end(meta.id, { id: randomUUID(), kind: 'session-ended', sessionMs: 5000, payload: { reason: 'facilitator' } });
    await until(async () => (await listeningAddresses(pairedPort)).length === 0, 'the server to stop');
    expect(service.listeningPort).toBeUndefined();
    await expect(service.invite(meta.id, 'MA')).rejects.toThrow(/ended/);
  });

  it('listens on, after the last device is removed, until that device has been told, even across a drop; then stops', async () => {
    const service = pairingService();
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await service.cancelInvite(meta.id);
    const port = service.listeningPort ?? 0;
    // The link drops: no request of the device's is held by the host when it is removed.
    transport.down = true;
    await until(() => client.view().link === 'offline', 'the device to see its link down');
    const deviceId = (await service.status(meta.id)).devices[0]?.deviceId ?? '';
    const removed = await service.remove(meta.id, deviceId);
    expect(removed.devices).toEqual([]);
    // Stopped now, the device would read "offline" for good, its marks kept for a host no longer there.
    expect(service.listeningPort).toBe(port);
    transport.down = false;
    await until(() => client.view().link === 'removed', 'the device to learn it was removed', 15_000);
    await until(() => service.listeningPort === undefined, 'the server to stop once the device was told');
    expect(await listeningAddresses(port)).toEqual([]);
  });

  it('stops listening when the notice window closes on a removed device that never came back', async () => {
    const service = pairingService({ noticeWindowMs: 1500 });
    const status = await service.invite(meta.id, 'MA');
    const { client, transport } = await device(service);
    await client.pair(status.invitation?.code ?? '', 'CO');
    await service.cancelInvite(meta.id);
    transport.down = true;
    await until(() => client.view().link === 'offline', 'the device to see its link down');
    await service.remove(meta.id, (await service.status(meta.id)).devices[0]?.deviceId ?? '');
    expect(service.listeningPort).toBeDefined();
    await until(() => service.listeningPort === undefined, 'the server to stop after the notice window', 5000);
  });

  it('lets an answer already on its way reach its device when it stops', async () => {
    // A held long-poll woken by a removal is answered as the server stops: dropping every connection at once cut
    // that answer off now and then, and the device read "offline" instead of "removed".
    let answerHeld: (() => void) | undefined;
    const server = new LanServer({
      certificate: await loadOrCreateHostCertificate(dataDir, () => undefined),
      deviceAppDir: undefined,
      host: '127.0.0.1',
      handlePost: () => new Promise((resolve) => (answerHeld = () => resolve({ status: 200, body: { told: true } }))),
    });
    const port = await server.start();
    const answer = rawRequest(port, pairingPaths.device, { body: '{}' });
    await until(() => answerHeld !== undefined, 'the request to be held');
    const stopped = server.stop();
    answerHeld?.();
    expect(await answer).toEqual({ status: 200, text: JSON.stringify({ told: true }) });
    await stopped;
    expect(await listeningAddresses(port)).toEqual([]);
  });

  it('serves the built device page and its assets with a strict policy, and nothing else of the build', async () => {
    const appDir = path.join(dataDir, 'app');
    await mkdir(path.join(appDir, 'assets'), { recursive: true });
    await writeFile(path.join(appDir, 'device.html'), '<!doctype html><title>device</title>');
    await writeFile(path.join(appDir, 'index.html'), '<!doctype html><title>main screen</title>');
    await writeFile(path.join(appDir, 'assets', 'device-1234.js'), 'console.log(1)');
    const service = pairingService({ deviceAppDir: appDir });
    await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    const page = await rawGet(port, '/');
    expect(page).toMatchObject({ status: 200, text: expect.stringContaining('device') });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(await rawGet(port, '/assets/device-1234.js')).toMatchObject({ status: 200, headers: { 'content-type': expect.stringContaining('javascript') } });
    expect((await rawGet(port, '/index.html')).status).toBe(404);
    expect((await rawGet(port, '/assets/%2e%2e/index.html')).status).toBe(404);
  });

  it('reaches the main screen through the contract: handlers answer, host events carry status and device marks', async () => {
    const heard: string[] = [];
    const remoteIds: string[] = [];
    services.events.subscribe((event) => {
      heard.push(event.name);
      if (event.name === 'journal:remote-events') remoteIds.push(...event.payload.events.map((journaled) => journaled.id));
    });
    const status = await services.handlers['pairing:invite']({ sessionId: meta.id, hostInitials: 'MA' });
    const { client } = await device(services.pairing);
    await client.pair(status.invitation?.code ?? '', 'CO');
    const id = await client.mark('resonance');
    await until(() => remoteIds.includes(id), 'the device mark as a host event');
    expect(heard).toContain('pairing:status');
    const listed = await services.handlers['pairing:status']({ sessionId: meta.id });
    expect(listed.devices).toMatchObject([{ initials: 'CO' }]);
    const removed = await services.handlers['pairing:remove']({ sessionId: meta.id, deviceId: listed.devices[0]?.deviceId ?? '' });
    expect(removed.devices).toEqual([]);
    // Once the device has heard it was removed (at once when its long-poll is held, else on its next request).
    await until(async () => (await services.handlers['pairing:status']({ sessionId: meta.id })).listening === null, 'the server to stop');
  });

  it('answers bad input with clear errors', async () => {
    const service = pairingService();
    await service.invite(meta.id, 'MA');
    const port = service.listeningPort ?? 0;
    expect(await rawRequest(port, pairingPaths.start, { body: '{not json' })).toMatchObject({ status: 400, text: expect.stringContaining('not JSON') });
    expect(await rawRequest(port, pairingPaths.start, { body: '{}', contentType: 'text/plain' })).toMatchObject({ status: 415 });
    expect(await rawRequest(port, pairingPaths.start, { body: Buffer.alloc(MAX_PAIRING_BODY_BYTES + 10, 32) })).toMatchObject({ status: 413 });
    expect(await rawRequest(port, pairingPaths.start, { body: JSON.stringify({ invitationId: 'x', share: 3 }) })).toMatchObject({ status: 400, text: expect.stringContaining('bad-request') });
    expect(await rawRequest(port, pairingPaths.device, { body: JSON.stringify({ deviceId: randomUUID(), counter: -1 }) })).toMatchObject({ status: 400 });
    expect(await rawRequest(port, '/api/other', { body: '{}' })).toMatchObject({ status: 404 });
    expect(await rawRequest(port, '/../../etc/passwd', { method: 'GET' })).toMatchObject({ status: 404 });
    // Without a built device page the page says so plainly.
    expect(await rawRequest(port, '/', { method: 'GET' })).toMatchObject({ status: 503, text: expect.stringContaining('not built') });
    expect(formatPairingCode('ABCDEFGH')).toBe('ABCD EFGH');
  });
});
