import { createHash } from 'node:crypto';
import { once } from 'node:events';
import tls from 'node:tls';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../../playwright.config';
import { startSessionFromHome } from '../support/start-session';
import { startTlsMitm } from '../support/tls-mitm';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

/**
 * Two facilitators, one session: the main screen in one browser, the co-facilitator's device in
 * a second browser that trusts exactly the host's certificate key (as a managed tablet would).
 */

interface StatusInvitation {
  readonly url: string;
  readonly code: string;
  readonly fingerprint: string;
}
interface OpenedEvent {
  readonly id: string;
  readonly seq: number;
  readonly kind: string;
  readonly sessionMs: number;
  readonly payload: Record<string, unknown>;
}

let host: RunningWebHost;
const browsers: Browser[] = [];

test.beforeEach(async () => {
  host = await startWebHost();
});

test.afterEach(async () => {
  for (const browser of browsers.splice(0)) await browser.close();
  await host.stop();
  await removeDataDir(host.dataDir);
});

/** A contract call from the main page (its address carries the host's key). */
async function callHost<T>(page: Page, channel: string, request: unknown): Promise<T> {
  const result = await page.evaluate(
    async ([name, body]) => (await fetch(`api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json(),
    [channel, request] as const,
  );
  const typed = result as { ok: boolean; value?: T; error?: { message: string } };
  if (!typed.ok) throw new Error(`${channel}: ${typed.error?.message ?? 'failed'}`);
  return typed.value as T;
}

/** SHA-256 of the certificate key the server at `url` presents, base64 (as Chromium's SPKI allow-list takes it). */
async function presentedSpki(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const certificate = socket.getPeerX509Certificate();
  socket.destroy();
  if (certificate === undefined) throw new Error(`no certificate from ${url}`);
  return createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

async function startAndInvite(page: Page, initials: string): Promise<{ sessionId: string; invitation: StatusInvitation }> {
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('K-18');
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  await page.keyboard.press('Shift+I');
  const panel = page.getByTestId('invite-panel');
  await panel.getByLabel('Your initials').fill(initials);
  await panel.getByRole('button', { name: 'Invite a co-facilitator' }).click();
  await expect(panel.getByTestId('invitation-code')).toBeVisible();
  await expect(panel.getByTestId('invitation-qr').locator('rect')).not.toHaveCount(0);
  await expect(panel.getByTestId('invitation-expiry')).toHaveText(/expires in [12]:\d\d/);
  const status = await callHost<{ invitation: StatusInvitation | null }>(page, 'pairing:status', { sessionId });
  if (status.invitation === null) throw new Error('no invitation after inviting');
  await expect(panel.getByTestId('invitation-code')).toHaveText(status.invitation.code);
  return { sessionId, invitation: status.invitation };
}

async function launchDevice(spki: string | undefined) {
  const browser = await chromium.launch({
    ...chromiumLaunchOptions,
    args: [...chromiumLaunchOptions.args, ...(spki === undefined ? [] : [`--ignore-certificate-errors-spki-list=${spki}`])],
  });
  browsers.push(browser);
  return browser;
}

async function pairDevice(device: Page, url: string, initials: string, code: string): Promise<void> {
  await device.goto(url);
  // The code came in the fragment, which leaves the address bar at once.
  await expect(device.getByRole('textbox', { name: 'Code' })).toHaveValue(code.replace(/\s+/g, ' '));
  expect(device.url()).not.toContain('#');
  await device.getByRole('textbox', { name: 'Your initials' }).fill(initials);
  await device.getByRole('button', { name: 'Pair' }).click();
  await expect(device.getByTestId('device-link')).toHaveText(/^Connected/);
}

async function openedMarks(page: Page, sessionId: string): Promise<OpenedEvent[]> {
  const opened = await callHost<{ events: OpenedEvent[] }>(page, 'sessions:open', { sessionId });
  return opened.events;
}

test('a paired device and the main screen mark into one journal, see each other, survive a 30 s drop, and a removed device is told', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const { sessionId, invitation } = await startAndInvite(page, 'AB');
  await page.getByTestId('invite-panel').screenshot({ path: testInfo.outputPath('invite-panel.png') });
  const spki = await presentedSpki(invitation.url);
  // What the main screen shows to compare is the key the host presents.
  expect(invitation.fingerprint.replace(/[\s:]/g, '').toLowerCase()).toBe(Buffer.from(spki, 'base64').toString('hex'));

  const deviceBrowser = await launchDevice(spki);
  const deviceContext = await deviceBrowser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const device = await deviceContext.newPage();
  const deviceErrors: string[] = [];
  device.on('console', (message) => {
    if (message.type() === 'error') deviceErrors.push(message.text());
  });
  device.on('pageerror', (error) => deviceErrors.push(error.message));
  device.on('response', (response) => {
    if (response.status() >= 400) deviceErrors.push(`${response.status()} ${response.url()}`);
  });
  await pairDevice(device, invitation.url, 'CD', invitation.code);
  const panel = page.getByTestId('invite-panel');
  await expect(panel.getByTestId('paired-device')).toHaveAttribute('data-initials', 'CD');
  await expect(device.getByTestId('device-phase')).not.toHaveText('—');

  // Each sees the other's mark, with its author.
  // Keys mark only outside a field: the initials field had the focus.
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('r');
  await expect(device.locator('.device-mark[data-author="AB"]')).toHaveCount(1);
  await expect(device.locator('.device-mark[data-author="AB"] .device-mark-kind')).toHaveText('Resonance');
  await device.getByRole('button', { name: 'Distress', exact: true }).click();
  const remoteDistress = page.locator('.recent-mark[data-author="CD"][data-mark-kind="distress"]');
  await expect(remoteDistress).toHaveCount(1);
  await expect(remoteDistress.getByTestId('mark-author')).toHaveText('CD');

  // A reload keeps the pairing and the marks (the device's IndexedDB), and asks for no code again.
  await device.reload();
  await expect(device.getByTestId('device-link')).toHaveText(/^Connected/);
  await expect(device.locator('.device-mark')).toHaveCount(2);

  // Either adds details to the other's mark.
  await remoteDistress.getByRole('button', { name: '4', exact: true }).click();
  await expect(device.locator('.device-mark[data-author="CD"]').first()).toContainText('4/5');
  await device.locator('.device-mark[data-author="AB"] button').click();
  await device.getByRole('textbox', { name: /^Note for Resonance/ }).fill('breathing slower');
  await device.getByRole('button', { name: 'Save note' }).click();
  await expect(page.locator('.recent-mark[data-author="AB"][data-mark-kind="resonance"] .note-input')).toHaveValue('breathing slower');

  // Under the host's strict policy the page loads and works without an error (no eval probe, nothing refused).
  expect(deviceErrors).toEqual([]);

  // The device's link drops for 30 s while both go on marking.
  const droppedAt = Date.now();
  await deviceContext.setOffline(true);
  await device.getByRole('button', { name: 'Breakthrough', exact: true }).click();
  await expect(device.getByTestId('device-link')).toHaveText('Offline — 1 mark waiting, it will be sent');
  await expect(device.locator('.device-mark[data-pending="true"]')).toHaveCount(1);
  await page.waitForTimeout(Math.max(0, droppedAt + 10_000 - Date.now()));
  await page.keyboard.press('d');
  await page.waitForTimeout(Math.max(0, droppedAt + 18_000 - Date.now()));
  await device.getByRole('button', { name: 'Resonance', exact: true }).click();
  await expect(device.getByTestId('device-link')).toHaveText('Offline — 2 marks waiting, they will be sent');
  // The main screen shows the device went quiet, in the panel and on its toggle.
  await expect(panel.getByTestId('device-quiet')).toHaveText(/^quiet for \d+ s$/, { timeout: Math.max(1000, droppedAt + 29_000 - Date.now()) });
  await expect(page.getByTestId('invite-toggle')).toHaveAccessibleName('Co-facilitators: CD (quiet)');
  await device.screenshot({ path: testInfo.outputPath('device-offline.png') });
  await page.waitForTimeout(Math.max(0, droppedAt + 30_000 - Date.now()));
  await deviceContext.setOffline(false);
  await expect(device.getByTestId('device-link')).toHaveText('Connected — everything sent', { timeout: 20_000 });
  await expect(panel.getByTestId('device-quiet')).toHaveCount(0);

  // The main screen: every mark once, newest arrival first, the late ones flagged, each with its author.
  const rows = page.locator('.recent-mark');
  await expect(rows).toHaveCount(5);
  const shown = await rows.evaluateAll((items) => items.map((item) => [item.getAttribute('data-mark-kind'), item.getAttribute('data-author'), item.getAttribute('data-late')]));
  expect(shown).toEqual([
    ['resonance', 'CD', 'true'],
    ['breakthrough', 'CD', 'true'],
    ['distress', 'AB', 'false'],
    ['distress', 'CD', 'false'],
    ['resonance', 'AB', 'false'],
  ]);
  const ids = await rows.evaluateAll((items) => items.map((item) => item.getAttribute('data-mark-id')));
  expect(new Set(ids).size).toBe(5);
  // The device lists the same five, in session time, none waiting.
  await expect(device.locator('.device-mark')).toHaveCount(5);
  await expect(device.locator('.device-mark[data-pending="true"]')).toHaveCount(0);
  await expect(device.locator('.device-mark[data-late="true"]')).toHaveCount(2);
  // Portrait on a phone: docs/device-screen.png is this picture.
  await device.screenshot({ path: testInfo.outputPath('device-screen.png') });
  await device.screenshot({ path: testInfo.outputPath('device-screen-full.png'), fullPage: true });
  await page.screenshot({ path: testInfo.outputPath('main-screen.png'), fullPage: true });

  // The journal: each mark once, in session-time order, with its author; the dropped ones late.
  const events = await openedMarks(page, sessionId);
  const marks = events.filter((event) => event.kind === 'mark').sort((a, b) => a.sessionMs - b.sessionMs);
  expect(marks.map((mark) => [mark.payload.markKind, mark.payload.by, mark.payload.late ?? false])).toEqual([
    ['resonance', 'AB', false],
    ['distress', 'CD', false],
    ['breakthrough', 'CD', true],
    ['distress', 'AB', false],
    ['resonance', 'CD', true],
  ]);
  expect(new Set(marks.map((mark) => mark.id)).size).toBe(5);
  const [, , breakthrough, mainDistress, lateResonance] = marks;
  // Made while the link was down: their session times fall inside the drop, around the main screen's mark.
  expect((breakthrough?.sessionMs ?? 0) < (mainDistress?.sessionMs ?? 0) && (mainDistress?.sessionMs ?? 0) < (lateResonance?.sessionMs ?? 0)).toBe(true);
  const edits = events.filter((event) => event.kind === 'mark-edited');
  expect(edits.map((edit) => [edit.payload.markId, edit.payload.by])).toEqual([
    [marks[1]?.id, 'AB'],
    [marks[0]?.id, 'CD'],
  ]);

  // Removed on the main screen: the device says so, and marks no more.
  await panel.getByRole('button', { name: 'Remove CD' }).click();
  await panel.getByRole('button', { name: 'Press again to remove CD' }).click();
  await expect(panel.getByTestId('no-devices')).toBeVisible();
  await expect(device.getByTestId('device-link')).toHaveText('Removed by the main screen');
  // Told, the device needs the network no more: the host stops listening there.
  await expect(panel.getByText(/^Not listening on the local network/)).toBeVisible();
  await expect(device.getByRole('button', { name: 'Distress', exact: true })).toBeDisabled();
  const after = await openedMarks(page, sessionId);
  expect(after.filter((event) => event.kind === 'mark')).toHaveLength(5);
  expect(after.filter((event) => event.kind === 'co-facilitator').map((event) => [event.payload.action, event.payload.by, event.payload.reason])).toEqual([
    ['joined', 'AB', undefined],
    ['joined', 'CD', undefined],
    ['left', 'CD', 'removed'],
  ]);
});

test('a device refuses a man in the middle with its own certificate, and what crosses the network through one carries no mark in the clear', async ({ page }) => {
  test.setTimeout(120_000);
  const { invitation } = await startAndInvite(page, 'AB');
  const target = new URL(invitation.url);
  const spki = await presentedSpki(invitation.url);
  const mitm = await startTlsMitm({ host: target.hostname, port: Number(target.port) });
  try {
    const throughMitm = `https://127.0.0.1:${mitm.port}/${target.hash}`;
    // The device trusts exactly the host's key: the impostor's certificate stops the page from loading at all.
    const trusting = await (await launchDevice(spki)).newPage();
    await expect(trusting.goto(throughMitm)).rejects.toThrow(/ERR_CERT/);

    // A browser told to accept any certificate goes through the relay: the pairing and the marks
    // still work, and the relay sees only sealed boxes.
    const careless = await (await launchDevice(undefined)).newContext({ ignoreHTTPSErrors: true });
    const device = await careless.newPage();
    await pairDevice(device, throughMitm, 'Mira K', invitation.code);
    await device.getByRole('button', { name: 'Distress', exact: true }).click();
    await device.getByRole('textbox', { name: /^Note for Distress/ }).fill('asked for water twice');
    await device.getByRole('button', { name: 'Save note' }).click();
    await expect(page.locator('.recent-mark[data-author="Mira K"] .note-input')).toHaveValue('asked for water twice');
    const relayed = mitm.relayed();
    expect(relayed).toContain('/api/device');
    expect(relayed).not.toContain('asked for water');
    expect(relayed).not.toContain('Mira K');
    expect(relayed).not.toContain('distress');
  } finally {
    // The relay closes once its clients have gone (a device's long poll holds a connection open).
    for (const browser of browsers.splice(0)) await browser.close();
    await mitm.close();
  }
});
