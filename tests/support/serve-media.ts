import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';

const types: Record<string, string> = { wav: 'audio/wav', flac: 'audio/flac', mp3: 'audio/mpeg', ogg: 'audio/ogg' };

/**
 * Serves the files of `folder` at http://localhost/media/<name> in a harness page, answering
 * HEAD and single Range requests with 206 as the hosts do, so the engine's streaming and
 * byte-range code runs unchanged.
 */
export async function serveMedia(page: Page, folder: string): Promise<void> {
  await page.route('http://localhost/media/**', async (route) => {
    const request = route.request();
    const name = decodeURIComponent(new URL(request.url()).pathname.replace('/media/', ''));
    let body: Buffer;
    try {
      body = await readFile(path.join(folder, path.basename(name)));
    } catch {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    const contentType = types[path.extname(name).slice(1)] ?? 'application/octet-stream';
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers()['range'] ?? '');
    if (range === null) {
      await route.fulfill({ status: 200, headers: { 'Content-Type': contentType, 'Accept-Ranges': 'bytes', 'Content-Length': String(body.length) }, body: request.method() === 'HEAD' ? '' : body });
      return;
    }
    const [, fromText = '', toText = ''] = range;
    const from = fromText === '' ? Math.max(0, body.length - Number(toText)) : Number(fromText);
    const to = fromText === '' || toText === '' ? body.length - 1 : Math.min(body.length - 1, Number(toText));
    if (from >= body.length) {
      await route.fulfill({ status: 416, headers: { 'Content-Range': `bytes */${body.length}` } });
      return;
    }
    await route.fulfill({
      status: 206,
      headers: { 'Content-Type': contentType, 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${from}-${to}/${body.length}`, 'Content-Length': String(to - from + 1) },
      body: body.subarray(from, to + 1),
    });
  });
}
