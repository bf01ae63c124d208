/**
 * What every page Attune serves refuses: nothing from other origins, no inline script, no eval,
 * no plugins, no framing, no forms sent anywhere; inline style attributes for React's computed
 * styles. Each page's policy adds only what it needs to these.
 */
const lockedDown = [
  "default-src 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

/** A page's Content-Security-Policy: the locked-down directives and `allowed` beside them. */
export const securityPolicyAllowing = (...allowed: readonly string[]): string => [...lockedDown, ...allowed].join('; ');

/**
 * The renderer's Content-Security-Policy, sent by both hosts with every page: blob: only for
 * the workers and worklets Tone.js builds at run time; its own media.
 */
export const contentSecurityPolicy = securityPolicyAllowing("script-src 'self' blob:", "worker-src 'self' blob:", "media-src 'self'");
