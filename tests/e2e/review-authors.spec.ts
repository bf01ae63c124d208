import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import type { JournalEventInput } from '../../core/events';
import { sessionCsvColumns } from '../../core/exports';
import { parseCsvStrict } from '../fixtures/sessions/rfc4180';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;
const minute = 60_000;
const tablet = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

test.beforeAll(async () => {
  host = await startWebHost();
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

/** One contract call, made by the page the way the app makes it in the web host. */
async function callHost<T>(page: Page, channel: string, request: unknown): Promise<T> {
  const result = await page.evaluate(
    async ({ channel: name, request: body }) => (await fetch(`api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json(),
    { channel, request },
  );
  const answer = result as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.message}`);
  return answer.value;
}

type Draft = Omit<JournalEventInput, 'id'>;
const place = { phaseId: 'onset', segmentId: 'onset-breath' };

/** Starts a session on the bundled generative playlist, journals `events` through journal:append, and ends it. */
async function journaledSession(page: Page, clientCode: string, events: readonly Draft[]): Promise<string> {
  const meta = await callHost<{ id: string }>(page, 'sessions:start', { playlistId: 'generative-session', clientCode, facilitators: 'MK, JS' });
  const opening: Draft[] = [
    { kind: 'playback', sessionMs: 0, payload: { action: 'play', programMs: 0 } },
    { kind: 'phase-started', sessionMs: 0, payload: { phaseId: 'onset', programMs: 0 } },
    { kind: 'segment-started', sessionMs: 0, payload: { ...place, programMs: 0 } },
  ];
  await callHost(page, 'journal:append', { sessionId: meta.id, events: [...opening, ...events].map((event) => ({ id: crypto.randomUUID(), ...event })) });
  await callHost(page, 'sessions:end', { sessionId: meta.id, eventId: crypto.randomUUID(), sessionMs: 20 * minute, reason: 'facilitator' });
  return meta.id;
}

const mark = (sessionMs: number, markKind: string, extra: object = {}): Draft => ({
  kind: 'mark',
  sessionMs,
  payload: { markKind, ...place, positionMs: sessionMs, reactionOffsetMs: 0, ...extra },
});

async function downloadOf(page: Page, exportId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${exportId}"]`).click()]);
  return readFile(await download.path(), 'utf8');
}

test('a session marked by two facilitators: the timeline filters by author, the details and summary say who, the exports carry it', async ({ page }) => {
  await page.goto(host.url);
  const sessionId = await journaledSession(page, 'CF-01', [
    mark(1 * minute, 'resonance'),
    { kind: 'co-facilitator', sessionMs: 2 * minute, payload: { action: 'joined', device: 'main', by: 'MK' } },
    { kind: 'co-facilitator', sessionMs: 3 * minute, payload: { action: 'joined', device: tablet, by: 'JS' } },
    mark(4 * minute, 'resonance', { by: 'MK' }),
    mark(5 * minute, 'distress', { by: 'MK', note: 'shaking' }),
    mark(7 * minute, 'resonance', { by: 'JS' }),
    // Made on the tablet at 0:06 while its link was down, journaled after the 0:07 mark.
    mark(6 * minute, 'breakthrough', { by: 'JS', late: true, note: 'laughing, then tears' }),
    { kind: 'co-facilitator', sessionMs: 10 * minute, payload: { action: 'left', device: tablet, by: 'JS', reason: 'removed' } },
  ]);

  await page.goto(`${host.url}/#/review/${sessionId}`);
  await expect(page.locator('.timeline-viewport')).toBeVisible();

  const summary = page.getByTestId('summary-author-counts');
  await expect(summary.locator('[data-author="MK"]')).toHaveText('MK 2');
  await expect(summary.locator('[data-author="JS"]')).toHaveText('JS 2');
  await expect(summary.locator('[data-author=""]')).toHaveText('not signed 1');

  const authorFilter = page.getByRole('group', { name: 'Marks by' });
  const byJs = authorFilter.getByRole('button', { name: 'JS 2' });
  await expect(authorFilter.getByRole('button')).toHaveText(['MK 2', 'JS 2', 'not signed 1']);
  const resonanceCount = page.locator('[data-filter-kind="resonance"] .muted');
  await expect(resonanceCount).toHaveText('3');

  // By keyboard: Tab reaches the toggles like the kind filters'; Space hides JS's marks.
  await authorFilter.getByRole('button', { name: 'MK 2' }).focus();
  await page.keyboard.press('Tab');
  await expect(byJs).toBeFocused();
  await page.keyboard.press('Space');
  await expect(byJs).toHaveAttribute('aria-pressed', 'false');
  await expect(resonanceCount).toHaveText('2');
  await expect(page.locator('[data-filter-kind="breakthrough"] .muted')).toHaveText('0');

  // Stepping through the timeline now skips JS's marks; the unsigned and MK's stay, as do the events.
  const viewport = page.locator('.timeline-viewport');
  await viewport.focus();
  await page.keyboard.press('Home');
  const details = page.getByTestId('mark-details');
  const seen: string[] = [];
  for (let step = 0; step < 12; step += 1) {
    await page.keyboard.press('.');
    const heading = (await details.locator('h3').textContent()) ?? '';
    if (seen.at(-1) === heading) break;
    seen.push(heading);
  }
  expect(seen.filter((heading) => /^(Resonance|Distress|Breakthrough) at/.test(heading))).toEqual(['Resonance at 0:01:00', 'Resonance at 0:04:00', 'Distress at 0:05:00']);

  // Back on: JS's late mark sits at the time it was made, and its details say who and that it came late.
  await byJs.press('Space');
  await expect(byJs).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: /^Show Breakthrough at/ }).press('Enter');
  await expect(details.locator('h3')).toHaveText('Breakthrough at 0:06:00');
  const detail = (label: string) => details.locator('.detail-list > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
  await expect(detail('By')).toHaveText('JS');
  await expect(detail('Sent late')).toBeVisible();
  await page.getByRole('button', { name: /^Show Distress at/ }).press('Enter');
  await expect(details.locator('h3')).toHaveText('Distress at 0:05:00');
  await expect(detail('By')).toHaveText('MK');
  await expect(detail('Sent late')).toHaveCount(0);

  // The CSV: an author for every mark (empty for the unsigned one), marks in the order they were made.
  const records = parseCsvStrict(await downloadOf(page, 'csv'));
  const column = (name: (typeof sessionCsvColumns)[number]) => sessionCsvColumns.indexOf(name);
  const marks = records.slice(1).filter((record) => !(record[column('kind')] ?? '').startsWith('event:'));
  expect(marks.map((record) => [record[column('session_time')], record[column('kind')], record[column('author')], record[column('sent_late')]])).toEqual([
    ['0:01:00', 'resonance', '', 'false'],
    ['0:04:00', 'resonance', 'MK', 'false'],
    ['0:05:00', 'distress', 'MK', 'false'],
    ['0:06:00', 'breakthrough', 'JS', 'true'],
    ['0:07:00', 'resonance', 'JS', 'false'],
  ]);
  const eaf = await downloadOf(page, 'eaf');
  expect(eaf).toContain('PARTICIPANT="JS" TIER_ID="marks by JS"');
  expect(eaf).toContain('PARTICIPANT="MK" TIER_ID="marks by MK"');
  const markdown = await downloadOf(page, 'markdown');
  expect(markdown).toContain('- **Marks by facilitator:** MK 2 · JS 2 · not signed 1');
});

test('a session with one facilitator has no author filter', async ({ page }) => {
  await page.goto(host.url);
  const sessionId = await journaledSession(page, 'SF-01', [mark(1 * minute, 'resonance'), mark(2 * minute, 'distress')]);
  await page.goto(`${host.url}/#/review/${sessionId}`);
  await expect(page.locator('[data-filter-kind="resonance"]')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Marks by' })).toHaveCount(0);
  await expect(page.getByTestId('summary-author-counts')).toHaveCount(0);
});
