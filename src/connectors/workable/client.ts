/**
 * The Workable HttpClient: base URL from the account subdomain, Bearer auth, Workable's error
 * bodies and its X-Rate-Limit-Reset header. Retries, limiting and error mapping are the shared
 * client's job.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { PRODUCTION_BASE_URL, type WorkableCredentials } from './definition.ts';

export type WorkableContext = ConnectorContext<WorkableCredentials>;

/**
 * The integration's base URL wins (tests, proxies); the production template gets the
 * subdomain filled in. A subdomain pasted as "acme.workable.com" is tolerated.
 */
export function workableBaseUrl(ctx: WorkableContext): string {
  const configured = ctx.baseUrl || PRODUCTION_BASE_URL;
  if (!configured.includes('{subdomain}')) return configured;
  const subdomain = String(ctx.credentials.subdomain ?? '').trim().toLowerCase().replace(/\.workable\.com$/, '');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(subdomain)) {
    throw new AtsgateError('INTEGRATION.SETUP_INCOMPLETE', 'The Workable integration has no valid account subdomain.');
  }
  return configured.replace('{subdomain}', subdomain);
}

export function workableClient(ctx: WorkableContext): HttpClient {
  return ctx.http({
    baseUrl: workableBaseUrl(ctx),
    headers: () => ({ authorization: `Bearer ${ctx.credentials.api_token}` }),
    errorMessage: workableErrorMessage,
    rateLimitResetMs: rateLimitResetMs,
  });
}

/**
 * Workable answers errors as `{ "error": "..." }`, validation failures adding details per field
 * (`validation_errors`); some gateways answer `{ "message": "..." }` or plain text.
 */
export function workableErrorMessage(_status: number, body: any): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const main = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : undefined;
  const details = body.validation_errors && typeof body.validation_errors === 'object' ? describeValidation(body.validation_errors) : '';
  const text = [main, details].filter(Boolean).join(': ');
  return text ? text.slice(0, 500) : undefined;
}

function describeValidation(errors: Record<string, unknown>): string {
  return Object.entries(errors)
    .map(([field, msgs]) => `${field} ${Array.isArray(msgs) ? msgs.join(', ') : String(msgs)}`)
    .join('; ');
}

/**
 * X-Rate-Limit-Reset is documented as the "timestamp of next interval" without a unit; accept
 * epoch seconds, epoch milliseconds, a seconds delta or an HTTP/ISO date.
 */
export function rateLimitResetMs(headers: Record<string, string>): number | undefined {
  const raw = headers['x-rate-limit-reset']?.trim();
  if (!raw) return undefined;
  const now = Date.now();
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    if (n > 1e12) return Math.max(0, Math.ceil(n - now));
    if (n > 1e9) return Math.max(0, Math.ceil(n * 1000 - now));
    return Math.ceil(n * 1000);
  }
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Re-throws a 403 naming the token scope the call needs, so the customer knows what to tick. */
export async function withScope<T>(scope: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') {
      throw new AtsgateError('INTEGRATION.PERMISSION_MISSING', `The Workable API token lacks the "${scope}" scope needed to ${what}. ${err.message}`, {
        cause: err,
      });
    }
    throw err;
  }
}
