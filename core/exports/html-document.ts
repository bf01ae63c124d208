import { escapeHtml } from './text';

/** What every printable page shares: light colours, the body's type and width, muted text, print margins. */
const printableBaseStyle = `
  :root { color-scheme: light; }
  body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1b; margin: 2rem auto; max-width: 52rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; }
  h2 { border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
  .muted { color: #5c5c57; }
  @page { margin: 16mm 14mm; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10pt; }
    h2, h3 { break-after: avoid; }
  }
`;

/**
 * The head of a printable export page, up to and including `<body>`: UTF-8, a policy that
 * loads nothing (no scripts, no requests; inline styles only), the escaped title, and the
 * shared style followed by the page's own rules.
 */
export function htmlDocumentHead(title: string, pageStyle: string): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${printableBaseStyle}${pageStyle}</style>`,
    '</head>',
    '<body>',
  ];
}
