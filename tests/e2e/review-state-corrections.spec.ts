import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { readJournalFile } from '../support/journal-file';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { bundledPlaylist, JournalDraft, writeSession } from './review-session-data';

let host: RunningWebHost;
const sessionId = '20261122-090000-states';
const minute = 60_000;
const ids: Record<string, string> = {};

/** An hour on the bundled generative session: within window, then hyperaroused with a stretch of dissociation over it, then within window again. */
async function writeStateSession(dataDir: string): Promise<void> {
  const playlist = await bundledPlaylist('generative-session');
  const startWallMs = Date.parse('2026-11-22T09:00:00.000Z');
  const draft = new JournalDraft(startWallMs, '57a7e000');
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  draft.add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  draft.add('segment-started', 0, { phaseId: 'onset', segmentId: 'onset-breath', programMs: 0 });
  ids.within = draft.add('client-state', 1 * minute, { stateId: 'within-window', action: 'set' });
  ids.hyper = draft.add('client-state', 20 * minute, { stateId: 'hyperaroused', action: 'set' });
  ids.opened = draft.add('client-state', 25 * minute, { stateId: 'dissociated', action: 'open' });
  ids.closed = draft.add('client-state', 30 * minute, { stateId: 'dissociated', action: 'close' });
  ids.calmer = draft.add('client-state', 40 * minute, { stateId: 'within-window', action: 'set' });
  draft.add('session-ended', 60 * minute, { reason: 'facilitator' });
  await writeSession(
    dataDir,
    {
      id: sessionId,
      playlistId: playlist.id,
      playlistTitle: playlist.title,
      clientCode: 'S-07',
      facilitators: 'AB',
      intention: '',
      substance: 'MDMA',
      dose: '120 mg',
      supplementalDosePlan: '',
      createdAt: new Date(startWallMs).toISOString(),
      status: 'ended',
      endedAt: new Date(startWallMs + 60 * minute).toISOString(),
    },
    draft,
  );
}

