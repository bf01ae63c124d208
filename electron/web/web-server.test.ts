import { once } from 'node:events';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { socketPath } from '../../core/socket-frames';
import { createServices } from '../services/create-services';
import { createWebServer } from './web-server';

const trackBytes = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256));

const token = 'k'.repeat(43);
let port = 0;

/** Our own page's requests carry the run's key in the cookie the entry address sets. */
function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie: `attune-${port}=${token}` } });
}

let base: string;
let services: ReturnType<typeof createServices>;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'attune-web-media-')));
  const bundledDir = path.join(base, 'bundled');
  const rendererDir = path.join(base, 'renderer');
  await mkdir(path.join(bundledDir, 'music'), { recursive: true });
  await mkdir(rendererDir, { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Attune</title>');
  await writeFile(path.join(bundledDir, 'music', 'track.mp3'), trackBytes);
  await writeFile(path.join(base, 'secret.mp3'), 'outside every allowed folder');
  const playlist = {
    format: 'attune.playlist',
    version: 1,
    id: 'web-set',
    title: 'Web media set',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 10,
        segments: [
          { type: 'file', id: 'track', path: 'music/track.mp3' },
          { type: 'file', id: 'escape', path: '../secret.mp3' },
        ],
      },
    ],
  };
  await writeFile(path.join(bundledDir, 'web-set.json'), JSON.stringify(playlist));
  services = createServices({ dataDir: path.join(base, 'data'), bundledPlaylistsDir: bundledDir });
  server = createWebServer({ handlers: services.handlers, rendererDir, playlists: services.playlists, libraryRoots: async () => [], token, events: services.events });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.close();
  server.closeAllConnections();
  await services.close();
  await rm(base, { recursive: true, force: true });
});

