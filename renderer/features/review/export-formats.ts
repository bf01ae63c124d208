import { toCsv, toEaf, toHtml, toJson, toMarkdown, type SessionExport } from '../../../core/exports';

export interface ExportFormat {
  readonly id: 'markdown' | 'html' | 'csv' | 'json' | 'eaf';
  /** The button's words. */
  readonly label: string;
  readonly fileSuffix: string;
  readonly mimeType: string;
  readonly build: (model: SessionExport, timeZone: string) => string;
}

/** Every export is built here, in the renderer, from core: nothing is sent anywhere to make it. */
export const exportFormats: readonly ExportFormat[] = [
  {
    id: 'markdown',
    label: 'Summary (Markdown)',
    fileSuffix: 'summary.md',
    mimeType: 'text/markdown;charset=utf-8',
    build: (model, timeZone) => toMarkdown(model, { timeZone }),
  },
  {
    id: 'html',
    label: 'Summary to print (HTML)',
    fileSuffix: 'summary.html',
    mimeType: 'text/html;charset=utf-8',
    build: (model, timeZone) => toHtml(model, { timeZone }),
  },
  { id: 'csv', label: 'Events (CSV)', fileSuffix: 'events.csv', mimeType: 'text/csv;charset=utf-8', build: (model) => toCsv(model) },
  { id: 'json', label: 'Events (JSON)', fileSuffix: 'events.json', mimeType: 'application/json;charset=utf-8', build: (model) => toJson(model) },
  { id: 'eaf', label: 'ELAN (EAF)', fileSuffix: 'elan.eaf', mimeType: 'application/xml;charset=utf-8', build: (model) => toEaf(model) },
];

/** `attune-20261121-090000-h0st1l-summary.md`: the session id, never the client code. */
export const exportFileName = (sessionId: string, format: ExportFormat) => `attune-${sessionId}-${format.fileSuffix}`;

/** The time zone wall-clock times are written in: the computer's own. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
