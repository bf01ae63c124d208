import * as z from 'zod';

/** Bytes of an XChaCha20-Poly1305 nonce. */
export const NONCE_BYTES = 24;
const hexSchema = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lower-case hex');

/**
 * A sealed box as it crosses the network (channel.ts seals and opens it): its shape alone, so
 * the protocol's schemas do not load the cipher.
 */
export const sealedBoxSchema = z.strictObject({
  nonce: hexSchema.length(NONCE_BYTES * 2),
  /** Ciphertext and its 16-byte tag. */
  data: hexSchema.min(32),
});
export type SealedBox = z.infer<typeof sealedBoxSchema>;
