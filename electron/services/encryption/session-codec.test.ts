import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { associatedData, newDataKey, newRecordIv, openRecord, sealRecord } from './record-cipher';
import { clearCodec, encryptedCodec, type DecodedText } from './session-codec';

const sessionId = '20261121-093000-a1b2c3';
const otherSessionId = '20261121-093000-zzzzzz';
const eventLine = JSON.stringify({
  id: '8b0d6a52-4bd4-4c1e-9a55-0b8f1f1b7d2e',
  seq: 3,
  kind: 'mark',
  sessionMs: 4_321_000,
  wallTime: '2026-11-21T10:42:01.000Z',
  payload: { markKind: 'distress', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 61_000, note: 'the sea, ümlaut and 🌊' },
});
const metaText = `${JSON.stringify({ id: sessionId, clientCode: 'C-0417', intention: 'to rest' }, null, 2)}\n`;

function flipBit(text: string, bit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  return bytes.toString('utf8');
}

function isProblem(decoded: DecodedText): boolean {
  return 'problem' in decoded;
}

describe('record IVs', () => {
  it('never repeat over 10^6 records', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 1_000_000; index += 1) seen.add(newRecordIv().toString('base64'));
    expect(seen.size).toBe(1_000_000);
  });

  it('are fresh for every record, so the same record sealed twice looks different', () => {
    const key = newDataKey();
    const place = associatedData.journalRecord(sessionId, 0);
    const sealed = Array.from({ length: 1000 }, () => sealRecord(key, Buffer.from(eventLine), place));
    expect(new Set(sealed.map((record) => record.iv.toString('hex'))).size).toBe(1000);
    expect(new Set(sealed.map((record) => record.sealed.toString('hex'))).size).toBe(1000);
    for (const record of sealed.slice(0, 10)) expect(openRecord(key, record, place)?.toString()).toBe(eventLine);
  });
});

describe('AES-256-GCM records', () => {
  it('refuse a truncated tag, another key and another place', () => {
    const key = newDataKey();
    const place = associatedData.journalRecord(sessionId, 4);
    const record = sealRecord(key, Buffer.from(eventLine), place);
    expect(openRecord(key, record, place)?.toString()).toBe(eventLine);
    expect(openRecord(key, { ...record, sealed: record.sealed.subarray(0, -1) }, place)).toBeUndefined();
    expect(openRecord(newDataKey(), record, place)).toBeUndefined();
    expect(openRecord(key, record, associatedData.journalRecord(sessionId, 5))).toBeUndefined();
    expect(openRecord(key, record, associatedData.journalRecord(otherSessionId, 4))).toBeUndefined();
    expect(openRecord(key, record, associatedData.sessionMeta(sessionId))).toBeUndefined();
  });
});

describe('the encrypted session codec', () => {
  const codec = encryptedCodec(newDataKey(), { writesEncrypted: true, readsClear: false });

  it('keeps a journal record on one line and gives back its text', () => {
    const line = codec.encodeJournalLine(sessionId, 3, eventLine);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('ümlaut');
    expect(codec.decodeJournalLine(sessionId, 3, line)).toEqual({ text: eventLine });
    expect(codec.decodeMeta(sessionId, codec.encodeMeta(sessionId, metaText))).toEqual({ text: metaText });
  });

  it('detects every single flipped bit of a journal record and of session metadata, without throwing', () => {
    const line = codec.encodeJournalLine(sessionId, 3, eventLine);
    const undetected: number[] = [];
    for (let bit = 0; bit < Buffer.byteLength(line) * 8; bit += 1) {
      if (!isProblem(codec.decodeJournalLine(sessionId, 3, flipBit(line, bit)))) undetected.push(bit);
    }
    expect(undetected).toEqual([]);

    const meta = codec.encodeMeta(sessionId, metaText);
    for (let bit = 0; bit < Buffer.byteLength(meta) * 8; bit += 1) {
      if (!isProblem(codec.decodeMeta(sessionId, flipBit(meta, bit)))) undetected.push(bit);
    }
    expect(undetected).toEqual([]);
  });

  it('refuses a record at another line or in another session, and metadata as a journal record', () => {
    const line = codec.encodeJournalLine(sessionId, 3, eventLine);
    const problem = { problem: expect.stringContaining('failed its integrity check') };
    expect(codec.decodeJournalLine(sessionId, 2, line)).toEqual(problem);
    expect(codec.decodeJournalLine(otherSessionId, 3, line)).toEqual(problem);
    expect(codec.decodeMeta(otherSessionId, codec.encodeMeta(sessionId, metaText))).toEqual(problem);
    expect(codec.decodeMeta(sessionId, `${line}\n`)).toEqual(problem);
  });

  it('refuses clear records once encryption is on, and reads them while sessions are being converted', () => {
    expect(codec.decodeJournalLine(sessionId, 0, eventLine)).toEqual({ problem: expect.stringContaining('is not encrypted') });
    expect(codec.decodeMeta(sessionId, metaText)).toEqual({ problem: expect.stringContaining('is not encrypted') });
    const converting = encryptedCodec(newDataKey(), { writesEncrypted: true, readsClear: true });
    expect(converting.decodeJournalLine(sessionId, 0, eventLine)).toEqual({ text: eventLine });
  });

  it('gives back any text it sealed, at any place', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.nat(), (text, recordIndex) => {
        const line = text.replaceAll('\n', ' ');
        expect(codec.decodeJournalLine(sessionId, recordIndex, codec.encodeJournalLine(sessionId, recordIndex, line))).toEqual({ text: line });
        expect(codec.decodeMeta(sessionId, codec.encodeMeta(sessionId, text))).toEqual({ text });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the clear codec', () => {
  it('stores records as they are and says so when it meets an encrypted one', () => {
    const encrypted = encryptedCodec(newDataKey(), { writesEncrypted: true, readsClear: false }).encodeJournalLine(sessionId, 0, eventLine);
    expect(clearCodec.encodeJournalLine(sessionId, 0, eventLine)).toBe(eventLine);
    expect(clearCodec.decodeJournalLine(sessionId, 0, encrypted)).toEqual({ problem: expect.stringContaining('keys.json is missing') });
  });
});
