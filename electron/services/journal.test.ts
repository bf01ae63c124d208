import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journalEventSchema, type JournalEvent, type JournalEventInput } from '../../core/events';
import { ContractFailure } from '../../core/result';
import { sessionSetupSchema } from '../../core/session';
import { newDataKey } from './encryption/record-cipher';
import { encryptedCodec } from './encryption/session-codec';
import { JournalWriter, readJournal } from './journal';
import { SessionStore } from './sessions';
import { droneOnlyPlaylist } from '../../tests/support/drone-playlist';

let directory: string;
let journalPath: string;
const writers: JournalWriter[] = [];

beforeEach(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'attune-journal-'));
  journalPath = path.join(directory, 'events.jsonl');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(writers.splice(0).map((writer) => writer.close().catch(() => undefined)));
  await rm(directory, { recursive: true, force: true });
});

async function openWriter(existing: readonly JournalEvent[] = [], wallClock?: () => Date): Promise<JournalWriter> {
  const writer = await JournalWriter.open(journalPath, existing, wallClock);
  writers.push(writer);
  return writer;
}

function mark(sessionMs: number, markKind = 'resonance'): JournalEventInput {
  return {
    id: randomUUID(),
    kind: 'mark',
    sessionMs,
    payload: { markKind, phaseId: 'peak', segmentId: 'peak-drone', positionMs: sessionMs % 60_000, reactionOffsetMs: 0 },
  };
}

