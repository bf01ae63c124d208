import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright';
import { DeviceClient, type DeviceTransport } from '../../core/pairing/device-client';
import type { PairingStatus } from '../../core/pairing-contract';
import { removeDataDir, startWebHost } from '../support/web-host';
import { markAckLatencies, startSession } from './mark-latency';
import { percentile } from './stats';
import { MemoryDeviceStore } from '../support/memory-device-store';

const marks = 200;
const intervalMs = 100;

/** The device's side over real HTTPS on loopback, with a kept-alive connection as a browser holds one. */
function httpsTransport(port: () => number): DeviceTransport {
  const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  return {
    post: (urlPath, body) =>
      new Promise((resolve, reject) => {
        const request = https.request({ host: '127.0.0.1', port: port(), path: urlPath, method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
        });
        request.on('error', reject);
        request.end(JSON.stringify(body));
      }),
  };
}


declare global {
  interface Window {
    /** Mark id → when its row first appeared on the live screen (epoch ms, sub-millisecond). */
    __remoteMarkSeen?: Record<string, number>;
  }
}

const epochNow = () => performance.timeOrigin + performance.now();

/**
 * A paired device's marks through the whole remote path, beside the main screen's own key
 * presses in the same session of the web host: 200 device marks 100 ms apart (sealed, sent
 * over HTTPS on loopback, opened, journaled with fdatasync, answered), each followed 50 ms later
 * by a key press on the main page. Ack: from the device's mark() until it shows the mark
 * acknowledged. Visible on main: from mark() until its row appears on the main page's live
 * screen (a MutationObserver's time; both clocks are this machine's). Reference: the main
 * screen's key press → acknowledgement (its `attune:mark-ack` measures) in the same run.
 */
export async function benchRemoteMarks(browser: Browser): Promise<string[]> {
  const host = await startWebHost();
  const page = await browser.newPage();
  let client: DeviceClient | undefined;
  try {
    const sessionId = await startSession(page, host, { encrypted: false });
    const invited = (await page.evaluate(async (sessionId) => {
      const response = await fetch('api/pairing:invite', { method: 'POST', body: JSON.stringify({ sessionId, hostInitials: 'MA' }) });
      return (await response.json()) as unknown;
    }, sessionId)) as { ok: boolean; value?: PairingStatus };
    const invitation = invited.value?.invitation;
    const port = invited.value?.listening?.port;
    if (!invited.ok || invitation === null || invitation === undefined || port === undefined) throw new Error(`no invitation: ${JSON.stringify(invited)}`);
    const fragment = new URLSearchParams(new URL(invitation.url).hash.slice(1));
    client = await DeviceClient.open({ transport: httpsTransport(() => port), store: new MemoryDeviceStore(), now: () => Date.now() });
    await client.pair(fragment.get('c') ?? '', 'CO', fragment.get('f') ?? undefined);
    if (client.view().link !== 'online') throw new Error(`the bench device could not pair: ${client.view().problem ?? client.view().link}`);

    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      window.__remoteMarkSeen = seen;
      new MutationObserver((mutations) => {
        const at = performance.timeOrigin + performance.now();
        for (const mutation of mutations) {
          for (const node of mutation.addedNodes) {
            if (!(node instanceof HTMLElement)) continue;
            const rows = node.matches('[data-mark-id]') ? [node] : [...node.querySelectorAll<HTMLElement>('[data-mark-id]')];
            for (const row of rows) {
              const id = row.dataset['markId'];
              if (id !== undefined && seen[id] === undefined) seen[id] = at;
            }
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.waitForTimeout(1000);

    const madeAt = new Map<string, number>();
    const ack: number[] = [];
    const acknowledged = new Set<string>();
    client.on('changed', (view) => {
      for (const mark of view.marks) {
        const started = madeAt.get(mark.id);
        if (started === undefined || mark.pending || acknowledged.has(mark.id)) continue;
        acknowledged.add(mark.id);
        ack.push(epochNow() - started);
      }
    });
    const started = Date.now();
    for (let index = 0; index < marks; index += 1) {
      const before = epochNow();
      const id = await client.mark(index % 2 === 0 ? 'resonance' : 'distress');
      madeAt.set(id, before);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + index * intervalMs + intervalMs / 2 - Date.now())));
      await page.keyboard.press(index % 2 === 0 ? 'r' : 'd');
      const wait = started + (index + 1) * intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const local = await markAckLatencies(page, marks);
    const deadline = Date.now() + 30_000;
    let seen: Record<string, number> = {};
    while (Date.now() < deadline) {
      seen = await page.evaluate(() => ({ ...(window.__remoteMarkSeen ?? {}) }));
      if (ack.length >= marks && [...madeAt.keys()].every((id) => seen[id] !== undefined)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const visible = [...madeAt].flatMap(([id, at]) => (seen[id] === undefined ? [] : [seen[id] - at]));
    if (ack.length < marks || visible.length < marks) throw new Error(`only ${ack.length} of ${marks} remote marks were acknowledged and ${visible.length} appeared on the main screen`);
    const localP99 = percentile(local, 99);
    const ackP99 = percentile(ack, 99);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    return [
      `remote_mark_ack_latency_ms_p50: ${ms(percentile(ack, 50))} (${marks} device marks ${intervalMs} ms apart, over HTTPS on loopback, each followed by a key press on the main screen)`,
      `remote_mark_ack_latency_ms_p99: ${ms(ackP99)} (${(ackP99 / localP99).toFixed(2)}× the main screen's p99 in the same session; goal ≤ 2× the local mark_ack_latency_ms_p99)`,
      `remote_mark_visible_on_main_ms_p50: ${ms(percentile(visible, 50))} (device mark() to its row on the main page's live screen)`,
      `remote_mark_visible_on_main_ms_p99: ${ms(percentile(visible, 99))} (goal ≤ 250 ms)`,
      `reference_local_mark_ack_latency_ms_p99: ${ms(localP99)} (the main screen's ${local.length} key presses between them; p50 ${ms(percentile(local, 50))})`,
    ];
  } finally {
    client?.dispose();
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  }
}
