import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { playlistSchema } from '../../core/playlist';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { percentile } from './stats';

const burstMarks = 500;
const burstIntervalMs = 20;
const isolatedMarks = 100;
const isolatedIntervalMs = 200;
const eventsBefore = 20_000;
const referenceAppends = 300;

/** Starts a session in the page's web host, with encryption at rest turned on first if asked; answers the session id. */
export async function startSession(page: Page, host: RunningWebHost, { encrypted }: { encrypted: boolean }): Promise<string> {
  await page.goto(host.url);
  if (encrypted) {
    const enabled = await page.evaluate(async () => {
      const response = await fetch('api/encryption:enable', { method: 'POST', body: JSON.stringify({ method: 'passphrase', passphrase: 'bench passphrase' }) });
      return (await response.json()) as { ok: boolean };
    });
    if (!enabled.ok) throw new Error(`encryption could not be turned on: ${JSON.stringify(enabled)}`);
  }
  await startSessionFromHome(page);
  await page.getByTestId('now-playing').waitFor();
  return new URL(page.url()).hash.split('/').at(-1) as string;
}

/** Each key press to its acknowledgement, from the renderer's own `attune:mark-ack` User Timing entries. */
export async function markAckLatencies(page: Page, count: number): Promise<number[]> {
  await page.waitForFunction((wanted) => performance.getEntriesByName('attune:mark-ack').length >= wanted, count, { timeout: 120_000 });
  return page.evaluate(() => performance.getEntriesByName('attune:mark-ack').map((entry) => entry.duration));
}

async function pressMarks(page: Page, count: number, intervalMs: number): Promise<void> {
  const started = Date.now();
  for (let index = 0; index < count; index += 1) {
    const key = index % 2 === 0 ? 'r' : 'd';
    await page.keyboard.press(key);
    // One mark every `intervalMs`, however long the presses themselves took.
    const due = started + (index + 1) * intervalMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

interface BareAppends {
  /** Back to back over the app's socket. */
  readonly socket: number[];
  /** One every 200 ms, as the isolated presses come. */
  readonly spaced: number[];
  /** One every 20 ms, as the burst's marks come. */
  readonly paced: number[];
  /** Back to back over HTTP fetch. */
  readonly fetch: number[];
}

/**
 * `journal:append` from the page with no key and no UI, over the transport the app itself
 * uses in the web host (its socket), and over HTTP fetch for comparison.
 */
async function bareAppendRoundTrips(page: Page, sessionId: string): Promise<BareAppends> {
  return page.evaluate(
    async ({ sessionId, count, spacings }) => {
      // No named helpers in here: the bench's TypeScript loader would wrap them in a function the page does not have.
      const spacedTotal = spacings.reduce((sum, spacing) => sum + spacing.count, 0);
      const events = Array.from({ length: 2 * count + spacedTotal }, () => [{ id: crypto.randomUUID(), kind: 'phase-started', sessionMs: 1, payload: { phaseId: 'onset', programMs: 0 } }]);
      const socket = new WebSocket(new URL('api/socket', location.href).href.replace(/^http/, 'ws'));
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const viaSocket: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const started = performance.now();
        const answered = new Promise((resolve) => (socket.onmessage = resolve));
        socket.send(JSON.stringify({ id: index + 1, channel: 'journal:append', request: { sessionId, events: events[index] } }));
        await answered;
        viaSocket.push(performance.now() - started);
      }
      // The same one every 200 ms as the isolated presses come, and one every 20 ms as a burst's
      // marks come: a host and disk left idle between answer more slowly.
      const paced: number[][] = [];
      let sent = 0;
      for (const spacing of spacings) {
        const times: number[] = [];
        const due = performance.now();
        for (let index = 0; index < spacing.count; index += 1) {
          const wait = due + (index + 1) * spacing.gapMs - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const started = performance.now();
          const answered = new Promise((resolve) => (socket.onmessage = resolve));
          socket.send(JSON.stringify({ id: count + sent + 1, channel: 'journal:append', request: { sessionId, events: events[2 * count + sent] } }));
          sent += 1;
          await answered;
          times.push(performance.now() - started);
        }
        paced.push(times);
      }
      socket.close();
      const viaFetch: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const started = performance.now();
        const response = await fetch('api/journal:append', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId, events: events[count + index] }),
        });
        await response.json();
        viaFetch.push(performance.now() - started);
      }
      return { socket: viaSocket, spaced: paced[0] ?? [], paced: paced[1] ?? [], fetch: viaFetch };
    },
    {
      sessionId,
      count: referenceAppends,
      spacings: [
        { count: isolatedMarks, gapMs: isolatedIntervalMs },
        { count: referenceAppends, gapMs: burstIntervalMs },
      ],
    },
  );
}

