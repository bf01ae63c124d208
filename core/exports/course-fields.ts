import { csvDocument } from './csv';
import { sessionCsvColumns, sessionCsvRecord } from './session-csv';
import type { SessionExport } from './session-export';
import { sessionJsonVersion, toJson } from './session-json';
import type { WorksheetMomentNote } from './worksheet';

/** Where a dosing session sits in its client's course, for the exports. */
export interface CourseExportFacts {
  readonly clientId: string;
  /** The client's code now (the session's own code is in the session facts, as it was typed at the start). */
  readonly clientCode: string;
  /** 1 for the client's first dosing session; null when it is not in a course. */
  readonly dosingNumber: number | null;
  readonly dosingCount: number;
  /** The integration sessions that follow this dosing session, in date order. */
  readonly integrationSessions: readonly { readonly id: string; readonly date: string; readonly number: number; readonly facilitators: string }[];
  /** Integration sessions' words on each moment, by mark id. */
  readonly momentNotes: ReadonlyMap<string, readonly WorksheetMomentNote[]>;
}

/** Added after the session columns, so a reader of the earlier shape still finds every column where it was. */
export const courseCsvColumns = ['client_id', 'client_code_now', 'course_dosing_number', 'course_moment_notes'] as const;

/** The session CSV with the course columns after the others (one row per mark or event, as before). */
export function toCourseCsv(model: SessionExport, course: CourseExportFacts): string {
  return csvDocument(
    [...sessionCsvColumns, ...courseCsvColumns],
    model.rows.map((row) => [
      ...sessionCsvRecord(row),
      course.clientId,
      course.clientCode,
      course.dosingNumber,
      (course.momentNotes.get(row.id) ?? []).map((note) => `${note.from}: ${note.note}`).join('\n') || null,
    ]),
  );
}

/**
 * The JSON version that carries the course: the session JSON's keys unchanged (its version 5), plus `course` and
 * each row's `courseMomentNotes`. Always one ahead of the session JSON it extends (4 was the same over version 3,
 * 3 over version 2), so a version number names one shape.
 */
export const courseJsonVersion = sessionJsonVersion + 1;

interface JsonRow {
  readonly id: string;
}

/** The session JSON as the course version: the same document with the course facts beside the session's and the integration notes on each row. */
export function toCourseJson(model: SessionExport, course: CourseExportFacts): string {
  const document = JSON.parse(toJson(model)) as { format: string; version: number; session: unknown; rows: JsonRow[]; deletedMarks: JsonRow[] } & Record<string, unknown>;
  const withNotes = (row: JsonRow) => ({ ...row, courseMomentNotes: (course.momentNotes.get(row.id) ?? []).map(({ from, note }) => ({ from, note })) });
  const upgraded: Record<string, unknown> = {
    format: document.format,
    version: courseJsonVersion,
    session: document.session,
    course: {
      clientId: course.clientId,
      clientCode: course.clientCode,
      dosingNumber: course.dosingNumber,
      dosingCount: course.dosingCount,
      integrationSessions: course.integrationSessions.map(({ id, date, number, facilitators }) => ({ id, date, number, facilitators })),
    },
  };
  // Every other key of the session JSON, in its order.
  for (const [key, value] of Object.entries(document)) if (!(key in upgraded)) upgraded[key] = value;
  upgraded.rows = document.rows.map(withNotes);
  upgraded.deletedMarks = document.deletedMarks.map(withNotes);
  return `${JSON.stringify(upgraded, null, 2)}\n`;
}
