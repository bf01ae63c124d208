import { randomUUID } from 'node:crypto';
import { mkdtemp, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, resultSchemaFor, type Handlers, type OpenedSession } from '../../core/contract';
import type { Result } from '../../core/result';
import { ContractFailure } from '../../core/result';
import type { SessionMeta } from '../../core/session';
import { createServices } from './create-services';
import { dispatch } from './dispatch';

const bundledPlaylistsDir = fileURLToPath(new URL('../../playlists/', import.meta.url));

let dataDir: string;
let services: ReturnType<typeof createServices>;
const quietLogger = () => undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-dispatch-'));
  services = createServices({ dataDir, bundledPlaylistsDir });
});

afterEach(async () => {
  await services.close();
  await rm(dataDir, { recursive: true, force: true });
});

function expectError(result: Result<unknown>, code: string): string {
  expect(result).toMatchObject({ ok: false, error: { code } });
  return result.ok ? '' : result.error.message;
}

function expectValue<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** Handlers whose every channel throws the given error. */
function throwingHandlers(error: unknown): Handlers {
  const reject = () => Promise.reject(error);
  return Object.fromEntries(Object.keys(contract).map((channel) => [channel, reject])) as unknown as Handlers;
}

describe('dispatch', () => {
  it.each(['journal:delete', 'toString', '__proto__', '', 42, undefined])('answers unknown-channel for %j', async (channel) => {
    expectError(await dispatch(services.handlers, channel, {}, quietLogger), 'unknown-channel');
  });

  it('answers bad-request naming the fields at fault, and calls no handler', async () => {
    const append = vi.fn();
    const handlers = { ...services.handlers, 'journal:append': append } as Handlers;
    const message = expectError(
      await dispatch(handlers, 'journal:append', { sessionId: '../../etc', events: [{ kind: 'mark', sessionMs: -1 }] }, quietLogger),
      'bad-request',
    );
    expect(message).toContain('sessionId');
    expect(message).toContain('event');
    expect(append).not.toHaveBeenCalled();
  });

  it('answers bad-request for a missing field and for an unknown one', async () => {
    expect(expectError(await dispatch(services.handlers, 'sessions:start', {}, quietLogger), 'bad-request')).toContain('playlistId');
    expect(
      expectError(await dispatch(services.handlers, 'sessions:start', { playlistId: 'generative-session', clientName: 'Jane' }, quietLogger), 'bad-request'),
    ).toContain('clientName');
    expectError(await dispatch(services.handlers, 'playlists:list', null, quietLogger), 'bad-request');
  });

  it('hides an unexpected error behind an internal error without stack or paths, and logs it', async () => {
    const error = new Error(`EACCES: permission denied, open '${path.join(dataDir, 'sessions', 'secret')}'`);
    const logger = vi.fn();
    const result = await dispatch(throwingHandlers(error), 'sessions:list', {}, logger);

    const message = expectError(result, 'internal');
    expect(message).toContain('sessions list');
    expect(message).not.toContain(dataDir);
    expect(message).not.toContain('EACCES');
    expect(message).not.toMatch(/\bat .*:\d+:\d+/);
    expect(message).not.toMatch(/[\\/]\w+\.(ts|js)\b/);
    expect(logger).toHaveBeenCalledWith('sessions:list', error);
    expect(resultSchemaFor('sessions:list').safeParse(result).success).toBe(true);
  });

  it('hides a thrown non-Error value the same way', async () => {
    const logger = vi.fn();
    expectError(await dispatch(throwingHandlers('/home/user/.config/Attune exploded'), 'playlists:list', {}, logger), 'internal');
    expect(logger).toHaveBeenCalledOnce();
  });

  it('passes a contract failure through with its own code and message, without logging it', async () => {
    const logger = vi.fn();
    const result = await dispatch(throwingHandlers(new ContractFailure('conflict', 'this session has ended')), 'sessions:list', {}, logger);
    expect(result).toEqual({ ok: false, error: { code: 'conflict', message: 'this session has ended' } });
    expect(logger).not.toHaveBeenCalled();
  });
});

