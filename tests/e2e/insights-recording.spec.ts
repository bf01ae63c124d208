import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Playlist } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { JournalDraft, metaFor, writeSession } from './review-session-data';

let host: RunningWebHost;

test.use({ timezoneId: 'UTC' });

/** One session that plays `segmentId` of `playlist` for a minute, with a resonance mark in it. */
async function sessionOn(dataDir: string, playlist: Playlist, segmentId: string, id: string, day: string, idPrefix: string): Promise<void> {
  const startWallMs = Date.parse(`${day}T09:00:00.000Z`);
  const draft = new JournalDraft(startWallMs, idPrefix);
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  draft.add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  draft.add('segment-started', 0, { phaseId: 'onset', segmentId, programMs: 0 });
  draft.add('mark', 5000, { markKind: 'resonance', phaseId: 'onset', segmentId, positionMs: 5000, reactionOffsetMs: 0 });
  draft.add('session-ended', 60_000, { reason: 'facilitator' });
  const meta = metaFor(id, playlist, new Date(startWallMs).toISOString(), new Date(startWallMs + 60_000).toISOString(), 'R-02', { facilitators: '', substance: '', dose: '' });
  await writeSession(dataDir, meta, draft);
}

test.beforeAll(async () => {
  host = await startWebHost();
  const original = await installFixturePlaylist(host.dataDir);
  // A "Duplicate to edit" copy: another id and title, the mp3 tone under another segment id.
  const copy: Playlist = {
    ...original,
    id: 'fixture-copy',
    title: 'Fixture copy',
    phases: original.phases.map((phase) => ({
      ...phase,
      segments: phase.segments.map((segment) => (segment.id === 'tone-mp3' ? { ...segment, id: 'sine-again' } : segment)),
    })),
  };
  await writeFile(path.join(host.dataDir, 'playlists', `${copy.id}.json`), JSON.stringify(copy, null, 2));
  await sessionOn(host.dataDir, original, 'tone-mp3', '20261110-090000-first1', '2026-11-10', 'f1f1f1f1');
  await sessionOn(host.dataDir, copy, 'sine-again', '20261111-090000-second', '2026-11-11', 'f2f2f2f2');
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

test('a recording used in two playlists is one row of insights, naming both', async ({ page }) => {
  await page.goto(host.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByTestId('insights-summary')).toContainText('2 sessions · 1 track');
  const rows = page.locator('.insights-table tbody tr');
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row.getByRole('rowheader')).toHaveText('440 Hz sine, mp3, -18 LUFS — make-audio.mjs');
  await expect(row.getByRole('cell').first()).toHaveText('Fixture copy · Generated audio fixtures');
  await expect(row.getByRole('cell').nth(1)).toHaveText('2');
  await row.getByText('By phase and state').click();
  await expect(row.getByText(/in 2 places/)).toBeVisible();
});
