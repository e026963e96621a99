/**
 * Talking to UKG Pro Recruiting: OAuth 2.0 client-credentials tokens from the tenant's identity
 * server (cached per integration in ctx.cache, renewed before expiry and once on a 401), Bearer
 * requests through the shared HttpClient (transport in ./definition.ts), and list paging.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { cachedToken, renewAt } from '../helpers/oauth-token.ts';
import { paginate, parseLinkHeader } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { DEFAULT_IDENTITY_HOST, UKG_HOST, definition, type UkgCredentials } from './definition.ts';

export type UkgContext = ConnectorContext<UkgCredentials>;

/** Records per list page (`per_page`; third-party clients use 10 to 500, UKG states no maximum). */
export const PAGE_SIZE = 100;
/** When the token response states no lifetime: assume one hour (a shorter guess only costs a mint). */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
/** UKG's advice for a 429 without Retry-After: wait 1 second (API Rate Limiting page). */
const RATE_LIMIT_WAIT_MS = 1_000;

export const ukgErrorMessage = errorReader(definition.transport);

interface Token {
  accessToken: string;
  expiresAt: number;
  /** The scopes the token carries, when the identity server says (space-separated `scope`). */
  scopes: Set<string> | null;
}

/** The API base URL: https://{hostname}/talent/recruiting/v2/{tenant_alias}/api (or the override + that path). */
export function apiBaseUrl(ctx: UkgContext): string {
  return transportBaseUrl(definition, ctx);
}

/**
 * The token endpoint: https://{identity_host}/signin/oauth2/t/{tenant_alias}/access_token. An
 * overridden base URL (a proxy, a test fake) serves it at its own origin, so tests never reach
 * the real identity server; the tenant alias has been checked by apiBaseUrl's placeholder rule.
 */
export function tokenUrl(ctx: UkgContext): string {
  const tenant = encodeURIComponent(ctx.credentials.tenant_alias.trim());
  const path = `/signin/oauth2/t/${tenant}/access_token`;
  if (ctx.baseUrl && ctx.baseUrl !== definition.defaultBaseUrl) return new URL(path, new URL(apiBaseUrl(ctx)).origin).toString();
  const host = (ctx.credentials.identity_host ?? '')
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  if (host && !UKG_HOST.test(host)) {
    throw new AtsgateError(
      'INTEGRATION.SETUP_INCOMPLETE',
      'The UKG Pro Recruiting integration has no valid identity server (a UKG host such as signin.ultipro.com or signin.ukg.net).',
    );
  }
  return `https://${host || DEFAULT_IDENTITY_HOST}${path}`;
}

function cacheKey(ctx: UkgContext): string {
  return `ukgpro:token:${tokenUrl(ctx)}:${ctx.credentials.client_id}`;
}

/** A valid token; concurrent callers share one pending mint. */
export function accessToken(ctx: UkgContext): Promise<Token> {
  return cachedToken(ctx.cache, cacheKey(ctx), () => mintToken(ctx));
}

export function dropToken(ctx: UkgContext): void {
  ctx.cache.delete(cacheKey(ctx));
}

/**
 * POST the client-credentials grant, form-encoded (UKG's token operation "Obtain new oAuth token":
 * grant_type, client_id, client_secret; third-party clients send the same). No `scope` is
 * requested: the token carries what UKG granted the client, and asking for a scope it lacks
 * could fail the whole mint.
 */
async function mintToken(ctx: UkgContext): Promise<Token> {
  const url = tokenUrl(ctx);
  const http = ctx.http({ baseUrl: url, transport: false, rateLimitResetMs: () => RATE_LIMIT_WAIT_MS });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: ctx.credentials.client_id,
    client_secret: ctx.credentials.client_secret,
  });
  const res = await http.request<any>({
    method: 'POST',
    path: url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    idempotent: true,
    redactBody: true,
    accept: [400, 401, 403, 404],
  });
  if (res.status >= 400) {
    const why = ukgErrorMessage(res.status, res.data, res.headers) ?? `HTTP ${res.status}`;
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `UKG's identity server refused the Recruiting API client (HTTP ${res.status}): ${why.replace(/\.+$/, '')}. ` +
        'Check the client ID and secret, the tenant alias and the identity server UKG gave you.',
    );
  }
  // `access_token` (OAuth 2.0, what UKG's token operation and most clients read); one
  // third-party client reads `token`: both are accepted.
  const token = res.data?.access_token ?? res.data?.token;
  if (typeof token !== 'string' || !token) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', "UKG's identity server answered without an access token.");
  }
  const stated = Number(res.data.expires_in);
  const lifetimeMs = (Number.isFinite(stated) && stated > 0 ? stated : DEFAULT_TOKEN_LIFETIME_S) * 1000;
  const scope = typeof res.data.scope === 'string' ? res.data.scope : Array.isArray(res.data.scope) ? res.data.scope.join(' ') : null;
  return {
    accessToken: token,
    expiresAt: renewAt(lifetimeMs),
    scopes: scope === null ? null : new Set(scope.split(/[\s,]+/).filter(Boolean)),
  };
}

/** The API client: Bearer token minted here, everything else the definition's transport. */
export function ukgClient(ctx: UkgContext): HttpClient {
  return ctx.http({
    token: async () => (await accessToken(ctx)).accessToken,
    onUnauthorized: async () => {
      // A token we believed valid was refused (revoked, secret rotated): mint once more.
      dropToken(ctx);
      await accessToken(ctx);
      return true;
    },
    rateLimitResetMs: (headers) => {
      const s = Number(headers['retry-after']);
      return Number.isFinite(s) && s > 0 ? s * 1000 : RATE_LIMIT_WAIT_MS;
    },
  });
}

