import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, equalBytes } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { normalisePairingCode } from './pairing-code';

/**
 * CPace (draft-irtf-cfrg-cpace) on ristretto255 with SHA-512: a balanced PAKE from the short
 * pairing code. Each run gives an eavesdropper nothing and an active attacker exactly one guess
 * of the code; the key confirmation tags tell each side whether the other knew the code.
 *
 * The shape follows the draft (generator from the code, the channel identifier and the session
 * id; ISK from the shared point and the transcript); the confirmation and the two directional
 * channel keys come from HKDF over the ISK.
 */


const DSI = utf8ToBytes('CPaceRistretto255');
const DSI_ISK = utf8ToBytes('CPaceRistretto255_ISK');
const POINT_BYTES = 32;
const Point = ristretto255.Point;

/** Who is pairing with whom: every field goes into the generator, so a run is bound to all of them. */
export interface CpaceContext {
  /** The pairing code as typed or scanned: spaces, dashes and case do not matter. */
  code: string;
  /** The invitation the code belongs to (the CPace session id). */
  invitationId: string;
  deviceId: string;
  /** The host's identity: its certificate fingerprint. */
  hostId: string;
}

/** What the run yields to each side once the shares are exchanged. */
export interface CpaceKeys {
  /** The host's proof that it knew the code (the device checks it before trusting the host). */
  hostConfirm: Uint8Array;
  /** The device's proof that it knew the code (the host checks it before pairing the device). */
  deviceConfirm: Uint8Array;
  deviceToHost: Uint8Array;
  hostToDevice: Uint8Array;
}

export interface CpaceShare {
  /** Kept by its owner until the other share arrives; never sent. */
  secret: bigint;
  /** The public share (32 bytes) sent to the other side. */
  share: Uint8Array;
}

function lengthValue(...fields: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    if (field.length > 0xffff) throw new Error('CPace field too long');
    parts.push(Uint8Array.of(field.length & 0xff, field.length >> 8), field);
  }
  return concatBytes(...parts);
}

function channelIdentifier(context: CpaceContext): Uint8Array {
  return lengthValue(utf8ToBytes(`device:${context.deviceId}`), utf8ToBytes(`host:${context.hostId}`));
}

function generator(context: CpaceContext) {
  const code = normalisePairingCode(context.code);
  if (code === undefined) throw new Error('not a pairing code');
  const generatorString = lengthValue(DSI, utf8ToBytes(code), channelIdentifier(context), utf8ToBytes(context.invitationId));
  return ristretto255_hasher.hashToCurve(generatorString, { DST: DSI });
}

function randomScalar(): bigint {
  // 64 uniform bytes reduced modulo the group order: bias below 2^-250.
  const scalar = Point.Fn.create(bytesToNumberLE(randomBytes(64)));
  return scalar === 0n ? 1n : scalar;
}

/** One side's share of the run: a random scalar times the code's generator. */
export function cpaceShare(context: CpaceContext): CpaceShare {
  const secret = randomScalar();
  return { secret, share: generator(context).multiply(secret).toBytes() };
}

/**
 * The keys from one's own secret and the other's share. Throws when the other share is not a
 * valid ristretto255 element or gives the identity (an attacker's degenerate share).
 */
export function cpaceKeys(context: CpaceContext, role: 'device' | 'host', own: CpaceShare, otherShare: Uint8Array): CpaceKeys {
  if (otherShare.length !== POINT_BYTES) throw new Error('CPace share has the wrong length');
  const deviceShare = role === 'device' ? own.share : otherShare;
  const hostShare = role === 'host' ? own.share : otherShare;
  const shared = Point.fromBytes(otherShare).multiply(own.secret);
  if (shared.is0()) throw new Error('CPace share gives the identity');
  const sid = utf8ToBytes(context.invitationId);
  const transcript = lengthValue(deviceShare, utf8ToBytes(context.deviceId), hostShare, utf8ToBytes(context.hostId));
  const isk = sha512(concatBytes(lengthValue(DSI_ISK, sid, shared.toBytes()), transcript));
  const confirmKey = hkdf(sha512, isk, sid, utf8ToBytes('attune pairing confirm'), 32);
  return {
    hostConfirm: hmac(sha512, confirmKey, concatBytes(utf8ToBytes('host'), transcript)),
    deviceConfirm: hmac(sha512, confirmKey, concatBytes(utf8ToBytes('device'), transcript)),
    deviceToHost: hkdf(sha512, isk, sid, utf8ToBytes('attune channel device-to-host'), 32),
    hostToDevice: hkdf(sha512, isk, sid, utf8ToBytes('attune channel host-to-device'), 32),
  };
}

/** Compares confirmation tags without an early exit. */
export function sameTag(a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(a, b);
}
