import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { writeFileAtomically } from '../services/durable-fs';
import { nodeErrorCode } from '../services/error-code';

/**
 * The web host's key and port, kept per data folder so that a restarted host answers an open
 * tab at the same address with the same key (its cookie still matches, its socket reconnects).
 */
export const hostIdentityFileName = 'web-host.json';

const storedIdentitySchema = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** The port `--port 0` picked last time; reused while it is free. */
  port: z.number().int().min(1).max(65535).optional(),
});
export type HostIdentity = z.infer<typeof storedIdentitySchema>;

export const newHostKey = (): string => randomBytes(32).toString('base64url');

export interface LoadedIdentity {
  /** What the file held, or undefined when there is none (or it could not be used). */
  readonly stored: HostIdentity | undefined;
  /** Lines for the host's output: what was wrong with the file and what was done about it. */
  readonly notes: readonly string[];
}

/** Reads the identity file; a file readable by others is made the user's only, a damaged one is replaced. */
export async function loadHostIdentity(dataDir: string): Promise<LoadedIdentity> {
  const filePath = path.join(dataDir, hostIdentityFileName);
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return { stored: undefined, notes: [] };
    return { stored: undefined, notes: [`Could not read ${filePath} (${nodeErrorCode(error) ?? String(error)}); using a new key.`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = storedIdentitySchema.safeParse(json);
  if (!parsed.success) return { stored: undefined, notes: [`${filePath} did not hold a key Attune can use; it is replaced with a new one.`] };
  const notes: string[] = [];
  if (process.platform !== 'win32' && ((await stat(filePath)).mode & 0o077) !== 0) {
    // The key opens every session in the browser: nobody but the user may read it.
    await chmod(filePath, 0o600);
    notes.push(`${filePath} was readable by other users; it is now readable by you only. Use --new-key if someone else may have read it.`);
  }
  return { stored: parsed.data, notes };
}

/** Writes the identity file, readable and writable by the user only, replacing it whole. */
export async function saveHostIdentity(dataDir: string, identity: HostIdentity): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomically(path.join(dataDir, hostIdentityFileName), `${JSON.stringify(identity, null, 2)}\n`);
}
