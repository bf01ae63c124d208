import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MAX_PAIRING_BODY_BYTES, pairingPaths, type PairingError } from '../../../core/pairing/protocol';
import { isInsideFolder } from '../inside-folder';
import type { HostCertificate } from './host-certificate';
import { securityPolicyAllowing } from '../content-security-policy';

export interface PostAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface LanServerOptions {
  readonly certificate: HostCertificate;
  /** The built renderer (dist/renderer): device.html and its assets. Undefined: the page is not served. */
  readonly deviceAppDir: string | undefined;
  /** Answers a pairing or device request whose body is parsed JSON (not yet checked). */
  readonly handlePost: (path: string, body: unknown) => Promise<PostAnswer>;
  /** Where it listens: every interface by default (the point is to reach it from the local network). */
  readonly host: string;
}

/** The device page's policy: its own scripts, styles and manifest, its own origin to talk to, nothing else. */
export const devicePageSecurityPolicy = securityPolicyAllowing("script-src 'self'", "manifest-src 'self'");

const commonHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

const assetTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const postPaths: ReadonlySet<string> = new Set(Object.values(pairingPaths));

const notBuiltPage = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Attune</title>
<body style="background:#111;color:#ccc;font:1.2rem system-ui;padding:2rem">The co-facilitator page is not built into this copy of Attune (run npm run build on the main computer).</body>`;

class RequestFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: PairingError,
  ) {
    super(body.message);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > MAX_PAIRING_BODY_BYTES) {
      reject(new RequestFailure(413, { error: 'too-large', message: `a request body is at most ${MAX_PAIRING_BODY_BYTES} bytes` }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAIRING_BODY_BYTES) {
        reject(new RequestFailure(413, { error: 'too-large', message: `a request body is at most ${MAX_PAIRING_BODY_BYTES} bytes` }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The local-network HTTPS server of co-facilitation: the device page and its assets, and the
 * pairing and device endpoints (JSON only, bodies capped). It holds no state of its own.
 */
export class LanServer {
  private server: https.Server | undefined;
  /** Requests not yet answered: stopping lets their answers out first. */
  private readonly unanswered = new Set<ServerResponse>();

  constructor(private readonly options: LanServerOptions) {}

  get port(): number | undefined {
    const address = this.server?.address();
    return address !== null && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Listens on a random free port; answers it. */
  async start(): Promise<number> {
    if (this.server !== undefined) return this.port ?? 0;
    const server = https.createServer({ key: this.options.certificate.key, cert: this.options.certificate.cert, minVersion: 'TLSv1.2' }, (request, response) => {
      this.unanswered.add(response);
      response.once('close', () => this.unanswered.delete(response));
      void this.answer(request, response);
    });
    // A long-polling device holds a request ~20 s; anything idle longer is dropped.
    server.requestTimeout = 60_000;
    server.headersTimeout = 15_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return this.port ?? 0;
  }

  /**
   * Stops listening. An answer already on its way (a held long-poll just woken to tell a device it was removed)
   * still reaches its device, then its connection closes; idle connections close at once, and whatever is left
   * after `graceMs` is dropped. Dropping every connection at once could cut that answer off: the device then read
   * "offline" and kept its marks for a host that had stopped listening.
   */
  async stop(graceMs = 2000): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const response of this.unanswered) if (!response.headersSent) response.setHeader('connection', 'close');
    await new Promise<void>((resolve) => {
      const drop = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(drop);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'https://device.invalid');
      if (request.method === 'GET' || request.method === 'HEAD') return await this.serveFile(url.pathname, request.method === 'HEAD', response);
      if (request.method !== 'POST') throw new RequestFailure(405, { error: 'bad-request', message: 'only GET and POST are answered here' });
      if (!postPaths.has(url.pathname)) throw new RequestFailure(404, { error: 'not-found', message: `nothing is at ${url.pathname}` });
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (contentType !== 'application/json') {
        throw new RequestFailure(415, { error: 'unsupported-media-type', message: 'send the request as application/json' });
      }
      const raw = await readBody(request);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new RequestFailure(400, { error: 'bad-request', message: 'the body is not JSON' });
      }
      const answer = await this.options.handlePost(url.pathname, body);
      this.sendJson(response, answer.status, answer.body);
    } catch (error) {
      if (error instanceof RequestFailure) this.sendJson(response, error.status, error.body);
      else this.sendJson(response, 500, { error: 'bad-request', message: 'the host could not answer this request' } satisfies PairingError);
    }
  }

  private sendJson(response: ServerResponse, status: number, body: unknown): void {
    if (response.headersSent || response.destroyed) return;
    const text = JSON.stringify(body);
    response.writeHead(status, { ...commonHeaders, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  private async serveFile(urlPath: string, headOnly: boolean, response: ServerResponse): Promise<void> {
    const root = this.options.deviceAppDir;
    const isPage = urlPath === '/' || urlPath === '/device.html';
    if (!isPage && !urlPath.startsWith('/assets/')) throw new RequestFailure(404, { error: 'not-found', message: `nothing is at ${urlPath}` });
    let filePath: string | undefined;
    if (root !== undefined) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(urlPath);
      } catch {
        throw new RequestFailure(400, { error: 'bad-request', message: 'the path is not valid percent-encoding' });
      }
      filePath = path.resolve(root, isPage ? 'device.html' : `.${decoded}`);
      if (!isInsideFolder(path.resolve(root), filePath)) throw new RequestFailure(404, { error: 'not-found', message: `nothing is at ${urlPath}` });
    }
    let contents: Buffer | undefined;
    try {
      contents = filePath === undefined ? undefined : await readFile(filePath);
    } catch {
      contents = undefined;
    }
    if (contents === undefined || filePath === undefined) {
      if (!isPage) throw new RequestFailure(404, { error: 'not-found', message: `nothing is at ${urlPath}` });
      response.writeHead(503, { ...commonHeaders, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': devicePageSecurityPolicy });
      response.end(headOnly ? undefined : notBuiltPage);
      return;
    }
    const headers = {
      ...commonHeaders,
      'content-type': isPage ? 'text/html; charset=utf-8' : (assetTypes[path.extname(filePath)] ?? 'application/octet-stream'),
      'cache-control': isPage ? 'no-cache' : 'public, max-age=31536000, immutable',
      'content-length': contents.length,
      ...(isPage ? { 'content-security-policy': devicePageSecurityPolicy } : {}),
    };
    response.writeHead(200, headers);
    response.end(headOnly ? undefined : contents);
  }
}
