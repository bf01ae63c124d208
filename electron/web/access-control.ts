import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may talk to the web host. It binds 127.0.0.1 only, and on top of that every request
 * must come from our own page (a per-launch key, kept in a cookie), name our host (no DNS
 * rebinding) and, where the browser says where it came from, come from our own origin
 * (no other site, and no page on another loopback port).
 */
export const entryPrefix = '/t/';

export type AccessDecision =
  | { readonly kind: 'allow' }
  /** The printed address: keep the key in a cookie and go to the app without it in the URL. */
  | { readonly kind: 'enter'; readonly location: string; readonly cookie: string }
  | { readonly kind: 'refuse'; readonly status: number; readonly message: string };

export interface AccessRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export const cookieNameFor = (port: number): string => `attune-${port}`;

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function decideAccess({ url, headers }: AccessRequest, token: string, port: number): AccessDecision {
  const ownHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (headers.host === undefined || !ownHosts.includes(headers.host.toLowerCase())) {
    return { kind: 'refuse', status: 421, message: `this server answers only to http://127.0.0.1:${port}` };
  }
  const origin = headers.origin;
  if (origin !== undefined && !ownHosts.some((host) => origin === `http://${host}`)) {
    return { kind: 'refuse', status: 403, message: 'requests from other sites are refused' };
  }
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return { kind: 'refuse', status: 403, message: 'requests from other sites are refused' };
  }
  const parsed = new URL(url, `http://127.0.0.1:${port}`);
  if (parsed.pathname.startsWith(entryPrefix)) {
    const [given = '', ...rest] = parsed.pathname.slice(entryPrefix.length).split('/');
    if (!sameSecret(given, token)) return { kind: 'refuse', status: 401, message: 'this key is not valid for this run of Attune' };
    return {
      kind: 'enter',
      // `/t/KEY//evil.example/x` must not become `//evil.example/x`, which a browser reads as another host.
      location: `/${rest.join('/').replace(/^[/\\]+/, '')}${parsed.search}`,
      cookie: `${cookieNameFor(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    };
  }
  const fromCookie = cookieValue(headers, cookieNameFor(port));
  if (fromCookie === undefined || !sameSecret(fromCookie, token)) {
    return { kind: 'refuse', status: 401, message: 'open Attune with the address `npm run web` printed: it carries this run’s key' };
  }
  return { kind: 'allow' };
}
