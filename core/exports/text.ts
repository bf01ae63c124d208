/** Lone surrogates (from JSON such as "\ud800") cannot be written as UTF-8; U+FFFD stands in. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function wellFormed(text: string): string {
  return text.replace(loneSurrogate, '\uFFFD');
}

/** C0 controls other than tab, LF and CR, DEL, and the noncharacters XML 1.0 forbids even as references. */
const notXmlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text that XML 1.0 (and so HTML) can carry: forbidden characters become U+FFFD. */
export function xmlSafe(text: string): string {
  return wellFormed(text).replace(notXmlCharacter, '\uFFFD');
}

const xmlEntities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Element content; a CR is kept as a reference, since parsers turn a literal CRLF into LF. */
export function escapeXml(text: string): string {
  return xmlSafe(text)
    .replace(/[&<>"']/g, (character) => xmlEntities[character] as string)
    .replace(/\r/g, '&#13;');
}

/** Attribute values, where parsers would turn a literal tab or newline into a space. */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

const htmlEntities: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (character) => htmlEntities[character] as string);
}

/** One logical line per LF: CRLF and lone CR become LF. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Free text shown as Markdown text, never as markup: characters Markdown (or HTML inside
 * it) would act on are backslash-escaped, and line starts that would open a heading, list,
 * quote or rule are escaped too. Newlines are left for the caller to place.
 */
export function escapeMarkdown(text: string): string {
  return normalizeNewlines(xmlSafe(text))
    .split('\n')
    .map((line) =>
      line
        .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
        .replace(/^(\s*)([-+=#])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2'),
    )
    .join('\n');
}

/**
 * Keeps right-to-left text (Arabic, Hebrew) from reordering the text around it when a
 * line mixes directions: first-strong isolate … pop directional isolate.
 */
export function isolateDirection(text: string): string {
  return /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(text) ? `\u2068${text}\u2069` : text;
}
