/**
 * Talking to Harvest v3: OAuth client-credentials tokens (cached per user in ctx.cache,
 * refreshed before expiry and once on a 401), Bearer requests through the shared HttpClient,
 * scope-aware 403s and cursor pagination that follows the Link header exactly as issued (pacing
 * by the X-RateLimit-* headers is the shared limiter's, from the transport in definition.ts).
 *
 * Two identities: v3 GET/list endpoints return results only to a Site Admin `sub`, so every
 * read runs as the *reading user*; notes and uploads are written as the *acting user* (their
 * author). [GH-V3T contract-foundation §A, 0001:55, 0002:48]
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

/** The token lifetime Greenhouse states for access tokens (docs/harvest-partner-oauth): 1 h. */
const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;

interface Token {
  accessToken: string;
  expiresAt: number;
}

/** A Greenhouse user id for a token `sub`; '' is the credential's own service account. */
export interface Identity {
  id: string;
  fromRequest: boolean;
}

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
export function actingUser(ctx: GreenhouseContext, remoteFields?: RemoteFields): Identity {
  const requested = remoteFields?.greenhouse?.on_behalf_of;
  if (requested !== undefined && requested !== null && String(requested).trim() !== '') {
    const id = String(requested).trim();
    if (!/^\d+$/.test(id)) {
      throw new AtsgateError(
        'PLATFORM.INPUT_INVALID',
        `remote_fields.greenhouse.on_behalf_of must be a numeric Greenhouse user id, got "${id}".`,
      );
    }
    return { id, fromRequest: true };
  }
  return { id: (ctx.credentials.user_id ?? '').trim(), fromRequest: false };
}

/**
 * The user every read runs as: the credential's Site Admin `reading_user_id`. Credentials
 * stored before that field existed have only `user_id`, which then reads too (checkCredentials
 * says so when that user is not a Site Admin).
 */
export function readingUser(ctx: GreenhouseContext): Identity {
  const id = (ctx.credentials.reading_user_id ?? '').trim() || (ctx.credentials.user_id ?? '').trim();
  return { id, fromRequest: false };
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
      throw new AtsgateError(
        'PLATFORM.INPUT_INVALID',
        `Greenhouse would not issue a token acting as user ${sub} (remote_fields.greenhouse.on_behalf_of): ${why}`,
      );
    }
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `Greenhouse's token endpoint refused the Harvest v3 credentials (HTTP ${res.status}): ${why.replace(/\.+$/, '')}. ` +
        'Check the Client ID and Client Secret of the "Harvest V3 (OAuth)" credential' +
        (sub ? ` and that user ${sub} exists` : '') +
        '.',
    );
  }
  const token = res.data?.access_token;
  if (typeof token !== 'string' || !token) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', "Greenhouse's token endpoint answered without an access_token.");
  }
  const lifetimeMs = tokenLifetimeMs(res.data);
  return { accessToken: token, expiresAt: Date.now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
}

/**
 * How long a minted token lives. Greenhouse answers `expires_at` (ISO-8601): its own SDK refuses
 * a token response without it (grnhse/greenhouse-tools-php: src/Clients/HarvestAuthClient.php).
 * An RFC 6749 `expires_in` (seconds) is read too, and without either we assume the documented 1 h.
 */
export function tokenLifetimeMs(body: { expires_at?: unknown; expires_in?: unknown }, now = Date.now()): number {
  const at = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN;
  if (Number.isFinite(at) && at > now) return at - now;
  const inSeconds = Number(body.expires_in);
  if (Number.isFinite(inSeconds) && inSeconds > 0) return inSeconds * 1000;
  return DEFAULT_TOKEN_LIFETIME_MS;
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

/** One Harvest v3 session for one Greenhouse user (the reading user or the acting user). */
export class Harvest {
  readonly http: HttpClient;
  readonly userId: string;
  private readonly fromRequest: boolean;

  /** The session every read goes through: the Site Admin reading user. */
  static reader(ctx: GreenhouseContext): Harvest {
    return new Harvest(ctx, readingUser(ctx));
  }

  /** The session writes go through: the note author (on_behalf_of, else the credential's user_id). */
  static actor(ctx: GreenhouseContext, remoteFields?: RemoteFields): Harvest {
    return new Harvest(ctx, actingUser(ctx, remoteFields));
  }

  constructor(
    readonly ctx: GreenhouseContext,
    user: Identity,
  ) {
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
      // Pacing by X-RateLimit-Remaining/-Reset is the shared limiter's (the transport declares
      // Harvest's fixed 30-second window); nothing to do here.
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
