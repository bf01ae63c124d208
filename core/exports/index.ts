export { buildSessionExport, describeVitals, segmentResolver } from './session-export';
export type { ExportFacts, ExportKind, ExportPhase, ExportRow, ExportSegment, SegmentInfo, SessionExport } from './session-export';
export { toMarkdown } from './markdown';
export { toHtml } from './html';
export { toCsv, sessionCsvColumns } from './session-csv';
export { toJson, sessionJsonFormat } from './session-json';
export { toEaf } from './eaf';
export type { SummaryOptions } from './summary';
export { csvDocument, csvField } from './csv';
