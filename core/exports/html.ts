import type { SessionExport } from './session-export';
import { authorDetails, deletionDetails, durationOrDash, groupByPhase, phaseRemarks, playing, rowDetails, summaryFacts, type SummaryOptions } from './summary';
import { htmlDocumentHead } from './html-document';
import { escapeHtml } from './text';
import { formatSessionTime, formatWallTime } from './time';

const pageStyle = `
  h1 { margin: 0 0 .25rem; }
  h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
  h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; }
  blockquote { margin: .25rem 0 .25rem 0; padding-left: .75rem; border-left: 3px solid #ccc; }
  table { border-collapse: collapse; width: 100%; font-size: .95em; }
  th, td { text-align: start; vertical-align: top; padding: .3rem .5rem .3rem 0; border-bottom: 1px solid #ddd; }
  th { font-weight: 600; border-bottom-color: #999; }
  td.time, th.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
  table.marks { table-layout: fixed; }
  table.marks col.time { width: 4.5rem; }
  table.marks col.kind { width: 10rem; }
  table.marks col.playing { width: 28%; }
  table.marks col.clock { width: 11.5rem; }
  .note { white-space: pre-wrap; overflow-wrap: anywhere; }
  .integration { margin-top: .35rem; }
  .integration .label { font-weight: 600; font-size: .92em; }
  .integration blockquote { margin: .1rem 0 0; }
  tr.event td { color: #5c5c57; font-size: .92em; }
  .kind { font-weight: 600; }
  .swatch { display: inline-block; width: .7em; height: .7em; border-radius: 50%; margin-inline-end: .35em; vertical-align: baseline; }
  @media print {
    tr, blockquote, dl.facts { break-inside: avoid; }
    thead { display: table-header-group; }
  }
`;

const text = (value: string) => escapeHtml(value);
/** Free text in its own direction: a right-to-left note does not reorder the cells around it. */
const bidi = (value: string) => `<bdi>${escapeHtml(value)}</bdi>`;

/**
 * The integration summary as one printable page: inline CSS, no scripts, nothing loaded
 * from elsewhere (the policy forbids it too), every piece of text escaped.
 */
export function toHtml(model: SessionExport, options: SummaryOptions = {}): string {
  const { facts } = model;
  const out: string[] = [];
  const title = `Session summary: ${facts.clientCode === '' ? 'no client code' : facts.clientCode}`;
  out.push(
    ...htmlDocumentHead(title, pageStyle),
    `<h1>${bidi(title)}</h1>`,
    '<p class="muted">Times are since the dose (h:mm:ss); positions are inside the track or soundscape playing.</p>',
    '<h2>Session</h2>',
    '<dl class="facts">',
  );
  for (const fact of summaryFacts(model, options)) out.push(`<dt>${text(fact.label)}</dt><dd>${bidi(fact.value)}</dd>`);
  out.push('</dl>');
  if (facts.intention !== '') out.push('<h3>Intention</h3>', `<blockquote class="note" dir="auto">${text(facts.intention)}</blockquote>`);
  if (facts.integrationNote !== null) out.push('<h2>Integration notes</h2>', `<blockquote class="note" dir="auto">${text(facts.integrationNote)}</blockquote>`);

  out.push(
    '<h2>Phase arc</h2>',
    '<table class="arc">',
    '<thead><tr><th>Phase</th><th class="time">Started</th><th class="time">Ended</th><th class="time">Target</th><th class="time">Actual</th><th class="time">Music played</th><th>Notes</th></tr></thead>',
    '<tbody>',
  );
  for (const phase of model.phases) {
    const cells = [phase.startMs, phase.endMs, phase.targetMs, phase.actualMs, phase.playedMs].map((ms) => `<td class="time">${durationOrDash(ms)}</td>`);
    out.push(`<tr><td>${bidi(phase.title)}</td>${cells.join('')}<td>${text(phaseRemarks(phase))}</td></tr>`);
  }
  out.push('</tbody>', '</table>');

  out.push('<h2>Marks by phase</h2>');
  const groups = groupByPhase(model);
  if (groups.length === 0) out.push('<p class="muted">No marks.</p>');
  const colorOf = new Map(model.kinds.map((kind) => [kind.id, kind.color]));
  for (const group of groups) {
    const startMs = group.phase?.startMs ?? null;
    const span = startMs === null ? '' : ` <span class="muted">${formatSessionTime(startMs)}–${durationOrDash(group.phase?.endMs ?? null)}</span>`;
    out.push(`<h3>${bidi(group.title)}${span}</h3>`);
    if (group.rows.length === 0) {
      out.push('<p class="muted">No marks.</p>');
      continue;
    }
    out.push(
      '<table class="marks">',
      '<colgroup><col class="time"><col class="kind"><col class="playing"><col><col class="clock"></colgroup>',
      '<thead><tr><th class="time">Time</th><th>Mark</th><th>Playing</th><th>Details and note</th><th class="time">Clock</th></tr></thead>',
      '<tbody>',
    );
    for (const row of group.rows) {
      const color = colorOf.get(row.kind);
      // Colours come from settings, which only allow #rrggbb; checked again so nothing else reaches the style attribute.
      const swatch = color !== undefined && color !== null && /^#[0-9a-f]{6}$/i.test(color) ? `<span class="swatch" style="background:${color}"></span>` : '';
      const details = [...authorDetails(row), ...rowDetails(row, options)].map(text).join(' · ');
      const sounding = playing(row);
      const where = sounding === null ? '' : `${bidi(sounding.name)}${sounding.position === null ? '' : ` <span class="muted">at ${sounding.position}</span>`}`;
      const note = row.note === null ? '' : `<div class="note" dir="auto">${text(row.note)}</div>`;
      const integration =
        row.integrationNote === null
          ? ''
          : `<div class="integration"><span class="label">Integration</span><blockquote class="note" dir="auto">${text(row.integrationNote)}</blockquote></div>`;
      out.push(
        `<tr class="${row.source}">` +
          `<td class="time">${formatSessionTime(row.sessionMs)}</td>` +
          `<td class="kind">${swatch}${bidi(row.kindLabel)}</td>` +
          `<td>${where}</td>` +
          `<td>${details === '' ? '' : `<div>${details}</div>`}${note}${integration}</td>` +
          `<td class="time muted">${text(formatWallTime(row.wallTime, options.timeZone))}</td>` +
          '</tr>',
      );
    }
    out.push('</tbody>', '</table>');
  }
  if (model.deletedMarks.length > 0) {
    out.push('<h2>Deleted marks</h2>', '<p class="muted">Kept in the journal, not counted above.</p>');
    for (const row of model.deletedMarks) out.push(`<p class="deleted">${formatSessionTime(row.sessionMs)} · ${bidi(row.kindLabel)} — ${text(deletionDetails(row))}</p>`);
  }
  out.push('</body>', '</html>');
  return `${out.join('\n')}\n`;
}