/** The prototype every FileHandle shares, so a test can make the next write fail. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const probe = await open(journalPath, 'a');
  await probe.close();
  return Object.getPrototypeOf(probe) as FileHandle;
}

function fileLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('JournalWriter and readJournal', () => {
  it('reads back appended events in order, numbered from 0, with the wall-clock time', async () => {
    let tick = 0;
    const writer = await openWriter([], () => new Date(Date.UTC(2026, 10, 21, 9, 30, tick++)));
    const inputs = [mark(1000), mark(2000, 'distress'), mark(3000, 'breakthrough')];
    for (const input of inputs) await writer.append(input);

    const { events, repairs } = await readJournal(journalPath, { repair: false });
    expect(repairs).toEqual([]);
    expect(events.map((event) => event.seq)).toEqual([0, 1, 2]);
    expect(events.map((event) => event.id)).toEqual(inputs.map((input) => input.id));
    expect(events.map((event) => event.wallTime)).toEqual([
      '2026-11-21T09:30:00.000Z',
      '2026-11-21T09:30:01.000Z',
      '2026-11-21T09:30:02.000Z',
    ]);
    expect(events[1]).toMatchObject({ kind: 'mark', sessionMs: 2000, payload: inputs[1]?.payload });
  });

  it('uses the real time as an ISO timestamp by default', async () => {
    const writer = await openWriter();
    const before = Date.now();
    const { event } = await writer.append(mark(0));
    expect(new Date(event.wallTime).toISOString()).toBe(event.wallTime);
    expect(Date.parse(event.wallTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(event.wallTime)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('writes one JSON line per event', async () => {
    const writer = await openWriter();
    await writer.append(mark(10));
    await writer.append(mark(20));
    const text = await readFile(journalPath, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(fileLines(text).map((line) => (JSON.parse(line) as { sessionMs: number }).sessionMs)).toEqual([10, 20]);
  });

  it('acknowledges an append only after the line is in the file and synced', async () => {
    const writer = await openWriter();
    const prototype = await fileHandlePrototype();
    let releaseSync: () => void = () => undefined;
    const realDatasync = prototype.datasync;
    const datasync = vi.spyOn(prototype, 'datasync').mockImplementationOnce(async function (this: FileHandle) {
      await new Promise<void>((resolve) => {
        releaseSync = resolve;
      });
      return realDatasync.call(this);
    });

    let acknowledged = false;
    const input = mark(500);
    const append = writer.append(input).then((result) => {
      acknowledged = true;
      return result;
    });
    await vi.waitFor(() => expect(datasync).toHaveBeenCalled());
    expect(await readFile(journalPath, 'utf8')).toContain(input.id);
    expect(acknowledged).toBe(false);

    releaseSync();
    const { event } = await append;
    expect(acknowledged).toBe(true);
    expect(event.id).toBe(input.id);
  });

  it('answers a repeated event id as a duplicate and writes nothing', async () => {
    const writer = await openWriter();
    const input = mark(1000);
    const first = await writer.append(input);
    const textAfterFirst = await readFile(journalPath, 'utf8');

    // The same event resent (a retry), its fields in another order: an idempotent duplicate.
    const again = await writer.append({ payload: input.payload, sessionMs: input.sessionMs, kind: input.kind, id: input.id } as JournalEventInput);
    expect(again.duplicate).toBe(true);
    expect(again.event).toEqual(first.event);
    expect(await readFile(journalPath, 'utf8')).toBe(textAfterFirst);

    const next = await writer.append(mark(2000));
    expect(next.event.seq).toBe(1);
  });

  it('refuses the same id with different content as a conflict, and writes nothing', async () => {
    const writer = await openWriter();
    const input = mark(1000);
    await writer.append(input);
    const textAfterFirst = await readFile(journalPath, 'utf8');

    await expect(writer.append({ ...input, sessionMs: 9999 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(writer.appendMany([mark(1500), { ...input, payload: { ...input.payload, positionMs: 1 } } as JournalEventInput])).rejects.toMatchObject({ code: 'conflict' });
    expect(await readFile(journalPath, 'utf8')).toBe(textAfterFirst);
    expect((await writer.append(mark(2000))).event.seq).toBe(1);
  });

  it('recognises a duplicate after a restart from the events read back', async () => {
    const input = mark(1000);
    const writer = await openWriter();
    await writer.append(input);
    await writer.close();

    const { events } = await readJournal(journalPath, { repair: true });
    const reopened = await openWriter(events);
    expect((await reopened.append(input)).duplicate).toBe(true);
    expect((await reopened.append(mark(3000))).event.seq).toBe(1);
    expect(fileLines(await readFile(journalPath, 'utf8'))).toHaveLength(2);
  });

  it('gives concurrent appends distinct, increasing sequence numbers in file order', async () => {
    const writer = await openWriter();
    const inputs = Array.from({ length: 25 }, (_, index) => mark(index * 100));
    const results = await Promise.all(inputs.map((input) => writer.append(input)));

    expect(results.map((result) => result.event.seq)).toEqual(inputs.map((_, index) => index));
    const { events } = await readJournal(journalPath, { repair: false });
    expect(events.map((event) => event.seq)).toEqual(inputs.map((_, index) => index));
    expect(events.map((event) => event.id)).toEqual(inputs.map((input) => input.id));
  });

  it('writes a concurrent retry of the same event only once', async () => {
    const writer = await openWriter();
    const input = mark(1000);
    const [first, second] = await Promise.all([writer.append(input), writer.append(input)]);
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(fileLines(await readFile(journalPath, 'utf8'))).toHaveLength(1);
  });

  it('continues numbering after the events it was opened with', async () => {
    const writer = await openWriter();
    await writer.append(mark(1));
    await writer.append(mark(2));
    await writer.close();
    const { events } = await readJournal(journalPath, { repair: true });
    const reopened = await openWriter(events);
    expect((await reopened.append(mark(3))).event.seq).toBe(2);
    expect(reopened.events().map((event) => event.seq)).toEqual([0, 1, 2]);
  });
});

describe('readJournal repairs', () => {
  async function journalWithTornTail(tail: Buffer): Promise<JournalEvent[]> {
    const writer = await openWriter();
    await writer.append(mark(1000));
    await writer.append(mark(2000));
    await writer.close();
    await appendFile(journalPath, tail);
    return (await readJournal(journalPath, { repair: false })).events;
  }

  const fullLine = JSON.stringify({ ...mark(3000), seq: 2, wallTime: '2026-11-21T10:00:00.000Z' });
  const lineWithNote = `${JSON.stringify({
    id: randomUUID(),
    seq: 2,
    kind: 'session-started',
    sessionMs: 0,
    wallTime: '2026-11-21T10:00:00.000Z',
    payload: { playlistId: 'ocean', playlistTitle: 'Über das Meer 🌊 — Rückkehr' },
  })}\n`;
  const splitCharacterAt = Buffer.from(lineWithNote, 'utf8').indexOf(Buffer.from('🌊', 'utf8')) + 2;
  const mebibyte = 1024 * 1024;
  const hugeLine = JSON.stringify({ ...mark(3000), seq: 2, wallTime: '2026-11-21T10:00:00.000Z', padding: 'x'.repeat(mebibyte + 4096) });

  it.each([
    ['half a JSON line', Buffer.from(fullLine.slice(0, Math.floor(fullLine.length / 2)), 'utf8')],
    ['a line cut inside a multi-byte character', Buffer.from(lineWithNote, 'utf8').subarray(0, splitCharacterAt)],
    ['binary garbage without a newline', Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x80, 0x00, 0xc3])],
    ['a whole line without its newline', Buffer.from(fullLine, 'utf8')],
    ['a line of more than 1 MiB without its newline', Buffer.from(hugeLine.slice(0, mebibyte + 100), 'utf8')],
  ])('cuts off %s, reports it, and starts the next append on its own line', async (_label, tail) => {
    const before = await journalWithTornTail(tail);
    expect(before).toHaveLength(2);

    const repaired = await readJournal(journalPath, { repair: true });
    expect(repaired.events.map((event) => event.seq)).toEqual([0, 1]);
    expect(repaired.repairs).toHaveLength(1);
    expect(repaired.repairs[0]).toMatch(/cut off an incomplete last line/);
    expect(repaired.repairs[0]).toContain(`${tail.length} byte`);

    const writer = await openWriter(repaired.events);
    const next = mark(4000);
    await writer.append(next);

    const after = await readJournal(journalPath, { repair: false });
    expect(after.repairs).toEqual([]);
    expect(after.events.map((event) => event.id)).toEqual([...repaired.events.map((event) => event.id), next.id]);
    expect(after.events.at(-1)?.seq).toBe(2);
  });

  it('only reports a torn tail, without cutting it, when not repairing', async () => {
    await journalWithTornTail(Buffer.from('{"id":"', 'utf8'));
    const sizeBefore = (await readFile(journalPath)).length;
    const { events, repairs } = await readJournal(journalPath, { repair: false });
    expect(events).toHaveLength(2);
    expect(repairs).toEqual(['ignored an incomplete last line (7 bytes)']);
    expect((await readFile(journalPath)).length).toBe(sizeBefore);
  });

  it('cuts off a journal that is nothing but a torn line', async () => {
    await writeFile(journalPath, '{"id":"3fa8');
    const { events, repairs } = await readJournal(journalPath, { repair: true });
    expect(events).toEqual([]);
    expect(repairs).toHaveLength(1);
    expect(await readFile(journalPath, 'utf8')).toBe('');
  });

  it('skips and reports complete lines that are not events, keeps later events, and leaves them in the file', async () => {
    const writer = await openWriter();
    await writer.append(mark(1000));
    await writer.close();
    await appendFile(journalPath, '{"this is": not json}\n{"kind":"mark","sessionMs":5}\n\n');
    const reopened = await openWriter((await readJournal(journalPath, { repair: true })).events);
    await reopened.append(mark(2000));
    await reopened.close();
    const textBefore = await readFile(journalPath, 'utf8');

    const { events, repairs } = await readJournal(journalPath, { repair: true });
    expect(events.map((event) => event.sessionMs)).toEqual([1000, 2000]);
    expect(events.map((event) => event.seq)).toEqual([0, 1]);
    expect(repairs).toEqual(['skipped line 2: not valid JSON', 'skipped line 3: not a valid event']);
    expect(await readFile(journalPath, 'utf8')).toBe(textBefore);
  });

  it('skips and reports a complete line of more than 1 MiB that is not a valid event, and keeps the events after it', async () => {
    const writer = await openWriter();
    await writer.append(mark(1000));
    const tooLong = { ...mark(2000), seq: 1, wallTime: '2026-11-21T10:00:00.000Z' };
    const hugeNote = { ...tooLong, payload: { ...tooLong.payload, note: 'ö'.repeat(mebibyte) } };
    const hugeLineText = `${JSON.stringify(hugeNote)}\n`;
    expect(Buffer.byteLength(hugeLineText)).toBeGreaterThan(mebibyte);
    await appendFile(journalPath, hugeLineText);
    await writer.close();

    const reopened = await openWriter((await readJournal(journalPath, { repair: true })).events);
    const later = [mark(3000), mark(4000, 'distress')];
    for (const input of later) await reopened.append(input);
    await reopened.close();
    const textBefore = await readFile(journalPath, 'utf8');

    const { events, repairs } = await readJournal(journalPath, { repair: true });
    expect(repairs).toEqual(['skipped line 2: not a valid event']);
    expect(events.map((event) => event.sessionMs)).toEqual([1000, 3000, 4000]);
    expect(events.slice(1).map((event) => event.id)).toEqual(later.map((input) => input.id));
    expect(events.map((event) => event.seq)).toEqual([0, 1, 2]);
    expect(await readFile(journalPath, 'utf8')).toBe(textBefore);
  });

  it('reads an empty journal as no events', async () => {
    await writeFile(journalPath, '');
    expect(await readJournal(journalPath, { repair: true })).toEqual({ events: [], repairs: [], recordCount: 0 });
  });
});

describe('readJournal validation', () => {
  const wallTime = '2026-11-21T10:00:00.000Z';
  const markId = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
  const place = { phaseId: 'peak', segmentId: 'peak-drone', positionMs: 12_000 };
  /** One or more valid events of every kind, with and without their optional fields. */
  const validEvents: Record<string, unknown>[] = [
    { kind: 'session-started', payload: { playlistId: 'ocean', playlistTitle: 'Über das Meer' } },
    { kind: 'mark', payload: { markKind: 'resonance', ...place, reactionOffsetMs: 0 } },
    { kind: 'mark', payload: { markKind: 'distress', ...place } },
    { kind: 'mark', payload: { markKind: 'note', ...place, reactionOffsetMs: 800, span: 'open', intensity: 3, note: 'hands open', vitals: { systolic: 120, diastolic: 80, heartRate: 70, temperatureC: 36.6 } } },
    { kind: 'playback', payload: { action: 'pause', programMs: 5000 } },
    { kind: 'segment-started', payload: { phaseId: 'peak', segmentId: 'peak-drone', programMs: 0 } },
    { kind: 'phase-started', payload: { phaseId: 'return', programMs: 60_000 } },
    { kind: 'session-ended', payload: { reason: 'facilitator' } },
    { kind: 'mark-edited', payload: { markId, intensity: 4 } },
    { kind: 'mark-edited', payload: { markId, intensity: null, note: null, vitals: null } },
    { kind: 'mark-edited', payload: { markId, vitals: { heartRate: 90 } } },
    { kind: 'mark-deleted', payload: { markId, reason: 'undo' } },
    { kind: 'integration-note', payload: { markId, note: 'we talked about the sea' } },
    { kind: 'integration-note', payload: { note: null } },
    { kind: 'span-closed', payload: { markId, ...place, autoClosed: false } },
    { kind: 't0-corrected', payload: { offsetMs: -600_000 } },
    { kind: 'session-resumed', payload: { programMs: 1000, gapMs: 30_000, playing: true } },
    { kind: 'plan-changed', payload: { kind: 'hold', phaseId: 'peak', programMs: 1000 } },
    { kind: 'plan-changed', payload: { kind: 'extend', phaseId: 'peak', byMs: 600_000, programMs: 1000 } },
    { kind: 'plan-changed', payload: { kind: 'advance', toPhaseId: 'return', programMs: 1000 } },
    { kind: 'plan-changed', payload: { kind: 'skip', segmentId: 'peak-drone', programMs: 1000 } },
    { kind: 'quiet', payload: { action: 'start', programMs: 1000 } },
    { kind: 'volume', payload: { volume: 0.8 } },
    { kind: 'playback-problem', payload: { segmentId: 'track-a', path: 'music/a.flac', reason: 'missing', detail: 'not found', programMs: 0 } },
    { kind: 'playback-problem', payload: { segmentId: 'peak-drone', reason: 'silence', detail: '', programMs: 0 } },
    { kind: 'reminder', payload: { reminder: 'vitals', action: 'logged', dueSessionMs: 1_800_000 } },
    { kind: 'clock-jump', payload: { wallDeltaMs: -3_600_000, monotonicDeltaMs: 10, likelyCause: 'clock-back' } },
    { kind: 'preflight-confirmed', payload: { lines: [{ check: 'output', label: 'Output device', detail: 'the default device' }] } },
  ].map((event, seq) => ({ id: randomUUID(), seq, sessionMs: 1000 * seq, wallTime, ...event }));

  async function readLines(lines: readonly string[]) {
    await writeFile(journalPath, lines.map((line) => `${line}\n`).join(''));
    return readJournal(journalPath, { repair: false });
  }

  /** What the schema itself makes of each line: the events read, and a report for each line refused. */
  function expectedFrom(lines: readonly string[]) {
    const events: JournalEvent[] = [];
    const repairs: string[] = [];
    lines.forEach((line, index) => {
      const parsed = journalEventSchema.safeParse(JSON.parse(line));
      if (parsed.success) events.push(parsed.data);
      else repairs.push(`skipped line ${index + 1}: not a valid event`);
    });
    return { events, repairs };
  }

  it('reads a valid event of every kind as the schema parses it, defaults included', async () => {
    const lines = validEvents.map((event) => JSON.stringify(event));
    const { events, repairs } = await readLines(lines);
    expect(repairs).toEqual([]);
    expect(events).toEqual(expectedFrom(lines).events);
    expect(events.map((event) => event.kind)).toEqual(validEvents.map((event) => event.kind));
    expect(events[2]).toMatchObject({ kind: 'mark', payload: { markKind: 'distress', reactionOffsetMs: 0 } });
  });

  it('skips and reports a line with an unknown kind, a wrong-typed or missing field, or a field the schema does not know', async () => {
    const [started, mark] = validEvents as [Record<string, unknown>, Record<string, unknown>];
    const markPayload = mark.payload as Record<string, unknown>;
    const refused = [
      { ...mark, kind: 'heartbeat' },
      { ...mark, sessionMs: '1000' },
      { ...mark, seq: 1.5 },
      { ...mark, id: 'not-a-uuid' },
      { ...mark, wallTime: '2026-02-29T10:00:00.000Z' },
      { ...mark, payload: { ...markPayload, positionMs: -1 } },
      { ...mark, payload: { ...markPayload, markKind: 'Resonance' } },
      { ...mark, payload: { ...markPayload, intensity: 6 } },
      { ...mark, payload: { ...markPayload, span: 'closed' } },
      { ...mark, payload: { ...markPayload, vitals: { heartRate: 70, mood: 'calm' } } },
      { ...mark, payload: { ...markPayload, extra: true } },
      { ...mark, extra: true },
      { ...mark, payload: { ...markPayload, segmentId: undefined } },
      { ...mark, payload: (started as { payload: unknown }).payload },
      { ...mark, kind: 'mark-edited', payload: { markId } },
      { ...mark, kind: 'plan-changed', payload: { kind: 'extend', phaseId: 'peak', byMs: 1000, programMs: 0 } },
    ].map((event) => JSON.stringify(event));
    const withProtoKey = JSON.stringify(started).replace('{', '{"__proto__":{},');
    const refusedLines = [...refused, withProtoKey, '[]', 'null', '"mark"'];
    const lines = [JSON.stringify(started), JSON.stringify(mark), ...refusedLines];

    const { events, repairs } = await readLines(lines);
    expect(events.map((event) => event.id)).toEqual([started.id, mark.id]);
    expect(repairs).toEqual(refusedLines.map((_, index) => `skipped line ${index + 3}: not a valid event`));
    expect({ events, repairs }).toEqual(expectedFrom(lines));
  });

  it('reads every near-miss of a valid event exactly as the schema does: the same events, the same lines refused', async () => {
    const leaves = (value: unknown): unknown[] => (typeof value === 'object' && value !== null ? Object.values(value).flatMap(leaves) : [value]);
    /** The values of valid events, so that many near-misses are valid events too. */
    const validLeaf = fc.constantFrom(...new Set(validEvents.flatMap(leaves)));
    const hostileValue = fc.oneof(
      { arbitrary: validLeaf, weight: 4 },
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(-1, 0, 0.5, 1, 3, 6, 45.5, 2 ** 53, 1e21, -12 * 3_600_000 - 1, '', 'x'.repeat(5001), null, [], {}, true),
      fc.constantFrom(markId, randomUUID().toUpperCase(), '00000000-0000-0000-0000-000000000000', '3fa85f64-5717-0562-b3fc-2c963f66afa6'),
      fc.constantFrom(wallTime, '2028-02-29T10:00:00Z', '2026-02-29T10:00:00Z', '2026-11-21T10:00:00+01:00', '2026-11-21 10:00:00Z'),
      fc.constantFrom('peak', 'Peak', '-peak', 'a'.repeat(64), 'a'.repeat(65), 'open', 'undo', 'start', 'shown', 'clock-back', 'mark', 'hold'),
    );
    const keyToAdd = fc.constantFrom('extra', 'kind', 'note', 'intensity', 'markId', 'programMs', 'vitals', 'span', '__proto__', 'constructor', 'toString');
    const nearMiss = fc
      .record({ base: fc.nat(), depth: fc.nat({ max: 2 }), keyPick: fc.nat(), remove: fc.boolean(), addKey: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, keyToAdd), value: hostileValue })
      .map(({ base, depth, keyPick, remove, addKey, value }) => {
        const event = structuredClone(validEvents[base % validEvents.length]) as Record<string, unknown>;
        let target = event;
        for (let level = 0; level < depth; level += 1) {
          const inner = Object.values(target).find((child) => typeof child === 'object' && child !== null);
          if (inner === undefined) break;
          target = (Array.isArray(inner) ? inner[0] : inner) as Record<string, unknown>;
        }
        const keys = Object.keys(target);
        const key = addKey ?? (keys[keyPick % keys.length] as string);
        if (remove && addKey === null) delete target[key];
        else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
        return JSON.stringify(event);
      });
    const markLine = JSON.stringify(validEvents[3]);
    const withNote = (note: string) => markLine.replace('"hands open"', JSON.stringify(note));
    /** Near-misses that only the JSON text can make, or that sit on a limit. */
    const textLines = [
      markLine.replace(/"sessionMs":\d+/, '"sessionMs":1e400'),
      markLine.replace(/"positionMs":\d+/, '"positionMs":-0'),
      markLine.replace(/"positionMs":\d+/, '"positionMs":12000.0'),
      markLine.replace('"kind":"mark"', '"kind":"mark","kind":"volume"'),
      withNote('😀'.repeat(5000)),
      withNote('😀'.repeat(5001)),
      withNote('x'.repeat(5000)),
      markLine.replace('"hands open"', '"\\ud800"'),
      ...['2026-11-21T10:00:00Z', '2026-11-21T10:00:00.1234567Z', '2026-11-21t10:00:00Z', '2026-11-21T10:00:00.000z', '2026-11-21T24:00:00Z'].map((time) =>
        markLine.replace(wallTime, time),
      ),
    ];
    const lines = [...fc.sample(nearMiss, { numRuns: 3000, seed: 20261121 }), ...textLines];

    const read = await readLines(lines);
    const expected = expectedFrom(lines);
    expect(read.repairs).toEqual(expected.repairs);
    // Compared as text, so the key order of what is read back is the schema's too.
    expect(read.events.map((event) => JSON.stringify(event))).toEqual(expected.events.map((event) => JSON.stringify(event)));
    expect(expected.events.length).toBeGreaterThan(250);
    expect(expected.repairs.length).toBeGreaterThan(2000);
  });
});

