import { randomBytes } from '@noble/hashes/utils.js';

// The short single-use code a co-facilitator types (or scans): its alphabet, its shape as shown,
// and a fresh one. Apart from the PAKE (cpace.ts), so the host can make and show codes without
// loading the curve arithmetic at every start.

/** Characters of a pairing code: no 0/O, 1/I/L, U (read aloud without confusion). */
export const PAIRING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAIRING_CODE_LENGTH = 8;

/** Upper-case, without separators; undefined when it is not a well-formed code. */
export function normalisePairingCode(code: string): string | undefined {
  const compact = code.replace(/[\s-]/g, '').toUpperCase();
  if (compact.length !== PAIRING_CODE_LENGTH) return undefined;
  for (const character of compact) if (!PAIRING_CODE_ALPHABET.includes(character)) return undefined;
  return compact;
}

/** A fresh code; the alphabet has 30 characters, so rejection sampling keeps every character equally likely. */
export function newPairingCode(): string {
  let code = '';
  while (code.length < PAIRING_CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      if (byte >= 240 || code.length === PAIRING_CODE_LENGTH) continue;
      code += PAIRING_CODE_ALPHABET[byte % PAIRING_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** The code as shown: two groups of four. */
export function formatPairingCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}
