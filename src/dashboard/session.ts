/**
 * Dashboard sessions: after a person logs in with an API key, the browser holds a signed,
 * expiring token naming that key and its account — never the key itself. Every request
 * re-checks that the key is still live, so revoking a key ends its dashboard sessions at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { liveKeyHash } from '../store/keys.ts';

export const SESSION_COOKIE = 'atsgate_dashboard';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface Session {
  keyId: string;
  accountId: string;
  /** Binds the session to the key's current hash: a replaced key (same id, new value) ends it. */
  keyFingerprint: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
}

export class SessionSigner {
  /** `key` comes from `rt.box.deriveKey('dashboard-sessions')`: used for nothing else. */
  constructor(private readonly key: Buffer) {}

  /** `keyHash` is the stored hash of the key that logged in (api_keys.key_hash). */
  issue(keyId: string, accountId: string, keyHash: string, now = Date.now()): string {
    // The nonce makes two sessions of the same key distinct tokens.
    const payload = Buffer.from(
      JSON.stringify({
        k: keyId,
        a: accountId,
        f: this.fingerprint(keyHash),
        e: now + SESSION_TTL_MS,
        n: randomBytes(8).toString('base64url'),
      }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The session a token carries, or null when it is malformed, forged or expired. */
  verify(token: string, now = Date.now()): Session | null {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 1024) return null;
    const payload = token.slice(0, dot);
    // Compared as text, not as decoded bytes: base64url decoding ignores the last character's
    // spare bits, so several spellings of one signature would otherwise all be accepted.
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let data: { k?: unknown; a?: unknown; f?: unknown; e?: unknown };
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (
      typeof data.k !== 'string' ||
      typeof data.a !== 'string' ||
      typeof data.f !== 'string' ||
      typeof data.e !== 'number' ||
      data.e <= now
    )
      return null;
    return { keyId: data.k, accountId: data.a, keyFingerprint: data.f, expiresAt: data.e };
  }

  /** A keyed digest of the key hash, so the cookie does not carry the hash itself. */
  fingerprint(keyHash: string): string {
    return createHmac('sha256', this.key).update(`key-hash:${keyHash}`).digest('base64url').slice(0, 22);
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`dashboard-session:${payload}`).digest('base64url');
  }
}

/**
 * Whether the key behind a session still exists, is not revoked, still has that account and
 * still has the same value (ATSGATE_API_KEY keeps its id when the operator changes it).
 */
export async function sessionKeyIsLive(db: Queryable, signer: SessionSigner, s: Session): Promise<boolean> {
  const keyHash = await liveKeyHash(db, s.keyId, s.accountId);
  if (keyHash === null) return false;
  const current = Buffer.from(signer.fingerprint(keyHash));
  const held = Buffer.from(s.keyFingerprint);
  return current.length === held.length && timingSafeEqual(current, held);
}

/**
 * The session cookie's attributes (for @fastify/cookie's setCookie). HttpOnly keeps scripts
 * away from it; SameSite=Strict keeps other sites from sending it (the CSRF defence, with
 * POST-only mutations); Secure over https.
 */
export function sessionCookieOptions(opts: { secure: boolean; maxAgeSeconds: number }) {
  return { path: '/dashboard', httpOnly: true, sameSite: 'strict' as const, maxAge: opts.maxAgeSeconds, secure: opts.secure };
}
