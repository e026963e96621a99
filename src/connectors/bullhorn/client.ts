/**
 * Talking to Bullhorn: the four-step session (README "Authentication"), kept in ctx.cache:
 *   1. GET {base}/loginInfo?username=  → the user's data-centre `oauthUrl` and `restUrl`
 *   2. an OAuth 2.0 access token: the newest refresh token (`grant_type=refresh_token`), else
 *      the headless authorize step (`action=Login` with username and password) and
 *      `grant_type=authorization_code`
 *   3. GET {restUrl}/login?version=2.0&access_token=  → `BhRestToken` and the corporation's `restUrl`
 *   4. every API call on that restUrl with the `BhRestToken` header; a 401 (session expired)
 *      logs in again once (the REST reference: "Perform a refresh token request when a REST API
 *      request returns a 401").
 * And Bullhorn's `start`/`count` paging (count at most 500).
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient, HttpResponse } from '../../http/client.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { DEFAULT_BASE_URL, definition, type BullhornCredentials } from './definition.ts';

export type BullhornContext = ConnectorContext<BullhornCredentials>;

/** search/query `count`: "The maximum count is 500" (REST reference, departmentEntities/myEntities). */
export const PAGE_SIZE = 500;
/** The errors page: "429 Rate Limited -- Wait 1 second then retry request." */
const RATE_LIMIT_WAIT_MS = 1_000;
/** Pinned rather than `*` (latest), so a new API version cannot change answers under us. */
export const API_VERSION = '2.0';

const TOOL = definition.label;

/**
 * Bullhorn's error bodies are not specified in its reference; its servers answer
 * `{ errorMessage, errorCode, errors: [{ detailMessage, propertyName }] }`, OAuth errors
 * `{ error, error_description }`. Every plausible field is read.
 */
export function bullhornErrorMessage(_status: number, body: any): string | undefined {
  if (typeof body === 'string')
    return (
      body
        .trim()
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 300) || undefined
    );
  if (!body || typeof body !== 'object') return undefined;
  const details = Array.isArray(body.errors)
    ? body.errors
        .map((e: any) =>
          [e?.detailMessage ?? e?.message ?? e?.type, e?.propertyName ? `(${e.propertyName})` : ''].filter(Boolean).join(' '),
        )
        .filter(Boolean)
    : [];
  const main = body.errorMessage ?? body.error_description ?? body.message ?? (typeof body.error === 'string' ? body.error : undefined);
  const text = [main, ...details].filter((x) => typeof x === 'string' && x.trim()).join(': ');
  return text ? text.slice(0, 500) : undefined;
}

// --------------------------------------------------------------------------------------------
// Session
// --------------------------------------------------------------------------------------------

interface LoginInfo {
  oauthUrl: string;
  restUrl: string;
}

export interface Session {
  bhRestToken: string;
  restUrl: string;
}

function keyOf(ctx: BullhornContext, what: string): string {
  return `bullhorn:${what}:${ctx.baseUrl}:${ctx.credentials.client_id}:${ctx.credentials.username}`;
}

/**
 * Hosts the credentials may be sent to: Bullhorn's own (loginInfo names data-centre hosts such
 * as auth-emea.bullhornstaffing.com and rest-emea9.bullhornstaffing.com), or the origin the
 * integration was configured with (a proxy, a test fake). Anything else is refused: a
 * discovery answer must not send the password or the client secret elsewhere.
 */
function trustedUrl(ctx: BullhornContext, raw: unknown, what: string): string {
  const configured = new URL(ctx.baseUrl || DEFAULT_BASE_URL);
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `${TOOL}'s loginInfo gave no usable ${what}.`);
  }
  const bullhornHost = url.protocol === 'https:' && /(^|\.)bullhorn(staffing)?\.com$/i.test(url.hostname);
  if (!bullhornHost && url.origin !== configured.origin) {
    throw new AtsgateError(
      'REMOTE.UNKNOWN_HTTP_ERROR',
      `${TOOL}'s loginInfo named ${url.host} as the ${what}, which is not a Bullhorn host.`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/** A client for the discovery and OAuth hosts: no session header, its own base URL. */
function plainClient(ctx: BullhornContext, baseUrl: string): HttpClient {
  return ctx.http({ baseUrl, transport: false, errorMessage: bullhornErrorMessage, rateLimitResetMs: () => RATE_LIMIT_WAIT_MS });
}

/**
 * GET /loginInfo?username= (REST reference "URLs"; Getting Started: "Determine the correct data
 * center for your user"): the user's `oauthUrl` and `restUrl`.
 */
async function loginInfo(ctx: BullhornContext): Promise<LoginInfo> {
  const base = ctx.baseUrl || DEFAULT_BASE_URL;
  const res = await plainClient(ctx, base).request<any>({
    method: 'GET',
    path: 'loginInfo',
    query: { username: ctx.credentials.username },
    accept: [400, 401, 403, 404],
  });
  if (res.status >= 400 || !res.data?.oauthUrl || !res.data?.restUrl) {
    const why = bullhornErrorMessage(res.status, res.data);
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `${TOOL} found no data centre for the API username "${ctx.credentials.username}"${why ? ` (${TOOL}: ${why})` : ''}. Check the username.`,
    );
  }
  return { oauthUrl: trustedUrl(ctx, res.data.oauthUrl, 'OAuth URL'), restUrl: trustedUrl(ctx, res.data.restUrl, 'REST URL') };
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
}

/** POST {oauthUrl}/token with the parameters in the query string, as Getting Started shows them. */
async function tokenRequest(ctx: BullhornContext, info: LoginInfo, params: Record<string, string>): Promise<HttpResponse<any>> {
  return plainClient(ctx, info.oauthUrl).request<any>({
    method: 'POST',
    path: 'token',
    query: { ...params, client_id: ctx.credentials.client_id, client_secret: ctx.credentials.client_secret },
    // Nothing changes upstream until a token is issued; a 5xx may be retried.
    idempotent: true,
    accept: [400, 401, 403],
  });
}

function tokensOf(res: HttpResponse<any>): Tokens {
  const access = res.data?.access_token;
  if (typeof access !== 'string' || !access) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `${TOOL}'s token endpoint answered without an access_token.`);
  }
  return { access_token: access, refresh_token: typeof res.data.refresh_token === 'string' ? res.data.refresh_token : undefined };
}

