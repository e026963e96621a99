/**
 * Talking to Zoho Recruit v2: OAuth access tokens minted from the refresh token at the data
 * centre's Zoho Accounts host (cached per integration in ctx.cache, renewed before expiry and
 * once on a 401), requests with `Authorization: Zoho-oauthtoken <token>` through the shared
 * HttpClient (transport in ./definition.ts), and the record lists' `page`/`per_page` paging
 * ended by `info.more_records`.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { cachedToken, renewAt } from '../helpers/oauth-token.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { definition, SCOPES, type ZohoCredentials } from './definition.ts';

export type ZohoContext = ConnectorContext<ZohoCredentials>;

/** [ZR-GET]: `per_page` defaults to and is capped at 200. */
export const PAGE_SIZE = 200;
/** [ZR-REFRESH]: "Access tokens expire after an hour of generation." */
const DEFAULT_TOKEN_LIFETIME_S = 3600;

export const zohoErrorMessage = errorReader(definition.transport);

interface Token {
  accessToken: string;
  expiresAt: number;
}

/**
 * `{Accounts_URL}/oauth/v2/token` of the data centre ([ZR-REFRESH]: "You must use your
 * domain-specific Zoho Accounts URL"). Where the integration overrides the API base URL (a proxy,
 * a test server) the token endpoint is taken from the same origin, so one host serves both.
 */
export function tokenUrl(ctx: ZohoContext): string {
  if (ctx.baseUrl && ctx.baseUrl !== definition.defaultBaseUrl) return new URL('/oauth/v2/token', ctx.baseUrl).toString();
  const api = new URL(zohoBaseUrl(ctx)); // validates the data centre
  return `https://${api.hostname.replace(/^recruit\./, 'accounts.')}/oauth/v2/token`;
}

export function zohoBaseUrl(ctx: ZohoContext): string {
  return transportBaseUrl(definition, ctx);
}

function cacheKey(ctx: ZohoContext): string {
  return `zohorecruit:token:${tokenUrl(ctx)}:${ctx.credentials.client_id}`;
}

/** A valid access token; concurrent callers share one pending mint (helpers/oauth-token.ts). */
export async function accessToken(ctx: ZohoContext): Promise<string> {
  return (await cachedToken(ctx.cache, cacheKey(ctx), () => mintToken(ctx))).accessToken;
}

export function dropToken(ctx: ZohoContext): void {
  ctx.cache.delete(cacheKey(ctx));
}

/**
 * POST {accounts}/oauth/v2/token with grant_type=refresh_token ([ZR-REFRESH]). The parameters go
 * in a form body rather than the query string the refresh page shows: [ZR-TOKEN] asks for the
 * body "for security reasons", and a query string would put the secret into URLs. Zoho Accounts
 * answers a bad refresh token or client with HTTP 200 and `{ "error": "invalid_code" }` (or
 * `invalid_client`), so the body decides, not the status.
 */
