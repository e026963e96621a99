/**
 * Webhook signatures: HMAC-SHA256 over the raw request body with ATSGATE_WEBHOOK_SECRET,
 * base64url-encoded, in the X-Atsgate-Signature header. The receiver recomputes it over the
 * bytes it received (before parsing JSON) and compares in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-atsgate-signature';
/** Kombo's webhook signature header (base64url HMAC-SHA256 of the raw body, as far as is public). */
export const KOMBO_SIGNATURE_HEADER = 'x-kombo-signature';

export function signWebhook(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64url');
}

export function verifyWebhook(secret: string, rawBody: string | Buffer, signature: string): boolean {
  const want = Buffer.from(signWebhook(secret, rawBody));
  const got = Buffer.from(signature.trim());
  return got.length === want.length && timingSafeEqual(got, want);
}
