import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../tests/fixtures/sessions/golden';
import { loadHostileSession } from '../../tests/fixtures/sessions/hostile-session';
import { defaultMarkKinds } from '../mark-kinds';
import { buildSessionExport } from './session-export';
import { toJson } from './session-json';

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const { opened, playlist } = loadHostileSession();
const model = buildSessionExport(opened, playlist, defaultMarkKinds);

describe('toJson', () => {
  it('matches the golden JSON of the hostile session', () => {
    const json = toJson(model);
    expect(json).toBe(expectGolden(goldenDir, 'hostile-session.json', json).expected);
  });

  it('carries every row and note exactly, with every key present', () => {
    const parsed = JSON.parse(toJson(model)) as { format: string; version: number; session: { clientCode: string }; rows: Record<string, unknown>[] };
    expect(parsed.format).toBe('attune.session-export');
    expect(parsed.version).toBe(5);
    expect(parsed.session.clientCode).toBe('K-17 "Ω"');
    expect(parsed.rows.map((row) => row.note)).toEqual(model.rows.map((row) => row.note));
    expect(parsed.rows.map((row) => row.integrationNote)).toEqual(model.rows.map((row) => row.integrationNote));
    expect((parsed.session as { integrationNote?: unknown }).integrationNote).toBe(model.facts.integrationNote);
    const keys = Object.keys(parsed.rows[0] ?? {});
    for (const row of parsed.rows) expect(Object.keys(row)).toEqual(keys);
  });

  it('is the same text for the same session, however its events were ordered', () => {
    const reversed = buildSessionExport({ ...opened, events: [...opened.events].reverse() }, playlist, defaultMarkKinds);
    expect(toJson(reversed)).toBe(toJson(model));
  });
});