/**
 * The headless authorize step: GET {oauthUrl}/authorize with `action=Login`, the user's
 * username and password, answered with a redirect whose Location carries `code`. The
 * redirect points at the partner's registered redirect URI and is not followed. Bullhorn shows
 * its login page (200) when the credentials are wrong or the user has not yet accepted the
 * terms of service.
 */
async function authorizationCode(ctx: BullhornContext, info: LoginInfo): Promise<string> {
  const { client_id, username, password } = ctx.credentials;
  const res = await plainClient(ctx, info.oauthUrl).request<any>({
    method: 'GET',
    path: 'authorize',
    query: { client_id, response_type: 'code', action: 'Login', username, password },
    followRedirects: false,
    accept: [200, 400, 401, 403],
  });
  const target = res.status >= 300 && res.status < 400 ? redirectTarget(res.headers.location, info.oauthUrl) : null;
  const code = target?.searchParams.get('code') ?? null;
  const error = target?.searchParams.get('error');
  if (!code && error) {
    const description = target!.searchParams.get('error_description');
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `${TOOL} refused the OAuth client (${error}${description ? `: ${description}` : ''}). Check the client ID.`,
    );
  }
  if (!code) {
    const why = res.status >= 400 ? bullhornErrorMessage(res.status, res.data) : undefined;
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `${TOOL} did not authorise the API user "${username}"${why ? ` (${TOOL}: ${why})` : ''}. Check the client ID, the username and ` +
        'password, and that this user has signed in to Bullhorn once in a browser and accepted the terms of service.',
    );
  }
  return code;
}

function redirectTarget(location: string | undefined, base: string): URL | null {
  try {
    return location ? new URL(location, base) : null;
  } catch {
    return null;
  }
}

/**
 * An access token: the newest refresh token first (Bullhorn's refresh tokens are single-use, so
 * the one each refresh returns is kept for the next), then the password login.
 */
async function accessToken(ctx: BullhornContext, info: LoginInfo): Promise<string> {
  const refreshKey = keyOf(ctx, 'refresh');
  // The rotated token this process holds, then the one in the credentials (a customer may have
  // pasted a new one since), each tried once.
  const candidates = [...new Set([ctx.cache.get(refreshKey) as string | undefined, ctx.credentials.refresh_token])].filter(
    (t): t is string => !!t,
  );
  const hasPassword = !!ctx.credentials.password;
  let refused: HttpResponse<any> | null = null;
  for (const refresh of candidates) {
    const res = await tokenRequest(ctx, info, { grant_type: 'refresh_token', refresh_token: refresh });
    if (res.status < 400) {
      const tokens = tokensOf(res);
      if (tokens.refresh_token) ctx.cache.set(refreshKey, tokens.refresh_token);
      return tokens.access_token;
    }
    refused = res;
  }
  ctx.cache.delete(refreshKey);
  if (refused && !hasPassword) {
    const why = bullhornErrorMessage(refused.status, refused.data) ?? `HTTP ${refused.status}`;
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `${TOOL} refused the refresh token (${why}). Bullhorn refresh tokens work once; give the integration a new one, or the API ` +
        "user's password so atsgate can log in by itself.",
    );
  }
  if (!hasPassword) {
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `The ${TOOL} integration needs the API user's password or a refresh token to log in.`,
    );
  }
  const code = await authorizationCode(ctx, info);
  const res = await tokenRequest(ctx, info, { grant_type: 'authorization_code', code });
  if (res.status >= 400) {
    const why = bullhornErrorMessage(res.status, res.data) ?? `HTTP ${res.status}`;
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `${TOOL}'s token endpoint refused the OAuth client (${why}). Check the client ID and client secret.`,
    );
  }
  const tokens = tokensOf(res);
  if (tokens.refresh_token) ctx.cache.set(refreshKey, tokens.refresh_token);
  return tokens.access_token;
}

