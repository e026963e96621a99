/**
 * Talking to Harvest v3: OAuth client-credentials tokens (cached per acting user in ctx.cache,
 * refreshed before expiry and once on a 401), Bearer requests through the shared HttpClient,
 * scope-aware 403s and cursor pagination that follows the Link header exactly as issued.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../http/client.ts';
import { paginate, parseLinkHeader } from '../helpers/pagination.ts';
import type { ConnectorContext, RemoteFields } from '../types.ts';
import { resetReader } from '../../http/transport.ts';
import { PRODUCTION_BASE_URL, PRODUCTION_TOKEN_URL, definition, type GreenhouseCredentials } from './definition.ts';

export type GreenhouseContext = ConnectorContext<GreenhouseCredentials>;

export const TOOL = 'Greenhouse';
/** Harvest v3 allows 1..500 per page; the largest page means the fewest calls. */
const PAGE_SIZE = 500;
/** Renew this long before the token's stated expiry so no request leaves with a dying token. */
const REFRESH_MARGIN_MS = 60_000;
/** v3 list filters take at most 50 ids per parameter. */
export const MAX_IDS_PER_FILTER = 50;

interface Token { accessToken: string; expiresAt: number }

/**
 * Where tokens come from. The production API host pairs with auth.greenhouse.io; an overridden
 * base URL (a proxy, a regional host, a test fake) serves `/token` at its own origin unless the
 * credential names a token URL explicitly. This keeps tests off the real auth host.
 */
export function tokenUrl(ctx: GreenhouseContext): string {
  if (ctx.credentials.token_url) return ctx.credentials.token_url;
  const base = new URL(ctx.baseUrl);
  return base.origin === new URL(PRODUCTION_BASE_URL).origin ? PRODUCTION_TOKEN_URL : `${base.origin}/token`;
}

/**
 * The Greenhouse user a call acts as. v3 has no On-Behalf-Of header: the acting user is the
 * `sub` of the token, so remote_fields.greenhouse.on_behalf_of selects which token we mint.
 */
export function actingUser(ctx: GreenhouseContext, remoteFields?: RemoteFields): { id: string; fromRequest: boolean } {
  const requested = remoteFields?.greenhouse?.on_behalf_of;
  if (requested !== undefined && requested !== null && String(requested).trim() !== '') {
    const id = String(requested).trim();
    if (!/^\d+$/.test(id)) {
      throw new AtsgateError('PLATFORM.INPUT_INVALID', `remote_fields.greenhouse.on_behalf_of must be a numeric Greenhouse user id, got "${id}".`);
    }
    return { id, fromRequest: true };
  }
  return { id: (ctx.credentials.user_id ?? '').trim(), fromRequest: false };
}

function cacheKey(ctx: GreenhouseContext, sub: string): string {
  return `greenhouse:token:${tokenUrl(ctx)}:${ctx.credentials.client_id}:${sub}`;
}

/** A valid access token for `sub`; concurrent callers share one pending mint. */
export async function accessToken(ctx: GreenhouseContext, sub: string, fromRequest = false): Promise<Token> {
  const key = cacheKey(ctx, sub);
  const cached = ctx.cache.get(key) as Promise<Token> | undefined;
  if (cached) {
    const token = await cached.catch(() => null);
    if (token && Date.now() < token.expiresAt) return token;
    // Someone else may have started a new mint while we waited: join it rather than mint twice.
    const current = ctx.cache.get(key) as Promise<Token> | undefined;
    if (current && current !== cached) return current;
  }
  const minted = mintToken(ctx, sub, fromRequest);
  ctx.cache.set(key, minted);
  minted.catch(() => {
    if (ctx.cache.get(key) === minted) ctx.cache.delete(key);
  });
  return minted;
}

export function dropToken(ctx: GreenhouseContext, sub: string): void {
  ctx.cache.delete(cacheKey(ctx, sub));
}

/** POST /token with the client-credentials grant (harvestdocs.greenhouse.io/docs/authentication). */
async function mintToken(ctx: GreenhouseContext, sub: string, fromRequest: boolean): Promise<Token> {
  const url = tokenUrl(ctx);
  const http = ctx.http({ baseUrl: url, errorMessage: harvestErrorMessage, rateLimitResetMs });
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (sub) form.set('sub', sub);
  const basic = Buffer.from(`${ctx.credentials.client_id}:${ctx.credentials.client_secret}`).toString('base64');
  const res = await http.request<any>({
    method: 'POST',
    path: url,
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    // Minting a token changes nothing upstream, so a 5xx may be retried.
    idempotent: true,
    accept: [400, 401, 403],
  });
  if (res.status >= 400) {
    const why = harvestErrorMessage(res.status, res.data) ?? `HTTP ${res.status}`;
    if (fromRequest && res.status === 400) {
      throw new AtsgateError('PLATFORM.INPUT_INVALID', `Greenhouse would not issue a token acting as user ${sub} (remote_fields.greenhouse.on_behalf_of): ${why}`);
    }
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Greenhouse's token endpoint refused the Harvest v3 credentials (HTTP ${res.status}): ${why.replace(/\.+$/, '')}. ` +
        'Check the Client ID and Client Secret of the "Harvest V3 (OAuth)" credential' + (sub ? ` and that user ${sub} exists` : '') + '.',
    );
  }
  const token = res.data?.access_token;
  if (typeof token !== 'string' || !token) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', "Greenhouse's token endpoint answered without an access_token.");
  }
  const lifetimeMs = Number(res.data.expires_in ?? 3600) * 1000;
  return { accessToken: token, expiresAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
}

