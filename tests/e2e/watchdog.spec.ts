import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page, type Route } from '@playwright/test';
import { buildElasticPlan } from '../../core/elastic-plan';
import type { FileSegment, Playlist, Segment } from '../../core/playlist';
import { generatedDir, installFixturePlaylist } from '../support/fixture-playlist';
import { readJournalFile, type StoredEvent } from '../support/journal-file';
import { startStallingMediaServer, type StallingMediaServer } from '../support/stalling-media-server';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost | undefined;
let stallingServer: StallingMediaServer | undefined;

test.afterEach(async () => {
  await stallingServer?.close();
  stallingServer = undefined;
  if (host === undefined) return;
  await host.stop();
  await removeDataDir(host.dataDir);
  host = undefined;
});

/** The watchdog's stated times (SessionPlayer defaults). */
const stallMs = 3000;
const silenceMs = 2000;
/** A check runs every 200 ms; a busy machine may run one late. */
const detectionSlackMs = 1500;

function fixtureSegment(playlist: Playlist, id: string): Segment {
  const segment = playlist.phases.flatMap((phase) => phase.segments).find((candidate) => candidate.id === id);
  if (segment === undefined) throw new Error(`fixture segment ${id} is missing`);
  return segment;
}

function silentFile(id: string, intentionallyQuiet: boolean): FileSegment {
  return {
    type: 'file',
    id,
    path: path.join(generatedDir, 'digital-silence.flac'),
    title: intentionallyQuiet ? 'Digital silence, marked intentionally quiet' : 'Digital silence',
    durationSeconds: 8,
    ...(intentionallyQuiet ? { flags: { intentionallyQuiet: true } } : {}),
  };
}

/** One phase of the given segments, 0.5 s crossfades, nothing else. */
function singlePhaseSet(id: string, title: string, segments: (playlist: Playlist) => Segment[]) {
  return (playlist: Playlist): Playlist => {
    const chosen = segments(playlist);
    const seconds = chosen.reduce((total, segment) => total + (segment.durationSeconds ?? 8), 0);
    return { ...playlist, id, title, crossfadeSeconds: 0.5, phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: seconds / 60, segments: chosen }] };
  };
}

async function start(page: Page, title: RegExp): Promise<string> {
  await page.goto(host?.url ?? '');
  await page.getByRole('radio', { name: title }).check();
  await startSessionFromHome(page);
  await expect(page.getByTestId('now-playing')).not.toHaveText('—');
  return new URL(page.url()).hash.split('/').at(-1) as string;
}

const levelOf = async (page: Page) => Number(await page.getByRole('meter', { name: 'Output level' }).getAttribute('data-level-db'));

const problemsIn = (events: readonly StoredEvent[]) => events.filter((event) => event.kind === 'playback-problem').map((event) => event.payload);

/** Where each segment starts and ends on the program clock, as the session plans it. */
function plannedTimes(playlist: Playlist, segmentId: string) {
  const entry = buildElasticPlan(playlist, []).entries.find((candidate) => candidate.segment.id === segmentId);
  if (entry === undefined) throw new Error(`${segmentId} is not in the plan`);
  return entry;
}

/** Samples the output level and what plays until the now-playing line leaves `title` (or `untilMs` passes). */
async function sampleWhilePlaying(page: Page, title: string, untilMs: number) {
  const samples: { at: number; level: number; playing: string }[] = [];
  const startedAt = Date.now();
  let seen = false;
  while (Date.now() - startedAt < untilMs) {
    const playing = (await page.getByTestId('now-playing').textContent({ timeout: 1000 }).catch(() => '')) ?? '';
    if (playing.startsWith(title)) seen = true;
    else if (seen) break;
    samples.push({ at: Date.now() - startedAt, level: await levelOf(page), playing });
    await page.waitForTimeout(100);
  }
  return samples.filter((sample) => sample.playing.startsWith(title));
}

