import { socketAnswerFrameSchema, socketPath } from '../../core/socket-frames';

type Send = (channel: string, request: unknown) => Promise<unknown>;

/**
 * The web host's contract over one WebSocket: each request a frame with an id, answered by
 * id, in any order. While the socket cannot be opened (the host restarting, a proxy that
 * refuses upgrades) requests go over HTTP instead, so nothing waits on the socket; a
 * request in flight when the socket drops fails like a failed fetch, and its caller
 * retries as it would.
 */
export class SocketTransport {
  private socket: WebSocket | undefined;
  private opening: Promise<WebSocket | undefined> | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { readonly socket: WebSocket; readonly resolve: (raw: unknown) => void; readonly reject: (error: Error) => void }>();

  constructor(
    private readonly fallback: Send,
    private readonly url: string = new URL(socketPath, window.location.href).href.replace(/^http/, 'ws'),
  ) {}

  readonly send: Send = async (channel, request) => {
    const socket = this.socket?.readyState === WebSocket.OPEN ? this.socket : await this.open();
    if (socket === undefined) return this.fallback(channel, request);
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.waiting.set(id, { socket, resolve, reject });
      socket.send(JSON.stringify({ id, channel, request }));
    });
  };

  private open(): Promise<WebSocket | undefined> {
    this.opening ??= new Promise<WebSocket | undefined>((resolve) => {
      const socket = new WebSocket(this.url);
      socket.onopen = () => {
        this.socket = socket;
        resolve(socket);
      };
      socket.onmessage = (message: MessageEvent) => this.onAnswer(message.data);
      socket.onclose = () => {
        if (this.socket === socket) this.socket = undefined;
        resolve(undefined);
        for (const [id, request] of this.waiting) {
          if (request.socket !== socket) continue;
          this.waiting.delete(id);
          request.reject(new Error('the connection to the host closed'));
        }
      };
    }).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private onAnswer(data: unknown): void {
    let json: unknown;
    try {
      json = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      return;
    }
    const frame = socketAnswerFrameSchema.safeParse(json);
    if (!frame.success) return;
    const request = this.waiting.get(frame.data.id);
    if (request === undefined) return;
    this.waiting.delete(frame.data.id);
    request.resolve(frame.data.result);
  }
}
