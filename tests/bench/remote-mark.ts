import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeviceClient, type DeviceStore, type DeviceTransport, type StoredDevice } from '../../core/pairing/device-client';
import { sessionSetupSchema } from '../../core/session';
import { createServices } from '../../electron/services/create-services';
import { percentile } from './stats';

const marks = 200;
const intervalMs = 50;

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

class MemoryStore implements DeviceStore {
  private value: StoredDevice | undefined;
  async load() {
    return this.value;
  }
  async save(state: StoredDevice) {
    this.value = structuredClone(state);
  }
  async clear() {
    this.value = undefined;
  }
}

/**
 * A paired device's marks, one every 50 ms, through the whole remote path on loopback: sealed,
 * sent over HTTPS, opened, journaled (fdatasync) and answered. Ack: from mark() until the device
 * shows the mark acknowledged. Visible on main: from mark() until the host event that carries
 * it to the main screen (journal:remote-events) leaves the host's event hub, which the main
 * screen's socket or IPC forwards as it is. Reference: the same journal append made locally
 * through the contract's handler in the same process, interleaved with the device's marks.
 */
export async function benchRemoteMarks(bundledPlaylistsDir: string): Promise<string[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-remote-'));
  const services = createServices({ dataDir, bundledPlaylistsDir, pairingListenHost: '127.0.0.1' });
  try {
    const meta = await services.handlers['sessions:start']({ playlistId: 'generative-session', ...sessionSetupSchema.parse({}) });
    const status = await services.pairing.invite(meta.id, 'MA');
    const client = await DeviceClient.open({ transport: httpsTransport(() => services.pairing.listeningPort ?? 0), store: new MemoryStore(), now: () => Date.now() });
    await client.pair(status.invitation?.code ?? '', 'CO');
    if (client.view().link !== 'online') throw new Error(`the bench device could not pair: ${client.view().problem ?? client.view().link}`);

    const madeAt = new Map<string, number>();
    const ack: number[] = [];
    const visible: number[] = [];
    const acknowledged = new Set<string>();
    client.on('changed', (view) => {
      for (const mark of view.marks) {
        const started = madeAt.get(mark.id);
        if (started === undefined || mark.pending || acknowledged.has(mark.id)) continue;
        acknowledged.add(mark.id);
        ack.push(performance.now() - started);
      }
    });
    services.events.subscribe((event) => {
      if (event.name !== 'journal:remote-events') return;
      for (const journaled of event.payload.events) {
        const started = madeAt.get(journaled.id);
        if (started !== undefined) visible.push(performance.now() - started);
      }
    });
    const local: number[] = [];
    const started = Date.now();
    for (let index = 0; index < marks; index += 1) {
      const before = performance.now();
      const id = await client.mark(index % 2 === 0 ? 'resonance' : 'distress');
      madeAt.set(id, before);
      // The local reference, half a period later: a main-screen mark appended through the same handler and group commit.
      await new Promise((resolve) => setTimeout(resolve, intervalMs / 2));
      const localStart = performance.now();
      await services.handlers['journal:append']({
        sessionId: meta.id,
        events: [{ id: randomUUID(), kind: 'mark', sessionMs: Date.now() - started, payload: { markKind: 'note', phaseId: 'onset', segmentId: 'onset-breath', positionMs: 0, reactionOffsetMs: 0, by: 'MA' } }],
      });
      local.push(performance.now() - localStart);
      const wait = started + (index + 1) * intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const deadline = Date.now() + 30_000;
    while ((ack.length < marks || visible.length < marks) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    client.dispose();
    if (ack.length < marks || visible.length < marks) throw new Error(`only ${ack.length} of ${marks} remote marks were acknowledged and ${visible.length} reached the main screen`);
    const format = (value: number) => value.toFixed(2);
    return [
      `remote_mark_ack_latency_ms_p50: ${format(percentile(ack, 50))} ms`,
      `remote_mark_ack_latency_ms_p99: ${format(percentile(ack, 99))} ms`,
      `remote_mark_visible_on_main_ms_p50: ${format(percentile(visible, 50))} ms`,
      `remote_mark_visible_on_main_ms_p99: ${format(percentile(visible, 99))} ms`,
      `reference_local_append_ms_p99: ${format(percentile(local, 99))} ms`,
    ];
  } finally {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
