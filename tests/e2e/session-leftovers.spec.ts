import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

test.beforeEach(async () => {
  host = await startWebHost();
});

test.afterEach(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('leftovers of starts a crash interrupted are set aside at start-up, reported, and never listed', async ({ page }) => {
  await page.goto(host.url);
  const started = await page.request.post(`${host.origin}/api/sessions:start`, { data: { playlistId: 'generative-session', clientCode: 'WHOLE-1' } });
  const { value: whole } = (await started.json()) as { value: { id: string } };
  await host.stop('SIGKILL');

  const sessionsDir = path.join(host.dataDir, 'sessions');
  await mkdir(path.join(sessionsDir, '.creating-20261121-093000-aaaaaa'));
  await mkdir(path.join(sessionsDir, '20261121-093001-nometa'));
  await mkdir(path.join(sessionsDir, '20261121-093002-emptyj'));
  await writeFile(path.join(sessionsDir, '20261121-093002-emptyj', 'session.json'), '{"id":"20261121-093002-emptyj"}');
  await writeFile(path.join(sessionsDir, '20261121-093002-emptyj', 'events.jsonl'), '');
  await writeFile(path.join(sessionsDir, whole.id, '.session.json.4242.1700000000000.tmp'), '{"half":');

  host = await startWebHost({ dataDir: host.dataDir });
  await expect.poll(() => host.output()).toMatch(/set aside 4 leftovers of interrupted session starts in .*sessions-set-aside/);
  expect(await readdir(sessionsDir)).toEqual([whole.id]);

  await page.goto(`${host.url}/#/review`);
  await expect(page.locator('.session-link')).toHaveCount(1);
  const listed = (await (await page.request.post(`${host.origin}/api/sessions:list`, { data: {} })).json()) as { value: { meta: { id: string } }[] };
  expect(listed.value.map((summary) => summary.meta.id)).toEqual([whole.id]);
  const setAside = (await (await page.request.post(`${host.origin}/api/sessions:set-aside`, { data: {} })).json()) as { value: { folder: string; entries: string[] } };
  expect(setAside.value.entries).toHaveLength(4);
  expect(await readdir(setAside.value.folder)).toEqual(expect.arrayContaining(['.creating-20261121-093000-aaaaaa', '20261121-093001-nometa', '20261121-093002-emptyj', whole.id]));

  const opened = (await (await page.request.post(`${host.origin}/api/sessions:open`, { data: { sessionId: whole.id } })).json()) as { ok: boolean; value: { events: { kind: string }[] } };
  expect(opened.ok).toBe(true);
  expect(opened.value.events[0]?.kind).toBe('session-started');
});
