import type { ExportFacilitatorPresence, ExportPhase, ExportRow, SessionExport } from './session-export';
import { statePromptAnswerText } from './state-export';
import { formatPosition, formatSessionTime, formatWallTime } from './time';

/** For the human-readable exports (Markdown, HTML). */
export interface SummaryOptions {
  /** IANA time zone for wall-clock times; UTC by default. */
  readonly timeZone?: string;
}

export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** The session facts worth a line, in reading order; empty fields are left out. */
export function summaryFacts(model: SessionExport, options: SummaryOptions = {}): Fact[] {
  const { facts } = model;
  const wall = (iso: string) => formatWallTime(iso, options.timeZone);
  const offsetMinutes = Math.round(facts.t0OffsetMs / 60_000);
  const correction = offsetMinutes === 0 ? '' : offsetMinutes > 0 ? ` (${offsetMinutes} min before Start)` : ` (${-offsetMinutes} min after Start)`;
  const list: (Fact | undefined)[] = [
    { label: 'Client code', value: facts.clientCode === '' ? '—' : facts.clientCode },
    { label: 'Playlist', value: facts.playlistAvailable ? facts.playlistTitle : `${facts.playlistTitle} (playlist not available)` },
    { label: 'Dose', value: `${wall(facts.doseAt)}${correction}` },
    { label: 'Started', value: wall(facts.startedAt) },
    facts.endedAt === null
      ? { label: 'Status', value: 'still open' }
      : { label: 'Ended', value: `${wall(facts.endedAt)}${facts.endReason === 'plan-finished' ? ' (the plan finished)' : ' (by the facilitators)'}` },
    { label: 'Duration since the dose', value: formatSessionTime(facts.durationMs) },
    facts.substance !== '' || facts.dose !== '' ? { label: 'Substance and dose', value: [facts.substance, facts.dose].filter(Boolean).join(', ') } : undefined,
    facts.supplementalDosePlan !== '' ? { label: 'Supplemental dose plan', value: facts.supplementalDosePlan } : undefined,
    facts.facilitators !== '' ? { label: 'Facilitators', value: facts.facilitators } : undefined,
    {
      label: 'Marks',
      value: facts.markCounts.length === 0 ? 'none' : facts.markCounts.map((count) => `${count.label} ${count.count}`).join(' · '),
    },
    facts.markCountsByAuthor.length > 0
      ? { label: 'Marks by facilitator', value: facts.markCountsByAuthor.map((count) => `${count.by ?? 'not signed'} ${count.count}`).join(' · ') }
      : undefined,
    facts.facilitatorsJoined.length > 0 ? { label: 'Co-facilitation', value: facts.facilitatorsJoined.map(describePresence).join('; ') } : undefined,
    facts.marksTakenBack > 0 ? { label: 'Marks taken back', value: String(facts.marksTakenBack) } : undefined,
    facts.playbackProblems > 0 ? { label: 'Playback problems', value: String(facts.playbackProblems) } : undefined,
    facts.journalRepairs.length > 0 ? { label: 'Journal repairs', value: facts.journalRepairs.join('; ') } : undefined,
    facts.preflightConfirmed.length > 0 ? { label: 'Started past the pre-flight check', value: facts.preflightConfirmed.join('; ') } : undefined,
    model.statePrompts.length > 0
      ? {
          label: 'Prompts after a prolonged state',
          value: model.statePrompts
            .map((prompt) => `${formatSessionTime(prompt.atMs)} ${prompt.label} (since ${formatSessionTime(prompt.sinceMs)}): ${statePromptAnswerText[prompt.answer]}`)
            .join('; '),
        }
      : undefined,
  ];
  return list.filter((fact): fact is Fact => fact !== undefined);
}

const leftReasons = { removed: 'removed', 'session-ended': 'until the end', none: 'left' } as const;

