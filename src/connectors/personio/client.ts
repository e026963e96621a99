/**
 * Talking to Personio's API v2: OAuth 2.0 client-credentials tokens (POST /v2/auth/token,
 * cached per integration in ctx.cache, renewed before expiry and once on a 401), Bearer
 * requests through the shared HttpClient (transport in ./definition.ts), and the v2 list
 * envelope `{ _data: [...], _meta: { links: { next: { href } } } }` walked by cursor.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { errorReader } from '../../http/transport.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { definition, type PersonioCredentials } from './definition.ts';

export type PersonioContext = ConnectorContext<PersonioCredentials>;

/** v2 list endpoints take `limit` 1..200 (default 100); the largest page means the fewest calls. */
export const PAGE_SIZE = 200;
/** Renew this long before the stated expiry, so no request leaves with a dying token. */
const REFRESH_MARGIN_MS = 60_000;
/** When the token response states no lifetime: assume one hour (a shorter guess only costs a mint). */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
/**
 * Personio's advice for a 429 without a wait ("implement a retry ... with a delay of at least
 * 1 second", changelog of 2024-05-06): the shared client waits this long when no header says more.
 */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** The v2 error body and the token endpoint's OAuth error, read as the transport declares. */
export const personioErrorMessage = errorReader(definition.transport);

interface Token {
  accessToken: string;
  expiresAt: number;
}

/** The token endpoint lives on the API host: https://api.personio.de/v2/auth/token. */
export function tokenUrl(ctx: PersonioContext): string {
  return new URL('/v2/auth/token', ctx.baseUrl || definition.defaultBaseUrl).toString();
}

function cacheKey(ctx: PersonioContext): string {
  return `personio:token:${tokenUrl(ctx)}:${ctx.credentials.client_id}`;
}

/** A valid access token; concurrent callers share one pending mint. */
export async function accessToken(ctx: PersonioContext): Promise<string> {
  const key = cacheKey(ctx);
  const cached = ctx.cache.get(key) as Promise<Token> | undefined;
  if (cached) {
    const token = await cached.catch(() => null);
    if (token && Date.now() < token.expiresAt) return token.accessToken;
    const current = ctx.cache.get(key) as Promise<Token> | undefined;
    if (current && current !== cached) return (await current).accessToken;
  }
  const minted = mintToken(ctx);
  ctx.cache.set(key, minted);
  minted.catch(() => {
    if (ctx.cache.get(key) === minted) ctx.cache.delete(key);
  });
  return (await minted).accessToken;
}

export function dropToken(ctx: PersonioContext): void {
  ctx.cache.delete(cacheKey(ctx));
}

/**
 * POST /v2/auth/token, `application/x-www-form-urlencoded` (the reference page says the request
 * must use that media type) with grant_type=client_credentials, client_id and client_secret.
 */
async function mintToken(ctx: PersonioContext): Promise<Token> {
  const url = tokenUrl(ctx);
  const http = ctx.http({ baseUrl: url, rateLimitResetMs: () => MIN_RATE_LIMIT_WAIT_MS });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: ctx.credentials.client_id,
    client_secret: ctx.credentials.client_secret,
  });
  const res = await http.request<any>({
    method: 'POST',
    path: url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    // Minting a token changes nothing upstream, so a 5xx may be retried; the body holds the secret.
    idempotent: true,
    redactBody: true,
    accept: [400, 401, 403],
  });
  if (res.status >= 400) {
    const why = personioErrorMessage(res.status, res.data) ?? `HTTP ${res.status}`;
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Personio's token endpoint refused the API credentials (HTTP ${res.status}): ${why.replace(/\.+$/, '')}. ` +
        'Check the Client ID and Client secret of the custom integration (Settings → Integrations → API credentials).',
    );
  }
  const token = res.data?.access_token;
  if (typeof token !== 'string' || !token) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', "Personio's token endpoint answered without an access_token.");
  }
  const stated = Number(res.data.expires_in);
  const lifetimeMs = (Number.isFinite(stated) && stated > 0 ? stated : DEFAULT_TOKEN_LIFETIME_S) * 1000;
  return { accessToken: token, expiresAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
}

/** The API client: Bearer token minted here, everything else the definition's transport. */
export function personioClient(ctx: PersonioContext): HttpClient {
  return ctx.http({
    token: () => accessToken(ctx),
    onUnauthorized: async () => {
      // A token we believed valid was refused (revoked, secret rotated): mint once more.
      dropToken(ctx);
      await accessToken(ctx);
      return true;
    },
    rateLimitResetMs: () => MIN_RATE_LIMIT_WAIT_MS,
  });
}

// --------------------------------------------------------------------------------------------
// The v2 list envelope
// --------------------------------------------------------------------------------------------

export interface ListEnvelope<T> {
  _data?: T[];
  _meta?: { links?: Record<string, { href?: string } | undefined> };
}

/**
 * The next page's request path from `_meta.links.next.href`. Taken as path + query on our own
 * base URL rather than followed to whatever host it names: the cursor is what matters, and a
 * proxy or regional base URL must keep receiving the calls (and the token).
 */
export function nextPath(envelope: ListEnvelope<unknown> | undefined, baseUrl: string): string | null {
  const href = envelope?._meta?.links?.next?.href;
  if (typeof href !== 'string' || !href) return null;
  const u = new URL(href, baseUrl);
  return u.pathname + u.search;
}

/**
 * Walks a v2 list endpoint by cursor. The first request carries our query and `limit`; later
 * ones use the `next` link as issued (it repeats the filters, limit and the cursor).
 */
export function personioPages<T>(client: HttpClient, path: string, query: Record<string, string | undefined>): AsyncGenerator<T[]> {
  return paginate<T, string>(async (next) => {
    const res = next
      ? await client.request<ListEnvelope<T>>({ method: 'GET', path: next })
      : await client.request<ListEnvelope<T>>({ method: 'GET', path, query: { ...query, limit: String(PAGE_SIZE) } });
    const items = Array.isArray(res.data?._data) ? res.data._data : [];
    return { items, next: nextPath(res.data, client.baseUrl) };
  });
}
