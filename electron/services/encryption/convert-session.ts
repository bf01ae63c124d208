import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory } from '../durable-fs';
import { nodeErrorCode } from '../error-code';
import { isEncryptedRecord, type SessionCodec } from './session-codec';

export type ConversionDirection = 'encrypt' | 'decrypt';

export interface SessionConversion {
  readonly direction: ConversionDirection;
  /** Reads both forms (the data key is open). */
  readonly reading: SessionCodec;
  /** Writes the form the session is converted to. */
  readonly target: SessionCodec;
}

export interface SessionFileNames {
  readonly meta: string;
  readonly journal: string;
}

async function readIfPresent(filePath: string): Promise<string | undefined> {
  try {
    return await readFile(filePath, 'utf8');
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes the converted copy beside the original, makes it durable, reads it back and
 * checks it, then renames it over the original: a crash at any moment leaves one whole
 * version, the old or the new.
 */
async function replaceVerified(filePath: string, contents: string, verify: (writtenText: string) => string | undefined): Promise<void> {
  const directory = path.dirname(filePath);
  const temporaryPath = path.join(directory, `.${path.basename(filePath)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temporaryPath, 'w', 0o600);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    const problem = verify(await readFile(temporaryPath, 'utf8'));
    if (problem !== undefined) throw new Error(`the converted ${path.basename(filePath)} did not read back: ${problem}`);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
  await rename(temporaryPath, filePath);
  await fsyncDirectory(directory);
}

/** Left by an interruption (of a conversion or of an atomic write): never the file itself, and possibly in clear. */
async function removeLeftoverTemporaryFiles(directory: string): Promise<void> {
  for (const name of await readdir(directory)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) await rm(path.join(directory, name), { force: true });
  }
}

function inTargetForm(text: string, conversion: SessionConversion): boolean {
  return isEncryptedRecord(text) === conversion.target.encrypts;
}

/**
 * Converts one line: a record in the other form that reads is re-encoded; one that does
 * not read (an encrypted record that fails its check) is kept as it is, to be reported
 * where it always was. A clear line that is not an event is sealed as it is, so nothing
 * clear stays behind and nothing is dropped.
 */
function convertLine(sessionId: string, recordIndex: number, line: string, conversion: SessionConversion): { line: string; clearText?: string } {
  if (line.trim() === '' || inTargetForm(line, conversion)) return { line };
  const decoded = conversion.reading.decodeJournalLine(sessionId, recordIndex, line);
  if ('problem' in decoded) return { line };
  return { line: conversion.target.encodeJournalLine(sessionId, recordIndex, decoded.text), clearText: decoded.text };
}

async function convertJournal(sessionId: string, journalPath: string, conversion: SessionConversion): Promise<void> {
  const text = await readIfPresent(journalPath);
  if (text === undefined) return;
  // An incomplete last line was never acknowledged; the next open would cut it off anyway.
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').slice(0, -1);
  const converted = lines.map((line, recordIndex) => convertLine(sessionId, recordIndex, line, conversion));
  if (complete.length === text.length && converted.every((entry) => entry.clearText === undefined)) return;
  const contents = converted.map((entry) => `${entry.line}\n`).join('');
  await replaceVerified(journalPath, contents, (written) => {
    if (written !== contents) return 'the bytes on disk differ from those written';
    for (const [recordIndex, entry] of converted.entries()) {
      if (entry.clearText === undefined) continue;
      const reread = conversion.reading.decodeJournalLine(sessionId, recordIndex, entry.line);
      if (!inTargetForm(entry.line, conversion) || 'problem' in reread || reread.text !== entry.clearText) {
        return `line ${recordIndex + 1} does not decode to the original`;
      }
    }
    return undefined;
  });
}

async function convertMeta(sessionId: string, metaPath: string, conversion: SessionConversion): Promise<void> {
  const text = await readIfPresent(metaPath);
  if (text === undefined || inTargetForm(text, conversion)) return;
  const decoded = conversion.reading.decodeMeta(sessionId, text);
  if ('problem' in decoded) return;
  const contents = conversion.target.encodeMeta(sessionId, decoded.text);
  await replaceVerified(metaPath, contents, (written) => {
    if (written !== contents) return 'the bytes on disk differ from those written';
    const reread = conversion.reading.decodeMeta(sessionId, written);
    return 'problem' in reread || reread.text !== decoded.text ? 'it does not decode to the original' : undefined;
  });
}

/**
 * Converts one session folder to the target form. Run it with the session's writer
 * closed (SessionStore.rewriteSession). Files already in the target form are left
 * untouched, so an interrupted conversion simply runs again.
 */
export async function convertSessionFolder(directory: string, sessionId: string, files: SessionFileNames, conversion: SessionConversion): Promise<void> {
  await removeLeftoverTemporaryFiles(directory);
  await convertJournal(sessionId, path.join(directory, files.journal), conversion);
  await convertMeta(sessionId, path.join(directory, files.meta), conversion);
}