/** "JS on a paired device 0:02:30–0:06:40 (removed)". */
function describePresence(presence: ExportFacilitatorPresence): string {
  const where = presence.device === 'main' ? 'on the main screen' : 'on a paired device';
  const until = presence.leftMs === null ? 'on' : formatSessionTime(presence.leftMs);
  const why = presence.leftMs === null ? '' : ` (${leftReasons[presence.leftReason ?? 'none']})`;
  return `${presence.by} ${where} ${formatSessionTime(presence.joinedMs)}–${until}${why}`;
}

export function phaseRemarks(phase: ExportPhase): string {
  const remarks: string[] = [];
  if (!phase.reached) remarks.push(phase.skipped ? 'skipped' : 'not reached');
  if (phase.extendedByMs > 0) remarks.push(`extended by ${formatSessionTime(phase.extendedByMs)}`);
  if (phase.held) remarks.push('held at the end');
  return remarks.join(', ');
}

export const durationOrDash = (ms: number | null) => (ms === null ? '—' : formatSessionTime(ms));

export interface PhaseGroup {
  readonly id: string;
  readonly title: string;
  readonly phase: ExportPhase | undefined;
  readonly rows: readonly ExportRow[];
}

/** Rows by phase, in the arc's order; phases never reached and without rows are left out. */
export function groupByPhase(model: SessionExport): PhaseGroup[] {
  const groups: PhaseGroup[] = model.phases.map((phase) => ({
    id: phase.id,
    title: phase.title,
    phase,
    rows: model.rows.filter((row) => row.phaseId === phase.id),
  }));
  const known = new Set(model.phases.map((phase) => phase.id));
  for (const row of model.rows) {
    const id = row.phaseId ?? '';
    if (known.has(id)) continue;
    known.add(id);
    groups.push({ id, title: row.phaseTitle ?? 'No phase', phase: undefined, rows: model.rows.filter((candidate) => (candidate.phaseId ?? '') === id) });
  }
  return groups.filter((group) => group.rows.length > 0 || group.phase?.reached === true);
}

/** What sounded, and where in it (`2:08`); null when nothing is known. */
export function playing(row: ExportRow): { readonly name: string; readonly position: string | null } | null {
  if (row.segment === null) return null;
  return { name: row.segment.name, position: row.positionMs === null ? null : formatPosition(row.positionMs) };
}

/** Who made a mark, as a short phrase ("by JS"); empty for an unsigned mark or an event. */
export function authorDetails(row: ExportRow): string[] {
  return row.author === null ? [] : [`by ${row.author}`];
}

/** Intensity, vitals, span, lateness and corrections, as short phrases. */
export function rowDetails(row: ExportRow, options: SummaryOptions = {}): string[] {
  const details: string[] = [];
  if (row.late) details.push('sent late');
  if (row.intensity !== null) details.push(`intensity ${row.intensity}`);
  if (row.vitalsText !== '') details.push(row.vitalsText);
  if (row.span === 'open') details.push('still open');
  else if (row.spanEndMs !== null) details.push(`until ${formatSessionTime(row.spanEndMs)}${row.span === 'auto-closed' ? ' (closed at the end)' : ''}`);
  if (row.fromMemory) details.push(`from memory${row.writtenAt === null ? '' : `, written ${formatWallTime(row.writtenAt, options.timeZone)}`}`);
  if (row.movedFromMs !== null) details.push(`moved from ${formatSessionTime(row.movedFromMs)}`);
  if (row.originalKindLabel !== null) details.push(`marked as ${row.originalKindLabel} at first`);
  if (row.edited) details.push('edited');
  return details;
}

/** Why a deleted mark was deleted, as a short phrase. */
export function deletionDetails(row: ExportRow): string {
  if (row.deletion === null) return '';
  const how = row.deletion.reason === 'undo' ? 'taken back at once' : 'deleted';
  return row.deletion.note === null ? how : `${how}: ${row.deletion.note}`;
}
