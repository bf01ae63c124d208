import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../core/channels';
import type { RequestOf, ResponseOf } from '../../core/contract';
import { plaintextFindings } from '../../tests/support/data-folder-scan';
import { createServices } from './create-services';
import { dispatch } from './dispatch';

const bundledPlaylistsDir = path.resolve(import.meta.dirname, '..', '..', 'playlists');
const passphrase = 'correct horse battery staple';
const clientCode = 'C-0417-QUILL';
const clientNote = 'afraid of the sea since the storm';

let dataDir: string;
const opened: ReturnType<typeof createServices>[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-clients-encryption-'));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((services) => services.close()));
  await rm(dataDir, { recursive: true, force: true });
});

function host() {
  const services = createServices({ dataDir, bundledPlaylistsDir, passphraseCost: { N: 2 ** 14, r: 8, p: 1 } });
  opened.push(services);
  return services;
}

async function value<C extends Channel>(services: ReturnType<typeof host>, channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await dispatch(services.handlers, channel, request, (failedChannel, error) => {
    throw new Error(`${failedChannel} failed unexpectedly: ${String(error)}`);
  });
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.value as ResponseOf<C>;
}

describe('client records and encryption at rest', () => {
  it('turning encryption on encrypts the client records with the sessions; locked, they cannot be read; unlocked, they read again', async () => {
    const services = host();
    const meta = await value(services, 'sessions:start', { playlistId: 'generative-session', clientCode });
    const client = await value(services, 'clients:link-offered', { clientCode, sessionIds: [meta.id] });
    await value(services, 'clients:append', { clientId: client.id, events: [{ id: crypto.randomUUID(), kind: 'client-edited', payload: { notes: clientNote } }] });
    expect(await plaintextFindings(path.join(dataDir, 'clients'), [clientCode, clientNote])).not.toEqual([]);

    await value(services, 'encryption:enable', { method: 'passphrase', passphrase });
    expect(await plaintextFindings(dataDir, [clientCode, clientNote])).toEqual([]);
    // Appended while on: encrypted too.
    await value(services, 'clients:append', { clientId: client.id, events: [{ id: crypto.randomUUID(), kind: 'client-edited', payload: { notes: `${clientNote}, less now` } }] });
    expect(await plaintextFindings(dataDir, [clientNote])).toEqual([]);

    const restarted = host();
    const locked = await dispatch(restarted.handlers, 'clients:course', { clientId: client.id }, () => undefined);
    expect(locked).toMatchObject({ ok: false, error: { code: 'locked' } });
    await value(restarted, 'encryption:unlock', { passphrase });
    const course = await value(restarted, 'clients:course', { clientId: client.id });
    expect(course.client).toMatchObject({ code: clientCode, notes: `${clientNote}, less now` });
    expect(course.timeline.map((entry) => entry.id)).toEqual([meta.id]);

    await value(restarted, 'encryption:disable', { passphrase });
    expect((await value(restarted, 'clients:course', { clientId: client.id })).client.notes).toBe(`${clientNote}, less now`);
  });
});
