import { startSessionFromHome } from '../support/start-session';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;
let attacker: http.Server;
let attackerOrigin: string;

test.beforeAll(async () => {
  host = await startWebHost();
  attacker = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>another app on this machine</title>');
  });
  attacker.listen(0, '127.0.0.1');
  await once(attacker, 'listening');
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  attacker.close();
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('a page on another loopback port cannot read sessions, even in the browser that has the key', async ({ page, context }) => {
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('SECRET-CODE');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  // The app itself may read them.
  const own = await page.evaluate(async () => (await (await fetch('api/sessions:list', { method: 'POST', body: '{}' })).text()));
  expect(own).toContain('SECRET-CODE');

  const other = await context.newPage();
  await other.goto(attackerOrigin);
  const attempts = await other.evaluate(async (target) => {
    const results: string[] = [];
    const tryFetch = async (label: string, url: string, init: RequestInit) => {
      try {
        const response = await fetch(url, init);
        results.push(`${label}: read ${response.status} ${await response.text()}`);
      } catch (error) {
        results.push(`${label}: failed (${String(error)})`);
      }
    };
    await tryFetch('api with cookies', `${target}/api/sessions:list`, { method: 'POST', body: '{}', credentials: 'include' });
    await tryFetch('api simple request', `${target}/api/sessions:list`, { method: 'POST', body: '{}', credentials: 'include', headers: { 'content-type': 'text/plain' } });
    await tryFetch('page', `${target}/`, { credentials: 'include' });
    // A "simple" cross-site POST is sent without a preflight: only the host's Origin check stops it.
    await tryFetch('write', `${target}/api/sessions:start`, {
      method: 'POST',
      body: JSON.stringify({ playlistId: 'generative-session', clientCode: 'PLANTED' }),
      credentials: 'include',
      mode: 'no-cors',
      headers: { 'content-type': 'text/plain' },
    });
    // The app's own socket to the same contract: a page elsewhere may not open it (the host checks the Origin).
    const socketAnswer = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${target.replace(/^http/, 'ws')}/api/socket`);
      socket.onopen = () => socket.send(JSON.stringify({ id: 1, channel: 'sessions:list', request: {} }));
      socket.onmessage = (message) => resolve(`read 200 ${String(message.data)}`);
      socket.onerror = () => resolve('failed (refused)');
      setTimeout(() => resolve('failed (no answer)'), 3000);
    });
    results.push(`socket: ${socketAnswer}`);
    const frame = document.createElement('iframe');
    frame.src = `${target}/#/review`;
    document.body.append(frame);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    try {
      results.push(`iframe: read ${frame.contentDocument?.body?.innerText ?? '(no access)'}`);
    } catch (error) {
      results.push(`iframe: failed (${String(error)})`);
    }
    return results;
  }, host.origin);

  for (const attempt of attempts) expect(attempt).not.toContain('SECRET-CODE');
  expect(attempts.filter((attempt) => attempt.includes(': read 200'))).toEqual([]);
  const sessions = await page.evaluate(async () => (await (await fetch('api/sessions:list', { method: 'POST', body: '{}' })).text()));
  expect(sessions, 'no session was planted by the other page').not.toContain('PLANTED');
});

test('without the key, the web host answers nothing but how to get in', async ({ page }) => {
  const response = await page.goto(`${host.origin}/#/review`);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('open Attune with the address');
});
