import { htmlDocumentHead } from './html-document';
import type { Milliseconds } from '../units';
import type { ExportRow, SessionExport } from './session-export';
import { playing, rowDetails } from './summary';
import { escapeHtml, escapeMarkdown, isolateDirection } from './text';
import { formatSessionTime, formatWallTime } from './time';

/** An integration session's words on one moment, as the worksheet quotes it. */
export interface WorksheetMomentNote {
  /** "Integration 1, 2026-11-03". */
  readonly from: string;
  readonly note: string;
}

/** One dosing session in the worksheet. */
export interface WorksheetSession {
  readonly model: SessionExport;
  /** "Dosing session 1, 2026-11-01": how the course names it; the session id when alone. */
  readonly heading: string;
  /** Integration notes on its moments, by mark id. */
  readonly momentNotes?: ReadonlyMap<string, readonly WorksheetMomentNote[]>;
  /**
   * The client's state around a moment ("within the window, hyperaroused from 2:10:00"), once
   * the state lane records it; absent, the worksheet has no state line.
   */
  readonly stateAround?: (sessionMs: Milliseconds) => string | undefined;
}

export interface WorksheetOptions {
  /** The client code (a pseudonym); '' when none. */
  readonly clientCode: string;
  /** Wall-clock times in this IANA time zone (default UTC). */
  readonly timeZone?: string;
  /** Lines left for the client's words under each moment (default 4). */
  readonly answerLines?: number;
}

/** One moment as the worksheet lists it: a mark the facilitators made (observations only: dose and vitals are not moments to discuss). */
export interface WorksheetMoment {
  readonly number: number;
  readonly row: ExportRow;
  readonly time: string;
  readonly clockTime: string;
  readonly phase: string;
  /** "Title — Artist, at 3:12", or the soundscape, or "—". */
  readonly music: string;
  readonly title: string | null;
  readonly artist: string | null;
  readonly position: string | null;
  readonly kind: string;
  readonly intensity: number | null;
  readonly note: string | null;
  readonly details: readonly string[];
  readonly integrationNote: string | null;
  readonly discussed: readonly WorksheetMomentNote[];
  readonly state: string | undefined;
}

/** The marked moments of a session in time order, numbered from 1, with everything the worksheet says about each. */
export function worksheetMoments(session: WorksheetSession, options: Pick<WorksheetOptions, 'timeZone'> = {}): WorksheetMoment[] {
  return session.model.rows
    .filter((row) => row.source === 'mark' && row.category === 'observation')
    .map((row, index) => {
      const sounding = playing(row);
      const music = sounding === null ? '—' : sounding.position === null ? sounding.name : `${sounding.name}, at ${sounding.position}`;
      return {
        number: index + 1,
        row,
        time: formatSessionTime(row.sessionMs),
        clockTime: formatWallTime(row.wallTime, options.timeZone),
        phase: row.phaseTitle ?? '—',
        music,
        title: row.segment?.title ?? null,
        artist: row.segment?.artist ?? null,
        position: sounding?.position ?? null,
        kind: row.kindLabel,
        intensity: row.intensity,
        note: row.note,
        details: rowDetails(row, options).filter((detail) => !detail.startsWith('intensity ')),
        integrationNote: row.integrationNote,
        discussed: session.momentNotes?.get(row.id) ?? [],
        state: session.stateAround?.(row.sessionMs),
      };
    });
}

const inline = (text: string) => isolateDirection(escapeMarkdown(text).replace(/\n/g, ' '));

function worksheetTitle(options: WorksheetOptions): string {
  return `Integration worksheet: ${options.clientCode === '' ? 'no client code' : options.clientCode}`;
}

const introduction =
  'The moments the facilitators marked during the session, in order, with the music that was playing. ' +
  'Read or replay each one together; the space under it is for the client’s own words.';

