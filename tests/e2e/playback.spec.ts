import { startSessionFromHome } from '../support/start-session';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Playlist } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { readJournalFile } from '../support/journal-file';

let host: RunningWebHost | undefined;

test.afterEach(async () => {
  if (host === undefined) return;
  await host.stop();
  await removeDataDir(host.dataDir);
  host = undefined;
});

/** Three files that play, then three that cannot (truncated, not audio, missing), then a soundscape. */
function shortSet(playlist: Playlist): Playlist {
  const find = (id: string) => {
    const segment = playlist.phases.flatMap((phase) => phase.segments).find((candidate) => candidate.id === id);
    if (segment === undefined) throw new Error(`fixture segment ${id} is missing`);
    return segment;
  };
  return {
    ...playlist,
    id: 'short-files',
    title: 'Short files',
    crossfadeSeconds: 2,
    phases: [
      { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 22 / 60, segments: [find('tone-mp3'), find('pink-m4a'), find('tone-quiet')] },
      { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 20 / 60, segments: [find('truncated'), find('not-audio'), find('missing')] },
      { id: 'return', kind: 'return', title: 'Return', targetMinutes: 8 / 60, segments: [find('closing')] },
    ],
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

test('files play through crossfades at matched loudness; broken files are covered and journaled', async ({ page }) => {
  test.setTimeout(90_000);
  host = await startWebHost();
  await installFixturePlaylist(host.dataDir, shortSet);
  const sessionId = await start(page, /Short files/);

  const samples: { at: number; level: number; playing: string }[] = [];
  const startedAt = Date.now();
  while (!(await page.getByTestId('closing-notice').isVisible())) {
    if (Date.now() - startedAt > 70_000) throw new Error('the short set did not end in time');
    const playing = (await page.getByTestId('now-playing').textContent({ timeout: 1000 }).catch(() => '')) ?? '';
    samples.push({ at: Date.now() - startedAt, level: await levelOf(page), playing });
    await page.waitForTimeout(100);
  }
  // Past the start fade and before the last soundscape's fade to silence, nothing goes silent.
  const audible = samples.filter((sample) => sample.at > 2500 && sample.at < 44_000);
  const silent = audible.filter((sample) => !(sample.level > -60));
  expect(silent, `silent moments: ${JSON.stringify(silent.slice(0, 5))}`).toEqual([]);

  // Loudness normalisation: the file mastered 12 dB quieter comes out as loud as the others.
  const steadyLevel = (title: string) => {
    const levels = samples.filter((sample) => sample.playing.startsWith(title)).map((sample) => sample.level).slice(4, -4);
    return levels.reduce((sum, level) => sum + level, 0) / levels.length;
  };
  expect(Math.abs(steadyLevel('440 Hz sine, 12 dB quieter') - steadyLevel('440 Hz sine, mp3'))).toBeLessThan(2);

  const problems = (await readJournalFile(host?.dataDir ?? '', sessionId)).filter((event) => event.kind === 'playback-problem').map((event) => event.payload);
  expect(problems.map((problem) => [problem.segmentId, problem.reason])).toEqual([
    ['not-audio', 'not-audio'],
    ['missing', 'missing'],
    ['truncated', 'unreadable'],
  ]);
  expect(String(problems.find((problem) => problem.segmentId === 'missing')?.path)).toContain('missing-file.flac');
});

test('quiet fades to silence and back, the music keeps its place; volume keys ramp the level', async ({ page }) => {
  test.setTimeout(60_000);
  host = await startWebHost();
  // Steady tones and noise at −18 LUFS, so a level change is the volume's, not the music's.
  await installFixturePlaylist(host.dataDir, shortSet);
  const sessionId = await start(page, /Short files/);
  await expect.poll(() => levelOf(page), { timeout: 5000 }).toBeGreaterThan(-30);
  await page.waitForTimeout(500);

  const before = await levelOf(page);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('volume')).toHaveText('40%');
  await expect.poll(() => levelOf(page), { timeout: 3000 }).toBeLessThan(before - 3);

  await page.keyboard.press('q');
  await expect(page.locator('.live-now .label')).toContainText('quiet');
  await expect.poll(() => levelOf(page), { timeout: 8000 }).toBeLessThan(-60);
  const heldAt = await page.getByTestId('now-playing').locator('xpath=following-sibling::div').textContent();
  await page.waitForTimeout(1500);
  expect(await page.getByTestId('now-playing').locator('xpath=following-sibling::div').textContent()).toBe(heldAt);

  await page.keyboard.press('q');
  await expect.poll(() => levelOf(page), { timeout: 8000 }).toBeGreaterThan(-50);
  const events = await readJournalFile(host?.dataDir ?? '', sessionId);
  expect(events.filter((event) => event.kind === 'quiet').map((event) => event.payload.action)).toEqual(['start', 'end']);
  expect(events.filter((event) => event.kind === 'volume')).toHaveLength(3);
  // The set's broken files are checked (and reported) ahead; a quiet passage itself must not
  // look like a stall or unexpected silence.
  const problems = events.filter((event) => event.kind === 'playback-problem').map((event) => event.payload);
  expect(problems.filter((problem) => problem.reason === 'stalled' || problem.reason === 'silence')).toEqual([]);
});

/** A quiet passage: the 12 dB quieter tone three times, its loudness unknown (so played as a loud master would be, 7 dB down). */
function quietPassage(playlist: Playlist): Playlist {
  const tone = playlist.phases.flatMap((phase) => phase.segments).find((segment) => segment.id === 'tone-quiet');
  if (tone === undefined || tone.type !== 'file') throw new Error('fixture segment tone-quiet is missing');
  const copies = ['a', 'b', 'c'].map((suffix) => ({ ...tone, id: `tone-quiet-${suffix}`, loudness: undefined }));
  return {
    ...playlist,
    id: 'quiet-passage',
    title: 'Quiet passage',
    crossfadeSeconds: 0.5,
    phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 24 / 60, segments: copies }],
  };
}

