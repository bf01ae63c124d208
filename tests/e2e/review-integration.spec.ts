import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseCsvStrict } from '../fixtures/sessions/rfc4180';
import { installFixturePlaylist } from '../support/fixture-playlist';
import { removeDataDir, startWebHost, type RunningWebHost } from '../support/web-host';
import { replaySessionId, writeReplaySession } from './review-session-data';

let host: RunningWebHost;
let ids: { resonanceId: string; distressId: string };

test.beforeAll(async () => {
  host = await startWebHost();
  const playlist = await installFixturePlaylist(host.dataDir);
  ids = await writeReplaySession(host.dataDir, playlist);
});

test.afterAll(async () => {
  await host.stop();
  await removeDataDir(host.dataDir);
});

const sessionNote = 'Themes: "home", grief, the body, not the story.\nعربي: «أنا هنا» — עברית: אני כאן\n<script>alert(1)</script> & ]]> 🌊';
const markNote = 'The tone was "the school bell", she said, laughing\n- not a list, with commas 🔔';

interface JournalLine {
  readonly kind: string;
  readonly sessionMs: number;
  readonly payload: Record<string, unknown>;
}

async function integrationEvents(): Promise<JournalLine[]> {
  const text = await readFile(path.join(host.dataDir, 'sessions', replaySessionId, 'events.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalLine)
    .filter((event) => event.kind === 'integration-note');
}

async function downloadOf(page: Page, exportId: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${exportId}"]`).click()]);
  return readFile(await download.path(), 'utf8');
}

async function openReview(page: Page): Promise<void> {
  await page.goto(`${host.url}/#/review/${replaySessionId}`);
  await expect(page.locator('.timeline-viewport')).toBeVisible();
}

/** Chooses a mark by keyboard: its time in the marks table is a button that shows it under the timeline. */
async function chooseMark(page: Page, kindLabel: string): Promise<void> {
  const show = page.getByRole('button', { name: new RegExp(`^Show ${kindLabel} at`) });
  await show.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('mark-details')).toContainText(`${kindLabel} at`);
}

test('integration notes written in review for an ended session are saved, shown after a reload, journaled and exported', async ({ page }) => {
  await openReview(page);
  // Ended: review may still write integration notes.
  await expect(page.getByRole('button', { name: 'End this session' })).toHaveCount(0);

  // The session's own note, typed and left with Tab.
  const sessionField = page.getByRole('textbox', { name: 'Integration note on the session' });
  await sessionField.focus();
  await page.keyboard.type(sessionNote);
  await page.keyboard.press('Tab');
  const sessionStatus = page.getByTestId('session-integration-note').getByRole('status');
  await expect(sessionStatus).toHaveText('Saved');

  // A mark's note, chosen and written by keyboard, saved with Ctrl+Enter (the field keeps focus).
  await chooseMark(page, 'Resonance');
  const markField = page.getByRole('textbox', { name: /^Integration note on Resonance at 0:00:05/ });
  await markField.focus();
  await page.keyboard.type(markNote);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('mark-integration-note').getByRole('status')).toHaveText('Saved');
  await expect(markField).toBeFocused();
  await expect(markField).toHaveValue(markNote);
  // Leaving the unchanged field does not journal it again.
  await page.keyboard.press('Tab');

  await expect.poll(async () => (await integrationEvents()).map((event) => event.payload)).toEqual([{ note: sessionNote }, { markId: ids.resonanceId, note: markNote }]);
  const journaled = await integrationEvents();
  // Journaled at the session's last time: after its end, as review's edits are.
  expect(journaled.every((event) => event.sessionMs === 30_000)).toBe(true);

  await page.reload();
  await expect(page.locator('.timeline-viewport')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Integration note on the session' })).toHaveValue(sessionNote);
  await expect(page.locator('.mark-row[data-mark-kind="resonance"] .integration-text')).toHaveText(`Integration: ${markNote}`);
  await chooseMark(page, 'Resonance');
  await expect(page.getByRole('textbox', { name: /^Integration note on Resonance/ })).toHaveValue(markNote);
  await expect(page.getByTestId('mark-details').locator('.detail-list')).toContainText('Integration note');

  const markdown = await downloadOf(page, 'markdown');
  expect(markdown).toContain(
    [
      '## Integration notes',
      '',
      '> Themes: "home", grief, the body, not the story.',
      '> \u2068عربي: «أنا هنا» — עברית: אני כאן\u2069',
      '> \\<script\\>alert(1)\\</script\\> \\& \\]\\]\\> 🌊',
      '',
      '## Phase arc',
    ].join('\n'),
  );
  expect(markdown).toContain('  > **Integration:** The tone was "the school bell", she said, laughing\n  > \\- not a list, with commas 🔔\n');

  const [header, ...records] = parseCsvStrict(await downloadOf(page, 'csv'));
  const integration = header?.indexOf('integration_note') ?? -1;
  expect(integration).toBeGreaterThan(0);
  const kind = header?.indexOf('kind') ?? -1;
  expect(records.find((record) => record[kind] === 'resonance')?.[integration]).toBe(markNote);
  expect(records.filter((record) => record[kind] !== 'resonance').every((record) => record[integration] === '')).toBe(true);
});

test('a failed save says so and keeps the text; the next try saves it; an emptied note is cleared', async ({ page }) => {
  // The page journals over its socket to the host; while `unreachable`, an append finds the connection gone.
  let unreachable = false;
  await page.routeWebSocket('**/api/socket', (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      if (unreachable && (JSON.parse(String(message)) as { channel: string }).channel === 'journal:append') socket.close();
      else server.send(message);
    });
  });
  await openReview(page);
  await page.locator('.tl-pin[data-kind="distress"]').click();
  const field = page.getByRole('textbox', { name: /^Integration note on Distress/ });
  const note = 'Her hand, "then mine", then both';

  unreachable = true;
  await field.fill(note);
  await field.press('Control+Enter');
  const failure = page.getByTestId('mark-integration-note').getByRole('alert');
  await expect(failure).toContainText('Not saved: could not reach Attune');
  await expect(failure).toContainText('The text is still here');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveValue(note);

  // Moving to another mark keeps the unsaved text, and the screen says which note is waiting.
  await page.locator('.tl-pin[data-kind="resonance"]').click();
  const waiting = page.getByRole('alert').filter({ hasText: 'Integration notes not saved yet' });
  await expect(waiting).toBeVisible();
  await waiting.getByRole('button', { name: /^Distress at/ }).click();
  await expect(field).toHaveValue(note);
  await expect(failure).toBeVisible();

  unreachable = false;
  await field.focus();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('mark-integration-note').getByRole('status')).toHaveText('Saved');
  await expect(failure).toHaveCount(0);
  await expect(waiting).toHaveCount(0);

  await field.fill('   ');
  await field.blur();
  await expect(page.getByTestId('mark-integration-note').getByRole('status')).toHaveText('Saved');
  const distressNotes = (await integrationEvents()).filter((event) => event.payload.markId === ids.distressId).map((event) => event.payload.note);
  expect(distressNotes).toEqual([note, null]);
  await page.reload();
  await expect(page.locator('.mark-row[data-mark-kind="distress"] .integration-text')).toHaveCount(0);
});
