import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { bytesToHex, bytesToUtf8, hexToBytes, randomBytes, utf8ToBytes } from '@noble/ciphers/utils.js';
import { NONCE_BYTES, type SealedBox } from './sealed-box';

/**
 * The paired channel: every request and response after pairing is one AEAD box
 * (XChaCha20-Poly1305, random 24-byte nonce). The associated data binds the box to the device,
 * the request's counter, the direction and the path, so a box cannot be replayed under another
 * counter, turned around (a response offered as a request) or moved to another endpoint.
 */

export type ChannelDirection = 'device-to-host' | 'host-to-device';

export interface BoxBinding {
  deviceId: string;
  /** The request's counter: strictly increasing per device; a response carries its request's. */
  counter: number;
  direction: ChannelDirection;
  path: string;
}


function associatedData(binding: BoxBinding): Uint8Array {
  return utf8ToBytes(JSON.stringify(['attune-pairing-v1', binding.deviceId, binding.counter, binding.direction, binding.path]));
}

/** Seals a JSON-serialisable value for the other side. */
export function seal(key: Uint8Array, binding: BoxBinding, plaintext: unknown): SealedBox {
  const nonce = randomBytes(NONCE_BYTES);
  const data = xchacha20poly1305(key, nonce, associatedData(binding)).encrypt(utf8ToBytes(JSON.stringify(plaintext)));
  return { nonce: bytesToHex(nonce), data: bytesToHex(data) };
}

/**
 * Opens a box sealed under this binding. Undefined when it does not open: wrong key, tampered
 * bytes, or a different device, counter, direction or path than it was sealed for.
 */
export function open(key: Uint8Array, binding: BoxBinding, box: SealedBox): { value: unknown } | undefined {
  try {
    const plaintext = xchacha20poly1305(key, hexToBytes(box.nonce), associatedData(binding)).decrypt(hexToBytes(box.data));
    return { value: JSON.parse(bytesToUtf8(plaintext)) as unknown };
  } catch {
    return undefined;
  }
}

export const toHex = bytesToHex;
export const fromHex = hexToBytes;
