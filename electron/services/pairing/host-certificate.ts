import { createHash, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { writeFileAtomically } from '../durable-fs';
import { nodeErrorCode } from '../error-code';

/** The certificate of the local-network server, one per data folder, readable by the user only. */
export const pairingCertificateFileName = 'pairing-certificate.json';

const storedCertificateSchema = z.strictObject({ key: z.string().min(1), cert: z.string().min(1) });

export interface HostCertificate {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 of the certificate's public key (SPKI), lower-case hex: the device binds its pairing to it. */
  readonly fingerprint: string;
  /** The same, as browsers show it: upper-case byte pairs separated by colons. */
  readonly fingerprintForReading: string;
}

function describe(stored: z.infer<typeof storedCertificateSchema>): HostCertificate {
  const spki = new X509Certificate(stored.cert).publicKey.export({ type: 'spki', format: 'der' });
  const fingerprint = createHash('sha256').update(spki).digest('hex');
  return { ...stored, fingerprint, fingerprintForReading: fingerprint.toUpperCase().match(/../g)?.join(':') ?? fingerprint };
}

/**
 * The data folder's certificate, made on first use (ECDSA P-256, ten years: the device
 * compares its fingerprint, not a chain). A damaged file is replaced; a file others can read
 * is made the user's only.
 */
export async function loadOrCreateHostCertificate(dataDir: string, log: (line: string) => void = console.error): Promise<HostCertificate> {
  const filePath = path.join(dataDir, pairingCertificateFileName);
  try {
    const parsed = storedCertificateSchema.safeParse(JSON.parse(await readFile(filePath, 'utf8')));
    if (parsed.success) {
      const described = describe(parsed.data);
      if (process.platform !== 'win32' && ((await stat(filePath)).mode & 0o077) !== 0) {
        await chmod(filePath, 0o600);
        log(`${filePath} was readable by other users; it is now readable by you only. Delete it to make a new certificate if someone else may have read it.`);
      }
      return described;
    }
    log(`${filePath} did not hold a certificate Attune can use; a new one is made.`);
  } catch (error) {
    if (nodeErrorCode(error) !== 'ENOENT') log(`${filePath} could not be used (${nodeErrorCode(error) ?? String(error)}); a new certificate is made.`);
  }
  const now = Date.now();
  // Loaded only to make a certificate (once per data folder): its X.509 libraries cost every host start ~60 ms otherwise.
  const { generate } = await import('selfsigned');
  const made = await generate([{ name: 'commonName', value: 'Attune co-facilitation' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 24 * 3600_000),
    notAfterDate: new Date(now + 10 * 365 * 24 * 3600_000),
  });
  const stored = { key: made.private, cert: made.cert };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomically(filePath, `${JSON.stringify(stored, null, 2)}\n`);
  return describe(stored);
}
