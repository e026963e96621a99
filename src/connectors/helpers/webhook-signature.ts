/**
 * Small pieces vendor webhook verifiers share (src/connectors/<ats>/webhooks.ts): HMAC digests
 * and a constant-time comparison that never throws, whatever the header holds.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(secret: string, data: string | Buffer | readonly (string | Buffer)[], encoding: 'hex' | 'base64'): string {
  const h = createHmac('sha256', secret);
  for (const part of Array.isArray(data) ? data : [data]) h.update(part as string | Buffer);
  return h.digest(encoding);
}

/** Constant-time equality of two strings (false for different lengths, never throws). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether `given` equals the digest of `data` under any of the secrets. */
export function signedByAny(
  given: string | undefined,
  secrets: readonly string[],
  data: string | Buffer | readonly (string | Buffer)[],
  encodings: readonly ('hex' | 'base64')[] = ['hex'],
): boolean {
  if (!given) return false;
  const sig = given.trim();
  return secrets.some((s) => s !== '' && encodings.some((enc) => sameText(sig, hmacSha256(s, data, enc))));
}

/** A string id from a JSON value (numbers included: Greenhouse and Workable ids are numbers). */
export function idOf(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Follows a path of keys into parsed JSON; undefined where anything is missing or not an object. */
export function dig(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
