import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { playlistSchema, type Playlist } from '../../core/playlist';
import { generatedDir } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { JournalDraft, metaFor, writeSession } from './review-session-data';

let host: RunningWebHost;
let folder: string;

test.use({ timezoneId: 'UTC' });

/** A session on `segmentId` of `playlist` for a minute, with the marks given (kind and intensity). */
async function sessionOn(playlist: Playlist, segmentId: string, index: number, marks: readonly { kind: string; intensity?: number }[]): Promise<void> {
  const day = `2026-11-${String(10 + index).padStart(2, '0')}`;
  const startWallMs = Date.parse(`${day}T09:00:00.000Z`);
  const draft = new JournalDraft(startWallMs, `${String(index).padStart(2, '0')}ab12cd`);
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  draft.add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  draft.add('segment-started', 0, { phaseId: 'onset', segmentId, programMs: 0 });
  marks.forEach((mark, offset) => {
    const sessionMs = 2000 + offset * 1000;
    draft.add('mark', sessionMs, { markKind: mark.kind, phaseId: 'onset', segmentId, positionMs: sessionMs, reactionOffsetMs: 0, ...(mark.intensity === undefined ? {} : { intensity: mark.intensity }) });
  });
  draft.add('session-ended', 60_000, { reason: 'facilitator' });
  const meta = metaFor(`${day.replaceAll('-', '')}-090000-lib${String(index).padStart(3, '0')}`, playlist, new Date(startWallMs).toISOString(), new Date(startWallMs + 60_000).toISOString(), `L-${index % 2}`, { facilitators: '', substance: '', dose: '' });
  await writeSession(host.dataDir, meta, draft);
}

test.beforeAll(async () => {
  host = await startWebHost();
  folder = await mkdtemp(path.join(os.tmpdir(), 'attune-library-insights-'));
  await copyFile(path.join(generatedDir, 'tone-440hz-normal.mp3'), path.join(folder, 'tone-440hz-normal.mp3'));
  await copyFile(path.join(generatedDir, 'pink-noise-normal.flac'), path.join(folder, 'pink-noise-normal.flac'));
  await copyFile(path.join(generatedDir, 'tone-440hz-quiet.flac'), path.join(folder, 'quiet tone.flac'));
  // An imported playlist: the files by path and duration, no tags (the fixtures have none either), the files elsewhere.
  const playlist = playlistSchema.parse({
    format: 'attune.playlist',
    version: 1,
    id: 'imported-set',
    title: 'Imported set',
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: 1,
        segments: [
          { type: 'file', id: 'tone', path: '/another/computer/Music/tone-440hz-normal.mp3', durationSeconds: 8 },
          { type: 'file', id: 'pink', path: '/another/computer/Music/pink-noise-normal.flac', durationSeconds: 8 },
        ],
      },
    ],
  });
  await mkdir(path.join(host.dataDir, 'playlists'), { recursive: true });
  await writeFile(path.join(host.dataDir, 'playlists', `${playlist.id}.json`), JSON.stringify(playlist, null, 2));
  await sessionOn(playlist, 'tone', 0, [{ kind: 'resonance', intensity: 5 }, { kind: 'distress' }]);
  await sessionOn(playlist, 'tone', 1, [{ kind: 'resonance' }]);
  await sessionOn(playlist, 'tone', 2, [{ kind: 'resonance', intensity: 5 }]);
  await sessionOn(playlist, 'pink', 3, [{ kind: 'resonance' }]);
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
  await rm(folder, { recursive: true, force: true });
});

test('the library shows beside each track what the sessions say of its recording: quiet, detail on hover and focus, too few sessions said so', async ({ page }) => {
  await page.goto(`${host.url}/#/library`);
  await page.getByLabel('Music folder to add (full path)').fill(folder);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('.root-row', { hasText: folder })).toBeVisible();
  await page.getByRole('button', { name: 'Scan library' }).click();
  await expect(page.locator('.job-summary')).toContainText('3 tracks in the library', { timeout: 30_000 });

  const rows = page.locator('.track-table tbody tr');
  await expect(rows).toHaveCount(3);
  const tone = rows.filter({ hasText: 'tone-440hz-normal' });
  const figure = tone.locator('.track-insight').getByRole('button');
  await expect(figure).toHaveText('3 sessions');
  const detail = tone.getByRole('tooltip');
  await expect(detail).toBeHidden();

  // Reached by keyboard: the detail shows while the figure has the focus.
  await figure.focus();
  await expect(detail).toBeVisible();
  await expect(detail).toContainText('3 sessions, 2 clients · 3.0 min played');
  // Resonance 3 marks in 3 minutes: 60 / h counted; weighed 5/3 + 1 + 5/3 = 4.33 marks: 86.67 / h.
  await expect(detail.locator('[data-kind="resonance"]')).toHaveText('Resonance: 3 · 60.00 / h · weighed by intensity 86.67 / h');
  await expect(detail.locator('[data-kind="distress"]')).toContainText('Distress: 1 · 20.00 / h');
  await figure.blur();
  await expect(detail).toBeHidden();
  // The pointer over the figure, moved there directly (Playwright's hover kept waiting for the figure to be "stable" here, though its box does not move).
  const box = await figure.boundingBox();
  if (box === null) throw new Error('the figure has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect(detail).toBeVisible();

  // One session only: not shown as a trend.
  const pink = rows.filter({ hasText: 'pink-noise-normal' });
  await expect(pink.locator('.track-insight').getByRole('button')).toHaveText('too few sessions');
  // Never played in a session: nothing but words for a screen reader.
  const quiet = rows.filter({ hasText: 'quiet tone' });
  await expect(quiet.locator('.track-insight').getByRole('button')).toHaveCount(0);
  await expect(quiet.locator('.track-insight')).toHaveText('Not played in any session');
});
