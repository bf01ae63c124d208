import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { isMark, journalEventSchema } from '../../core/events';
import { formatPosition } from '../../core/format';
import type { FileSegment, Playlist } from '../../core/playlist';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { readJournalFile } from '../support/journal-file';
import { startSessionFromHome } from '../support/start-session';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';

let host: RunningWebHost;

test.beforeEach(async () => {
  host = await startWebHost();
});

test.afterEach(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

/** Three short files in the onset, so marks fall on known recordings. */
function courseSet(playlist: Playlist): Playlist {
  const files = playlist.phases.flatMap((phase) => phase.segments).filter((segment): segment is FileSegment => segment.type === 'file');
  const find = (id: string) => {
    const segment = files.find((candidate) => candidate.id === id);
    if (segment === undefined) throw new Error(`fixture segment ${id} is missing`);
    return segment;
  };
  return {
    ...playlist,
    id: 'course-set',
    title: 'Course set',
    crossfadeSeconds: 1,
    phases: [
      { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 0.5, segments: [find('tone-mp3'), find('pink-mp3'), find('tone-flac')] },
      { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 0.5, segments: [find('tone-ogg')] },
      { id: 'return', kind: 'return', title: 'Return', targetMinutes: 0.5, segments: [find('pink-ogg')] },
    ],
  };
}

async function downloadOf(page: Page, exportId: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${exportId}"]`).click()]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

test('a client’s course: dosing session with marks, an integration session on its moments, the worksheet and the take-home playlist', async ({ page }) => {
  test.setTimeout(120_000);
  const playlist = await installFixturePlaylist(host.dataDir, courseSet);
  const segments = new Map(playlist.phases.flatMap((phase) => phase.segments).map((segment) => [segment.id, segment]));

  // A client, reached from the Start screen.
  await page.goto(host.url);
  await page.getByRole('link', { name: 'Clients' }).first().click();
  await expect(page.getByText('Never type a name')).toBeVisible();
  await page.getByLabel('Client code (a pseudonym, never a name)').fill('C-07');
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByTestId('client-code')).toHaveText('C-07');
  const clientUrl = page.url();

  // A dosing session under that code, with marks on two recordings.
  await page.goto(host.url);
  await page.getByRole('radio', { name: /Course set/ }).check();
  await page.getByLabel('Client code').fill('C-07');
  await startSessionFromHome(page);
  const sessionId = new URL(page.url()).hash.split('/').at(-1) as string;
  const nowPlaying = page.getByTestId('now-playing');
  await expect(nowPlaying).toContainText(/mp3|flac/, { timeout: 20_000 });
  const firstTrack = await nowPlaying.innerText();
  await page.keyboard.press('r');
  await page.keyboard.press('d');
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(2);
  // The breakthrough falls on the next recording (which one the journal says; the expectations below read it).
  await expect(nowPlaying).not.toHaveText(firstTrack, { timeout: 20_000 });
  await expect(nowPlaying).toContainText(/mp3|flac/);
  await page.keyboard.press('b');
  await expect(page.locator('.recent-mark[data-saved="true"]')).toHaveCount(3);
  await page.getByRole('button', { name: 'End session' }).click();
  await page.getByRole('button', { name: 'Press again to end the session' }).click();
  await expect(page.getByRole('heading', { name: 'Session ended' })).toBeVisible();

  const marks = (await readJournalFile(host.dataDir, sessionId)).map((event) => journalEventSchema.parse(event)).filter(isMark);
  expect(marks.map((event) => event.payload.markKind)).toEqual(['resonance', 'distress', 'breakthrough']);
  const payloads = marks.map((event) => event.payload);

  // The session joined the course; an integration session follows it.
  await page.goto(clientUrl);
  const dosingEntry = page.locator(`.course-entry[data-entry-type="dosing"][data-entry-id="${sessionId}"]`);
  await expect(dosingEntry).toContainText('Dosing session 1');
  await expect(dosingEntry).toContainText('3 marks');
  await page.getByLabel('Type').selectOption('integration');
  await page.getByLabel('Follows the dosing session').selectOption(sessionId);
  await page.getByLabel('Facilitators (initials)').fill('AB');
  await page.locator('textarea[name="session-notes"]').fill('Talked about the first tone.');
  await page.getByRole('button', { name: 'Add session' }).click();
  const integration = page.locator('.course-entry[data-entry-type="integration"]');
  await expect(integration).toContainText('Integration 1 after dosing 1');
  await expect(page.locator('.course-entry').first()).toHaveAttribute('data-entry-type', 'dosing');

  // Its notes are journaled against the moment they discuss.
  await integration.getByRole('button', { name: 'Notes on moments' }).click();
  const resonanceId = marks[0]?.id ?? '';
  const noteField = page.locator(`.moment-list li[data-mark-id="${resonanceId}"] textarea`);
  await noteField.fill('It felt like being held.');
  await noteField.blur();
  await expect(page.locator(`.moment-list li[data-mark-id="${resonanceId}"]`).getByRole('status')).toHaveText('Saved');
  await expect(integration).toContainText('1 note on moments');

  // The worksheet lists each moment in order: time, phase, music and position, kind, and the integration note.
  await page.getByLabel('From').selectOption(sessionId);
  const worksheet = await downloadOf(page, 'worksheet-md');
  expect(worksheet.name).toBe(`attune-C-07-${sessionId}-worksheet.md`);
  const headings = [...worksheet.text.matchAll(/^### (\d+)\. \d+:\d\d:\d\d · (\w+)/gm)].map((match) => `${match[1]} ${match[2]}`);
  expect(headings).toEqual(['1 Resonance', '2 Distress', '3 Breakthrough']);
  for (const payload of payloads) {
    const segment = segments.get(payload?.segmentId ?? '');
    expect(worksheet.text).toContain(`- Music: ${segment?.title ?? '?'} — ${segment?.type === 'file' ? segment.artist ?? '' : ''}`.replace(/ — $/, ''));
    expect(worksheet.text).toContain(`at ${formatPosition(payload?.positionMs ?? 0)}`);
  }
  expect(worksheet.text).toContain('- Phase: Onset');
  expect(worksheet.text).toContain('- Integration 1 after dosing 1, ');
  expect(worksheet.text).toContain(': It felt like being held.');
  expect(worksheet.text.match(/\*\*In the client’s words:\*\*/g)).toHaveLength(3);
  const printable = await downloadOf(page, 'worksheet-html');
  expect(printable.text.match(/<section class="moment"/g)).toHaveLength(3);

  // The take-home playlist: the recordings at resonance and breakthrough, in session order, with their moments.
  const m3u8 = await downloadOf(page, 'take-home-m3u8');
  expect(m3u8.name).toBe('take-home-C-07.m3u8');
  const resonant = segments.get(payloads[0]?.segmentId ?? '');
  const breakthrough = segments.get(payloads[2]?.segmentId ?? '');
  const expectedPaths = [...new Set([resonant, breakthrough].map((segment) => (segment?.type === 'file' ? segment.path : '')))];
  expect(m3u8.text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual(expectedPaths);
  expect(m3u8.text).toContain(`# Resonance at ${formatPosition(payloads[0]?.positionMs ?? 0)} of the track`);
  expect(m3u8.text).toContain(`# Breakthrough at ${formatPosition(payloads[2]?.positionMs ?? 0)} of the track`);
  expect(m3u8.text).not.toContain('Distress');
  const xspf = await downloadOf(page, 'take-home-xspf');
  expect(xspf.text.match(/<track>/g)).toHaveLength(expectedPaths.length);
  expect(xspf.text).toContain(`<location>file://${encodeURI(expectedPaths[0] ?? '')}</location>`);
});

test('an integration session cannot follow a dosing session that does not exist: a clear error, nothing lost', async ({ page }) => {
  // By keyboard alone: the Clients link from the Start screen, the code, Enter.
  await page.goto(host.url);
  await page.getByRole('link', { name: 'Clients' }).first().focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Client code (a pseudonym, never a name)').focus();
  await page.keyboard.type('K-2');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('client-code')).toHaveText('K-2');
  const clientId = new URL(page.url()).hash.split('/').at(-1) as string;
  const missing = '20261102-090000-gone00';
  const answer: unknown = await page.evaluate(
    async ({ clientId: id, missing: sessionId }) => {
      const events = [
        { id: crypto.randomUUID(), kind: 'course-session-added', payload: { courseSessionId: 'course-aaaaaaaa', type: 'integration', date: '2026-12-01', facilitators: '', notes: 'keep', followsSessionId: sessionId } },
      ];
      return (await fetch('api/clients:append', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: id, events }) })).json();
    },
    { clientId, missing },
  );
  expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-data', message: expect.stringContaining(`${missing} does not exist`) } });
  // Through the form: with no dosing session, an integration session is refused and what was typed stays.
  await page.locator('textarea[name="session-notes"]').fill('What we talked about');
  await page.getByRole('button', { name: 'Add session' }).click();
  await expect(page.getByRole('alert')).toHaveText(/an integration session follows a dosing session: choose which/);
  await expect(page.locator('textarea[name="session-notes"]')).toHaveValue('What we talked about');
  await expect(page.locator('.course-entry')).toHaveCount(0);
});
