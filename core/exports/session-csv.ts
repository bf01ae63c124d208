import { csvDocument, type CsvValue } from './csv';
import type { ExportRow, SessionExport } from './session-export';
import type { ExportStateSpan } from './state-export';
import { formatSessionTime } from './time';

export const sessionCsvColumns = [
  'session_time_ms',
  'session_time',
  'wall_time',
  'phase',
  'segment_id',
  'segment_title',
  'position_ms',
  'kind',
  'kind_label',
  'intensity',
  'note',
  'vitals',
  'span_end_ms',
  'integration_note',
  'from_memory',
  'written_at',
  'moved_from_ms',
  'original_kind',
  'author',
  'sent_late',
] as const;

/**
 * One RFC 4180 record per mark or event (CRLF line ends, a header row). Session times are
 * since the dose; `phase` is the phase's title; `segment_title` is what sounded ("Title —
 * Artist", or a soundscape's name); events have `event:` kinds and say what happened in `note`;
 * `integration_note` is a mark's note written in review (the session's own one is not a row: see the JSON).
 * Corrections: `from_memory` (true for a mark added afterwards: its time is the moment it
 * refers to, `written_at` when it was written), `moved_from_ms` (the time a moved mark was
 * made at) and `original_kind` (the kind it was made with). Co-facilitation: `author` (the
 * initials a mark was signed with; empty when unsigned) and `sent_late` (true for a mark a
 * paired device sent after its link came back; its time is still when it was made). Last, so
 * the columns before them stay where they were. Deleted marks are not rows (the
 * JSON, Markdown and HTML list them with why). The client's state: one record per stretch, kind
 * `state:<id>` (never a mark kind id), from its start to `span_end_ms`, among the rows by time;
 * `note` says how it ended. A session without state keys has no such records (the same file
 * as before states existed).
 */
export function toCsv(model: SessionExport): string {
  const records: { ms: number; values: CsvValue[] }[] = model.rows.map((row) => ({ ms: row.sessionMs, values: sessionCsvRecord(row) }));
  for (const span of model.states) {
    // After the rows at the same moment: a stable sort keeps the marks' order as before.
    records.push({ ms: span.startMs, values: stateRecord(span) });
  }
  return csvDocument(
    sessionCsvColumns,
    records.sort((a, b) => a.ms - b.ms).map((record) => record.values),
  );
}

/** One row's fields, in the order of `sessionCsvColumns`. */
export function sessionCsvRecord(row: ExportRow): CsvValue[] {
  return [
    row.sessionMs,
    formatSessionTime(row.sessionMs),
    row.wallTime,
    row.phaseTitle,
    row.segment?.id,
    row.segment?.name,
    row.positionMs,
    row.kind,
    row.kindLabel,
    row.intensity,
    row.note,
    row.vitalsText,
    row.spanEndMs,
    row.integrationNote,
    row.source === 'mark' ? String(row.fromMemory) : null,
    row.writtenAt,
    row.movedFromMs,
    row.originalKind,
    row.author,
    row.source === 'mark' ? String(row.late) : null,
  ];
}

const endedNotes: Record<ExportStateSpan['ended'], string> = {
  key: 'ended by a state key',
  'session-end': 'held until the session ended',
  open: 'still holding (session open)',
};

function stateRecord(span: ExportStateSpan): CsvValue[] {
  return [
    span.startMs,
    formatSessionTime(span.startMs),
    span.wallTime,
    span.phaseTitle,
    span.segment?.id,
    span.segment?.name,
    null,
    `state:${span.stateId}`,
    span.label,
    null,
    `${span.kind === 'span' ? 'span state' : 'state'}, ${endedNotes[span.ended]}${span.corrected ? ', corrected' : ''}`,
    '',
    span.endMs,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
  ];
}
