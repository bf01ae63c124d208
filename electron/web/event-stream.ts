import type http from 'node:http';
import { hostEventsPath } from '../../core/channels';
import type { HostEvent } from '../../core/host-events';
import type { HostEventHub } from '../services/host-events';

export const eventStreamUrlPath = `/${hostEventsPath}`;

/** A comment line now and then keeps idle proxies and the browser from taking the stream for dead. */
const keepAliveMs = 25_000;

function frame(event: HostEvent): string {
  // One `data:` line: JSON never holds a raw newline.
  return `event: host-event\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The web host's side of the contract's events: a Server-Sent Events stream at
 * `GET /api/events`, behind the same key, host and origin checks as every request. A page that
 * connects (or reconnects, which EventSource does by itself) first gets the latest event of
 * each name, then every event as it is published.
 */
export function serveEventStream(hub: HostEventHub, request: http.IncomingMessage, response: http.ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  // How long EventSource waits before it reconnects after the host went away.
  response.write('retry: 1000\n\n');
  for (const event of hub.latest()) response.write(frame(event));
  const unsubscribe = hub.subscribe((event) => response.write(frame(event)));
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
  const stop = () => {
    clearInterval(keepAlive);
    unsubscribe();
  };
  request.on('close', stop);
  response.on('error', stop);
}
