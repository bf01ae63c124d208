import type { Vitals } from '../events';
import type { ExportRow, SessionExport } from './session-export';
import { formatSessionTime } from './time';

export const sessionJsonFormat = 'attune.session-export';

const vitalsJson = (vitals: Vitals | null) =>
  vitals === null
    ? null
    : {
        systolic: vitals.systolic ?? null,
        diastolic: vitals.diastolic ?? null,
        heartRate: vitals.heartRate ?? null,
        temperatureC: vitals.temperatureC ?? null,
      };

function rowJson(row: ExportRow) {
  return {
    id: row.id,
    source: row.source,
    sessionMs: row.sessionMs,
    sessionTime: formatSessionTime(row.sessionMs),
    wallTime: row.wallTime,
    phaseId: row.phaseId,
    phaseTitle: row.phaseTitle,
    segmentId: row.segment?.id ?? null,
    segmentType: row.segment?.type ?? null,
    segmentTitle: row.segment?.title ?? null,
    segmentArtist: row.segment?.artist ?? null,
    segmentName: row.segment?.name ?? null,
    positionMs: row.positionMs,
    kind: row.kind,
    kindLabel: row.kindLabel,
    category: row.category,
    author: row.author,
    late: row.late,
    intensity: row.intensity,
    note: row.note,
    integrationNote: row.integrationNote,
    vitals: vitalsJson(row.vitals),
    vitalsText: row.vitalsText,
    span: row.span,
    spanEndMs: row.spanEndMs,
    edited: row.edited,
    fromMemory: row.fromMemory,
    writtenAt: row.writtenAt,
    movedFromMs: row.movedFromMs,
    originalKind: row.originalKind,
    corrections: row.corrections,
    deletion: row.deletion === null ? null : { reason: row.deletion.reason, note: row.deletion.note },
  };
}

/**
 * The session JSON's version: 5 added the authors (`author` and `late` on rows, `markCountsByAuthor` and
 * `facilitatorsJoined`). 4 was taken by the course JSON (course-fields.ts), which is always one ahead.
 */
export const sessionJsonVersion = 5;

/**
 * The session facts, the phase arc, what sounded and every row, as pretty JSON with a
 * fixed key order and every key present (null when absent), so two exports of the same
 * session are byte-identical and diff cleanly.
 */
export function toJson(model: SessionExport): string {
  const { facts } = model;
  const document = {
    format: sessionJsonFormat,
    /**
     * 2: adds `stateKinds` and `stateSpans` (the client's state); 3: adds `statePrompts` (what was done with each
     * prolonged-state prompt); 4: the course JSON of version 3; 5: adds `author` and `late` on rows,
     * `markCountsByAuthor` and `facilitatorsJoined` (co-facilitation); everything else as before.
     */
    version: sessionJsonVersion,
    session: {
      sessionId: facts.sessionId,
      clientCode: facts.clientCode,
      playlistId: facts.playlistId,
      playlistTitle: facts.playlistTitle,
      playlistAvailable: facts.playlistAvailable,
      startedAt: facts.startedAt,
      doseAt: facts.doseAt,
      t0OffsetMs: facts.t0OffsetMs,
      status: facts.status,
      endedAt: facts.endedAt,
      endReason: facts.endReason,
      durationMs: facts.durationMs,
      facilitators: facts.facilitators,
      substance: facts.substance,
      dose: facts.dose,
      supplementalDosePlan: facts.supplementalDosePlan,
      intention: facts.intention,
      integrationNote: facts.integrationNote,
      markCounts: facts.markCounts.map(({ kind, label, count }) => ({ kind, label, count })),
      markCountsByAuthor: facts.markCountsByAuthor.map(({ by, count }) => ({ by, count })),
      facilitatorsJoined: facts.facilitatorsJoined.map(({ by, device, joinedMs, leftMs, leftReason }) => ({ by, device, joinedMs, leftMs, leftReason })),
      marksTakenBack: facts.marksTakenBack,
      playbackProblems: facts.playbackProblems,
      journalRepairs: [...facts.journalRepairs],
      preflightConfirmed: [...facts.preflightConfirmed],
    },
    phases: model.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      kind: phase.kind,
      reached: phase.reached,
      skipped: phase.skipped,
      held: phase.held,
      startMs: phase.startMs,
      endMs: phase.endMs,
      targetMs: phase.targetMs,
      extendedByMs: phase.extendedByMs,
      actualMs: phase.actualMs,
      playedMs: phase.playedMs,
    })),
    segments: model.segments.map((segment) => ({
      id: segment.id,
      phaseId: segment.phaseId,
      type: segment.type,
      title: segment.title,
      artist: segment.artist,
      preset: segment.preset,
      name: segment.name,
      startMs: segment.startMs,
      endMs: segment.endMs,
    })),
    kinds: model.kinds.map((kind) => ({ id: kind.id, label: kind.label, category: kind.category, span: kind.span, color: kind.color })),
    rows: model.rows.map(rowJson),
    deletedMarks: model.deletedMarks.map(rowJson),
    stateKinds: model.stateKinds.map((kind) => ({ id: kind.id, label: kind.label, kind: kind.kind, color: kind.color })),
    stateSpans: model.states.map((span) => ({
      id: span.id,
      stateId: span.stateId,
      label: span.label,
      kind: span.kind,
      startMs: span.startMs,
      startTime: formatSessionTime(span.startMs),
      endMs: span.endMs,
      endTime: formatSessionTime(span.endMs),
      ended: span.ended,
      wallTime: span.wallTime,
      phaseId: span.phaseId,
      phaseTitle: span.phaseTitle,
      segmentId: span.segment?.id ?? null,
      segmentName: span.segment?.name ?? null,
      corrected: span.corrected,
    })),
    statePrompts: model.statePrompts.map((prompt) => ({
      id: prompt.id,
      stateId: prompt.stateId,
      label: prompt.label,
      sinceMs: prompt.sinceMs,
      sinceTime: formatSessionTime(prompt.sinceMs),
      atMs: prompt.atMs,
      atTime: formatSessionTime(prompt.atMs),
      wallTime: prompt.wallTime,
      answer: prompt.answer,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
