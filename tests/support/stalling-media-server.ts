import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallingMediaServer {
  /** Where the file is served; a request routed here streams it until it stalls. */
  readonly url: string;
  /** How many requests are being held open with nothing more to come. */
  heldRequests(): number;
  close(): Promise<void>;
}

/**
 * Serves one media file (any path, with Range support) as a disk or network that hangs would:
 * the bytes before `stallAtByte` stream at `bytesPerSecond`, then the answer stops without
 * ending, and stays open until the server closes. A request from past that byte gets its
 * headers and nothing after them.
 */
export async function startStallingMediaServer(options: {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly stallAtByte: number;
  readonly bytesPerSecond: number;
}): Promise<StallingMediaServer> {
  const { bytes, contentType, stallAtByte, bytesPerSecond } = options;
  let held = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = http.createServer((request, response) => {
    const from = Number(/bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
    response.writeHead(206, {
      'content-type': contentType,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}`,
      'content-length': String(bytes.length - from),
      'cache-control': 'no-store',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const chunkBytes = Math.max(1, Math.round(bytesPerSecond / 20));
    let position = from;
    const sendNext = () => {
      if (response.destroyed) return;
      if (position >= stallAtByte) {
        held += 1;
        response.once('close', () => (held -= 1));
        return;
      }
      const end = Math.min(stallAtByte, position + chunkBytes);
      response.write(bytes.subarray(position, end));
      position = end;
      const timer = setTimeout(() => {
        timers.delete(timer);
        sendNext();
      }, 50);
      timers.add(timer);
    };
    sendNext();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/media`,
    heldRequests: () => held,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