test('a file whose media stops arriving mid-play is caught after 3 s, covered by a soundscape, journaled and noticed', async ({ page }) => {
  test.setTimeout(90_000);
  host = await startWebHost();
  const playlist = await installFixturePlaylist(
    host.dataDir,
    // First in the set, so it starts while its data still arrives: a file that had stalled
    // before it started would wait to load and be caught at 0 s, not mid-play.
    singlePhaseSet('stalling-set', 'Stalling set', (fixture) => [fixtureSegment(fixture, 'pink-mp3'), fixtureSegment(fixture, 'tone-mp3'), fixtureSegment(fixture, 'tone-flac')]),
  );
  const stalling = fixtureSegment(playlist, 'pink-mp3') as FileSegment;
  const bytes = await readFile(stalling.path);
  // The file's media route answers from a server that streams the first 40% (about 3 s of
  // audio) and then hangs with the answer still open, as a disk or network that hangs would.
  stallingServer = await startStallingMediaServer({ bytes, contentType: 'audio/mpeg', stallAtByte: Math.floor(bytes.length * 0.4), bytesPerSecond: 64_000 });
  const stallingUrl = stallingServer.url;
  await page.route('**/media/stalling-set/pink-mp3', (route: Route) => (route.request().method() === 'GET' ? route.continue({ url: stallingUrl }) : route.continue()));
  const sessionId = await start(page, /Stalling set/);

  await expect(page.getByText(/stopped moving at .* A soundscape covers it/))
    .toBeVisible({ timeout: 30_000 })
    .catch(async (error: unknown) => {
      throw new Error(`no stall noticed; journaled: ${JSON.stringify(problemsIn(await readJournalFile(host?.dataDir ?? '', sessionId)))}`, { cause: error });
    });
  expect(stallingServer.heldRequests()).toBeGreaterThan(0);
  // The soundscape bridges: the output sounds while the stalled file is still the one planned.
  const covered = await sampleWhilePlaying(page, 'pink noise, mp3', 10_000);
  expect(covered.length).toBeGreaterThan(0);
  expect(covered.filter((sample) => !(sample.level > -60))).toEqual([]);

  // The stalled file falls silent first: the silence alarm (2 s) covers it, then the stall
  // alarm (3 s) names the cause and stops the file.
  const problems = problemsIn(await readJournalFile(host.dataDir, sessionId));
  expect(problems.map((problem) => [problem.segmentId, problem.reason])).toEqual([
    ['pink-mp3', 'silence'],
    ['pink-mp3', 'stalled'],
  ]);
  const [silence, stall] = problems;
  const stalledAtSeconds = Number(/stopped moving at ([\d.]+) s/.exec(String(stall?.detail))?.[1]);
  expect(stalledAtSeconds).toBeGreaterThan(0.5);
  // Program time when the playhead stood still, then when each alarm went off.
  const stoppedAtMs = plannedTimes(playlist, 'pink-mp3').startMs + stalledAtSeconds * 1000;
  const silenceAfterMs = Number(silence?.programMs) - stoppedAtMs;
  const stallAfterMs = Number(stall?.programMs) - stoppedAtMs;
  expect(silenceAfterMs).toBeGreaterThanOrEqual(silenceMs - 300);
  expect(silenceAfterMs).toBeLessThanOrEqual(silenceMs + detectionSlackMs);
  expect(stallAfterMs).toBeGreaterThanOrEqual(stallMs - 300);
  expect(stallAfterMs).toBeLessThanOrEqual(stallMs + detectionSlackMs);
});

test('a file of digital silence mid-set is caught after 2 s and covered; the same file marked intentionally quiet is left alone', async ({ page }) => {
  test.setTimeout(120_000);
  host = await startWebHost();
  const playlist = await installFixturePlaylist(
    host.dataDir,
    singlePhaseSet('silent-set', 'Silent set', (fixture) => [
      fixtureSegment(fixture, 'tone-mp3'),
      silentFile('meant-silence', true),
      fixtureSegment(fixture, 'pink-mp3'),
      silentFile('unplanned-silence', false),
      fixtureSegment(fixture, 'tone-flac'),
    ]),
  );
  const sessionId = await start(page, /Silent set/);

  // The curator's silence plays as silence: no soundscape laid over it, no alarm.
  const meant = await sampleWhilePlaying(page, 'Digital silence, marked', 20_000);
  expect(meant.length).toBeGreaterThan(20);
  const meantMiddle = meant.filter((sample) => sample.at > (meant[0]?.at ?? 0) + 1500).slice(0, -2);
  expect(meantMiddle.filter((sample) => sample.level > -60)).toEqual([]);
  await expect(page.getByText(/A soundscape covers it/)).toHaveCount(0);

  const unplanned = await sampleWhilePlaying(page, 'Digital silence', 30_000);
  await expect(page.getByText(/was silent for 2 s; a soundscape covers it/)).toBeVisible();
  // The bridge: once the alarm is raised, the output sounds again before the segment is over.
  const lastSamples = unplanned.slice(-8);
  expect(lastSamples.length).toBeGreaterThan(0);
  expect(lastSamples.filter((sample) => !(sample.level > -60))).toEqual([]);

  const problems = problemsIn(await readJournalFile(host.dataDir, sessionId));
  expect(problems.map((problem) => [problem.segmentId, problem.reason])).toEqual([['unplanned-silence', 'silence']]);
  // The silence begins when the crossfade into it ends.
  const silentFrom = plannedTimes(playlist, 'unplanned-silence');
  const detectedAfterMs = Number(problems[0]?.programMs) - (silentFrom.startMs + silentFrom.fadeInMs);
  expect(detectedAfterMs).toBeGreaterThanOrEqual(silenceMs - 300);
  expect(detectedAfterMs).toBeLessThanOrEqual(silenceMs + detectionSlackMs);
});

