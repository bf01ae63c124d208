import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import type { HostResponse } from '../services/host-response';
import { createMediaHandler, mediaUrlPrefix, type MediaSources } from '../services/media';
import { createStaticFileResolver } from '../services/static-files';

/**
 * The renderer loads from attune://app/ rather than file:// so that it and its media share one
 * origin: Web Audio (createMediaElementSource) only hears same-origin media.
 */
import { appHost, appScheme } from './shell-policy';

/** Must run before the app is ready; Chromium fixes scheme privileges at startup. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // `stream` lets media elements play a response as it arrives and seek with Range requests.
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

function toFetchResponse(answer: HostResponse, method: string): Response {
  const init = { status: answer.status, headers: answer.headers };
  const { body } = answer;
  if (method === 'HEAD' || body.kind === 'none') return new Response(null, init);
  if (body.kind === 'text') return new Response(body.text, init);
  const bytes = Readable.toWeb(createReadStream(body.filePath, { start: body.start, end: body.end }));
  return new Response(bytes, init);
}

export interface AppProtocolOptions extends MediaSources {
  /** The built renderer (Vite's output). */
  readonly rendererDir: string;
}

/** Serves attune://app/… : the renderer's files, and media/<playlistId>/<segmentId>. Call once the app is ready. */
export function serveAppProtocol({ rendererDir, playlists, libraryRoots }: AppProtocolOptions): void {
  const serveStatic = createStaticFileResolver(rendererDir);
  const serveMedia = createMediaHandler({ playlists, libraryRoots });
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== appHost) return new Response('not found', { status: 404 });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const range = request.headers.get('range') ?? undefined;
    try {
      const answer = url.pathname.startsWith(mediaUrlPrefix)
        ? await serveMedia(url.pathname.slice(mediaUrlPrefix.length), range)
        : await serveStatic(url.pathname, range);
      return toFetchResponse(answer, request.method);
    } catch (error) {
      console.error('attune: app protocol request failed', request.url, error);
      return new Response('internal error', { status: 500 });
    }
  });
}
