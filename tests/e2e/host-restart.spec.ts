import { stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { readJournalFile, type StoredEvent } from '../support/journal-file';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

test.beforeEach(async () => {
  host = await startWebHost();
});

test.afterEach(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

/** Keys of marks that open nothing (no note field, no vitals form, no span). */
const markKeys = ['r', 'd', 'b', 'm'];
const downForMs = 30_000;

const saveWarning = (page: Page) => page.locator('.save-warning[role="alert"]');
const saveSummary = (page: Page) => page.getByTestId('save-summary');

async function startSession(page: Page): Promise<string> {
  await page.goto(host.url);
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  return new URL(page.url()).hash.split('/').at(-1) as string;
}

/** Events this origin's IndexedDB outbox still keeps. */
function outboxCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('attune-journal-outbox');
        request.onsuccess = () => {
          const count = request.result.transaction('events', 'readonly').objectStore('events').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error ?? new Error('count failed'));
        };
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      }),
  );
}

function marksOf(events: readonly StoredEvent[]): StoredEvent[] {
  return events.filter((event) => event.kind === 'mark');
}

/** Every mark once, in the journal in the order pressed (by seq), their session times rising with it. */
function expectInOrderOnce(marks: readonly StoredEvent[], expected: number): void {
  expect(marks).toHaveLength(expected);
  expect(new Set(marks.map((mark) => mark.id)).size, 'no mark saved twice').toBe(expected);
  const seqs = marks.map((mark) => mark.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  const times = marks.map((mark) => mark.sessionMs);
  expect(times, 'marks in the journal in the order they were pressed').toEqual([...times].sort((a, b) => a - b));
}

test('marks pressed for 30 s while the host is killed are all saved, once, in order, with their own times, after it restarts', async ({ page }) => {
  test.setTimeout(150_000);
  const sessionId = await startSession(page);
  await page.keyboard.press('r');
  await expect(page.locator('.recent-mark')).toHaveCount(1);
  await expect(saveSummary(page)).toHaveText('Everything saved');
  const firstUrl = host.url;

  await host.stop('SIGKILL');
  const killedAt = Date.now();
  let pressed = 0;
  while (Date.now() - killedAt < downForMs) {
    await page.keyboard.press(markKeys[pressed % markKeys.length] as string);
    pressed += 1;
    await page.waitForTimeout(1000);
    if (pressed === 3) {
      // Said plainly while it lasts, with the count.
      await expect(saveWarning(page)).toContainText(/3 marks( \(and \d+ other events?\))? waiting to be saved — the host is not answering/);
    }
  }
  expect(Date.now() - killedAt).toBeGreaterThanOrEqual(downForMs);
  await expect(saveWarning(page)).toContainText(new RegExp(`${pressed} marks( \\(and \\d+ other events?\\))? waiting to be saved — the host is not answering`));
  await expect(saveSummary(page)).toContainText('Saving');
  // The page kept each one in this browser: they outlive the tab.
  const kept = await outboxCount(page);
  expect(kept).toBeGreaterThanOrEqual(pressed);

  host = await startWebHost({ dataDir: host.dataDir });
  // The same data folder: the same port and key, so the open tab's cookie still lets it in.
  expect(host.url).toBe(firstUrl);
  const restartedAt = Date.now();
  // The tab reconnects by itself (no reload) and everything waiting goes.
  await expect(saveSummary(page)).toHaveText('Everything saved', { timeout: 15_000 });
  await expect(saveWarning(page)).toHaveCount(0);

  const events = await readJournalFile(host.dataDir, sessionId);
  const marks = marksOf(events);
  expectInOrderOnce(marks, pressed + 1);
  // Each keeps the session time it was pressed at, not the time it reached the host.
  const startedWall = Date.parse(events[0]?.wallTime ?? '');
  const whileDown = marks.slice(1);
  const firstDown = whileDown[0] as StoredEvent;
  expect(Date.parse(firstDown.wallTime) - (startedWall + firstDown.sessionMs)).toBeGreaterThan(downForMs - 5000);
  const spanMs = (whileDown.at(-1)?.sessionMs ?? 0) - firstDown.sessionMs;
  expect(spanMs).toBeGreaterThanOrEqual(downForMs - 2000);
  expect(startedWall + (whileDown.at(-1)?.sessionMs ?? 0)).toBeLessThan(restartedAt);
  await expect.poll(() => outboxCount(page), { message: 'acknowledged events are released from the browser' }).toBe(0);
});

test('a tab reloaded while marks wait sends them when it loads again, and the resumed session shows them', async ({ page }) => {
  test.setTimeout(90_000);
  const sessionId = await startSession(page);
  await page.keyboard.press('r');
  // The mark on screen first: before its render the summary still says so of the session without it (seen once in CI).
  await expect(page.locator('.recent-mark')).toHaveCount(1);
  await expect(saveSummary(page)).toHaveText('Everything saved');

  await host.stop('SIGKILL');
  for (const key of ['d', 'b', 'm', 'r', 'd']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(300);
  }
  await expect(saveWarning(page)).toContainText(/5 marks( \(and \d+ other events?\))? waiting to be saved — the host is not answering/);

  // Reloaded while the host is down: the page cannot load, its memory is gone.
  await page.reload().catch(() => undefined);
  host = await startWebHost({ dataDir: host.dataDir });
  const identity = await stat(path.join(host.dataDir, 'web-host.json'));
  expect(identity.mode & 0o777).toBe(0o600);
  // Chromium's error page left by the failed reload tries the old address again by itself; if it does so while
  // this visit loads, the visit is interrupted, and is made again (once away from the error page, nothing retries).
  await page.goto(host.url).catch(async (error: unknown) => {
    if (!String(error).includes('interrupted by another navigation')) throw error;
    await page.goto(host.url);
  });
  await expect.poll(async () => marksOf(await readJournalFile(host.dataDir, sessionId)).length, { timeout: 15_000 }).toBe(6);

  await expect(page.getByRole('heading', { name: 'Sessions still open' })).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page).toHaveURL(new RegExp(`#/live/${sessionId}$`));
  await expect(page.locator('.recent-mark')).toHaveCount(6);
  await expect(saveSummary(page)).toHaveText('Everything saved');
  expectInOrderOnce(marksOf(await readJournalFile(host.dataDir, sessionId)), 6);
});

