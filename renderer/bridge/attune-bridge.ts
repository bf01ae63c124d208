import { channels, type AttuneApi, type Channel } from '../../core/channels';
import { resultSchemaFor, type RequestOf, type ResponseOf } from '../../core/contract';
import { fail, type Result } from '../../core/result';
import { SocketTransport } from './socket-transport';

declare global {
  interface Window {
    /** Set by the desktop preload; absent in the web host. */
    readonly attune?: AttuneApi;
  }
}

/** The web host answers each channel at `POST /api/<channel>` with the same result shape. */
async function postToChannel(channel: string, request: unknown): Promise<unknown> {
  const response = await fetch(`api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  return response.json() as Promise<unknown>;
}

/** In the web host every channel goes over the page's socket (HTTP while it cannot open). */
function createWebApi(): AttuneApi {
  const transport = new SocketTransport(postToChannel);
  return Object.fromEntries(channels.map((channel) => [channel, (request: unknown) => transport.send(channel, request)])) as AttuneApi;
}

const api: AttuneApi = window.attune ?? createWebApi();

/**
 * Where a playlist's file segment is served: same-origin in both hosts (the desktop
 * renderer is served from attune://app/, the web host's from its own origin), so Web Audio
 * may read the samples.
 */
export function mediaUrl(playlistId: string, segmentId: string): string {
  return `media/${encodeURIComponent(playlistId)}/${encodeURIComponent(segmentId)}`;
}

/** A library track by its absolute path, for the curator's preview (served only from inside a library folder). */
export function libraryMediaUrl(absolutePath: string): string {
  const bytes = new TextEncoder().encode(absolutePath);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const base64url = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `media/~file/${base64url}`;
}

export const hostKind: 'desktop' | 'web' = window.attune === undefined ? 'web' : 'desktop';

// Built once per channel: zod prepares a schema on its first parse, and a new one each call would redo that.
const resultSchemas = new Map<Channel, ReturnType<typeof resultSchemaFor>>();
function resultSchemaOf<C extends Channel>(channel: C): ReturnType<typeof resultSchemaFor<C>> {
  let schema = resultSchemas.get(channel);
  if (schema === undefined) {
    schema = resultSchemaFor(channel);
    resultSchemas.set(channel, schema);
  }
  return schema as ReturnType<typeof resultSchemaFor<C>>;
}

/** Calls the host; the answer is parsed too, so a broken host cannot hand the UI malformed data. */
export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  let raw: unknown;
  try {
    raw = await api[channel](request);
  } catch (error) {
    return fail('internal', `could not reach Attune's host: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = resultSchemaOf(channel).safeParse(raw);
  return parsed.success ? parsed.data : fail('internal', `the host sent an answer Attune does not understand (${channel})`);
}

/** For callers that treat failure as exceptional (loading screens); the message is user-readable. */
export async function callOrThrow<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await call(channel, request);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