describe('JournalWriter write failures', () => {
  it('rejects an append whose write fails halfway and takes the partial line back', async () => {
    const writer = await openWriter();
    await writer.append(mark(1000));
    const prototype = await fileHandlePrototype();
    const realAppendFile = prototype.appendFile;
    vi.spyOn(prototype, 'appendFile').mockImplementationOnce(async function (this: FileHandle, data) {
      await realAppendFile.call(this, (data as Buffer).subarray(0, 20));
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    });

    await expect(writer.append(mark(2000))).rejects.toMatchObject({ code: 'EIO' });

    const afterFailure = await readJournal(journalPath, { repair: false });
    expect(afterFailure.repairs).toEqual([]);
    expect(afterFailure.events.map((event) => event.sessionMs)).toEqual([1000]);

    const retried = await writer.append(mark(3000));
    expect(retried.event.seq).toBe(1);
    const final = await readJournal(journalPath, { repair: false });
    expect(final.repairs).toEqual([]);
    expect(final.events.map((event) => event.sessionMs)).toEqual([1000, 3000]);
  });

  it('rejects an append whose sync fails and does not keep the unsynced line', async () => {
    const writer = await openWriter();
    await writer.append(mark(1000));
    const prototype = await fileHandlePrototype();
    vi.spyOn(prototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));

    const failed = mark(2000);
    await expect(writer.append(failed)).rejects.toMatchObject({ code: 'ENOSPC' });
    const { events, repairs } = await readJournal(journalPath, { repair: false });
    expect(repairs).toEqual([]);
    expect(events.map((event) => event.sessionMs)).toEqual([1000]);
    expect(writer.events().map((event) => event.id)).not.toContain(failed.id);
  });

  it('rejects when the file is closed underneath it and leaves earlier events readable', async () => {
    const writer = await openWriter();
    await writer.append(mark(1000));
    await writer.append(mark(2000));
    await (writer as unknown as { handle: FileHandle }).handle.close();

    await expect(writer.append(mark(3000))).rejects.toThrow();
    const { events, repairs } = await readJournal(journalPath, { repair: false });
    expect(repairs).toEqual([]);
    expect(events.map((event) => event.sessionMs)).toEqual([1000, 2000]);
  });
});