// Tagged @sound (playwright.config.ts): "at once" is the outbox's 250 ms, which a busy second worker can overrun.
test('a mark the host saves at once costs the browser no flush to disk; one it does not answer is on disk in the browser within a moment', { tag: '@sound' }, async ({ page }) => {
  // Every read-write transaction on the outbox, with the durability it asked for.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { outboxWrites: string[] }).outboxWrites = seen;
    const open = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, names: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
      if (mode === 'readwrite') seen.push(options?.durability ?? 'default');
      return open.call(this, names, mode, options);
    } as typeof open;
  });
  const outboxWrites = () => page.evaluate(() => [...(window as unknown as { outboxWrites: string[] }).outboxWrites]);
  await startSession(page);
  // The session's start (a busy moment for the page) is not what this looks at.
  await expect(saveSummary(page)).toHaveText('Everything saved');
  await page.waitForTimeout(1000);
  await page.evaluate(() => ((window as unknown as { outboxWrites: string[] }).outboxWrites.length = 0));
  for (const key of ['r', 'd', 'b']) {
    await page.keyboard.press(key);
    await expect(saveSummary(page)).toHaveText('Everything saved');
  }
  await page.waitForTimeout(1000);
  const whileAnswered = await outboxWrites();
  expect(whileAnswered.length, 'each mark is kept in the browser until the host has it').toBeGreaterThanOrEqual(3);
  expect(whileAnswered.filter((durability) => durability === 'strict'), 'no flush to disk for marks the host saved').toEqual([]);

  await host.stop('SIGKILL');
  await page.keyboard.press('m');
  await expect.poll(async () => (await outboxWrites()).slice(whileAnswered.length), { timeout: 5000 }).toContain('strict');
  expect(await outboxCount(page)).toBe(1);
});

test('what is asked the moment the address is printed waits for the services to load and is answered', async () => {
  // The host listens before its services have loaded; these requests arrive while they load.
  const early = await startWebHost();
  try {
    const entered = await fetch(`${early.url}/`, { redirect: 'manual' });
    expect(entered.status).toBe(303);
    const cookie = (entered.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const [shell, playlists] = await Promise.all([
      fetch(`${early.origin}/`, { headers: { cookie } }),
      fetch(`${early.origin}/api/playlists:list`, { method: 'POST', body: '{}', headers: { cookie, 'content-type': 'application/json' } }),
    ]);
    expect(shell.status).toBe(200);
    expect(await shell.text()).toContain('<div id="root">');
    expect(playlists.status).toBe(200);
    const answer = (await playlists.json()) as { ok: boolean; value: { title: string }[] };
    expect(answer.ok).toBe(true);
    expect(answer.value.map((playlist) => playlist.title)).toContain('Generative session');
  } finally {
    await early.stop();
    await removeDataDir(early.dataDir);
  }
});

test('--new-key makes a new key: the old address and cookie are refused', async ({ page }) => {
  const oldUrl = host.url;
  await page.goto(oldUrl);
  await host.stop();
  host = await startWebHost({ dataDir: host.dataDir });
  expect(host.url).toBe(oldUrl);
  await host.stop();
  host = await startWebHost({ dataDir: host.dataDir, extraArgs: ['--new-key'] });
  expect(host.origin).toBe(new URL(oldUrl).origin);
  expect(host.url).not.toBe(oldUrl);
  expect((await page.request.get(`${host.origin}/`)).status()).toBe(401);
  expect((await page.request.get(`${oldUrl}/`, { maxRedirects: 0 })).status()).toBe(401);
});

test('--port 0 keeps its port across restarts; a taken one is replaced with a free one and said plainly; an explicit --port wins', async () => {
  const firstPort = Number(new URL(host.url).port);
  await host.stop();
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(firstPort, '127.0.0.1', resolve));
  try {
    host = await startWebHost({ dataDir: host.dataDir });
    const fallbackPort = Number(new URL(host.url).port);
    expect(fallbackPort).not.toBe(firstPort);
    expect(host.output()).toContain(`Port ${firstPort}, used last time, is taken by another program; Attune uses port ${fallbackPort} now`);
    await host.stop();
    // The new port is the one kept from now on.
    host = await startWebHost({ dataDir: host.dataDir });
    expect(Number(new URL(host.url).port)).toBe(fallbackPort);
    await host.stop();
  } finally {
    blocker.close();
  }
  const free = net.createServer();
  const explicitPort = await new Promise<number>((resolve) => free.listen(0, '127.0.0.1', () => resolve((free.address() as net.AddressInfo).port)));
  await new Promise((resolve) => free.close(resolve));
  host = await startWebHost({ dataDir: host.dataDir, port: explicitPort });
  expect(Number(new URL(host.url).port)).toBe(explicitPort);
});
