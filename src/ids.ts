import { createHash, randomBytes } from 'node:crypto';

/** Base58 (Bitcoin alphabet): no 0, O, I, l, like Kombo's IDs. */
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export const ID_LENGTH = 24;

function toBase58(bytes: Uint8Array, length: number): string {
  let n = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  let out = '';
  while (out.length < length) {
    out += BASE58[Number(n % 58n)];
    n /= 58n;
  }
  return out;
}

/**
 * Kombo derives an object's ID from (integration, remote id), so IDs are stable across
 * re-syncs and shared across models with the same remote id. We do the same with SHA-256.
 */
export function komboId(integrationId: string, remoteId: string): string {
  const digest = createHash('sha256').update(integrationId).update('\0').update(remoteId).digest();
  return toBase58(digest, ID_LENGTH);
}

/** A random opaque ID of Kombo's shape (24 base58 characters, ~140 bits). */
export function randomId(length = ID_LENGTH): string {
  return toBase58(randomBytes(32), length);
}

export const ID_PATTERN = /^[1-9A-HJ-NP-Za-km-z]{24}$/;
