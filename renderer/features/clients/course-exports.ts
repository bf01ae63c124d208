import { dosingHeading, recordSessionHeading } from '../../../core/course';
import type { CourseView } from '../../../core/course-contract';
import { buildSessionExport, type CourseExportFacts, type SessionExport, type WorksheetMomentNote, type WorksheetSession } from '../../../core/exports';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import type { HostCall } from '../../../core/contract';

export interface DosingModel {
  readonly sessionId: string;
  readonly model: SessionExport;
}

/** Opens each dosing session and its playlist and builds its export model (a playlist that cannot be read leaves titles as ids). */
export async function loadDosingModels(call: HostCall, sessionIds: readonly string[], kinds: readonly MarkKindDefinition[]): Promise<DosingModel[]> {
  const models: DosingModel[] = [];
  for (const sessionId of sessionIds) {
    const opened = await call('sessions:open', { sessionId });
    if (!opened.ok) throw new Error(`Session ${sessionId} cannot be opened: ${opened.error.message}`);
    const playlist = await call('playlists:get', { playlistId: opened.value.meta.playlistId });
    models.push({ sessionId, model: buildSessionExport(opened.value, playlist.ok ? playlist.value : undefined, kinds) });
  }
  return models;
}

/** The integration sessions' words on a dosing session's moments, by mark id, each headed by its session. */
export function momentNotesFor(view: CourseView, sessionId: string): Map<string, WorksheetMomentNote[]> {
  const notes = new Map<string, WorksheetMomentNote[]>();
  for (const note of view.momentNotes) {
    if (note.sessionId !== sessionId) continue;
    const entry = view.timeline.find((candidate) => candidate.id === note.courseSessionId);
    const from = entry === undefined || entry.type === 'dosing' ? 'Integration' : recordSessionHeading(entry);
    notes.set(note.markId, [...(notes.get(note.markId) ?? []), { from, note: note.note }]);
  }
  return notes;
}

export function worksheetSessions(view: CourseView, models: readonly DosingModel[]): WorksheetSession[] {
  return models.map(({ sessionId, model }) => ({ model, heading: dosingHeading(sessionId, view.timeline), momentNotes: momentNotesFor(view, sessionId) }));
}

/** Where a dosing session sits in the course, for the CSV and JSON exports. */
export function courseExportFacts(view: CourseView, sessionId: string): CourseExportFacts {
  const dosing = view.timeline.filter((entry) => entry.type === 'dosing');
  const number = dosing.find((entry) => entry.id === sessionId)?.number ?? null;
  const integrationSessions = view.timeline.flatMap((entry) =>
    entry.type === 'integration' && entry.followsSessionId === sessionId ? [{ id: entry.id, date: entry.date, number: entry.number, facilitators: entry.facilitators }] : [],
  );
  return { clientId: view.client.id, clientCode: view.client.code, dosingNumber: number, dosingCount: dosing.length, integrationSessions, momentNotes: momentNotesFor(view, sessionId) };
}

/** Today in the computer's time zone, as a date field wants it. */
export function localToday(now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