describe('web host media route', () => {
  it('answers a Range request with 206 and exactly those bytes', async () => {
    const response = await authedFetch(`${origin}/media/web-set/track`, { headers: { range: 'bytes=1000-1999' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 1000-1999/4096');
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(trackBytes.subarray(1000, 2000));
  });

  it('answers HEAD with the headers only', async () => {
    const response = await authedFetch(`${origin}/media/web-set/track`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('4096');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses a segment whose path leads out of the playlist folder with 403', async () => {
    const response = await authedFetch(`${origin}/media/web-set/escape`);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('outside every allowed folder');
  });

  it('answers an id smuggling a path with 400', async () => {
    expect((await authedFetch(`${origin}/media/..%2f..%2fsecret/track`)).status).toBe(400);
  });

  it('still serves the renderer next to the media route', async () => {
    const response = await authedFetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Attune</title>');
  });
});

describe('web host access control', () => {
  const raw = (pathname: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, path: pathname, method, headers }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, headers: response.headers });
      });
      request.on('error', reject);
      if (body !== undefined) request.write(body);
      request.end();
    });
  const ownHost = () => ({ host: `127.0.0.1:${port}` });
  const cookie = () => ({ cookie: `attune-${port}=${token}` });

  it('refuses a request without the key', async () => {
    expect((await raw('/', ownHost())).status).toBe(401);
    expect((await raw('/api/sessions:list', ownHost(), 'POST', '{}')).status).toBe(401);
    expect((await raw('/media/web-set/track', ownHost())).status).toBe(401);
    expect((await raw('/', { ...ownHost(), cookie: `attune-${port}=${'x'.repeat(43)}` })).status).toBe(401);
  });

  it('lets the printed address in: the key goes into a cookie and out of the URL', async () => {
    const entered = await raw(`/t/${token}/?diagnostics`, ownHost());
    expect(entered.status).toBe(303);
    expect(entered.headers.location).toBe('/?diagnostics');
    expect(String(entered.headers['set-cookie'])).toContain(`attune-${port}=${token}; HttpOnly; SameSite=Strict`);
    expect((await raw(`/t/${'y'.repeat(43)}/`, ownHost())).status).toBe(401);
    // A path that begins with two slashes names another host to a browser: the redirect never leaves this one.
    for (const leading of ['//evil.example/x', '///evil.example/x', '/\\evil.example/x', '//evil.example']) {
      const redirected = await raw(`/t/${token}${leading}`, ownHost());
      expect(redirected.status, leading).toBe(303);
      expect(redirected.headers.location, leading).toMatch(/^\/(?![/\\])/);
      expect(new URL(String(redirected.headers.location), `http://127.0.0.1:${port}/`).host, leading).toBe(`127.0.0.1:${port}`);
    }
    expect((await raw('/', { ...ownHost(), ...cookie() })).status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding), a foreign Origin and other sites', async () => {
    expect((await raw('/', { host: `evil.example:${port}`, ...cookie() })).status).toBe(421);
    expect((await raw('/', { host: `127.0.0.1:${port + 1}`, ...cookie() })).status).toBe(421);
    expect((await raw('/api/sessions:list', { ...ownHost(), ...cookie(), origin: 'http://127.0.0.1:9999' }, 'POST', '{}')).status).toBe(403);
    expect((await raw('/api/sessions:list', { ...ownHost(), ...cookie(), origin: 'https://evil.example' }, 'POST', '{}')).status).toBe(403);
    expect((await raw('/media/web-set/track', { ...ownHost(), ...cookie(), 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await raw('/media/web-set/track', { ...ownHost(), ...cookie(), 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await raw('/media/web-set/track', { ...ownHost(), ...cookie(), 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('refuses a request body over 1 MiB', async () => {
    const response = await raw('/api/sessions:list', { ...ownHost(), ...cookie(), 'content-type': 'application/json' }, 'POST', `"${'a'.repeat(1024 * 1024 + 10)}"`);
    expect(response.status).toBe(413);
  });
});

describe('web host socket', () => {
  /** Opens the page's socket as our page would (key in the cookie, own origin), or as told. */
  async function openSocket(headers: Record<string, string> = { cookie: `attune-${port}=${token}` }, socketOrigin = origin): Promise<WebSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/${socketPath}`, { headers, origin: socketOrigin });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return socket;
  }

  function ask(socket: WebSocket, frame: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      socket.once('message', (data) => resolve(JSON.parse(data.toString())));
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    });
  }

  it('answers each frame through the same contract, by id, and saves a journal append', async () => {
    const socket = await openSocket();
    try {
      const started = (await ask(socket, { id: 1, channel: 'sessions:start', request: { playlistId: 'web-set' } })) as { id: number; result: { ok: boolean; value: { id: string } } };
      expect(started).toMatchObject({ id: 1, result: { ok: true } });
      const sessionId = started.result.value.id;
      const event = { id: '00000000-0000-4000-8000-0000000000aa', kind: 'phase-started', sessionMs: 5, payload: { phaseId: 'onset', programMs: 0 } };
      expect(await ask(socket, { id: 2, channel: 'journal:append', request: { sessionId, events: [event] } })).toMatchObject({
        id: 2,
        result: { ok: true, value: [{ id: event.id, seq: 1, duplicate: false }] },
      });
      const opened = (await ask(socket, { id: 3, channel: 'sessions:open', request: { sessionId } })) as { result: { value: { events: { id: string }[] } } };
      expect(opened.result.value.events.map((saved) => saved.id)).toContain(event.id);
    } finally {
      socket.close();
    }
  });

  it('answers a malformed request or an unknown channel with an error result, and closes on a frame that is not ours', async () => {
    const socket = await openSocket();
    expect(await ask(socket, { id: 7, channel: 'journal:append', request: { sessionId: 'nope', events: 'many' } })).toMatchObject({ id: 7, result: { ok: false, error: { code: 'bad-request' } } });
    expect(await ask(socket, { id: 8, channel: 'shell:exec', request: {} })).toMatchObject({ id: 8, result: { ok: false, error: { code: 'unknown-channel' } } });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('{"not":"a frame"}');
    expect(await closed).toBe(1007);
  });

  it('lets no one in without the key, from another origin, or on another path', async () => {
    await expect(openSocket({})).rejects.toThrow(/401/);
    await expect(openSocket({ cookie: `attune-${port}=${'x'.repeat(43)}` })).rejects.toThrow(/401/);
    await expect(openSocket(undefined, 'https://evil.example')).rejects.toThrow(/403/);
    await expect(openSocket(undefined, 'http://127.0.0.1:9999')).rejects.toThrow(/403/);
    const wrongPath = new WebSocket(`ws://127.0.0.1:${port}/api/other`, { headers: { cookie: `attune-${port}=${token}` }, origin });
    await expect(new Promise((resolve, reject) => wrongPath.once('open', resolve).once('error', reject))).rejects.toThrow(/404/);
  });

  it('refuses a frame over 1 MiB', async () => {
    const socket = await openSocket();
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: 1, channel: 'sessions:list', request: { padding: 'a'.repeat(1024 * 1024) } }));
    expect(await closed).toBe(1009);
  });
});

describe('web host events (Server-Sent Events)', () => {
  /** Reads the stream until `wanted` host events have come, then leaves. */
  async function readEvents(response: Response, wanted: number): Promise<unknown[]> {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events: unknown[] = [];
    while (events.length < wanted) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const blocks = text.split('\n\n');
      text = blocks.pop() ?? '';
      for (const block of blocks) {
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (block.includes('event: host-event') && data !== undefined) events.push(JSON.parse(data.slice('data: '.length)));
      }
    }
    await reader.cancel();
    return events;
  }

  it('streams what the services publish, after the latest of each name, to the page with the key', async () => {
    services.events.publish('encryption:progress', { direction: 'encrypt', done: 1, total: 4 });
    const response = await authedFetch(`${origin}/api/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(response, 2);
    // Published after connecting, past the hub's interval for that name.
    await new Promise((resolve) => setTimeout(resolve, 150));
    services.events.publish('encryption:progress', null);
    expect(await reading).toEqual([
      { name: 'encryption:progress', payload: { direction: 'encrypt', done: 1, total: 4 } },
      { name: 'encryption:progress', payload: null },
    ]);
  });

  it('lets no one listen without the key or from another origin', async () => {
    expect((await fetch(`${origin}/api/events`)).status).toBe(401);
    const foreign = await authedFetch(`${origin}/api/events`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
  });
});
