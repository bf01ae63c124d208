import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, escapeXmlAttribute, isolateDirection, wellFormed, xmlSafe } from './text';

describe('text escaping', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed('a\ud800b\udc00c😀')).toBe('a\ufffdb\ufffdc😀');
  });

  it('replaces characters XML 1.0 cannot carry, keeping tab, CR and LF', () => {
    expect(xmlSafe('a\u0000b\u0007c\u000bd\t\r\n\ufffe')).toBe('a\ufffdb\ufffdc\ufffdd\t\r\n\ufffd');
  });

  it('escapes XML markup, keeping CR as a reference, and newlines and tabs too in attributes', () => {
    expect(escapeXml(`<a href="x">&'</a>]]>\r\n`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;]]&gt;&#13;\n');
    expect(escapeXmlAttribute('a\tb\nc')).toBe('a&#9;b&#10;c');
  });

  it('escapes HTML markup', () => {
    expect(escapeHtml(`<script>alert('x') && "y"</script>`)).toBe('&lt;script&gt;alert(&#39;x&#39;) &amp;&amp; &quot;y&quot;&lt;/script&gt;');
  });

  it('keeps Markdown syntax and HTML in free text from acting', () => {
    expect(escapeMarkdown('*a* _b_ `c` [d](e) <i>&amp; | ~f~')).toBe('\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<i\\>\\&amp; \\| \\~f\\~');
    expect(escapeMarkdown('# h\n- item\n+ item\n1. item\n2) item\n> quote\n===')).toBe('\\# h\n\\- item\n\\+ item\n1\\. item\n2\\) item\n\\> quote\n\\===');
    expect(escapeMarkdown('a\r\nb\rc')).toBe('a\nb\nc');
  });

  it('isolates text with right-to-left characters only', () => {
    expect(isolateDirection('שלום')).toBe('\u2068שלום\u2069');
    expect(isolateDirection('مرحبا')).toBe('\u2068مرحبا\u2069');
    expect(isolateDirection('hello')).toBe('hello');
  });
});
