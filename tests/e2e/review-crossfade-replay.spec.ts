import { expect, test, type Page } from '@playwright/test';
import type { Playlist, Segment } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { JournalDraft, writeSession } from './review-session-data';

let host: RunningWebHost | undefined;

test.afterEach(async () => {
  if (host === undefined) return;
  await host.stop();
  await removeDataDir(host.dataDir);
  host = undefined;
});

const sessionId = '20261121-090000-xfade1';

/** The 440 Hz tone crossfading into pink noise over 4 s (half of each 8 s file, the most the plan allows). */
function crossfadeSet(playlist: Playlist): Playlist {
  const find = (id: string): Segment => {
    const segment = playlist.phases.flatMap((phase) => phase.segments).find((candidate) => candidate.id === id);
    if (segment === undefined) throw new Error(`fixture segment ${id} is missing`);
    return segment;
  };
  return {
    ...playlist,
    id: 'crossfade-set',
    title: 'Crossfade set',
    crossfadeSeconds: 4,
    phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 12 / 60, segments: [find('tone-mp3'), find('pink-mp3')] }],
  };
}

interface ElementReading {
  readonly src: string;
  readonly currentTime: number;
  readonly paused: boolean;
}

/** Every media element that was asked to play, as it is now. */
const readElements = (page: Page) =>
  page.evaluate(() => ((window as unknown as { playedElements?: HTMLMediaElement[] }).playedElements ?? []).map((element) => ({ src: element.src, currentTime: element.currentTime, paused: element.paused })));

test('a mark inside a crossfade replays both pieces together, each where the session had it', async ({ page }) => {
  test.setTimeout(60_000);
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir, crossfadeSet);
  // The pink noise started 4 s into the tone's fade; the mark is 1 s after that, so the
  // replay (from 10 s before the mark, never before the piece) starts at the crossfade's start.
  const startWallMs = Date.parse('2026-11-21T09:00:00.000Z');
  const draft = new JournalDraft(startWallMs, 'c0ffee00');
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  draft.add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  draft.add('segment-started', 0, { phaseId: 'onset', segmentId: 'tone-mp3', programMs: 0 });
  draft.add('segment-started', 4000, { phaseId: 'onset', segmentId: 'pink-mp3', programMs: 4000 });
  draft.add('mark', 5000, { markKind: 'resonance', phaseId: 'onset', segmentId: 'pink-mp3', positionMs: 1000, reactionOffsetMs: 0 });
  draft.add('session-ended', 12_000, { reason: 'facilitator' });
  await writeSession(
    host.dataDir,
    {
      id: sessionId,
      playlistId: playlist.id,
      playlistTitle: playlist.title,
      clientCode: 'X-01',
      facilitators: 'AB',
      intention: '',
      substance: 'MDMA',
      dose: '120 mg',
      supplementalDosePlan: '',
      createdAt: new Date(startWallMs).toISOString(),
      status: 'ended',
      endedAt: new Date(startWallMs + 12_000).toISOString(),
    },
    draft,
  );
  await page.addInitScript(() => {
    const played: HTMLMediaElement[] = [];
    Object.assign(window, { playedElements: played });
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!played.includes(this)) played.push(this);
      return play.call(this);
    };
  });
  await page.goto(`${host.url}/?diagnostics#/review/${sessionId}`);
  await page.locator('.tl-pin[data-kind="resonance"]').click();
  await expect(page.getByTestId('mark-details')).toContainText('Resonance');
  const row = page.locator('.mark-row[data-mark-kind="resonance"]');
  await row.getByRole('button', { name: /^Replay Resonance/ }).click();
  await expect(page.getByTestId('replay-status')).toHaveAttribute('data-replay-status', 'playing');

  // Inside the 4 s crossfade both files play at once: the tone in its last 4 s, the noise in its first.
  const both = async () => {
    const elements = await readElements(page);
    const playing = (name: string) => elements.find((element: ElementReading) => element.src.endsWith(`/media/crossfade-set/${name}`) && !element.paused);
    const tone = playing('tone-mp3');
    const pink = playing('pink-mp3');
    return tone !== undefined && pink !== undefined && tone.currentTime > 4 && tone.currentTime < 8 && pink.currentTime > 0 && pink.currentTime < 4;
  };
  await expect.poll(both, { timeout: 3000, intervals: [50] }).toBe(true);
  await expect
    .poll(() => page.evaluate(() => window.__attuneDiagnostics?.outputLevelDb() ?? Number.NEGATIVE_INFINITY), { timeout: 3000, intervals: [100] })
    .toBeGreaterThan(-40);
  // Once the crossfade is over, the tone has stopped and the noise plays on alone.
  await expect
    .poll(
      async () => {
        const elements = await readElements(page);
        // howler unlocks audio with elements that never get a source; they are not ours.
        return elements.filter((element) => element.src !== '' && !element.paused).map((element) => element.src.split('/').at(-1));
      },
      { timeout: 8000, intervals: [200] },
    )
    .toEqual(['pink-mp3']);
  await expect(page.getByTestId('replay-status')).toHaveAttribute('data-replay-status', 'playing');
});