/** The worksheet as Markdown: a section per dosing session, a numbered moment each, with ruled space for the client's words. */
export function toWorksheetMarkdown(sessions: readonly WorksheetSession[], options: WorksheetOptions): string {
  const lines: string[] = [`# ${inline(worksheetTitle(options))}`, '', introduction, ''];
  const answerLines = options.answerLines ?? 4;
  for (const session of sessions) {
    const { facts } = session.model;
    lines.push(`## ${inline(session.heading)}`, '');
    lines.push(`Playlist: ${inline(facts.playlistTitle)} · dose at ${formatWallTime(facts.doseAt, options.timeZone)} · ${formatSessionTime(facts.durationMs)}`, '');
    if (facts.intention !== '') lines.push(`Intention: ${inline(facts.intention)}`, '');
    const moments = worksheetMoments(session, options);
    if (moments.length === 0) lines.push('No moments were marked in this session.', '');
    for (const moment of moments) {
      lines.push(`### ${moment.number}. ${moment.time} · ${inline(moment.kind)}${moment.intensity === null ? '' : ` · intensity ${moment.intensity}`}`, '');
      lines.push(`- Phase: ${inline(moment.phase)}`);
      lines.push(`- Music: ${inline(moment.music)}`);
      if (moment.state !== undefined) lines.push(`- State: ${inline(moment.state)}`);
      if (moment.note !== null) lines.push(`- Note: ${inline(moment.note)}`);
      if (moment.details.length > 0) lines.push(`- ${inline(moment.details.join('; '))}`);
      if (moment.integrationNote !== null) lines.push(`- Integration note: ${inline(moment.integrationNote)}`);
      for (const discussed of moment.discussed) lines.push(`- ${inline(discussed.from)}: ${inline(discussed.note)}`);
      lines.push('', '**In the client’s words:**', '');
      for (let line = 0; line < answerLines; line += 1) lines.push('> ');
      lines.push('');
    }
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

const pageStyle = `
  body { max-width: 48rem; }
  h1 { margin: 0 0 .5rem; }
  h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; }
  h3 { font-size: 1rem; margin: 0 0 .3rem; }
  section.moment { border: 1px solid #ccc; border-radius: 4px; padding: .6rem .8rem; margin: .8rem 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0 0 .5rem; }
  dt { font-weight: 600; }
  dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
  .words { font-weight: 600; margin: .4rem 0 0; }
  .line { border-bottom: 1px solid #999; height: 1.9rem; }
  @media print { body { max-width: none; } section.moment { break-inside: avoid; } }
`;

const bidi = (value: string) => `<bdi>${escapeHtml(value)}</bdi>`;

/** The worksheet as one printable page (inline CSS, no scripts, every text escaped): print it, or save it as PDF. */
export function toWorksheetHtml(sessions: readonly WorksheetSession[], options: WorksheetOptions): string {
  const title = worksheetTitle(options);
  const answerLines = options.answerLines ?? 4;
  const out: string[] = [
    ...htmlDocumentHead(title, pageStyle),
    `<h1>${bidi(title)}</h1>`,
    `<p class="muted">${escapeHtml(introduction)}</p>`,
  ];
  for (const session of sessions) {
    const { facts } = session.model;
    out.push(`<h2>${bidi(session.heading)}</h2>`);
    out.push(
      `<p class="muted">Playlist: ${bidi(facts.playlistTitle)} · dose at ${escapeHtml(formatWallTime(facts.doseAt, options.timeZone))} · ${formatSessionTime(facts.durationMs)}</p>`,
    );
    if (facts.intention !== '') out.push(`<p>Intention: ${bidi(facts.intention)}</p>`);
    const moments = worksheetMoments(session, options);
    if (moments.length === 0) out.push('<p>No moments were marked in this session.</p>');
    for (const moment of moments) {
      const rows: [string, string][] = [
        ['Phase', moment.phase],
        ['Music', moment.music],
      ];
      if (moment.state !== undefined) rows.push(['State', moment.state]);
      if (moment.note !== null) rows.push(['Note', moment.note]);
      if (moment.details.length > 0) rows.push(['Also', moment.details.join('; ')]);
      if (moment.integrationNote !== null) rows.push(['Integration note', moment.integrationNote]);
      for (const discussed of moment.discussed) rows.push([discussed.from, discussed.note]);
      out.push(
        `<section class="moment" data-moment="${moment.number}" data-mark-id="${escapeHtml(moment.row.id)}">`,
        `<h3>${moment.number}. <span class="time">${moment.time}</span> · ${bidi(moment.kind)}${moment.intensity === null ? '' : ` · intensity ${moment.intensity}`}</h3>`,
        '<dl>',
        ...rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${bidi(value)}</dd>`),
        '</dl>',
        '<p class="words">In the client’s words:</p>',
        ...Array.from({ length: answerLines }, () => '<div class="line"></div>'),
        '</section>',
      );
    }
  }
  out.push('</body>', '</html>');
  return `${out.join('\n')}\n`;
}
