import { associatedData, openRecord, sealRecord, type SealedRecord } from './record-cipher';

/** A record as text again, or why it cannot be read (phrased to follow "skipped line 7: "). */
export type DecodedText = { readonly text: string } | { readonly problem: string };

/**
 * How session files are written and read: in clear, or as AES-256-GCM records. Journal
 * records stay one line each (so torn-tail repair still works) and are bound to their
 * session and line; session metadata to its session.
 */
export interface SessionCodec {
  /** New records are written encrypted. */
  readonly encrypts: boolean;
  /** The line to write (without its newline) for the record at `recordIndex` (the 0-based line). */
  encodeJournalLine(sessionId: string, recordIndex: number, line: string): string;
  decodeJournalLine(sessionId: string, recordIndex: number, line: string): DecodedText;
  /** The whole of session.json. */
  encodeMeta(sessionId: string, text: string): string;
  decodeMeta(sessionId: string, text: string): DecodedText;
}

/** Every encrypted record starts so; a clear event line starts with `{"id":`, clear metadata with `{\n`. */
const envelopePrefix = '{"enc":';
const envelopeVersion = 1;

export function isEncryptedRecord(text: string): boolean {
  return text.startsWith(envelopePrefix);
}

function encodeEnvelope({ iv, sealed }: SealedRecord): string {
  return `${envelopePrefix}${envelopeVersion},"iv":"${iv.toString('base64')}","ct":"${sealed.toString('base64')}"}`;
}

/** Only canonical base64: Node's decoder skips stray characters, which would let a changed byte go unnoticed. */
function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

function parseEnvelope(text: string): SealedRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { enc, iv, ct, ...rest } = json as Record<string, unknown>;
  if (enc !== envelopeVersion || Object.keys(rest).length > 0) return undefined;
  const ivBytes = strictBase64(iv);
  const sealed = strictBase64(ct);
  return ivBytes === undefined || sealed === undefined ? undefined : { iv: ivBytes, sealed };
}

const problems = {
  integrity: (sessionId: string) =>
    `failed its integrity check (session ${sessionId}): it was changed or damaged outside Attune, or belongs to another session or place`,
  damaged: (sessionId: string) => `failed its integrity check (session ${sessionId}): the encrypted record is damaged`,
  notEncrypted: (sessionId: string) => `is not encrypted although this data folder is, so Attune did not write it (session ${sessionId})`,
  noKey: (sessionId: string) => `is encrypted, but encryption is off in this data folder (its keys.json is missing; session ${sessionId})`,
};

/** Encryption off: records are written and read as they are; an encrypted record cannot be read. */
export const clearCodec: SessionCodec = {
  encrypts: false,
  encodeJournalLine: (_sessionId, _recordIndex, line) => line,
  decodeJournalLine: (sessionId, _recordIndex, line) => (isEncryptedRecord(line) ? { problem: problems.noKey(sessionId) } : { text: line }),
  encodeMeta: (_sessionId, text) => text,
  decodeMeta: (sessionId, text) => (isEncryptedRecord(text) ? { problem: problems.noKey(sessionId) } : { text }),
};

export interface EncryptedCodecOptions {
  /** Whether new records are encrypted (false while encryption is being turned off). */
  readonly writesEncrypted: boolean;
  /**
   * Whether clear records are read too: only while existing sessions are being converted.
   * Once encryption is on, a clear record was not written by Attune and is refused.
   */
  readonly readsClear: boolean;
}

export function encryptedCodec(dataKey: Buffer, { writesEncrypted, readsClear }: EncryptedCodecOptions): SessionCodec {
  const seal = (text: string, place: Buffer) => encodeEnvelope(sealRecord(dataKey, Buffer.from(text, 'utf8'), place));
  const open = (sessionId: string, text: string, place: Buffer): DecodedText => {
    if (!isEncryptedRecord(text)) return readsClear ? { text } : { problem: problems.notEncrypted(sessionId) };
    const envelope = parseEnvelope(text);
    if (envelope === undefined) return { problem: problems.damaged(sessionId) };
    const plaintext = openRecord(dataKey, envelope, place);
    return plaintext === undefined ? { problem: problems.integrity(sessionId) } : { text: plaintext.toString('utf8') };
  };
  return {
    encrypts: writesEncrypted,
    encodeJournalLine: (sessionId, recordIndex, line) => (writesEncrypted ? seal(line, associatedData.journalRecord(sessionId, recordIndex)) : line),
    decodeJournalLine: (sessionId, recordIndex, line) => open(sessionId, line, associatedData.journalRecord(sessionId, recordIndex)),
    encodeMeta: (sessionId, text) => (writesEncrypted ? `${seal(text, associatedData.sessionMeta(sessionId))}\n` : text),
    decodeMeta: (sessionId, text) => {
      // Written as one envelope and a newline; anything else was changed.
      if (isEncryptedRecord(text) && !text.endsWith('\n')) return { problem: problems.damaged(sessionId) };
      return open(sessionId, isEncryptedRecord(text) ? text.slice(0, -1) : text, associatedData.sessionMeta(sessionId));
    },
  };
}
