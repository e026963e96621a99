/**
 * The Workable HttpClient and the token scopes its calls need. Base URL from the account
 * subdomain, Bearer auth, error bodies and rate-limit headers are data (`transport` in
 * ./definition.ts); retries, limiting and error mapping are the shared client's job.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { ConnectorContext } from '../types.ts';
import { resetReader, transportBaseUrl } from '../../http/transport.ts';
import { definition, type WorkableCredentials } from './definition.ts';

export type WorkableContext = ConnectorContext<WorkableCredentials>;

/**
 * The integration's base URL wins (tests, proxies); the production template gets the
 * subdomain filled in (the transport's placeholder rule in ./definition.ts).
 */
export function workableBaseUrl(ctx: WorkableContext): string {
  return transportBaseUrl(definition, ctx);
}

/** Auth, base URL, error bodies and rate-limit headers are the definition's transport. */
export function workableClient(ctx: WorkableContext): HttpClient {
  return ctx.http({});
}

/** X-Rate-Limit-Reset in ms, whichever unit it came in (the transport declares `auto`). */
export const rateLimitResetMs = resetReader(definition.transport);

/** Re-throws a 403 naming the token scope the call needs, so the customer knows what to tick. */
export async function withScope<T>(scope: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `The Workable API token lacks the "${scope}" scope needed to ${what}. ${err.message}`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}
