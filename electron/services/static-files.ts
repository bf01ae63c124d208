import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileResponse } from './file-response';
import { textResponse, type HostResponse } from './host-response';
import { contentSecurityPolicy } from './content-security-policy';
import { isInsideFolder } from './inside-folder';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Answers a URL path (still percent-encoded) with a file of the built renderer. */
export type StaticFileResolver = (urlPath: string, rangeHeader?: string) => Promise<HostResponse>;

async function isFile(filePath: string): Promise<{ size: number } | undefined> {
  try {
    const stats = await stat(filePath);
    return stats.isFile() ? { size: stats.size } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A build's scripts and styles are named by their content (`assets/index-Bsj_-ecW.js`): a name never
 * changes meaning, so the browser may keep them, and the code it compiled from them, without asking
 * again. Everything else (the page that names them, icons, the unhashed shim) is asked about each time.
 */
const contentNamedAsset = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.(?:js|css)$/;

export function createStaticFileResolver(rendererDir: string): StaticFileResolver {
  const root = path.resolve(rendererDir);
  return async (urlPath, rangeHeader) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return textResponse(400, 'the path is not valid percent-encoding');
    }
    let filePath = path.resolve(root, `.${decoded}`);
    if (!isInsideFolder(root, filePath)) return textResponse(404, 'not found');
    let found = await isFile(filePath);
    if (found === undefined) {
      // The renderer routes with the hash, so anything else that is not a file is the app shell.
      if (path.extname(filePath) !== '') return textResponse(404, 'not found');
      filePath = path.join(root, 'index.html');
      found = await isFile(filePath);
      if (found === undefined) return textResponse(404, 'the renderer is not built (run npm run build)');
    }
    return fileResponse(
      {
        filePath,
        size: found.size,
        contentType: contentTypes[path.extname(filePath)] ?? 'application/octet-stream',
        headers: {
          'cache-control': contentNamedAsset.test(decoded) ? 'public, max-age=31536000, immutable' : 'no-cache',
          'x-content-type-options': 'nosniff',
          ...(path.extname(filePath) === '.html'
            ? { 'content-security-policy': contentSecurityPolicy, 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin' }
            : {}),
        },
      },
      rangeHeader,
    );
  };
}
