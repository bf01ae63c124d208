/**
 * An answer to a GET that neither host's transport has touched yet: the web host writes it to
 * an http.ServerResponse, the desktop host turns it into a fetch `Response` for its protocol.
 */
export interface HostResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: HostResponseBody;
}

export type HostResponseBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly text: string }
  /** Bytes `start` to `end` inclusive (the convention of fs.createReadStream and Content-Range). */
  | { readonly kind: 'file'; readonly filePath: string; readonly start: number; readonly end: number };

export function textResponse(status: number, message: string, headers: Readonly<Record<string, string>> = {}): HostResponse {
  return {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(message)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: { kind: 'text', text: message },
  };
}