/**
 * The events of a long, busy day for the bundled generative playlist (7 hours of music):
 * segment starts, marks, edits and volume moves over its first 6 hours, so the resumed
 * session still has music to play.
 */
async function busyDayEvents(count: number): Promise<object[]> {
  const file = path.resolve(import.meta.dirname, '..', '..', 'playlists', 'generative-session.json');
  const playlist = playlistSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  const places = playlist.phases.flatMap((phase) => phase.segments.map((segment) => ({ phaseId: phase.id, segmentId: segment.id })));
  const kinds = ['resonance', 'distress', 'dissociation', 'breakthrough', 'music-resistance'];
  const stepMs = Math.floor((6 * 3_600_000) / count);
  const events: object[] = [];
  const markIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const sessionMs = 60_000 + index * stepMs;
    const place = places[Math.floor((index / count) * places.length)] ?? { phaseId: 'onset', segmentId: 'onset-breath' };
    const id = crypto.randomUUID();
    if (index % 20 === 0) events.push({ id, kind: 'segment-started', sessionMs, payload: { ...place, programMs: sessionMs } });
    else if (index % 7 === 0) events.push({ id, kind: 'volume', sessionMs, payload: { volume: 0.5 + (index % 5) / 10 } });
    else if (index % 5 === 0 && markIds.length > 0) {
      events.push({ id, kind: 'mark-edited', sessionMs, payload: { markId: markIds[index % markIds.length], intensity: 1 + (index % 5) } });
    } else {
      markIds.push(id);
      events.push({ id, kind: 'mark', sessionMs, payload: { markKind: kinds[index % kinds.length], ...place, positionMs: 30_000, reactionOffsetMs: 0 } });
    }
  }
  return events;
}

/** Presses marks on their own, 200 ms apart, in a session of a fresh web host; `prepare` may bring the session somewhere first. */
async function isolatedPresses(browser: Browser, prepare: (page: Page, host: RunningWebHost, sessionId: string) => Promise<void> = async () => {}): Promise<number[]> {
  const host = await startWebHost();
  const page = await browser.newPage();
  try {
    const sessionId = await startSession(page, host, { encrypted: false });
    await prepare(page, host, sessionId);
    await page.waitForTimeout(1000);
    await pressMarks(page, isolatedMarks, isolatedIntervalMs);
    return await markAckLatencies(page, isolatedMarks);
  } finally {
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  }
}

/**
 * `marks` marks, one every 20 ms, in one session of a fresh web host (with encryption at rest
 * on, if asked), then, if asked, the bare append from the same page and session as the
 * reference. Each burst has the machine to itself, as a facilitator's one session does.
 */
async function burstPresses(browser: Browser, { encrypted, marks }: { encrypted: boolean; marks: number }): Promise<number[]>;
async function burstPresses(browser: Browser, options: { encrypted: boolean; marks: number; reference: true }): Promise<{ latencies: number[]; reference: BareAppends }>;
async function burstPresses(
  browser: Browser,
  { encrypted, marks, reference }: { encrypted: boolean; marks: number; reference?: true },
): Promise<number[] | { latencies: number[]; reference: BareAppends }> {
  const host = await startWebHost();
  const page = await browser.newPage();
  try {
    const sessionId = await startSession(page, host, { encrypted });
    await page.waitForTimeout(1000);
    await pressMarks(page, marks, burstIntervalMs);
    const latencies = await markAckLatencies(page, marks);
    return reference === true ? { latencies, reference: await bareAppendRoundTrips(page, sessionId) } : latencies;
  } finally {
    await page.close();
    await host.stop();
    await removeDataDir(host.dataDir);
  }
}

