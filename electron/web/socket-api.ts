import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Handlers } from '../../core/contract';
import { maxSocketFrameBytes, socketPath, socketRequestFrameSchema, type SocketAnswerFrame } from '../../core/socket-frames';
import { dispatch } from '../services/dispatch';

export const socketUrlPath = `/${socketPath}`;

/** An upgrade that is not let in gets a plain HTTP answer, as a refused request does. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Refused'}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\nAttune: ${message}\n`);
}

function answer(socket: WebSocket, frame: SocketAnswerFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

/** Each frame is dispatched like an HTTP request to the same channel: parsed from unknown, answered by id. */
async function onFrame(handlers: Handlers, socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
  let json: unknown;
  try {
    json = isBinary ? undefined : JSON.parse(data.toString());
  } catch {
    json = undefined;
  }
  const frame = socketRequestFrameSchema.safeParse(json);
  if (!frame.success) {
    // Without a readable id there is no one to answer: the page that sent it is not ours.
    socket.close(1007, 'not an Attune request frame');
    return;
  }
  const { id, channel, request } = frame.data;
  answer(socket, { id, result: await dispatch(handlers, channel, request) });
}

export interface SocketApi {
  /** Takes an upgrade request the HTTP server has let through its access check. */
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  refuse(socket: Duplex, status: number, message: string): void;
  close(): void;
}

export function createSocketApi(handlers: Handlers): SocketApi {
  const server = new WebSocketServer({ noServer: true, maxPayload: maxSocketFrameBytes, perMessageDeflate: false });
  return {
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (client) => {
        client.on('message', (data, isBinary) => {
          // dispatch turns every failure into a result; anything else is a bug worth the log.
          onFrame(handlers, client, data, isBinary).catch((error: unknown) => console.error('attune web host: socket frame failed', error));
        });
        client.on('error', () => client.terminate());
      });
    },
    refuse: refuseUpgrade,
    close() {
      for (const client of server.clients) client.terminate();
      server.close();
    },
  };
}