/** Harvest errors: `{message, errors:[{message, field}]}`; the token endpoint: OAuth `{error, error_description}`. */
export function harvestErrorMessage(_status: number, body: any): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  if (typeof body.error === 'string') return body.error_description ? `${body.error}: ${body.error_description}` : body.error;
  const details = Array.isArray(body.errors)
    ? body.errors.map((e: any) => (typeof e === 'string' ? e : [e?.field, e?.message].filter(Boolean).join(' '))).filter(Boolean)
    : [];
  const head = typeof body.message === 'string' ? body.message : undefined;
  const text = [head, details.join('; ')].filter(Boolean).join(': ');
  return text ? text.slice(0, 500) : undefined;
}

/** X-RateLimit-Reset (a Unix timestamp in seconds) in ms, read as the transport declares. */
export const rateLimitResetMs = resetReader(definition.transport);

/** One Harvest v3 session for one acting user. */
export class Harvest {
  readonly http: HttpClient;
  readonly userId: string;
  private readonly fromRequest: boolean;

  constructor(readonly ctx: GreenhouseContext, remoteFields?: RemoteFields) {
    const user = actingUser(ctx, remoteFields);
    this.userId = user.id;
    this.fromRequest = user.fromRequest;
    this.http = ctx.http({
      // Bearer auth is the transport's; the token is ours to mint.
      token: async () => (await this.token()).accessToken,
      onUnauthorized: async () => {
        // A token we believed valid was refused (revoked, rotated secret, clock skew): mint once more.
        dropToken(ctx, this.userId);
        await this.token();
        return true;
      },
      errorMessage: harvestErrorMessage,
    });
  }

  token(): Promise<Token> {
    return accessToken(this.ctx, this.userId, this.fromRequest);
  }

  /** A request needing `scope`; a 403 names the scope the customer must enable. */
  async request<T = any>(scope: string, req: HttpRequest): Promise<HttpResponse<T>> {
    try {
      return await this.http.request<T>(req);
    } catch (err) {
      if (err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING') throw missingScope(scope, err);
      throw err;
    }
  }

  /** Every record of a v3 list endpoint, page by page. Filters go on the first request only. */
  list<T>(scope: string, path: string, query: Record<string, string | number | undefined> = {}): AsyncGenerator<T[]> {
    const origin = new URL(this.http.baseUrl).origin;
    return paginate<T, string>(async (next) => {
      const req: HttpRequest = next ? { method: 'GET', path: next } : { method: 'GET', path, query: { per_page: PAGE_SIZE, ...query } };
      const res = await this.request<T[]>(scope, req);
      if (!Array.isArray(res.data)) {
        throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', `Greenhouse answered GET ${path} with something other than a list.`);
      }
      const nextUrl = parseLinkHeader(res.headers['link']).next;
      // The cursor URL carries our bearer token on the next call: never follow it off-host.
      if (nextUrl && new URL(nextUrl, origin).origin !== origin) {
        throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', 'Greenhouse returned a next-page link to another host; refusing to follow it.');
      }
      return { items: res.data, next: nextUrl ? new URL(nextUrl, origin).toString() : null };
    });
  }

  async all<T>(scope: string, path: string, query: Record<string, string | number | undefined> = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.list<T>(scope, path, query)) out.push(...page);
    return out;
  }
}

export function missingScope(scope: string, cause: AtsgateError): AtsgateError {
  return new AtsgateError(
    'INTEGRATION.PERMISSION_MISSING',
    `Greenhouse refused the request: the Harvest v3 credential lacks the scope "${scope}". ` +
      'Enable it under Configure > Dev Center > API Credentials > (the credential) > Manage Scopes. ' +
      `(${cause.message})`,
    { cause },
  );
}

/** Harvest v3 ids are integers; send numbers when they look like one so the vendor sees its own type. */
export function numericId(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

/** `gte|<ISO>` is the v3 comparison syntax for date filters (docs/list-endpoints). */
export function sinceFilter(updatedAfter?: Date): string | undefined {
  return updatedAfter ? `gte|${updatedAfter.toISOString()}` : undefined;
}

export function chunks<T>(items: T[], size = MAX_IDS_PER_FILTER): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
