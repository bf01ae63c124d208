import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Playlist } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { JournalDraft, metaFor, writeSession } from './review-session-data';

let host: RunningWebHost;

interface PlayedSegment {
  readonly segmentId: string;
  readonly marks: readonly string[];
}

/** One ended session of `playlist` that plays each segment for a minute, with its marks in that minute. */
async function sessionOn(playlist: Playlist, played: readonly PlayedSegment[], session: { id: string; day: string; idPrefix: string; clientCode: string }): Promise<void> {
  const startWallMs = Date.parse(`${session.day}T09:00:00.000Z`);
  const draft = new JournalDraft(startWallMs, session.idPrefix);
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  draft.add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  played.forEach(({ segmentId, marks }, index) => {
    const startMs = index * 60_000;
    draft.add('segment-started', startMs, { phaseId: 'onset', segmentId, programMs: startMs });
    marks.forEach((markKind, markIndex) => {
      const positionMs = 5000 + markIndex * 1000;
      draft.add('mark', startMs + positionMs, { markKind, phaseId: 'onset', segmentId, positionMs, reactionOffsetMs: 0 });
    });
  });
  const endMs = played.length * 60_000;
  draft.add('session-ended', endMs, { reason: 'facilitator' });
  const meta = metaFor(session.id, playlist, new Date(startWallMs).toISOString(), new Date(startWallMs + endMs).toISOString(), session.clientCode, { facilitators: '', substance: '', dose: '' });
  await writeSession(host.dataDir, meta, draft);
}

test.beforeAll(async () => {
  host = await startWebHost();
  const original = await installFixturePlaylist(host.dataDir);
  // Three sessions (two clients) played the mp3 tone with marks; one played the mp3 noise.
  await sessionOn(original, [{ segmentId: 'tone-mp3', marks: ['resonance', 'resonance', 'distress'] }, { segmentId: 'pink-mp3', marks: ['resonance'] }], {
    id: '20261110-090000-first1',
    day: '2026-11-10',
    idPrefix: 'e1e1e1e1',
    clientCode: 'R-02',
  });
  await sessionOn(original, [{ segmentId: 'tone-mp3', marks: ['resonance'] }], { id: '20261111-090000-second', day: '2026-11-11', idPrefix: 'e2e2e2e2', clientCode: 'R-02' });
  await sessionOn(original, [{ segmentId: 'tone-mp3', marks: ['resonance', 'dose'] }], { id: '20261112-090000-third1', day: '2026-11-12', idPrefix: 'e3e3e3e3', clientCode: 'K-07' });
  // A copy never played, the mp3 tone under another segment id: the recording's history follows it.
  const copy: Playlist = {
    ...original,
    id: 'fixture-copy',
    title: 'Fixture copy',
    phases: original.phases.map((phase) => ({ ...phase, segments: phase.segments.map((segment) => (segment.id === 'tone-mp3' ? { ...segment, id: 'sine-again' } : segment)) })),
  };
  await writeFile(path.join(host.dataDir, 'playlists', `${copy.id}.json`), JSON.stringify(copy, null, 2));
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

const insightOf = (page: Page, segmentId: string) => page.locator(`.segment-row[data-segment-id="${segmentId}"] .segment-insight`);

test('beside each segment: sessions, clients and marks by kind from three sessions on, "too few sessions" below, the detail on keyboard focus', async ({ page }) => {
  await page.goto(`${host.url}/#/playlists/fixture-playlist`);
  const tone = insightOf(page, 'tone-mp3');
  await expect(tone).toHaveAttribute('data-insight', 'trend');
  // Dose is a protocol event, not something the music drew.
  await expect(tone.locator('.insight-badge')).toHaveText('3 sessions · 2 clients · Resonance 4 · Distress 1');
  await expect(insightOf(page, 'pink-mp3').locator('.insight-badge')).toHaveText('too few sessions (1)');
  await expect(insightOf(page, 'pink-mp3')).not.toContainText('Resonance');
  await expect(insightOf(page, 'tone-m4a').locator('.insight-badge')).toHaveText('too few sessions (none yet)');

  const detail = tone.getByRole('tooltip');
  await expect(detail).toBeHidden();
  await tone.getByRole('button').focus();
  await expect(detail).toBeVisible();
  await expect(detail).toContainText('Played in 3 sessions, 2 clients, 3 min in all.');
  await expect(detail).toContainText('Resonance: 4 (80.0 per hour played)');
  const folder = process.env.ATTUNE_SCREENSHOTS;
  if (folder !== undefined) await page.screenshot({ path: path.join(folder, 'playlist-editor-insights.png') });
  await expect(tone.getByRole('button')).toHaveAccessibleDescription(/Distress: 1/);
  await page.keyboard.press('Tab');
  await expect(detail).toBeHidden();
});

test('a copy that was never played shows its recording\'s sessions under the new segment id', async ({ page }) => {
  await page.goto(`${host.url}/#/playlists/fixture-copy`);
  await expect(insightOf(page, 'sine-again').locator('.insight-badge')).toHaveText('3 sessions · 2 clients · Resonance 4 · Distress 1');
  await expect(insightOf(page, 'pink-mp3').locator('.insight-badge')).toHaveText('too few sessions (1)');
});