test('at the lowest volume a quiet passage reads under −60 dBFS at the output, and the watchdog does not take it for silence', async ({ page }) => {
  test.setTimeout(60_000);
  host = await startWebHost();
  await installFixturePlaylist(host.dataDir, quietPassage);
  const sessionId = await start(page, /Quiet passage/);
  await expect.poll(() => levelOf(page), { timeout: 5000 }).toBeGreaterThan(-45);
  for (let step = 0; step < 25; step += 1) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('volume')).toHaveText('1%');
  await expect.poll(() => levelOf(page), { timeout: 5000 }).toBeLessThan(-60);
  // Well past the watchdog's 2 s: the programme still plays, only the volume is low.
  await page.waitForTimeout(4000);
  expect(await levelOf(page)).toBeLessThan(-60);
  await expect(page.getByText(/A soundscape covers it/)).toHaveCount(0);
  const events = await readJournalFile(host.dataDir, sessionId);
  expect(events.filter((event) => event.kind === 'playback-problem')).toEqual([]);
});

test('with a quiet bed set, quiet fades the music out and a soft soundscape in', async ({ page }) => {
  test.setTimeout(60_000);
  host = await startWebHost();
  await writeFile(path.join(host.dataDir, 'settings.json'), JSON.stringify({ quietBed: 'earth' }));
  await start(page, /Generative session/);
  await expect.poll(() => levelOf(page), { timeout: 5000 }).toBeGreaterThan(-45);
  await page.keyboard.press('q');
  await expect(page.locator('.live-now .label')).toContainText('quiet');
  // After the 5 s fade the music bus is silent, yet the bed keeps sounding.
  await page.waitForTimeout(7000);
  const levels: number[] = [];
  for (let index = 0; index < 10; index += 1) {
    levels.push(await levelOf(page));
    await page.waitForTimeout(200);
  }
  expect(Math.min(...levels)).toBeGreaterThan(-60);
  await page.keyboard.press('q');
  await expect(page.locator('.live-now .label')).not.toContainText('quiet');
});