test.beforeAll(async () => {
  host = await startWebHost();
  await writeStateSession(host.dataDir);
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

const panel = (page: Page) => page.getByRole('region', { name: 'Client state' });
const stretchItems = (page: Page) => panel(page).locator('.state-spans > li');
const lane = (page: Page) => page.locator('[data-row="client-state"]');

async function downloadOf(page: Page, exportId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${exportId}"]`).click()]);
  return readFile(await download.path(), 'utf8');
}

test('a state stretch is corrected and one removed in review, with why and by whom: kept after a reload, journaled, on the timeline and in the exports', async ({ page }) => {
  await page.goto(`${host.url}/#/review/${sessionId}`);
  await expect(stretchItems(page)).toHaveText([/^Within window 0:01:00–0:20:00/, /^Hyperaroused 0:20:00–0:40:00/, /^Dissociated \/ numb 0:25:00–0:30:00 · over the band/, /^Within window 0:40:00–1:00:00 \(held until the end\)/]);
  await page.getByLabel('Initials to sign corrections with').fill('AB');

  // Hyperaroused was keyed for hypoaroused, and the client settled five minutes later than keyed.
  await panel(page).getByRole('button', { name: 'Correct Hyperaroused 0:20:00–0:40:00' }).click();
  const form = panel(page).getByRole('group', { name: 'Correct Hyperaroused from 0:20:00' });
  await form.getByLabel('State of Hyperaroused from 0:20:00').selectOption('hypoaroused');
  await form.getByLabel('End of Hyperaroused from 0:20:00').fill('0:45:00');
  // No reason, no correction: said on screen, nothing journaled.
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(form.getByRole('alert')).toHaveText('Say why (a few words): the reason is kept with the correction.');
  // An end past the next stretch's end would reorder the band: refused with the reason.
  await form.getByLabel('End of Hyperaroused from 0:20:00').fill('1:10:00');
  await form.getByLabel('Why correct Hyperaroused from 0:20:00').fill('Keyed the wrong state; settled later');
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(form.getByRole('alert')).toContainText('It cannot end after Within window ended (1:00:00)');
  expect((await readJournalFile(host.dataDir, sessionId)).filter((event) => event.kind === 'client-state-corrected')).toHaveLength(0);
  await form.getByLabel('End of Hyperaroused from 0:20:00').fill('0:45:00');
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(page.getByTestId('correction-notice')).toHaveText('Hyperaroused from 0:20:00 corrected.');
  await expect(stretchItems(page).nth(1)).toContainText('Hypoaroused 0:20:00–0:45:00');

  // The dissociation was sleep: removed, opening and closing together.
  await panel(page).getByRole('button', { name: 'Correct Dissociated / numb 0:25:00–0:30:00' }).click();
  const dissociation = panel(page).getByRole('group', { name: 'Correct Dissociated / numb from 0:25:00' });
  await dissociation.getByLabel('Why correct Dissociated / numb from 0:25:00').fill('Asleep, not numb');
  await dissociation.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('correction-notice')).toContainText('Dissociated / numb from 0:25:00 removed');

  await page.reload();
  await expect(stretchItems(page)).toHaveText([/^Within window 0:01:00–0:20:00/, /^Hypoaroused 0:20:00–0:45:00/, /^Within window 0:45:00–1:00:00/]);
  // The state correction of the change that ended the first stretch belongs to the next one; the first has none.
  await expect(stretchItems(page).nth(0).getByTestId('state-history')).toHaveCount(0);
  const history = stretchItems(page).nth(1).getByTestId('state-history');
  await expect(history).toContainText('in review by AB · Hyperaroused → Hypoaroused — “Keyed the wrong state; settled later”');
  await expect(history).toContainText('in review by AB · moved 0:40:00 → 0:45:00 — “Keyed the wrong state; settled later”');
  const removed = panel(page).getByTestId('removed-state-changes');
  await removed.locator('summary').click();
  await expect(removed).toContainText('Removed state changes (2)');
  await expect(removed.locator('li[data-state="dissociated"]').first()).toContainText('removed — “Asleep, not numb”');
  await expect(lane(page).locator('rect[data-state="hypoaroused"]')).toHaveCount(1);
  await expect(lane(page).locator('rect[data-state="hyperaroused"]')).toHaveCount(0);
  await expect(lane(page).locator('rect[data-state="dissociated"]')).toHaveCount(0);

  // Journaled as corrections beside what was keyed: nothing rewritten.
  const journal = await readJournalFile(host.dataDir, sessionId);
  expect(journal.filter((event) => event.kind === 'client-state')).toHaveLength(5);
  expect(journal.filter((event) => event.kind === 'client-state-corrected').map((event) => event.payload)).toEqual([
    { stateEventId: ids.hyper, stateId: 'hypoaroused', note: 'Keyed the wrong state; settled later', from: 'review', by: 'AB' },
    { stateEventId: ids.calmer, movedToSessionMs: 45 * minute, note: 'Keyed the wrong state; settled later', from: 'review', by: 'AB' },
    { stateEventId: ids.opened, deleted: true, note: 'Asleep, not numb', from: 'review', by: 'AB' },
    { stateEventId: ids.closed, deleted: true, note: 'Asleep, not numb', from: 'review', by: 'AB' },
  ]);

  const json = JSON.parse(await downloadOf(page, 'json')) as { stateSpans: { stateId: string; startTime: string; endTime: string; corrected: boolean }[] };
  expect(json.stateSpans.map(({ stateId, startTime, endTime, corrected }) => ({ stateId, startTime, endTime, corrected }))).toEqual([
    { stateId: 'within-window', startTime: '0:01:00', endTime: '0:20:00', corrected: false },
    { stateId: 'hypoaroused', startTime: '0:20:00', endTime: '0:45:00', corrected: true },
    { stateId: 'within-window', startTime: '0:45:00', endTime: '1:00:00', corrected: true },
  ]);
  const csv = await downloadOf(page, 'csv');
  expect(csv).toContain('state:hypoaroused');
  expect(csv).not.toContain('state:hyperaroused');
  expect(csv).not.toContain('state:dissociated');
});