describe('SessionStore.append on a full disk', () => {
  it('answers write-failed naming ENOSPC, loses no earlier event, and saves the retry once space is back', async () => {
    const store = new SessionStore(directory);
    try {
      const meta = await store.start(droneOnlyPlaylist(), sessionSetupSchema.parse({ clientCode: 'K-17' }));
      const sessionJournal = path.join(directory, 'sessions', meta.id, 'events.jsonl');
      const earlier = [mark(1000), mark(2000, 'distress'), mark(3000)];
      for (const input of earlier) await store.append(meta.id, input);

      const probe = await open(sessionJournal, 'r');
      await probe.close();
      const prototype = Object.getPrototypeOf(probe) as FileHandle;
      const realAppendFile = prototype.appendFile;
      // A full disk takes the first bytes of the line and refuses the rest.
      vi.spyOn(prototype, 'appendFile').mockImplementationOnce(async function (this: FileHandle, data) {
        await realAppendFile.call(this, (data as Buffer).subarray(0, 37));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      });

      const failing = mark(4000);
      const failure = await store.append(meta.id, failing).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ContractFailure);
      expect(failure).toMatchObject({ code: 'write-failed' });
      expect((failure as ContractFailure).message).toContain('ENOSPC');

      const afterFailure = await readJournal(sessionJournal, { repair: false });
      expect(afterFailure.repairs).toEqual([]);
      expect(afterFailure.events.map((event) => event.kind)).toEqual(['session-started', 'mark', 'mark', 'mark']);
      expect(afterFailure.events.slice(1).map((event) => event.id)).toEqual(earlier.map((input) => input.id));

      expect(await store.append(meta.id, failing)).toMatchObject({ seq: 4, duplicate: false });
      const { events, repairs } = await readJournal(sessionJournal, { repair: false });
      expect(repairs).toEqual([]);
      expect(events.map((event) => event.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(events.slice(1).map((event) => event.id)).toEqual([...earlier, failing].map((input) => input.id));
    } finally {
      await store.close();
    }
  });
});

describe('journal lines sealed to their place (encryption at rest)', () => {
  const sessionId = '20261121-093000-a1b2c3';
  const codec = encryptedCodec(newDataKey(), { writesEncrypted: true, readsClear: false });
  const lineFormat = (recordCount: number) => ({ recordCount, encode: (recordIndex: number, line: string) => codec.encodeJournalLine(sessionId, recordIndex, line) });
  const decodeLine = (recordIndex: number, line: string) => codec.decodeJournalLine(sessionId, recordIndex, line);

  it('carries on after the lines already there, and a failed write does not shift the places of the next ones', async () => {
    const first = await JournalWriter.open(journalPath, [], undefined, lineFormat(0));
    await first.appendMany([mark(1000), mark(2000)]);
    await first.close();
    const read = await readJournal(journalPath, { repair: true, decodeLine });
    expect(read).toMatchObject({ repairs: [], recordCount: 2 });

    const second = await JournalWriter.open(journalPath, read.events, undefined, lineFormat(read.recordCount));
    writers.push(second);
    const prototype = await fileHandlePrototype();
    const realAppendFile = prototype.appendFile;
    vi.spyOn(prototype, 'appendFile').mockImplementationOnce(async function (this: FileHandle, data) {
      await realAppendFile.call(this, (data as Buffer).subarray(0, 37));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    const retried = mark(3000);
    await expect(second.append(retried)).rejects.toMatchObject({ code: 'ENOSPC' });
    await second.append(retried);
    await second.append(mark(4000));

    const text = await readFile(journalPath, 'utf8');
    expect(fileLines(text).every((line) => line.startsWith('{"enc":1,'))).toBe(true);
    const { events, repairs, recordCount } = await readJournal(journalPath, { repair: false, decodeLine });
    expect(repairs).toEqual([]);
    expect(recordCount).toBe(4);
    expect(events.map((event) => event.seq)).toEqual([0, 1, 2, 3]);
    expect(events[2]?.id).toBe(retried.id);
  });
});
