import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import selfsigned from 'selfsigned';

/**
 * A man in the middle on the clinic network: it answers TLS with a certificate of its own and
 * relays everything, decrypted, to the real host. It is what a device must refuse; what it
 * relayed is kept so a test can look for health data in it.
 */
export interface TlsMitm {
  readonly port: number;
  /** The impostor certificate's public-key hash, in the form Chromium's SPKI allow-list takes. */
  readonly spkiSha256Base64: string;
  /** Everything the clients sent through it, as text. */
  relayed(): string;
  close(): Promise<void>;
}

/** SHA-256 of a certificate's SubjectPublicKeyInfo, base64: `--ignore-certificate-errors-spki-list` takes these. */
export function spkiSha256Base64(certificatePem: string): string {
  const der = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export async function startTlsMitm(target: { host: string; port: number }): Promise<TlsMitm> {
  const impostor = await selfsigned.generate([{ name: 'commonName', value: 'Attune' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
  let relayed = '';
  const server = tls.createServer({ key: impostor.private, cert: impostor.cert }, (client) => {
    const upstream = tls.connect({ host: target.host, port: target.port, rejectUnauthorized: false });
    client.on('data', (chunk: Buffer) => {
      relayed += chunk.toString('latin1');
    });
    client.pipe(upstream).pipe(client);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    spkiSha256Base64: spkiSha256Base64(impostor.cert),
    relayed: () => relayed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
