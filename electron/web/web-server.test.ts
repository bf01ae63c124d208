import { once } from 'node:events';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../services/create-services';
import { createWebServer } from './web-server';

const trackBytes = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256));

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
  server = createWebServer({ handlers: services.handlers, rendererDir, playlists: services.playlists, libraryRoots: async () => [] });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  server.closeAllConnections();
  await services.close();
  await rm(base, { recursive: true, force: true });
});

describe('web host media route', () => {
  it('answers a Range request with 206 and exactly those bytes', async () => {
    const response = await fetch(`${origin}/media/web-set/track`, { headers: { range: 'bytes=1000-1999' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 1000-1999/4096');
    expect(response.headers.get('content-length')).toBe('1000');
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(trackBytes.subarray(1000, 2000));
  });

  it('answers HEAD with the headers only', async () => {
    const response = await fetch(`${origin}/media/web-set/track`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('4096');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses a segment whose path leads out of the playlist folder with 403', async () => {
    const response = await fetch(`${origin}/media/web-set/escape`);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('outside every allowed folder');
  });

  it('answers an id smuggling a path with 400', async () => {
    expect((await fetch(`${origin}/media/..%2f..%2fsecret/track`)).status).toBe(400);
  });

  it('still serves the renderer next to the media route', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Attune</title>');
  });
});
