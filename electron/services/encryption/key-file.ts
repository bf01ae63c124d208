import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { fsyncDirectory, writeFileAtomically } from '../durable-fs';
import { nodeErrorCode } from '../error-code';
import { associatedData, dataKeyBytes, openRecord, sealRecord } from './record-cipher';

export const keyFileName = 'keys.json';

/**
 * The system keychain as Electron's safeStorage offers it (the desktop host passes
 * `safeStorage` itself; tests pass a fake). `getSelectedStorageBackend` exists on Linux only.
 */
export interface KeyProtector {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend?(): string;
}

export interface ScryptCost {
  /** CPU and memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** About a third of a second and 128 MiB here: slow enough that guessing a passphrase offline is costly (OWASP's scrypt minimum is N = 2^17, r = 8, p = 1). */
export const defaultScryptCost: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

const base64 = z.string().max(4096).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const isPowerOfTwo = (value: number) => Number.isInteger(Math.log2(value));

const scryptParametersSchema = z
  .strictObject({
    name: z.literal('scrypt'),
    salt: base64,
    N: z.number().int().min(2 ** 14).max(2 ** 20).refine(isPowerOfTwo, 'a power of two'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
  })
  // A file that asks for more memory than this is not ours (and would stall the host).
  .refine(({ N, r, p }) => 128 * N * r * p <= 512 * 1024 * 1024, 'scrypt parameters beyond 512 MiB');

const keyWrappingSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('keychain'), wrappedKey: base64 }),
  z.strictObject({
    method: z.literal('passphrase'),
    kdf: scryptParametersSchema,
    wrappedKey: z.strictObject({ iv: base64, ct: base64 }),
  }),
]);
export type KeyWrapping = z.infer<typeof keyWrappingSchema>;
export type PassphraseWrapping = Extract<KeyWrapping, { method: 'passphrase' }>;
export type KeychainWrapping = Extract<KeyWrapping, { method: 'keychain' }>;

const keyFileSchema = z.strictObject({
  format: z.literal('attune.keys'),
  version: z.literal(1),
  /**
   * `encrypting` and `decrypting` mean existing sessions are being converted (or a
   * conversion was interrupted and resumes once the key is open); `on` that every session is encrypted.
   */
  state: z.enum(['encrypting', 'on', 'decrypting']),
  wrapping: keyWrappingSchema,
});
export type KeyFile = z.infer<typeof keyFileSchema>;

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, keyFileName);
}

/** The key file, undefined when there is none (encryption is off), or 'damaged'. */
export async function readKeyFile(filePath: string): Promise<KeyFile | undefined | 'damaged'> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = keyFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'damaged';
  } catch {
    return 'damaged';
  }
}

export async function writeKeyFile(filePath: string, file: KeyFile): Promise<void> {
  await writeFileAtomically(filePath, `${JSON.stringify(keyFileSchema.parse(file), null, 2)}\n`);
}

export async function removeKeyFile(filePath: string): Promise<void> {
  await rm(filePath, { force: true });
  await fsyncDirectory(path.dirname(filePath));
}

function deriveKey(passphrase: string, salt: Buffer, { N, r, p }: ScryptCost): Promise<Buffer> {
  // The same passphrase typed on another system may arrive in another Unicode form.
  const normalized = passphrase.normalize('NFC');
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r * p };
  return new Promise((resolve, reject) => scrypt(normalized, salt, dataKeyBytes, options, (error, key) => (error === null ? resolve(key) : reject(error))));
}

export async function wrapWithPassphrase(dataKey: Buffer, passphrase: string, cost: ScryptCost): Promise<PassphraseWrapping> {
  const salt = randomBytes(16);
  const keyEncryptionKey = await deriveKey(passphrase, salt, cost);
  const { iv, sealed } = sealRecord(keyEncryptionKey, dataKey, associatedData.wrappedDataKey());
  return {
    method: 'passphrase',
    kdf: { name: 'scrypt', salt: salt.toString('base64'), N: cost.N, r: cost.r, p: cost.p },
    wrappedKey: { iv: iv.toString('base64'), ct: sealed.toString('base64') },
  };
}

/** The data key, or undefined when the passphrase is not the one it was wrapped with. */
export async function unwrapWithPassphrase(wrapping: PassphraseWrapping, passphrase: string): Promise<Buffer | undefined> {
  const { salt, N, r, p } = wrapping.kdf;
  const keyEncryptionKey = await deriveKey(passphrase, Buffer.from(salt, 'base64'), { N, r, p });
  const record = { iv: Buffer.from(wrapping.wrappedKey.iv, 'base64'), sealed: Buffer.from(wrapping.wrappedKey.ct, 'base64') };
  const dataKey = openRecord(keyEncryptionKey, record, associatedData.wrappedDataKey());
  return dataKey?.length === dataKeyBytes ? dataKey : undefined;
}

/**
 * Why the keychain cannot keep the key here, or undefined when it can. Electron's
 * `basic_text` backend (a Linux desktop without a keyring) encrypts with a password
 * built into Chromium, which protects nothing, so it is refused.
 */
export async function keychainProblem(protector: KeyProtector | undefined): Promise<string | undefined> {
  if (protector === undefined) return 'This host has no system keychain (the browser host keeps no keys); use a passphrase.';
  let backend: string | undefined;
  try {
    backend = protector.getSelectedStorageBackend?.();
  } catch {
    backend = undefined;
  }
  if (backend === 'basic_text') {
    return 'This desktop has no keyring Attune can use: the only store on offer (basic_text) hides keys behind a password built into every copy of Chromium, which protects nothing. Use a passphrase, or run Attune in a desktop with GNOME Keyring or KWallet.';
  }
  if (backend === 'unknown') return 'The system keychain has not started; try again in a moment, or use a passphrase.';
  try {
    if (await protector.isAsyncEncryptionAvailable()) return undefined;
  } catch {
    // Treated as unavailable below.
  }
  return 'The system keychain is not available to Attune; use a passphrase.';
}

export async function wrapWithKeychain(dataKey: Buffer, protector: KeyProtector): Promise<KeychainWrapping> {
  const wrapped = await protector.encryptStringAsync(dataKey.toString('base64'));
  return { method: 'keychain', wrappedKey: Buffer.from(wrapped).toString('base64') };
}

export async function unwrapWithKeychain(wrapping: KeychainWrapping, protector: KeyProtector): Promise<{ dataKey: Buffer; shouldRewrap: boolean }> {
  const { result, shouldReEncrypt } = await protector.decryptStringAsync(Buffer.from(wrapping.wrappedKey, 'base64'));
  const dataKey = Buffer.from(result, 'base64');
  if (dataKey.length !== dataKeyBytes) throw new Error('the keychain returned something that is not an Attune data key');
  return { dataKey, shouldRewrap: shouldReEncrypt };
}
