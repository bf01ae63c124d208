import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Handlers } from '../../core/contract';
import { dispatch } from '../services/dispatch';
import { decideAccess } from './access-control';
import { nodeErrorCode } from '../services/error-code';
import type { HostResponse } from '../services/host-response';
import { createMediaHandler, mediaUrlPrefix, type MediaSources } from '../services/media';
import { createStaticFileResolver } from '../services/static-files';
import { createSocketApi, socketUrlPath } from './socket-api';
import { eventStreamUrlPath, serveEventStream } from './event-stream';
import type { HostEventHub } from '../services/host-events';
import { fail } from '../../core/result';

export interface WebServerOptions extends MediaSources {
  readonly handlers: Handlers;
  /** The built renderer (Vite's output). */
  readonly rendererDir: string;
  /** This run's key: the printed address carries it, the page keeps it in a cookie. */
  readonly token: string;
  /** The contract's host events, streamed to the page at `GET /api/events`. */
  readonly events: HostEventHub;
}

const maxRequestBytes = 1024 * 1024;
const apiPrefix = '/api/';

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
    sendJson(response, 405, fail('bad-request', 'use POST'));
    return;
  }
  const body = await readBody(request);
  if (body === 'too-large') {
    sendJson(response, 413, fail('bad-request', 'the request is too large'));
    request.destroy();
    return;
  }
  let payload: unknown;
  try {
    payload = body === '' ? {} : JSON.parse(body);
  } catch {
    sendJson(response, 400, fail('bad-request', 'the request body is not valid JSON'));
    return;
  }
  sendJson(response, 200, await dispatch(handlers, channel, payload));
}

async function send(request: http.IncomingMessage, response: http.ServerResponse, answer: HostResponse): Promise<void> {
  response.writeHead(answer.status, answer.headers);
  const { body } = answer;
  if (request.method === 'HEAD' || body.kind === 'none') {
    response.end();
    return;
  }
  if (body.kind === 'text') {
    response.end(body.text);
    return;
  }
  try {
    await pipeline(createReadStream(body.filePath, { start: body.start, end: body.end }), response);
  } catch (error) {
    // A media element that seeks drops its previous request; that is the listener leaving, not a failure.
    if (nodeErrorCode(error) !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

/**
 * What answers the host's requests and socket upgrades. Made apart from the server so that the
 * host can listen (and the browser load the page) while its services are still loading.
 */
export interface WebApp {
  handleRequest(request: http.IncomingMessage, response: http.ServerResponse): void;
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes the page sockets; the server itself is its owner's to close. */
  close(): void;
}

export function createWebApp(
  { handlers, rendererDir, playlists, libraryRoots, token, events }: WebServerOptions,
  /** The server it answers for: access control checks the Host and Origin headers against the port it listens on. */
  server: http.Server,
): WebApp {
  const listeningPort = () => (server.address() as AddressInfo | null)?.port ?? 0;
  const serveStatic = createStaticFileResolver(rendererDir);
  const serveMedia = createMediaHandler({ playlists, libraryRoots });
  const answer = async (request: http.IncomingMessage, response: http.ServerResponse, pathname: string) => {
    const range = request.headers.range;
    const hostResponse = pathname.startsWith(mediaUrlPrefix)
      ? await serveMedia(pathname.slice(mediaUrlPrefix.length), range)
      : await serveStatic(pathname, range);
    await send(request, response, hostResponse);
  };
  const handleRequest = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const access = decideAccess({ url: request.url ?? '/', headers: request.headers }, token, listeningPort());
    if (access.kind === 'refuse') {
      response.writeHead(access.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      response.end(`Attune: ${access.message}\n`);
      request.resume();
      return;
    }
    if (access.kind === 'enter') {
      response.writeHead(303, { location: access.location, 'set-cookie': access.cookie, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      response.end();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === eventStreamUrlPath && request.method === 'GET') {
      serveEventStream(events, request, response);
      return;
    }
    const work = url.pathname.startsWith(apiPrefix)
      ? handleApi(handlers, request, response, url.pathname.slice(apiPrefix.length))
      : request.method === 'GET' || request.method === 'HEAD'
        ? answer(request, response, url.pathname)
        : Promise.resolve(void response.writeHead(405).end());
    work.catch((error: unknown) => {
      console.error('attune web host: request failed', error);
      if (!response.headersSent) sendJson(response, 500, fail('internal', 'internal error'));
      else response.destroy();
    });
  };
  const socketApi = createSocketApi(handlers);
  // The page's socket to the same contract passes the same checks as every request: key, host, origin.
  const handleUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const access = decideAccess({ url: request.url ?? '/', headers: request.headers }, token, listeningPort());
    if (access.kind === 'refuse') socketApi.refuse(socket, access.status, access.message);
    else if (access.kind === 'enter' || new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== socketUrlPath) socketApi.refuse(socket, 404, 'no such socket');
    else socketApi.handleUpgrade(request, socket, head);
  };
  return { handleRequest, handleUpgrade, close: () => socketApi.close() };
}

/** The host's server and its app together, for a host whose services are ready before it listens. */
export function createWebServer(options: WebServerOptions): http.Server {
  const server = http.createServer();
  const app = createWebApp(options, server);
  server.on('request', app.handleRequest);
  server.on('upgrade', app.handleUpgrade);
  server.on('close', app.close);
  return server;
}