describe('dispatch of storage failures', () => {
  const storageError = (code: string) => Object.assign(new Error(`${code}: the disk said no, write '${dataDir}/sessions/x'`), { code });

  it.each(['ENOSPC', 'EROFS', 'EDQUOT', 'EIO', 'EFBIG', 'EACCES'])('answers write-failed, never internal, for %s on every writing channel', async (code) => {
    for (const channel of ['sessions:start', 'settings:update', 'journal:append'] as const) {
      const requests = { 'sessions:start': { playlistId: 'generative-session' }, 'settings:update': { volume: 0.5 }, 'journal:append': { sessionId: '20261121-093000-abcdef', events: [{ id: randomUUID(), kind: 'mark', sessionMs: 1, payload: { markKind: 'resonance', phaseId: 'onset', segmentId: 'x', positionMs: 0, reactionOffsetMs: 0 } }] } };
      const message = expectError(await dispatch(throwingHandlers(storageError(code)), channel, requests[channel], quietLogger), 'write-failed');
      expect(message).toContain(code);
      expect(message).not.toContain(dataDir);
    }
  });

  it('answers write-failed when the disk fills while a session starts, and lists no half-made session', async () => {
    const probe = await open(path.join(dataDir, 'probe'), 'w');
    await probe.close();
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    vi.spyOn(prototype, 'writeFile').mockRejectedValueOnce(full);
    expect(expectError(await dispatch(services.handlers, 'sessions:start', { playlistId: 'generative-session' }, quietLogger), 'write-failed')).toContain('disk is full');
    vi.spyOn(prototype, 'appendFile').mockRejectedValueOnce(full);
    expectError(await dispatch(services.handlers, 'sessions:start', { playlistId: 'generative-session' }, quietLogger), 'write-failed');
    expect(expectValue<unknown[]>(await dispatch(services.handlers, 'sessions:list', {}, quietLogger))).toEqual([]);

    const started = expectValue<SessionMeta>(await dispatch(services.handlers, 'sessions:start', { playlistId: 'generative-session' }, quietLogger));
    vi.spyOn(prototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    const event = { id: randomUUID(), kind: 'mark', sessionMs: 1000, payload: { markKind: 'resonance', phaseId: 'onset', segmentId: 'x', positionMs: 0, reactionOffsetMs: 0 } };
    expectError(await dispatch(services.handlers, 'journal:append', { sessionId: started.id, events: [event] }, quietLogger), 'write-failed');
    expect(expectValue<{ duplicate: boolean }[]>(await dispatch(services.handlers, 'journal:append', { sessionId: started.id, events: [event] }, quietLogger))).toMatchObject([{ duplicate: false }]);
  });

  it('answers write-failed when the settings file cannot be written (disk full), and keeps the settings', async () => {
    await services.close();
    let failNext = false;
    const values: Record<string, unknown> = {};
    services = createServices({
      dataDir,
      bundledPlaylistsDir,
      openSettingsStore: () => ({
        get store() {
          return { ...values };
        },
        set(key: string, value: unknown) {
          if (failNext) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          values[key] = value;
        },
      }),
    });
    expectValue(await dispatch(services.handlers, 'settings:update', { volume: 0.4 }, quietLogger));
    failNext = true;
    expectError(await dispatch(services.handlers, 'settings:update', { volume: 0.9 }, quietLogger), 'write-failed');
    failNext = false;
    expect(expectValue<{ settings: { volume: number } }>(await dispatch(services.handlers, 'settings:get', {}, quietLogger)).settings.volume).toBe(0.4);
  });
});

describe('dispatch with the real services', () => {
  it('lists the bundled playlist', async () => {
    const result = await dispatch(services.handlers, 'playlists:list', {}, quietLogger);
    expect(resultSchemaFor('playlists:list').safeParse(result).success).toBe(true);
    expect(expectValue<{ id: string }[]>(result).map((summary) => summary.id)).toEqual(['generative-session']);
  });

  it('answers not-found when starting a session with an unknown playlist, and creates nothing', async () => {
    expectError(await dispatch(services.handlers, 'sessions:start', { playlistId: 'nope' }, quietLogger), 'not-found');
    await expect(readdir(path.join(dataDir, 'sessions'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('answers not-found when opening an unknown session', async () => {
    expectError(await dispatch(services.handlers, 'sessions:open', { sessionId: '20261121-093000-zzzzzz' }, quietLogger), 'not-found');
  });

  it('round-trips start → mark → open → end', async () => {
    const startResult = await dispatch(services.handlers, 'sessions:start', { playlistId: 'generative-session' }, quietLogger);
    expect(resultSchemaFor('sessions:start').safeParse(startResult).success).toBe(true);
    const meta = expectValue<SessionMeta>(startResult);
    expect(meta).toMatchObject({ playlistId: 'generative-session', clientCode: '', status: 'open' });

    const markId = randomUUID();
    const event = { id: markId, kind: 'mark', sessionMs: 4_321_000, payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 61_000 } };
    const appendResult = await dispatch(services.handlers, 'journal:append', { sessionId: meta.id, events: [event] }, quietLogger);
    expect(resultSchemaFor('journal:append').safeParse(appendResult).success).toBe(true);
    expect(expectValue(appendResult)).toMatchObject([{ id: markId, seq: 1, duplicate: false }]);

    const openResult = await dispatch(services.handlers, 'sessions:open', { sessionId: meta.id }, quietLogger);
    expect(resultSchemaFor('sessions:open').safeParse(openResult).success).toBe(true);
    const opened = expectValue<OpenedSession>(openResult);
    expect(opened.meta).toEqual(meta);
    expect(opened.repairs).toEqual([]);
    expect(opened.events.map((stored) => stored.kind)).toEqual(['session-started', 'mark']);
    expect(opened.events[1]).toMatchObject({ ...event, seq: 1 });

    const endResult = await dispatch(
      services.handlers,
      'sessions:end',
      { sessionId: meta.id, eventId: randomUUID(), sessionMs: 5_000_000, reason: 'facilitator' },
      quietLogger,
    );
    expect(expectValue<SessionMeta>(endResult).status).toBe('ended');
    const late = { ...event, id: randomUUID() };
    expectError(await dispatch(services.handlers, 'journal:append', { sessionId: meta.id, events: [late] }, quietLogger), 'conflict');

    const listed = expectValue<{ meta: SessionMeta; markCount: number }[]>(await dispatch(services.handlers, 'sessions:list', {}, quietLogger));
    expect(listed).toEqual([{ meta: { ...meta, status: 'ended', endedAt: expect.any(String) }, markCount: 1, lastSessionMs: 5_000_000 }]);
  });
});

describe('export:pdf', () => {
  it('is refused with a clear "unsupported" where the host cannot print (the web host)', async () => {
    const result = await dispatch(services.handlers, 'export:pdf', { html: '<p>summary</p>', fileName: 'attune-session.pdf' }, quietLogger);
    expect(result).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    if (!result.ok) expect(result.error.message).toContain('printable HTML');
  });

  it('passes the HTML and name to the desktop printer, and refuses a file name with a path', async () => {
    const printed: string[] = [];
    const desktop = createServices({
      dataDir,
      bundledPlaylistsDir,
      savePdf: async (html, fileName) => {
        printed.push(`${fileName}:${html}`);
        return true;
      },
    });
    expect(await dispatch(desktop.handlers, 'export:pdf', { html: '<p>x</p>', fileName: 'attune-1.pdf' }, quietLogger)).toEqual({ ok: true, value: { saved: true } });
    expect(await dispatch(desktop.handlers, 'export:pdf', { html: '<p>x</p>', fileName: '../../etc/x.pdf' }, quietLogger)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(printed).toEqual(['attune-1.pdf:<p>x</p>']);
    await desktop.close();
  });
});