/**
 * Whether a token's scopes grant `scope`: the scope itself or one of its parents
 * (`recruiting.domain`, `recruiting.domain.applications` grant `recruiting.domain.applications.read`,
 * as the Retrieve Applications page lists them). null: the identity server did not say.
 */
export function grants(scopes: Set<string> | null, scope: string): boolean | null {
  if (!scopes) return null;
  const parts = scope.split('.');
  for (let i = parts.length; i >= 2; i--) if (scopes.has(parts.slice(0, i).join('.'))) return true;
  return false;
}

// --------------------------------------------------------------------------------------------
// Lists
// --------------------------------------------------------------------------------------------

/** A list answer: a bare array, or wrapped in `data` (third-party clients read both). */
export function listItems<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const data = (body as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? (data as T[]) : [];
}

/**
 * Walks a Recruiting list. The first request carries our filters, `page=1` and `per_page`
 * (as third-party clients send them). When UKG answers with a `Link` header naming the next
 * page (a cursor, `after=<id>`, as third-party clients show), that page is requested, as path
 * and query on our own base URL's origin so a proxy keeps receiving the calls; without one, a
 * full page means there may be more (`page + 1`), a short page ends the list.
 *
 * `optionalFilters`: filters UKG may not know on this list; if the first request is refused
 * with 400, the list is read again without them (a full read is always right, only slower).
 */
export function ukgPages<T>(
  client: HttpClient,
  path: string,
  query: Record<string, string | undefined>,
  optionalFilters: string[] = [],
): AsyncGenerator<T[]> {
  const origin = new URL(client.baseUrl).origin;
  let filters = { ...query };
  return paginate<T, { url: string | null; page: number }>(async (cursor) => {
    const page = cursor?.page ?? 1;
    const first = () =>
      client.request<unknown>({
        method: 'GET',
        path,
        query: { ...filters, page: String(page), per_page: String(PAGE_SIZE) },
        accept: page === 1 && optionalFilters.some((k) => filters[k] !== undefined) ? [400] : undefined,
      });
    let res = cursor?.url ? await client.request<unknown>({ method: 'GET', path: cursor.url }) : await first();
    if (res.status === 400) {
      filters = Object.fromEntries(Object.entries(filters).filter(([k]) => !optionalFilters.includes(k)));
      res = await first();
    }
    const items = listItems<T>(res.data);
    const next = parseLinkHeader(res.headers.link).next;
    if (next) {
      const u = new URL(next, origin);
      return { items, next: { url: `${origin}${u.pathname}${u.search}`, page: page + 1 } };
    }
    return { items, next: items.length >= PAGE_SIZE ? { url: null, page: page + 1 } : null };
  });
}

// --------------------------------------------------------------------------------------------
// Shapes (third-party clients and the request models UKG documents; README "Data model")
// --------------------------------------------------------------------------------------------

export interface UkgLink {
  href?: string | null;
  rel?: string | null;
}

export interface UkgNamed {
  id?: string | null;
  name?: string | null;
  title?: string | null;
  code?: string | null;
}

export interface UkgOpportunity {
  id: string;
  title?: string | UkgNamed | null;
  name?: string | null;
  requisition_number?: string | null;
  status?: string | UkgNamed | null;
  is_published?: boolean | null;
  description?: string | null;
  job_category?: string | UkgNamed | null;
  org_unit?: UkgNamed | null;
  location?: UkgNamed | null;
  created_at?: string | null;
  updated_at?: string | null;
  published_at?: string | null;
  closed_at?: string | null;
}

export interface UkgCandidate {
  id: string;
  name?: { first?: string | null; middle?: string | null; last?: string | null; preferred?: string | null } | null;
  contact_info?: {
    email?: string | null;
    phone?: { primary?: string | null; secondary?: string | null } | null;
    address?: {
      line1?: string | null;
      line2?: string | null;
      city?: string | null;
      state?: { code?: string | null } | null;
      postal_code?: string | null;
      country?: { code?: string | null } | null;
    } | null;
  } | null;
  hyperlinks?: { name?: string | null; url?: string | null }[] | null;
  is_internal?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
  links?: UkgLink[] | null;
}

export interface UkgApplication {
  id: string;
  candidate?: { id?: string | null } | null;
  opportunity?: { id?: string | null } | null;
  status?: string | UkgNamed | null;
  step?: UkgNamed | null;
  disposition?: UkgNamed | string | null;
  is_hired?: boolean | null;
  applied_date?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  links?: UkgLink[] | null;
}

export interface UkgDocument {
  id: string;
  file_name?: string | null;
  document_type?: string | null;
  description?: string | null;
  created_at?: string | null;
  links?: UkgLink[] | null;
}

/** The href of the first link with `rel` (HAL-style `links` arrays, as third-party clients follow them). */
export function linkOf(links: UkgLink[] | null | undefined, rel: string): string | null {
  const l = (links ?? []).find((x) => (x.rel ?? '').toLowerCase() === rel);
  return typeof l?.href === 'string' && l.href ? l.href : null;
}

/** A vendor href as an absolute URL on our own base URL's origin (proxies and fakes keep the calls). */
export function onOurOrigin(client: HttpClient, href: string): string {
  const origin = new URL(client.baseUrl).origin;
  const u = new URL(href, client.baseUrl.endsWith('/') ? client.baseUrl : client.baseUrl + '/');
  return `${origin}${u.pathname}${u.search}`;
}