test('the chosen output device vanishing mid-session is caught at once: sound moves to the default output, journaled and noticed', async ({ page }) => {
  test.setTimeout(60_000);
  host = await startWebHost();
  await installFixturePlaylist(
    host.dataDir,
    singlePhaseSet('device-set', 'Device set', (fixture) => [fixtureSegment(fixture, 'tone-mp3'), fixtureSegment(fixture, 'pink-mp3'), fixtureSegment(fixture, 'tone-flac')]),
  );
  const settingsPath = path.join(host.dataDir, 'settings.json');
  const settings = JSON.parse(await readFile(settingsPath, 'utf8')) as Record<string, unknown>;
  await writeFile(settingsPath, JSON.stringify({ ...settings, outputDeviceId: 'usb-headphones' }));
  // Headless Chromium has no output devices to pull out: a USB headset is simulated where
  // the app looks for it (enumerateDevices, AudioContext.setSinkId, the devicechange event).
  await page.addInitScript(() => {
    const state = { present: true, sinkCalls: [] as string[] };
    Object.assign(window, { fakeAudioDevice: state });
    const devices = navigator.mediaDevices;
    const realEnumerate = devices.enumerateDevices.bind(devices);
    devices.enumerateDevices = async () => {
      const real = await realEnumerate();
      if (!state.present) return real;
      const headset = { deviceId: 'usb-headphones', groupId: 'usb', kind: 'audiooutput', label: 'USB headphones', toJSON: () => ({}) } as MediaDeviceInfo;
      return [...real, headset];
    };
    Object.defineProperty(AudioContext.prototype, 'setSinkId', {
      configurable: true,
      value(this: AudioContext, sinkId: string) {
        state.sinkCalls.push(sinkId);
        if (sinkId === '' || (sinkId === 'usb-headphones' && state.present)) return Promise.resolve();
        return Promise.reject(new DOMException('the device is gone', 'NotFoundError'));
      },
    });
  });
  const sessionId = await start(page, /Device set/);
  await expect.poll(() => page.evaluate(() => (window as unknown as { fakeAudioDevice: { sinkCalls: string[] } }).fakeAudioDevice.sinkCalls)).toContain('usb-headphones');
  await expect.poll(() => levelOf(page), { timeout: 5000 }).toBeGreaterThan(-45);

  await page.evaluate(() => {
    (window as unknown as { fakeAudioDevice: { present: boolean } }).fakeAudioDevice.present = false;
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  });
  await expect(page.getByText('The chosen audio output disappeared; sound now goes to the system default output.')).toBeVisible({ timeout: 2000 });
  expect(await page.evaluate(() => (window as unknown as { fakeAudioDevice: { sinkCalls: string[] } }).fakeAudioDevice.sinkCalls.at(-1))).toBe('');
  // The music goes on, now on the default output.
  for (let index = 0; index < 10; index += 1) {
    expect(await levelOf(page)).toBeGreaterThan(-60);
    await page.waitForTimeout(100);
  }
  await expect.poll(async () => problemsIn(await readJournalFile(host?.dataDir ?? '', sessionId)).map((problem) => problem.reason)).toEqual(['device-lost']);
});
