import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright';
import { sessionMetaSchema } from '../../core/session';
import { ClientStore } from '../../electron/services/clients';
import { SessionStore } from '../../electron/services/sessions';
import { largeSessionId, writeLargeSession } from '../e2e/review-session-data';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { recordSocketAnswers } from './review';
import { median } from './stats';

const runs = Number(process.env.ATTUNE_BENCH_RUNS ?? 7);
const sessionCount = 20;
const marksPerSession = 200;

/**
 * A client with `count` dosing sessions, each eight hours of the generative session with
 * `marksPerSession` marks (the review bench's large session, copied under new ids), all
 * linked into the client's course, with an integration session after each.
 */
async function writeCourse(dataDir: string, count: number): Promise<string> {
  await writeLargeSession(dataDir, marksPerSession);
  const template = path.join(dataDir, 'sessions', largeSessionId);
  const meta = sessionMetaSchema.parse(JSON.parse(await readFile(path.join(template, 'session.json'), 'utf8')));
  const sessionIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const day = String(index + 1).padStart(2, '0');
    const sessionId = `202610${day}-090000-crs${String(index).padStart(3, '0')}`;
    const directory = path.join(dataDir, 'sessions', sessionId);
    await cp(template, directory, { recursive: true });
    await writeFile(path.join(directory, 'session.json'), `${JSON.stringify({ ...meta, id: sessionId, clientCode: 'BENCH-7' }, null, 2)}\n`);
    sessionIds.push(sessionId);
  }
  const sessions = new SessionStore(dataDir);
  try {
    const clients = new ClientStore(dataDir, { sessions });
    const client = await clients.linkOffered('BENCH-7', sessionIds, 'migration');
    await clients.append(
      client.id,
      sessionIds.map((sessionId, index) => ({
        id: crypto.randomUUID(),
        kind: 'course-session-added' as const,
        payload: { courseSessionId: `course-bench${String(index).padStart(3, '0')}`, type: 'integration' as const, date: `2026-10-${String(index + 2).padStart(2, '0')}`, facilitators: 'AB', notes: 'After the session.', followsSessionId: sessionId },
      })),
    );
    return client.id;
  } finally {
    await sessions.close();
  }
}

/**
 * From the hash change that opens the client's page to the end of the first frame showing its
 * course with every session (a task posted from the next animation frame runs after that
 * frame's style, layout and paint): the host reading the record and the sessions, and the render.
 */
interface CourseTiming {
  /** From the hash change to the painted frame showing every session. */
  readonly totalMs: number;
  /** From the hash change to the last byte of the host's answer (clients:course). */
  readonly loadMs: number;
  /** From the hash change to the question leaving the page (the page's code for the screen loads first). */
  readonly askedMs: number;
  /** From the hash change to the DOM holding every session (before style, layout and paint). */
  readonly committedMs: number;
}

async function openCoursePage(browser: Browser, host: RunningWebHost, clientId: string, entries: number): Promise<CourseTiming> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(recordSocketAnswers);
  try {
    await page.goto(`${host.url}/#/clients`);
    await page.locator(`a[href="#/clients/${clientId}"]`).waitFor({ state: 'visible' });
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    return await page.evaluate(
      async ({ hash, expected }) => {
        const started = performance.now();
        const committed = new Promise<void>((resolve) => {
          const observer = new MutationObserver(() => {
            if (document.querySelectorAll('.course-timeline .course-entry').length < expected) return;
            observer.disconnect();
            resolve();
          });
          observer.observe(document.body, { childList: true, subtree: true });
        });
        location.hash = hash;
        await committed;
        const committedAt = performance.now();
        const painted = await new Promise<number>((resolve) =>
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve(performance.now());
            channel.port2.postMessage(null);
          }),
        );
        const answers = ((window as unknown as { __attuneAnswers?: { channel: string; at: number }[] }).__attuneAnswers ?? []).filter(
          (answer) => answer.at >= started && answer.channel === 'clients:course',
        );
        const http = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => entry.startTime >= started && entry.name.endsWith('/api/clients:course'));
        const loadedAt = Math.max(...answers.map((answer) => answer.at), ...http.map((entry) => entry.responseEnd));
        const sent = ((window as unknown as { __attuneSent?: { channel: string; at: number }[] }).__attuneSent ?? []).filter(
          (request) => request.at >= started && request.channel === 'clients:course',
        );
        const sentAt = sent.length === 0 ? started : Math.min(...sent.map((request) => request.at));
        return { totalMs: painted - started, loadMs: loadedAt - started, askedMs: sentAt - started, committedMs: committedAt - started };
      },
      { hash: `#/clients/${clientId}`, expected: entries },
    );
  } finally {
    await page.close();
  }
}

export async function benchCoursePage(browser: Browser): Promise<string[]> {
  const large = await startWebHost();
  const reference = await startWebHost();
  try {
    const largeClient = await writeCourse(large.dataDir, sessionCount);
    const referenceClient = await writeCourse(reference.dataDir, 1);
    // Warm the hosts' file caches and the browser's code cache; not counted.
    await openCoursePage(browser, large, largeClient, sessionCount * 2);
    await openCoursePage(browser, reference, referenceClient, 2);
    const timings: CourseTiming[] = [];
    const referenceTimings: CourseTiming[] = [];
    // Paired: each run opens both, so load from elsewhere on the machine falls on both.
    for (let run = 0; run < runs; run += 1) {
      timings.push(await openCoursePage(browser, large, largeClient, sessionCount * 2));
      referenceTimings.push(await openCoursePage(browser, reference, referenceClient, 2));
    }
    const total = (list: readonly CourseTiming[]) => median(list.map((timing) => timing.totalMs)).toFixed(1);
    const asked = (list: readonly CourseTiming[]) => median(list.map((timing) => timing.askedMs)).toFixed(1);
    const committed = (list: readonly CourseTiming[]) => median(list.map((timing) => timing.committedMs)).toFixed(1);
    const load = (list: readonly CourseTiming[]) => median(list.map((timing) => timing.loadMs)).toFixed(1);
    return [
      `course_page_ms_20_sessions: ${total(timings)} ms`,
      `reference_course_page_ms_1_session: ${total(referenceTimings)} ms`,
      `  (the question asked after ${asked(timings)} ms, answered at ${load(timings)} ms, the page in the DOM at ${committed(timings)} ms with 20 sessions; ${asked(referenceTimings)}, ${load(referenceTimings)} and ${committed(referenceTimings)} ms with 1)`,
    ];
  } finally {
    await large.stop();
    await reference.stop();
    await removeDataDir(large.dataDir);
    await removeDataDir(reference.dataDir);
  }
}