async function mintToken(ctx: ZohoContext): Promise<Token> {
  const url = tokenUrl(ctx);
  const http = ctx.http({ baseUrl: url, transport: false });
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: ctx.credentials.refresh_token,
    client_id: ctx.credentials.client_id,
    client_secret: ctx.credentials.client_secret,
  });
  const res = await http.request<any>({
    method: 'POST',
    path: url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    // Minting changes nothing upstream (Zoho keeps the 30 newest access tokens per refresh token).
    idempotent: true,
    redactBody: true,
    accept: [400, 401, 403],
  });
  const error = typeof res.data?.error === 'string' ? res.data.error : null;
  const token = res.data?.access_token;
  if (res.status >= 400 || error || typeof token !== 'string' || !token) {
    const why = error ?? (res.status >= 400 ? `HTTP ${res.status}` : 'no access_token in the answer');
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Zoho Accounts (${new URL(url).host}) refused the refresh token (${why}). Check the Client ID, Client secret and refresh ` +
        'token, and that they were created in the same data centre as the one chosen here.',
    );
  }
  const stated = Number(res.data.expires_in);
  const lifetimeMs = (Number.isFinite(stated) && stated > 0 ? stated : DEFAULT_TOKEN_LIFETIME_S) * 1000;
  return { accessToken: token, expiresAt: renewAt(lifetimeMs) };
}

/** The OAuth scope a path needs, for the OAUTH_SCOPE_MISMATCH message. */
export function scopeFor(path: string): string {
  const parts = path
    .replace(/^.*\/recruit\/v2\//, '')
    .replace(/^\/+/, '')
    .split(/[/?]/);
  if (parts[2] === 'Attachments') return SCOPES.attachments;
  const byModule: Record<string, string> = {
    JobOpenings: SCOPES.jobs,
    Candidates: SCOPES.candidates,
    Applications: SCOPES.applications,
    Notes: SCOPES.notes,
    settings: SCOPES.fields,
    users: SCOPES.users,
  };
  if (parts[2] === 'actions') return SCOPES.fields; // add_tags/remove_tags: the settings (tags) scope
  return byModule[parts[0]] ?? 'ZohoRecruit.modules.ALL';
}

function errorCode(data: unknown): string | null {
  let body = data;
  if (Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
  }
  const code = body && typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/**
 * The API client: token minted here, everything else the definition's transport. Zoho answers
 * 401 for two different things ([ZR-NOTES] error tables): INVALID_TOKEN (the token is gone:
 * mint once more and retry) and OAUTH_SCOPE_MISMATCH (the refresh token lacks a scope: a new
 * token would not help). So 401s are read here rather than by the shared client's generic
 * refresh: a scope mismatch is INTEGRATION.PERMISSION_MISSING naming the scope.
 */
export function zohoClient(ctx: ZohoContext): HttpClient {
  const base = ctx.http({ token: () => accessToken(ctx) });
  const send = base.request.bind(base);
  const wrapped: HttpClient = Object.create(base);
  wrapped.request = async <T = any>(req: HttpRequest): Promise<HttpResponse<T>> => {
    const withUnauthorized = { ...req, accept: [...(req.accept ?? []), 401] };
    let res = await send<T>(withUnauthorized);
    if (res.status === 401 && errorCode(res.data) !== 'OAUTH_SCOPE_MISMATCH') {
      dropToken(ctx);
      await accessToken(ctx);
      res = await send<T>(withUnauthorized);
    }
    if (res.status !== 401 || req.accept?.includes(401) || req.returnErrorResponse) return res;
    const vendor = zohoErrorMessage(res.status, Buffer.isBuffer(res.data) ? undefined : res.data, res.headers);
    const detail = vendor ? ` (Zoho: ${vendor})` : '';
    if (errorCode(res.data) === 'OAUTH_SCOPE_MISMATCH') {
      throw new AtsgateError(
        'INTEGRATION.PERMISSION_MISSING',
        `Zoho Recruit refused the call for lack of the OAuth scope ${scopeFor(req.path)}${detail}. ` +
          'Generate a new refresh token with the scopes listed on the connect page.',
      );
    }
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Zoho Recruit refused a freshly minted access token (HTTP 401)${detail}. Check that the data centre matches the account.`,
    );
  };
  return wrapped;
}

// --------------------------------------------------------------------------------------------
// Record lists
// --------------------------------------------------------------------------------------------

export interface ListEnvelope<T> {
  data?: T[];
  info?: { more_records?: boolean; page?: number; per_page?: number; count?: number };
}

/**
 * Walks a record list: `page` from 1 with `per_page` = 200 ([ZR-GET]). The walk goes on while
 * `info.more_records` is true; an answer without `info` goes on while pages are full. An empty
 * list may come as 204 No Content with no body, an unchanged one as 304 (handled as the end).
 * `If-Modified-Since` (delta) travels as a header on every page.
 */
export function zohoPages<T>(
  client: HttpClient,
  path: string,
  query: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): AsyncGenerator<T[]> {
  return paginate<T, number>(async (cursor) => {
    const page = cursor ?? 1;
    const res = await client.request<ListEnvelope<T>>({
      method: 'GET',
      path,
      query: { ...query, page: String(page), per_page: String(PAGE_SIZE) },
      headers,
      // 304 Not Modified: nothing changed since If-Modified-Since (Zoho's v2 record APIs answer so).
      accept: headers['if-modified-since'] ? [304] : undefined,
    });
    if (res.status === 204 || res.status === 304 || !res.data || typeof res.data !== 'object') return { items: [], next: null };
    const items = Array.isArray(res.data.data) ? res.data.data : [];
    if (!items.length) return { items, next: null };
    const more = typeof res.data.info?.more_records === 'boolean' ? res.data.info.more_records : items.length >= PAGE_SIZE;
    return { items, next: more ? page + 1 : null };
  });
}

/** A Zoho timestamp ("2019-07-25T15:26:49+05:30", or the older "2016-03-30 20:29:35") as epoch ms. */
export function zohoTime(value: unknown): number | null {
  if (typeof value !== 'string' || !value) return null;
  const t = Date.parse(value.includes('T') ? value : value.replace(' ', 'T'));
  return Number.isNaN(t) ? null : t;
}

/** `If-Modified-Since` in the ISO 8601 form Zoho's examples use ([ZR-DELETED]: 2019-07-25T15:26:49+05:30). */
export function modifiedSinceHeader(updatedAfter: Date | undefined): Record<string, string> {
  return updatedAfter ? { 'if-modified-since': updatedAfter.toISOString().replace(/\.\d{3}Z$/, '+00:00') } : {};
}
