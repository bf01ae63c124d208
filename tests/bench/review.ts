import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright';
import { InsightsService, type InsightsReport } from '../../electron/services/insights';
import { PlaylistCatalog } from '../../electron/services/playlists';
import { largeSessionId, writeLargeSession } from '../e2e/review-session-data';
import { corpusSegmentIds, writeInsightsCorpus } from '../support/insights-corpus';
import { recordTimelineRenders, type TimelineRendersWindow } from '../support/timeline-renders';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { median, percentile } from './stats';

const runs = Number(process.env.ATTUNE_BENCH_RUNS ?? 7);
const largeMarks = 2000;
const referenceMarks = 20;
const sessionCount = 500;
/** Zoom in nine steps, pan four, zoom back out: the e2e's sequence, repeated. */
const zoomRounds = 5;

interface OpenTiming {
  /** From the hash change to the last byte of the session and its playlist (sessions:open, playlists:get). */
  readonly loadMs: number;
  /** From that last byte to the end of the first frame showing the timeline: parse, fold, model, render, commit, layout, paint. */
  readonly firstRenderMs: number;
  /** The drawing component's own render and commit (its `attune:timeline-render` User Timing measures, summed). */
  readonly drawingMs: number;
  /** Marks and events the drawn pins stand for. */
  readonly drawnCount: number;
}

interface StepTiming {
  readonly key: string;
  /** Whether the step moved the view (data-view-start/end); a step against a limit does not. */
  readonly changed: boolean;
  /** The key press dispatched to React's commit. */
  readonly handledMs: number;
  /** The key press, dispatched at the start of a frame, to the end of that frame's rendering (style, layout, paint). */
  readonly frameMs: number;
}

/**
 * The page talks to the host over one WebSocket (HTTP only while it cannot open), so the
 * answers' arrival is taken from the socket itself: a listener added as the socket is made,
 * before the app's own, notes when each answer frame arrives and which channel it answers.
 */
export const recordSocketAnswers = `
  window.__attuneAnswers = [];
  const channelsById = new Map();
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (message) => {
        const at = performance.now();
        try {
          const frame = JSON.parse(message.data);
          const channel = channelsById.get(frame.id);
          if (channel !== undefined) window.__attuneAnswers.push({ channel, at });
        } catch {}
      });
    }
    send(data) {
      try {
        const frame = JSON.parse(data);
        channelsById.set(frame.id, frame.channel);
        (window.__attuneSent ??= []).push({ channel: frame.channel, at: performance.now() });
      } catch {}
      return super.send(data);
    }
  };
`;

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(recordSocketAnswers);
  await page.addInitScript(recordTimelineRenders);
  return page;
}

/**
 * Opens the review list, then the session by changing the hash (as a click on the list would),
 * and times it up to the end of the first frame that shows the timeline: a task posted from
 * the next animation frame runs after that frame's style, layout and paint.
 */
async function openTimeline(browser: Browser, host: RunningWebHost, sessionId: string): Promise<OpenTiming> {
  const page = await newPage(browser);
  try {
    await page.goto(`${host.url}/#/review`);
    await page.locator(`a[href="#/review/${sessionId}"]`).first().waitFor({ state: 'visible' });
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    const timing = await page.evaluate(async (hash) => {
      const started = performance.now();
      const committed = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('.timeline-drawing .tl-item') === null) return;
          observer.disconnect();
          resolve();
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
      location.hash = hash;
      await committed;
      const painted = await new Promise<number>((resolve) =>
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve(performance.now());
          channel.port2.postMessage(null);
        }),
      );
      const wanted = /^(sessions:open|playlists:get)$/;
      const overSocket = ((window as unknown as { __attuneAnswers: { channel: string; at: number }[] }).__attuneAnswers ?? [])
        .filter((answer) => answer.at >= started && wanted.test(answer.channel))
        .map((answer) => answer.at);
      const overHttp = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((entry) => entry.startTime >= started && wanted.test(entry.name.split('/api/')[1] ?? ''))
        .map((entry) => entry.responseEnd);
      const answers = [...overSocket, ...overHttp];
      if (answers.length < 2) throw new Error(`expected the answers to sessions:open and playlists:get, saw ${answers.length}`);
      const dataAt = Math.max(...answers);
      const drawingMs = (window as unknown as TimelineRendersWindow)
        .__attuneTimelineRenders()
        .filter((entry) => entry.startTime >= started)
        .reduce((sum, entry) => sum + entry.duration, 0);
      const drawnCount = [...document.querySelectorAll('.tl-item')].reduce((sum, item) => sum + Number(item.getAttribute('data-count') ?? 1), 0);
      return { loadMs: dataAt - started, firstRenderMs: painted - dataAt, drawingMs, drawnCount };
    }, `#/review/${sessionId}`);
    return timing;
  } finally {
    await page.close();
  }
}

