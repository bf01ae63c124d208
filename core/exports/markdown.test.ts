import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../tests/fixtures/sessions/golden';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { journalEventSchema } from '../events';
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

  it('quotes integration notes under their mark and the session\'s own in a section, escaped like the notes', () => {
    const markdown = toMarkdown(model);
    const lines = markdown.split('\n');
    const section = lines.indexOf('## Integration notes');
    expect(section).toBeGreaterThan(lines.indexOf('## Session'));
    expect(section).toBeLessThan(lines.indexOf('## Phase arc'));
    expect(lines.slice(section + 2, section + 9)).toEqual([
      '> \\# Not a heading',
      '> \\- not a list',
      '> \\> not a quote',
      '>',
      '> Themes: grief, "home", her grandmother\'s kitchen; the body, not the story.',
      '> \u2068עברית ו-العربية in one line 🌊\u2069',
      '> \\<b\\>not bold\\</b\\> \\| pipes \\| \\*stars\\* \\[link\\](x) \\]\\]\\> \\&amp;',
    ]);
    // Inside the mark's quote, after its note, led by a bold label.
    const distress = lines.findIndex((line) => line.includes('· Distress**'));
    expect(lines.slice(distress + 4, distress + 8)).toEqual([
      '  >',
      '  > **Integration:** She named it: "the same tight chest as at the funeral", then laughed, quietly.',
      '  > We breathed, 4 in, 6 out.',
      '  > Next time: ask before touching 🤝🏾',
    ]);
    expect(markdown).toContain('  > **Integration:** \u2068בעברית: "אני כאן" — وبالعربية: «أنا هنا», both at once.\u2069');
    expect(markdown).toContain('  > **Integration:** \\<script\\>alert("integration")\\</script\\> \\& \\]\\]\\> \\<!-- x --\\>');
    for (const line of lines.slice(section + 2).filter((candidate) => candidate.startsWith('> '))) {
      expect(line.slice(2)).not.toMatch(/^(?:[-+#>=]|\d+[.)])/);
    }
  });

  it('puts an integration note on a mark without a note in a quote of its own', () => {
    const withoutNote = {
      ...model,
      rows: model.rows.map((row) => (row.kind === 'distress' ? { ...row, note: null, integrationNote: '\nStarts with a blank line' } : row)),
    };
    const lines = toMarkdown(withoutNote).split('\n');
    const distress = lines.findIndex((line) => line.includes('· Distress**'));
    expect(lines.slice(distress + 1, distress + 3)).toEqual(['  > **Integration:**', '  > Starts with a blank line']);
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

describe('a session started past the pre-flight check', () => {
  it('names what was confirmed among the session facts, escaped like any free text', () => {
    const confirmed = journalEventSchema.parse({
      id: '00000000-0000-4000-8000-00000000f11e',
      seq: opened.events.length,
      wallTime: opened.events.at(-1)?.wallTime,
      sessionMs: 0,
      kind: 'preflight-confirmed',
      payload: { lines: [{ check: 'files', label: 'Every file present and readable', detail: '1 of 9 files cannot be played: "<b>gone</b>" (missing)' }] },
    });
    const withConfirmation = buildSessionExport({ ...opened, events: [...opened.events, confirmed] }, playlist, defaultMarkKinds);
    const markdown = toMarkdown(withConfirmation);
    expect(markdown).toContain('Started past the pre-flight check');
    expect(markdown).toContain('Every file present and readable: 1 of 9 files cannot be played');
    expect(markdown).not.toMatch(/(?<!\\)<b>/);
    expect(toMarkdown(model)).not.toContain('pre-flight');
  });
});