/** Journals 20,000 events into the session, then resumes it in a fresh page: the next marks, as at minute one. */
async function afterManyEvents(page: Page, host: RunningWebHost, sessionId: string): Promise<void> {
  const events = await busyDayEvents(eventsBefore);
  const saved = await page.evaluate(
    async ({ sessionId, events }) => {
      for (let offset = 0; offset < events.length; offset += 200) {
        const response = await fetch('api/journal:append', { method: 'POST', body: JSON.stringify({ sessionId, events: events.slice(offset, offset + 200) }) });
        const result = (await response.json()) as { ok: boolean };
        if (!result.ok) return JSON.stringify(result);
      }
      return 'ok';
    },
    { sessionId, events },
  );
  if (saved !== 'ok') throw new Error(`the 20,000 events could not be journaled: ${saved}`);
  // The page that wrote them goes (a reload, as after a crash); the session resumes from its journal.
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByTestId('now-playing').waitFor();
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * Key press in the page to the acknowledged, fdatasync'd event in the web host: presses on
 * their own (200 ms apart), a burst of 500 (one every 20 ms) and the same in hosts with
 * encryption at rest on, and presses in a session that has already journaled 20,000 events.
 * The reference is a bare `journal:append` round trip from the page.
 */
export async function benchMarkAckLatency(browser: Browser): Promise<string[]> {
  const isolated = await isolatedPresses(browser);
  const after = await isolatedPresses(browser, afterManyEvents);

  // The clear and the encrypted bursts in halves, clear–encrypted–encrypted–clear: whatever drifts
  // on the machine over the minutes they take weighs on both alike.
  const half = burstMarks / 2;
  const clearFirst = await burstPresses(browser, { encrypted: false, marks: half });
  const encryptedFirst = await burstPresses(browser, { encrypted: true, marks: half });
  const encryptedSecond = await burstPresses(browser, { encrypted: true, marks: half });
  const { latencies: clearSecond, reference } = await burstPresses(browser, { encrypted: false, marks: half, reference: true });
  const clear = [...clearFirst, ...clearSecond];
  const encrypted = [...encryptedFirst, ...encryptedSecond];
  const isolatedP99 = percentile(isolated, 99);
  const clearP99 = percentile(clear, 99);
  const encryptedP99 = percentile(encrypted, 99);
  const referenceP99 = percentile(reference.socket, 99);
  const afterP99 = percentile(after, 99);
  return [
    `mark_ack_latency_ms_p50_isolated: ${ms(percentile(isolated, 50))} (${isolated.length} presses ${isolatedIntervalMs} ms apart)`,
    `mark_ack_latency_ms_p99_isolated: ${ms(isolatedP99)} (goal ≤ 10 ms)`,
    `mark_ack_latency_ms_p50: ${ms(percentile(clear, 50))} (${clear.length} marks, one every ${burstIntervalMs} ms, in two sessions of ${half} before and after the encrypted ones)`,
    `mark_ack_latency_ms_p99: ${ms(clearP99)} (${(clearP99 / referenceP99).toFixed(1)}× the bare append p99; goal ≤ 25 ms and ≤ 2×)`,
    `mark_ack_latency_ms_p50_encrypted: ${ms(percentile(encrypted, 50))} (${encrypted.length} marks, encryption at rest on, in two sessions of ${half} between the clear ones)`,
    `mark_ack_latency_ms_p99_encrypted: ${ms(encryptedP99)} (${(encryptedP99 - clearP99).toFixed(1)} ms from the clear p99; goal: within 2 ms)`,
    `mark_ack_latency_ms_p50_after_20k_events: ${ms(percentile(after, 50))} (${after.length} presses ${isolatedIntervalMs} ms apart in a resumed session of ${eventsBefore} events)`,
    `mark_ack_latency_ms_p99_after_20k_events: ${ms(afterP99)} (${(afterP99 / isolatedP99).toFixed(2)}× the isolated p99; goal ≤ 1.5×)`,
    `reference_append_round_trip_ms_p50: ${ms(percentile(reference.socket, 50))} (journal:append from the page over the app's socket, ${reference.socket.length} calls; goal ≤ 3 ms)`,
    `reference_append_round_trip_ms_p99: ${ms(referenceP99)}`,
    `reference_append_round_trip_paced_ms_p50: ${ms(percentile(reference.paced, 50))} (the same, ${reference.paced.length} calls ${burstIntervalMs} ms apart as the burst's marks come; p99 ${ms(percentile(reference.paced, 99))})`,
    `reference_append_round_trip_spaced_ms_p50: ${ms(percentile(reference.spaced, 50))} (the same, ${reference.spaced.length} calls ${isolatedIntervalMs} ms apart as the isolated presses; p99 ${ms(percentile(reference.spaced, 99))})`,
    `reference_append_fetch_ms_p50: ${ms(percentile(reference.fetch, 50))} (the same over HTTP fetch, ${reference.fetch.length} calls; p99 ${ms(percentile(reference.fetch, 99))})`,
  ];
}
