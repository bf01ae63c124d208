import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const algorithm = 'aes-256-gcm';
export const dataKeyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;

export interface SealedRecord {
  readonly iv: Buffer;
  /** The ciphertext followed by its 16-byte authentication tag. */
  readonly sealed: Buffer;
}

/**
 * A fresh random 96-bit IV for every record. Random rather than a counter: records are
 * written by several processes over the years (desktop, web host, a crash and a restart)
 * and a counter would have to survive all of them; 2^32 records per key keep the chance
 * of a repeat below NIST's 2^-32 bound, and a lifetime of sessions is far fewer.
 */
export function newRecordIv(): Buffer {
  return randomBytes(ivBytes);
}

export function newDataKey(): Buffer {
  return randomBytes(dataKeyBytes);
}

/** AES-256-GCM of one record, bound by `associatedData` to the place it belongs. */
export function sealRecord(key: Buffer, plaintext: Buffer, associatedData: Buffer): SealedRecord {
  const iv = newRecordIv();
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  cipher.setAAD(associatedData);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, sealed };
}

/** The plaintext, or undefined when the record, its IV or its place was changed (the tag does not match). */
export function openRecord(key: Buffer, record: SealedRecord, associatedData: Buffer): Buffer | undefined {
  if (record.iv.length !== ivBytes || record.sealed.length < tagBytes) return undefined;
  const ciphertext = record.sealed.subarray(0, record.sealed.length - tagBytes);
  const tag = record.sealed.subarray(record.sealed.length - tagBytes);
  // authTagLength pins the tag at 16 bytes: Node would otherwise accept a truncated tag.
  const decipher = createDecipheriv(algorithm, key, record.iv, { authTagLength: tagBytes });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * What a record is bound to. A journal record is bound to its session and its place in
 * the file (its sequence number: the 0-based line), so a record copied from another
 * session, moved, repeated or swapped does not open; session metadata to its session.
 */
export const associatedData = {
  journalRecord: (sessionId: string, recordIndex: number) => Buffer.from(`attune/journal-record/v1\0${sessionId}\0${recordIndex}`, 'utf8'),
  sessionMeta: (sessionId: string) => Buffer.from(`attune/session-meta/v1\0${sessionId}`, 'utf8'),
  wrappedDataKey: () => Buffer.from('attune/data-key/v1', 'utf8'),
};
