import type { SessionExport } from './session-export';
import { authorDetails, deletionDetails, durationOrDash, groupByPhase, phaseRemarks, playing, rowDetails, summaryFacts, type SummaryOptions } from './summary';
import { escapeMarkdown, isolateDirection } from './text';
import { formatSessionTime } from './time';

/** One line of free text: escaped, newlines folded into spaces, right-to-left runs isolated. */
const inline = (text: string) => isolateDirection(escapeMarkdown(text).replace(/\n/g, ' '));

/** Free text as a quote block, each line escaped (so a note cannot become a heading, a list or HTML). */
function quote(text: string, indent: string): string[] {
  return escapeMarkdown(text)
    .split('\n')
    .map((line) => (line.trim() === '' ? `${indent}>` : `${indent}> ${isolateDirection(line)}`));
}

/**
 * A note written in review, as a quote led by a bold "Integration:". Inside the quote of the
 * facilitator's note when there is one (a blank quote line between them): a quote block
 * cannot follow another without a blank line, which would loosen the whole list.
 */
function integrationQuote(text: string, indent: string, afterNote: boolean): string[] {
  const [first = `${indent}>`, ...rest] = quote(text, indent);
  const label = `${indent}> **Integration:**`;
  const lead = first === `${indent}>` ? label : `${label} ${first.slice(indent.length + 2)}`;
  return [...(afterNote ? [`${indent}>`] : []), lead, ...rest];
}

/**
 * The integration summary as Markdown: session facts, the session's integration notes, the
 * phase arc, then every mark and event with its time since the dose, what was playing, the
 * note and the note written in review, grouped by phase.
 * All free text is escaped, so a note renders as the text that was typed.
 */
export function toMarkdown(model: SessionExport, options: SummaryOptions = {}): string {
  const lines: string[] = [];
  const { facts } = model;
  lines.push(`# Session summary: ${inline(facts.clientCode === '' ? 'no client code' : facts.clientCode)}`, '');
  lines.push('Times are since the dose (h:mm:ss); positions are inside the track or soundscape playing.', '');
  lines.push('## Session', '');
  for (const fact of summaryFacts(model, options)) lines.push(`- **${fact.label}:** ${inline(fact.value)}`);
  lines.push('');
  if (facts.intention !== '') lines.push('### Intention', '', ...quote(facts.intention, ''), '');
  if (facts.integrationNote !== null) lines.push('## Integration notes', '', ...quote(facts.integrationNote, ''), '');

  lines.push('## Phase arc', '');
  lines.push('| Phase | Started | Ended | Target | Actual | Music played | Notes |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const phase of model.phases) {
    const cells = [
      inline(phase.title),
      durationOrDash(phase.startMs),
      durationOrDash(phase.endMs),
      durationOrDash(phase.targetMs),
      durationOrDash(phase.actualMs),
      durationOrDash(phase.playedMs),
      phaseRemarks(phase),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');

  lines.push('## Marks by phase', '');
  const groups = groupByPhase(model);
  if (groups.length === 0) lines.push('No marks.', '');
  for (const group of groups) {
    const startMs = group.phase?.startMs ?? null;
    const span = startMs === null ? '' : ` (${formatSessionTime(startMs)}–${durationOrDash(group.phase?.endMs ?? null)})`;
    lines.push(`### ${inline(group.title)}${span}`, '');
    if (group.rows.length === 0) lines.push('No marks.', '');
    for (const row of group.rows) {
      const time = formatSessionTime(row.sessionMs);
      const sounding = playing(row);
      const where = sounding === null ? '' : ` — *${inline(sounding.name)}${sounding.position === null ? '' : ` at ${sounding.position}`}*`;
      if (row.source === 'event') {
        lines.push(`- ${time} · ${inline(row.kindLabel)}${row.note === null ? '' : `: ${inline(row.note)}`}${where}`);
        continue;
      }
      const details = [...authorDetails(row), ...rowDetails(row, options)].map((detail) => ` · ${inline(detail)}`).join('');
      lines.push(`- **${time} · ${inline(row.kindLabel)}**${details}${where}`);
      if (row.note !== null) lines.push(...quote(row.note, '  '));
      if (row.integrationNote !== null) lines.push(...integrationQuote(row.integrationNote, '  ', row.note !== null));
    }
    lines.push('');
  }
  if (model.deletedMarks.length > 0) {
    lines.push('## Deleted marks', '', 'Kept in the journal, not counted above.', '');
    for (const row of model.deletedMarks) lines.push(`- ${formatSessionTime(row.sessionMs)} · ${inline(row.kindLabel)} — ${inline(deletionDetails(row))}`);
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
