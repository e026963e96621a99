/**
 * The SmartRecruiters HttpClient: `X-SmartToken` auth, the vendor's error body
 * (`{ message, errors: [{ code, message }] }`) and its rate-limit headers.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { REQUEST_TIMEOUT_MS, type credentialSchema } from './definition.ts';

export type SmartRecruitersContext = ConnectorContext<Static<typeof credentialSchema>>;

export function smartRecruitersClient(ctx: SmartRecruitersContext): HttpClient {
  return ctx.http({
    headers: () => ({ 'X-SmartToken': ctx.credentials.api_key }),
    errorMessage: vendorErrorMessage,
    rateLimitResetMs,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
}

/** Joins `errors[].message` (falling back to their codes), else the top-level `message`. */
export function vendorErrorMessage(_status: number, body: any): string | undefined {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : undefined;
  const details = Array.isArray(body.errors)
    ? body.errors.map((e: any) => (typeof e?.message === 'string' && e.message ? e.message : e?.code)).filter(Boolean)
    : [];
  if (details.length) return details.join('; ').slice(0, 500);
  return typeof body.message === 'string' ? body.message.slice(0, 500) : undefined;
}

/**
 * SmartRecruiters documents X-RateLimit-Limit/-Remaining (and -Concurrent-*) but no reset
 * header or Retry-After. Its window is one second, so a 429 carrying those headers means
 * "wait for the next second".
 */
export function rateLimitResetMs(headers: Record<string, string>): number | undefined {
  return headers['x-ratelimit-limit'] !== undefined || headers['x-ratelimit-concurrent-limit'] !== undefined ? 1000 : undefined;
}
