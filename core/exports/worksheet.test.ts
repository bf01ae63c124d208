import { htmlDocumentHead } from './html-document';
import { toHtml } from './html';
import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { parseCsvStrict } from '../../tests/fixtures/sessions/rfc4180';
import { defaultMarkKinds } from '../mark-kinds';
import { courseCsvColumns, toCourseCsv, toCourseJson, type CourseExportFacts } from './course-fields';
import { sessionCsvColumns, toCsv } from './session-csv';
import { buildSessionExport } from './session-export';
import { toJson } from './session-json';
import { pathToXspfLocation, takeHomeList, toTakeHomeM3u8, toTakeHomeXspf } from './take-home';
import { toWorksheetHtml, toWorksheetMarkdown, worksheetMoments, type WorksheetSession } from './worksheet';

const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);
const distressId = '5e55a0f1-0000-4000-8000-000000000015';
const breakthroughId = '5e55a0f1-0000-4000-8000-000000000022';
const session: WorksheetSession = {
  model,
  heading: 'Dosing session 1, 2026-11-21',
  momentNotes: new Map([[distressId, [{ from: 'Integration 1, 2026-11-24', note: 'the funeral <again>' }]]]),
};

describe('the integration worksheet', () => {
  it('lists every observation mark in time order, protocol events (dose, vitals, break) left out', () => {
    const moments = worksheetMoments(session);
    expect(moments.map((moment) => moment.row.kind)).toEqual(['resonance', 'distress', 'note', 'dissociation', 'breakthrough', 'music-resistance', 'resonance', 'chills', 'resonance']);
    expect(moments.map((moment) => moment.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const distress = moments[1];
    expect(distress).toMatchObject({ time: '0:14:00', phase: 'Onset', title: 'Gymnopédie No. 1', artist: 'Erik Satie', position: '2:08', music: 'Gymnopédie No. 1 — Erik Satie, at 2:08' });
    expect(distress?.discussed).toEqual([{ from: 'Integration 1, 2026-11-24', note: 'the funeral <again>' }]);
    expect(distress?.state).toBeUndefined();
  });

  it('in Markdown: time, phase, music with position, kind, intensity, notes, the integration session’s words and space for the client’s', () => {
    const markdown = toWorksheetMarkdown([session], { clientCode: 'K-17', answerLines: 3 });
    expect(markdown).toContain('## Dosing session 1, 2026-11-21');
    const block = markdown.slice(markdown.indexOf('### 2. 0:14:00'), markdown.indexOf('### 3.'));
    expect(block).toContain('- Phase: Onset');
    expect(block).toContain('- Music: Gymnopédie No. 1 — Erik Satie, at 2:08');
    expect(block).toContain('- Integration 1, 2026-11-24: the funeral \\<again\\>');
    expect(block).toContain('**In the client’s words:**\n\n> \n> \n> \n');
    expect(markdown.match(/^### \d+\./gm)).toHaveLength(9);
  });

  it('shows the state around each moment when the state lane provides it', () => {
    const withStates = { ...session, stateAround: (sessionMs: number) => (sessionMs < 1_000_000 ? 'hyperaroused' : 'within the window') };
    const markdown = toWorksheetMarkdown([withStates], { clientCode: 'K-17' });
    expect(markdown).toContain('- State: hyperaroused');
    expect(markdown).toContain('- State: within the window');
  });

  it('in printable HTML: one self-contained page, every text escaped, a ruled box per moment', () => {
    const html = toWorksheetHtml([session], { clientCode: 'K-17 <b>', answerLines: 2 });
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=/i);
    expect(html).toContain('<h1><bdi>Integration worksheet: K-17 &lt;b&gt;</bdi></h1>');
    expect(html.match(/<section class="moment"/g)).toHaveLength(9);
    expect(html.match(/<div class="line"><\/div>/g)).toHaveLength(18);
    expect(html).toContain(`data-mark-id="${breakthroughId}"`);
    expect(html).toContain('<dt>Integration 1, 2026-11-24</dt><dd><bdi>the funeral &lt;again&gt;</bdi></dd>');
  });

  it('has the same printable head as the session summary (htmlDocumentHead), with its own rules after the shared ones', () => {
    const worksheet = toWorksheetHtml([session], { clientCode: 'K-17 <b>' });
    const summary = toHtml(model);
    const headOf = (page: string) => page.slice(0, page.indexOf('<style>')).replace(/<title>.*<\/title>/, '<title></title>');
    expect(headOf(worksheet)).toBe(headOf(summary));
    expect(worksheet.startsWith(htmlDocumentHead('Integration worksheet: K-17 <b>', '').slice(0, 7).join('\n'))).toBe(true);
    expect(worksheet).toContain('<title>Integration worksheet: K-17 &lt;b&gt;</title>');
    for (const page of [worksheet, summary]) expect(page.match(/color-scheme: light/g)).toHaveLength(1);
  });
});

describe('the take-home playlist', () => {
  const list = takeHomeList([{ model, playlist, heading: 'Dosing session 1' }], { clientCode: 'K-17' });

  it('holds the recordings playing at resonance and breakthrough, once each, in session order, with their moments', () => {
    expect(list.tracks.map((track) => track.segment.id)).toEqual(['track-c', 'track-d']);
    expect(list.tracks[1]?.moments.map((moment) => [moment.kind, moment.positionMs])).toEqual([['resonance', 480_000]]);
    // Resonance over soundscapes: said, not silently dropped.
    expect(list.leftOut).toHaveLength(2);
    expect(list.leftOut[0]).toMatch(/^Resonance at 0:09:00 \(Dosing session 1\): a soundscape \(breath\)/);
  });

  it('as M3U8: each entry under comments naming its moments and their positions', () => {
    const text = toTakeHomeM3u8(list, (track) => `/music/${track.segment.path}`);
    expect(text.startsWith('#EXTM3U\n#PLAYLIST:Take-home playlist for K-17\n')).toBe(true);
    expect(text).toContain('# Breakthrough at 2:08 of the track (0:42:00 since the dose, Dosing session 1)\n#EXTINF:');
    expect(text).toContain('/music/music/spiegel.flac\n');
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual(['/music/music/spiegel.flac', '/music/music/d.flac']);
  });

  it('as XSPF: escaped, with file URIs and the moments as annotations', () => {
    const xspf = toTakeHomeXspf(list, (track) => pathToXspfLocation(`/home/a b/${track.segment.path}`));
    expect(xspf).toContain('<location>file:///home/a%20b/music/spiegel.flac</location>');
    expect(xspf).toContain('<title>&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;, title</title>');
    expect(xspf).toContain('<annotation>Resonance at 8:00 of the track (0:53:00 since the dose, Dosing session 1)</annotation>');
    expect(xspf.match(/<track>/g)).toHaveLength(2);
    expect(pathToXspfLocation('C:\\Music\\x y.flac')).toBe('file:///C:/Music/x%20y.flac');
    expect(pathToXspfLocation('audio/001 - A.flac')).toBe('audio/001%20-%20A.flac');
  });
});

describe('CSV and JSON with the course', () => {
  const course: CourseExportFacts = {
    clientId: 'client-abcd1234',
    clientCode: 'K-17',
    dosingNumber: 2,
    dosingCount: 2,
    integrationSessions: [{ id: 'course-aaaaaaaa', date: '2026-11-24', number: 1, facilitators: 'AB' }],
    momentNotes: new Map([[distressId, [{ from: 'Integration 1, 2026-11-24', note: 'the funeral' }]]]),
  };

  it('CSV: the session columns unchanged, the course columns after them', () => {
    const plain = parseCsvStrict(toCsv(model));
    const withCourse = parseCsvStrict(toCourseCsv(model, course));
    expect(withCourse[0]).toEqual([...sessionCsvColumns, ...courseCsvColumns]);
    expect(withCourse).toHaveLength(plain.length);
    withCourse.forEach((record, index) => expect(record.slice(0, sessionCsvColumns.length)).toEqual(plain[index]));
    const distress = withCourse.find((record) => record[0] === '840000');
    expect(distress?.slice(sessionCsvColumns.length)).toEqual(['client-abcd1234', 'K-17', '2', 'Integration 1, 2026-11-24: the funeral']);
  });

  it('JSON version 6: the session JSON’s (version 5) keys and values kept, the course and each row’s integration notes added', () => {
    const v1 = JSON.parse(toJson(model)) as Record<string, unknown> & { rows: Record<string, unknown>[] };
    const v2 = JSON.parse(toCourseJson(model, course)) as Record<string, unknown> & { rows: Record<string, unknown>[] };
    expect(v1.version).toBe(5);
    expect(v2.version).toBe(6);
    const sessionKeys = Object.keys(v1).filter((key) => key !== 'format' && key !== 'version' && key !== 'session');
    expect(Object.keys(v2)).toEqual(['format', 'version', 'session', 'course', ...sessionKeys]);
    for (const key of sessionKeys.filter((key) => key !== 'rows' && key !== 'deletedMarks')) expect(v2[key]).toEqual(v1[key]);
    expect(v2.session).toEqual(v1.session);
    expect(v2.course).toMatchObject({ clientId: 'client-abcd1234', dosingNumber: 2, integrationSessions: [{ id: 'course-aaaaaaaa' }] });
    const distress = v2.rows.find((row) => row.id === distressId);
    expect(distress?.courseMomentNotes).toEqual([{ from: 'Integration 1, 2026-11-24', note: 'the funeral' }]);
    expect({ ...distress, courseMomentNotes: undefined }).toEqual({ ...v1.rows.find((row) => row.id === distressId), courseMomentNotes: undefined });
  });
});
