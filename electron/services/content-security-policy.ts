/**
 * The renderer's Content-Security-Policy, sent by both hosts with every page: nothing from
 * other origins, no inline script, no eval; blob: only for the workers and worklets Tone.js
 * builds at run time; inline style attributes for React's computed styles.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