/** Keyboard zoom and pan steps on the open timeline, each dispatched at the start of a frame and timed to that frame's end. */
async function zoomSteps(browser: Browser, host: RunningWebHost, sessionId: string): Promise<StepTiming[]> {
  const page = await newPage(browser);
  try {
    await page.goto(`${host.url}/#/review/${sessionId}`);
    await page.locator('.timeline-drawing .tl-item').first().waitFor({ state: 'visible' });
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    const steps = await page.evaluate(async (rounds) => {
      const element = document.querySelector<HTMLElement>('.timeline-viewport');
      if (element === null) throw new Error('no timeline');
      element.focus();
      const initialEnd = element.getAttribute('data-view-end');
      // Let the page settle first (the marks table is built after the timeline is drawn): five quiet frames in a row.
      for (let quiet = 0, frames = 0; quiet < 5 && frames < 600; frames += 1) {
        const frameMs = await new Promise<number>((resolve) =>
          requestAnimationFrame(() => {
            const started = performance.now();
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve(performance.now() - started);
            channel.port2.postMessage(null);
          }),
        );
        quiet = frameMs < 2 ? quiet + 1 : 0;
      }
      const results: { key: string; changed: boolean; handledMs: number; frameMs: number }[] = [];
      const sequence = Array.from({ length: rounds }, () => [...Array<string>(9).fill('+'), ...Array<string>(4).fill('ArrowLeft'), ...Array<string>(9).fill('-')]).flat();
      for (const key of sequence) {
        results.push(
          await new Promise<{ key: string; changed: boolean; handledMs: number; frameMs: number }>((resolve) =>
            requestAnimationFrame(() => {
              const started = performance.now();
              const before = `${element.getAttribute('data-view-start')}-${element.getAttribute('data-view-end')}`;
              element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
              // React renders a key press's update in a microtask queued during the dispatch: this one runs after it.
              void Promise.resolve().then(() => {
                const handledMs = performance.now() - started;
                const changed = `${element.getAttribute('data-view-start')}-${element.getAttribute('data-view-end')}` !== before;
                const channel = new MessageChannel();
                channel.port1.onmessage = () => resolve({ key, changed, handledMs, frameMs: performance.now() - started });
                channel.port2.postMessage(null);
              });
            }),
          ),
        );
      }
      // Zooming out all the way must come back to the whole session, or the keys did not zoom.
      if (element.getAttribute('data-view-end') !== initialEnd) throw new Error('the zoom steps did not return to the whole session');
      return results;
    }, zoomRounds);
    return steps;
  } finally {
    await page.close();
  }
}

