import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { Handlers } from '../../core/contract';
import { dispatch } from '../services/dispatch';

export interface WebServerOptions {
  readonly handlers: Handlers;
  /** The built renderer (Vite's output). */
  readonly rendererDir: string;
}

const maxRequestBytes = 1024 * 1024;
const apiPrefix = '/api/';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

async function readBody(request: http.IncomingMessage): Promise<string | 'too-large'> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxRequestBytes) return 'too-large';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function handleApi(handlers: Handlers, request: http.IncomingMessage, response: http.ServerResponse, channel: string) {
  if (request.method !== 'POST') {
    sendJson(response, 405, { ok: false, error: { code: 'bad-request', message: 'use POST' } });
    return;
  }
  const body = await readBody(request);
  if (body === 'too-large') {
    sendJson(response, 413, { ok: false, error: { code: 'bad-request', message: 'the request is too large' } });
    request.destroy();
    return;
  }
  let payload: unknown;
  try {
    payload = body === '' ? {} : JSON.parse(body);
  } catch {
    sendJson(response, 400, { ok: false, error: { code: 'bad-request', message: 'the request body is not valid JSON' } });
    return;
  }
  sendJson(response, 200, await dispatch(handlers, channel, payload));
}

async function serveStatic(rendererDir: string, urlPath: string, response: http.ServerResponse) {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    response.writeHead(400).end();
    return;
  }
  const root = path.resolve(rendererDir);
  let filePath = path.resolve(root, `.${decoded}`);
  if (filePath !== root && !filePath.startsWith(root + path.sep)) {
    response.writeHead(404).end();
    return;
  }
  let isFile = false;
  try {
    isFile = (await stat(filePath)).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    // The renderer routes with the hash, so anything else that is not a file is the app shell.
    if (path.extname(filePath) !== '') {
      response.writeHead(404).end();
      return;
    }
    filePath = path.join(root, 'index.html');
  }
  const type = contentTypes[path.extname(filePath)] ?? 'application/octet-stream';
  response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  createReadStream(filePath).pipe(response);
}

export function createWebServer({ handlers, rendererDir }: WebServerOptions): http.Server {
  return http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const work = url.pathname.startsWith(apiPrefix)
      ? handleApi(handlers, request, response, url.pathname.slice(apiPrefix.length))
      : request.method === 'GET' || request.method === 'HEAD'
        ? serveStatic(rendererDir, url.pathname, response)
        : Promise.resolve(void response.writeHead(405).end());
    work.catch((error: unknown) => {
      console.error('attune web host: request failed', error);
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
      else response.destroy();
    });
  });
}
