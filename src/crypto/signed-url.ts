/**
 * Signed, expiring tokens for file downloads served by atsgate (`GET /v1/files/:token`): the
 * URL itself is the credential, like a pre-signed S3 URL, so it can be handed to clients and
 * fetched without an API key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface FileClaim {
  integrationId: string;
  ref: string;
  expiresAt: number;
}

export class UrlSigner {
  constructor(private readonly key: Buffer) {}

  sign(claim: FileClaim): string {
    const payload = Buffer.from(JSON.stringify({ i: claim.integrationId, r: claim.ref, e: claim.expiresAt })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claim, or null when the token is forged, malformed or expired. */
  verify(token: string, now = Date.now()): FileClaim | null {
    const [payload, mac] = token.split('.');
    if (!payload || !mac) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (typeof c.i !== 'string' || typeof c.r !== 'string' || typeof c.e !== 'number' || c.e < now) return null;
      return { integrationId: c.i, ref: c.r, expiresAt: c.e };
    } catch {
      return null;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