async function benchTimeline(browser: Browser): Promise<string[]> {
  const large = await startWebHost();
  const reference = await startWebHost();
  try {
    await writeLargeSession(large.dataDir, largeMarks);
    await writeLargeSession(reference.dataDir, referenceMarks);

    // Warm the hosts' file caches and the browser's code cache; not counted.
    const warm = await openTimeline(browser, large, largeSessionId);
    await openTimeline(browser, reference, largeSessionId);
    if (warm.drawnCount < largeMarks) throw new Error(`the timeline drew ${warm.drawnCount} of ${largeMarks}+ marks and events`);
    const opened: OpenTiming[] = [];
    const openedReference: OpenTiming[] = [];
    for (let run = 0; run < runs; run += 1) {
      opened.push(await openTimeline(browser, large, largeSessionId));
      openedReference.push(await openTimeline(browser, reference, largeSessionId));
    }

    const steps = await zoomSteps(browser, large, largeSessionId);
    const referenceSteps = await zoomSteps(browser, reference, largeSessionId);
    if (process.env.ATTUNE_TIMELINE_STEPS) {
      console.log(steps.map((step) => `${step.key}:${step.handledMs.toFixed(1)}/${step.frameMs.toFixed(1)}`).join(' '));
    }

    const of = (timings: readonly OpenTiming[], pick: (timing: OpenTiming) => number) => median(timings.map(pick));
    const frame = (timings: readonly StepTiming[], p: number) => percentile(timings.map((step) => step.frameMs), p);
    const handled = (timings: readonly StepTiming[], p: number) => percentile(timings.map((step) => step.handledMs), p);
    return [
      `timeline_first_render_ms_2000_marks: ${of(opened, (timing) => timing.firstRenderMs).toFixed(1)} ms (median of ${runs}; session data received to the end of the first frame showing the timeline, ${warm.drawnCount} marks and events)`,
      `reference_timeline_first_render_ms_${referenceMarks}_marks: ${of(openedReference, (timing) => timing.firstRenderMs).toFixed(1)} ms (median of ${runs}; the same 8-hour session with ${referenceMarks} marks)`,
      `timeline_drawing_render_ms_2000_marks: ${of(opened, (timing) => timing.drawingMs).toFixed(1)} ms (median of ${runs}; the drawing's own render and commit within that, its User Timing entries)`,
      `timeline_session_load_ms_2000_marks: ${of(opened, (timing) => timing.loadMs).toFixed(1)} ms (median of ${runs}; before that: hash change to sessions:open and playlists:get answered; ${of(openedReference, (timing) => timing.loadMs).toFixed(1)} ms with ${referenceMarks} marks)`,
      `timeline_zoom_frame_ms_p95: ${frame(steps, 95).toFixed(1)} ms (p50 ${frame(steps, 50).toFixed(1)} ms; ${steps.length} keyboard zoom and pan steps (${steps.filter((step) => step.changed).length} moved the view), each key press at a frame's start to that frame's end; React alone: p95 ${handled(steps, 95).toFixed(1)} ms)`,
      `reference_timeline_zoom_frame_ms_p95_${referenceMarks}_marks: ${frame(referenceSteps, 95).toFixed(1)} ms (p50 ${frame(referenceSteps, 50).toFixed(1)} ms; the same steps with ${referenceMarks} marks)`,
    ];
  } finally {
    await large.stop();
    await reference.stop();
    await removeDataDir(large.dataDir);
    await removeDataDir(reference.dataDir);
  }
}

/**
 * InsightsService.compute() over 500 generated sessions: cold is a new service (no digests
 * kept; the files are in the OS cache, having just been written), warm is the same service
 * asked again (a listing and two stats per session).
 */
export async function benchInsights(): Promise<string[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-insights-'));
  try {
    // Half the sessions play a "Duplicate to edit" copy: recording identity merges the two.
    const { playlistsDir } = await writeInsightsCorpus(dataDir, sessionCount, { withCopy: true });
    const newService = () => new InsightsService({ dataDir, playlists: new PlaylistCatalog([{ kind: 'user', directory: playlistsDir }]) });
    const timed = async (service: InsightsService) => {
      const started = performance.now();
      const report: InsightsReport = await service.compute();
      const elapsed = performance.now() - started;
      if (report.sessionCount !== sessionCount || report.skipped.length > 0 || report.rows.length !== corpusSegmentIds.length) {
        throw new Error(`insights read ${report.sessionCount} of ${sessionCount} sessions (${report.skipped.length} skipped) into ${report.rows.length} recordings, not ${corpusSegmentIds.length}`);
      }
      return elapsed;
    };
    await timed(newService()); // warm up; not counted
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const service = newService();
      cold.push(await timed(service));
      warm.push(await timed(service));
    }
    return [
      `insights_ms_500_sessions: ${median(cold).toFixed(0)} ms (median of ${runs}; a new InsightsService reading every journal, files in the OS cache; keyed by recording, half the sessions on a playlist copy)`,
      `reference_insights_cached_ms_500_sessions: ${median(warm).toFixed(1)} ms (median of ${runs}; the same service asked again, digests kept)`,
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The review benchmarks of the annotated timeline (curator insights are a group of their own: no browser). */
export async function benchReview(browser: Browser): Promise<string[]> {
  return benchTimeline(browser);
}
