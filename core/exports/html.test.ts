import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { defaultMarkKinds } from '../mark-kinds';
import { toHtml } from './html';
import { buildSessionExport } from './session-export';

const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);
const html = toHtml(model);

const allowedTags = new Set(['colgroup', 'col', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'dl', 'dt', 'dd', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'div', 'span', 'bdi']);

describe('toHtml', () => {
  it('is one self-contained page: no scripts, nothing loaded from elsewhere, a policy that forbids both', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(|@import/i);
    expect(html).toContain('@media print');
  });

  it('lets no markup from notes, titles or facts through', () => {
    const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((match) => (match[1] as string).toLowerCase());
    expect(tags.filter((tag) => !allowedTags.has(tag))).toEqual([]);
    expect(html).not.toMatch(/<!--|<!\[CDATA\[|\son\w+=/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ]]&gt; &lt;!-- --&gt; &amp;amp; &lt;![CDATA[ x ]]&gt;');
    expect(html).toContain('<bdi>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;, title — Ensemble ]]&gt; &lt;script&gt;</bdi>');
    expect(html).toContain('<dd><bdi>Harbour &quot;Light&quot; &amp; Tide, &lt;part 1&gt;</bdi></dd>');
    // Every ampersand starts a reference.
    expect(html).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
  });

  it('keeps line breaks and direction of notes, and replaces characters a page cannot carry', () => {
    expect(html).toContain('<div class="note" dir="auto">Tight chest\r\nBreathing with her\r\nsettled after 2 min</div>');
    expect(html).toContain('<div class="note" dir="auto">قالت: «أنا هنا» — then in Hebrew: אני כאן, &quot;I am here&quot;.</div>');
    expect(html).toContain('bell\ufffd, nul\ufffd, lone \ufffd surrogate');
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('shows integration notes under their mark and the session\'s own in a section, escaped', () => {
    expect(html).toContain(
      '<h2>Integration notes</h2>\n<blockquote class="note" dir="auto"># Not a heading\n- not a list\n&gt; not a quote\n\nThemes: grief, &quot;home&quot;, her grandmother&#39;s kitchen; the body, not the story.\r\n',
    );
    expect(html.indexOf('<h2>Integration notes</h2>')).toBeLessThan(html.indexOf('<h2>Phase arc</h2>'));
    expect(html).toContain('&lt;b&gt;not bold&lt;/b&gt; | pipes | *stars* [link](x) ]]&gt; &amp;amp;</blockquote>');
    expect(html).toContain(
      '<div class="integration"><span class="label">Integration</span><blockquote class="note" dir="auto">She named it: &quot;the same tight chest as at the funeral&quot;, then laughed, quietly.\r\nWe breathed, 4 in, 6 out.\nNext time: ask before touching 🤝🏾</blockquote></div>',
    );
    expect(html).toContain('<blockquote class="note" dir="auto">בעברית: &quot;אני כאן&quot; — وبالعربية: «أنا هنا», both at once.</blockquote>');
    expect(html).toContain('&lt;script&gt;alert(&quot;integration&quot;)&lt;/script&gt; &amp; ]]&gt; &lt;!-- x --&gt;');
    expect(html.match(/<div class="integration">/g)).toHaveLength(3);
  });

  it('shows the facts, the phase arc and every row', () => {
    expect(html).toContain('<h1><bdi>Session summary: K-17 &quot;Ω&quot;</bdi></h1>');
    expect(html).toContain('<td class="time">0:39:52</td>');
    expect(html.match(/<tr class="(?:mark|event)">/g)).toHaveLength(model.rows.length);
    expect(html).toContain('<span class="swatch" style="background:#6f9c84"></span>');
  });
});
