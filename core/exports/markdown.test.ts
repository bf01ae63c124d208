import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../tests/fixtures/sessions/golden';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { defaultMarkKinds } from '../mark-kinds';
import { toMarkdown } from './markdown';
import { buildSessionExport } from './session-export';

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);

describe('toMarkdown', () => {
  it('matches the golden summary of the hostile session', () => {
    const markdown = toMarkdown(model);
    expect(markdown).toBe(expectGolden(goldenDir, 'hostile-session.md', markdown).expected);
  });

  it('leaves no markup from free text active', () => {
    const markdown = toMarkdown(model);
    expect(markdown).not.toMatch(/(?<!\\)<(?:script|b|!--|!\[CDATA)/);
    expect(markdown).toContain('\\<script\\>alert("x")\\</script\\>');
    // A note's lines stay inside its quote block: nothing in it starts a list, heading or quote of its own.
    for (const line of markdown.split('\n').filter((candidate) => candidate.startsWith('  > '))) {
      expect(line.slice(4)).not.toMatch(/^(?:[-+#>=]|\d+[.)])/);
    }
  });

  it('isolates right-to-left text and writes LF line ends only', () => {
    const markdown = toMarkdown(model);
    expect(markdown).toContain('\u2068قالت: «أنا هنا» — then in Hebrew: אני כאן, "I am here".\u2069');
    expect(markdown).not.toContain('\r');
  });

  it('groups marks under the phase they were taken in', () => {
    const markdown = toMarkdown(model);
    const peak = markdown.indexOf('### Peak');
    const back = markdown.indexOf('### Return');
    const breakthrough = markdown.indexOf('· Breakthrough**');
    expect(peak).toBeGreaterThan(0);
    expect(breakthrough).toBeGreaterThan(peak);
    expect(breakthrough).toBeLessThan(back);
  });

  it('writes wall-clock times in the time zone asked for', () => {
    expect(toMarkdown(model, { timeZone: 'Asia/Tokyo' })).toContain('- **Started:** 2026-11-21 18:00:00 Asia/Tokyo');
  });
});
