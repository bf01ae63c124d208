import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../tests/fixtures/sessions/golden';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { parseCsvStrict } from '../../tests/fixtures/sessions/rfc4180';
import { defaultMarkKinds } from '../mark-kinds';
import { sessionCsvColumns, toCsv } from './session-csv';
import { buildSessionExport } from './session-export';
import { xmlSafe } from './text';

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);

describe('toCsv', () => {
  it('matches the golden CSV of the hostile session', () => {
    const csv = toCsv(model);
    expect(csv).toBe(expectGolden(goldenDir, 'hostile-session.csv', csv).expected);
  });

  it('round-trips through a strict RFC 4180 reader: a header, then one record per row, every note intact', () => {
    const [header, ...records] = parseCsvStrict(toCsv(model));
    expect(header).toEqual([...sessionCsvColumns]);
    expect(records).toHaveLength(model.rows.length);
    const column = (name: (typeof sessionCsvColumns)[number]) => sessionCsvColumns.indexOf(name);
    model.rows.forEach((row, index) => {
      const record = records[index] as string[];
      expect(record[column('session_time_ms')]).toBe(String(row.sessionMs));
      expect(record[column('kind')]).toBe(row.kind);
      expect(record[column('note')]).toBe(xmlSafe(row.note ?? ''));
      expect(record[column('segment_title')]).toBe(row.segment?.name ?? '');
      expect(record[column('intensity')]).toBe(row.intensity === null ? '' : String(row.intensity));
      expect(record[column('span_end_ms')]).toBe(row.spanEndMs === null ? '' : String(row.spanEndMs));
      expect(record[column('integration_note')]).toBe(xmlSafe(row.integrationNote ?? ''));
    });
  });

  it('carries each mark\'s integration note, quotes, commas, newlines and all', () => {
    const [header, ...records] = parseCsvStrict(toCsv(model));
    const column = header?.indexOf('integration_note') ?? -1;
    expect(column).toBe(13);
    const distress = records.find((record) => record[7] === 'distress');
    expect(distress?.[column]).toBe('She named it: "the same tight chest as at the funeral", then laughed, quietly.\r\nWe breathed, 4 in, 6 out.\nNext time: ask before touching 🤝🏾');
    expect(records.find((record) => record[7] === 'breakthrough')?.[column]).toBe('בעברית: "אני כאן" — وبالعربية: «أنا هنا», both at once.');
    expect(records.find((record) => record[7] === 'music-resistance')?.[column]).toBe(
      '<script>alert("integration")</script> & ]]> <!-- x --> =HYPERLINK("http://x"), "quoted, with commas"\tnul\ufffd end',
    );
    // Cleared in review, and events never have one.
    expect(records.find((record) => record[7] === 'chills')?.[column]).toBe('');
    expect(records.filter((record) => record[7]?.startsWith('event:')).every((record) => record[column] === '')).toBe(true);
  });

  it('formats times and vitals as documented', () => {
    const [, ...records] = parseCsvStrict(toCsv(model));
    const vitals = records.find((record) => record[7] === 'vitals');
    expect(vitals?.slice(0, 4)).toEqual(['960000', '0:16:00', '2026-11-21T09:11:00.180Z', 'Onset']);
    expect(vitals?.[11]).toBe('BP 132/84; HR 96; 37.2 °C');
  });
});