/** GET {restUrl}/login?version=2.0&access_token= (REST reference "Login"). */
async function restLogin(ctx: BullhornContext, info: LoginInfo, token: string): Promise<Session> {
  const res = await plainClient(ctx, info.restUrl).request<any>({
    method: 'GET',
    path: 'login',
    query: { version: API_VERSION, access_token: token },
    accept: [400, 401, 403],
  });
  const bhRestToken = res.data?.BhRestToken;
  if (res.status >= 400 || typeof bhRestToken !== 'string' || !bhRestToken) {
    const why = bullhornErrorMessage(res.status, res.data) ?? `HTTP ${res.status}`;
    throw new AtsgateError('INTEGRATION.AUTHENTICATION_INVALID', `${TOOL}'s REST login failed (${why}).`);
  }
  return { bhRestToken, restUrl: trustedUrl(ctx, res.data.restUrl, 'corporation REST URL') };
}

async function newSession(ctx: BullhornContext): Promise<Session> {
  const infoKey = keyOf(ctx, 'loginInfo');
  let info = ctx.cache.get(infoKey) as LoginInfo | undefined;
  if (!info) {
    info = await loginInfo(ctx);
    ctx.cache.set(infoKey, info);
  }
  return restLogin(ctx, info, await accessToken(ctx, info));
}

/** A login in flight or done; `value` once it succeeded. */
interface CachedSession {
  pending: Promise<Session>;
  value?: Session;
}

/** The current REST session; concurrent callers share one pending login. */
export async function session(ctx: BullhornContext): Promise<Session> {
  const key = keyOf(ctx, 'session');
  const cached = ctx.cache.get(key) as CachedSession | undefined;
  if (cached) return cached.pending;
  const entry: CachedSession = { pending: newSession(ctx) };
  ctx.cache.set(key, entry);
  entry.pending.then(
    (s) => (entry.value = s),
    () => {
      if (ctx.cache.get(key) === entry) ctx.cache.delete(key);
    },
  );
  return entry.pending;
}

/** Forgets a session Bullhorn refused, unless another caller already started a new one. */
function dropSession(ctx: BullhornContext, refused: Session): void {
  const key = keyOf(ctx, 'session');
  const cached = ctx.cache.get(key) as CachedSession | undefined;
  if (cached?.value?.bhRestToken === refused.bhRestToken) ctx.cache.delete(key);
}

/**
 * The API client on the session's restUrl with the BhRestToken header. A 401 means the session
 * expired (REST reference, "Unauthorized requests"): one new login, then the call is repeated.
 */
export async function bullhornClient(ctx: BullhornContext): Promise<HttpClient> {
  let current = await session(ctx);
  return ctx.http({
    baseUrl: current.restUrl.endsWith('/') ? current.restUrl : `${current.restUrl}/`,
    token: () => current.bhRestToken,
    errorMessage: bullhornErrorMessage,
    rateLimitResetMs: () => RATE_LIMIT_WAIT_MS,
    onUnauthorized: async () => {
      dropSession(ctx, current);
      current = await session(ctx);
      return true;
    },
  });
}

// --------------------------------------------------------------------------------------------
// Lists
// --------------------------------------------------------------------------------------------

export type Entity = Record<string, any>;

interface ListAnswer {
  data?: Entity[];
  total?: number;
  start?: number;
  count?: number;
}

/**
 * Walks a search or query list by `start`/`count`. An empty page ends the walk; so does
 * `start + returned >= total` when the answer gives a total, or a short page when it does not.
 */
export function bullhornPages(
  client: HttpClient,
  path: string,
  query: Record<string, string>,
  opts: { refusedFilter?: boolean } = {},
): AsyncGenerator<Entity[]> {
  return paginate<Entity, number>(async (cursor) => {
    const start = cursor ?? 0;
    const res = await client.request<ListAnswer>({
      method: 'GET',
      path,
      query: { ...query, start: String(start), count: String(PAGE_SIZE) },
      accept: cursor === null && opts.refusedFilter ? [400] : undefined,
    });
    if (res.status === 400) throw new FilterRefused();
    const items = Array.isArray(res.data?.data) ? res.data.data.filter((e) => e && typeof e === 'object') : [];
    const next = start + items.length;
    const total = typeof res.data?.total === 'number' ? res.data.total : null;
    // With a total, it decides (a server may cap `count` lower than asked); without one, a full page may have a successor.
    const more = items.length > 0 && (total !== null ? next < total : items.length >= PAGE_SIZE);
    return { items, next: more ? next : null };
  });
}

/** The first page of a filtered list was answered 400 (nothing was yielded yet). */
export class FilterRefused extends Error {}

/** A Bullhorn timestamp (epoch milliseconds) as ISO-8601. */
export function timestamp(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v).toISOString();
  if (typeof v === 'string' && v.trim() && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return null;
}
