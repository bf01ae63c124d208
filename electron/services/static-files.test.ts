import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticFileResolver, type StaticFileResolver } from './static-files';

let base: string;
let rendererDir: string;
let serveStatic: StaticFileResolver;

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'attune-static-')));
  rendererDir = path.join(base, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Attune</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("attune")');
  await writeFile(path.join(rendererDir, 'assets', 'index-Bsj_-ecW.js'), 'console.log("built")');
  await writeFile(path.join(rendererDir, 'assets', 'index-BIcyr3Lh.css'), 'body {}');
  await writeFile(path.join(base, 'secret.txt'), 'outside the renderer');
  serveStatic = createStaticFileResolver(rendererDir);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function servedText(urlPath: string): Promise<{ status: number; type: string | undefined; text: string }> {
  const answer = await serveStatic(urlPath);
  const { body } = answer;
  const text =
    body.kind === 'file' ? (await readFile(body.filePath)).subarray(body.start, body.end + 1).toString() : body.kind === 'text' ? body.text : '';
  return { status: answer.status, type: answer.headers['content-type'], text };
}

describe('static renderer files', () => {
  it('serves a file with its type, nosniff and no-cache', async () => {
    const answer = await serveStatic('/assets/app.js');
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    expect((await servedText('/assets/app.js')).text).toBe('console.log("attune")');
  });

  it('lets the browser keep a build’s content-named scripts and styles, and asks it to check the rest each time', async () => {
    for (const named of ['/assets/index-Bsj_-ecW.js', '/assets/index-BIcyr3Lh.css']) {
      expect((await serveStatic(named)).headers['cache-control'], named).toBe('public, max-age=31536000, immutable');
    }
    // The page names this build's assets: kept, it would load an old build's after a rebuild.
    for (const checked of ['/', '/index.html', '/assets/app.js']) expect((await serveStatic(checked)).headers['cache-control'], checked).toBe('no-cache');
  });

  it('answers the root and extension-less paths with the app shell', async () => {
    for (const urlPath of ['/', '/index.html', '/review/some-session']) {
      expect(await servedText(urlPath)).toEqual({ status: 200, type: 'text/html; charset=utf-8', text: '<!doctype html><title>Attune</title>' });
    }
  });

  it('answers a missing file that has an extension with 404', async () => {
    expect((await servedText('/assets/missing.js')).status).toBe(404);
  });

  it('refuses paths that lead out of the renderer folder', async () => {
    for (const urlPath of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', `/${encodeURIComponent(path.join(base, 'secret.txt'))}`]) {
      const served = await servedText(urlPath);
      expect(served.status, urlPath).toBe(404);
      expect(served.text, urlPath).not.toContain('outside the renderer');
    }
  });

  it('answers broken percent-encoding with 400', async () => {
    expect((await serveStatic('/%E0%A4%A')).status).toBe(400);
  });
});
