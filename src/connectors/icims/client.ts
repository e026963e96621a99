/**
 * Talking to iCIMS: OAuth 2.0 client-credentials tokens (cached per integration in ctx.cache,
 * renewed before expiry and once on a 401), Bearer requests through the shared HttpClient
 * (transport in ./definition.ts), and the Search API's id paging.
 */
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { cachedToken, renewAt } from '../helpers/oauth-token.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { TOKEN_AUDIENCE, TOKEN_URL, definition, type IcimsCredentials } from './definition.ts';

export type IcimsContext = ConnectorContext<IcimsCredentials>;

/** The Search API answers at most 1,000 ids per call (Search API page). */
export const SEARCH_CAP = 1000;
/** When the token answer states no lifetime: assume 30 minutes (a shorter guess only costs a mint). */
const DEFAULT_TOKEN_LIFETIME_S = 1800;
const RATE_LIMIT_WAIT_MS = 1_000;

export const icimsErrorMessage = errorReader(definition.transport);

interface Token {
  accessToken: string;
  expiresAt: number;
}

/** https://api.icims.com/customers/{customer_id} (or api-eu, or the override + that path). */
export function apiBaseUrl(ctx: IcimsContext): string {
  return transportBaseUrl(definition, ctx);
}

/** The token endpoint; an overridden base URL (a proxy, a test fake) serves it at its own origin. */
export function tokenUrl(ctx: IcimsContext): string {
  if (ctx.baseUrl && ctx.baseUrl !== definition.defaultBaseUrl) return new URL('/oauth/token', new URL(apiBaseUrl(ctx)).origin).toString();
  return TOKEN_URL;
}

function cacheKey(ctx: IcimsContext): string {
  return `icims:token:${tokenUrl(ctx)}:${ctx.credentials.client_id}`;
}

export function accessToken(ctx: IcimsContext): Promise<Token> {
  return cachedToken(ctx.cache, cacheKey(ctx), () => mintToken(ctx));
}

function dropToken(ctx: IcimsContext): void {
  ctx.cache.delete(cacheKey(ctx));
}

/** POST the client-credentials grant, form-encoded, with iCIMS's API audience (README, Auth). */
async function mintToken(ctx: IcimsContext): Promise<Token> {
  const url = tokenUrl(ctx);
  const http = ctx.http({ baseUrl: url, transport: false, rateLimitResetMs: () => RATE_LIMIT_WAIT_MS });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: ctx.credentials.client_id,
    client_secret: ctx.credentials.client_secret,
    audience: TOKEN_AUDIENCE,
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
    const why = icimsErrorMessage(res.status, res.data, res.headers) ?? `HTTP ${res.status}`;
    throw new AtsgateError(
      'INTEGRATION.AUTHENTICATION_INVALID',
      `iCIMS's login server refused the OAuth client (HTTP ${res.status}): ${why.replace(/\.+$/, '')}. ` +
        'Check the client ID and secret your iCIMS Integration Specialist issued.',
    );
  }
  const token = res.data?.access_token;
  if (typeof token !== 'string' || !token) {
    throw new AtsgateError('REMOTE.UNKNOWN_HTTP_ERROR', "iCIMS's login server answered without an access token.");
  }
  const stated = Number(res.data.expires_in);
  return { accessToken: token, expiresAt: renewAt((Number.isFinite(stated) && stated > 0 ? stated : DEFAULT_TOKEN_LIFETIME_S) * 1000) };
}

/** Waits out a 429: Retry-After (seconds), else X-RateLimit-Reset (seconds or an epoch), else 1 s. */
export function rateLimitWaitMs(headers: Record<string, string | undefined>): number {
  const retry = Number(headers['retry-after']);
  if (Number.isFinite(retry) && retry > 0) return retry * 1000;
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) {
    // An epoch (seconds) is far above any plausible wait in seconds.
    const ms = reset > 1e9 ? reset * 1000 - Date.now() : reset * 1000;
    if (ms > 0) return Math.min(ms, 60_000);
  }
  return RATE_LIMIT_WAIT_MS;
}

/** The API client: Bearer token minted here, everything else the definition's transport. */
export function icimsClient(ctx: IcimsContext): HttpClient {
  return ctx.http({
    token: async () => (await accessToken(ctx)).accessToken,
    onUnauthorized: async () => {
      // A token we believed valid was refused (expired early, revoked): mint once more.
      dropToken(ctx);
      await accessToken(ctx);
      return true;
    },
    rateLimitResetMs: (headers) => rateLimitWaitMs(headers as Record<string, string | undefined>),
  });
}

// --------------------------------------------------------------------------------------------
// Search API
// --------------------------------------------------------------------------------------------

export interface SearchFilter {
  name: string;
  value: string[];
  operator: string;
}

export type ProfileType = 'people' | 'jobs' | 'applicantworkflows';
/** The prefix of filter names on each search: `person.id`, `job.id`, `applicantworkflow.id`. */
export const FILTER_PREFIX: Record<ProfileType, string> = { people: 'person', jobs: 'job', applicantworkflows: 'applicantworkflow' };

/** One search call: `POST /search/{profileType}` with `{ filters, operator }`, answering `{ searchResults: [{ id, self }] }`. */
export async function searchOnce(
  client: HttpClient,
  type: ProfileType,
  filters: SearchFilter[],
  accept?: number[],
): Promise<{ status: number; ids: string[]; headers: Record<string, string>; data: unknown }> {
  const res = await client.request<{ searchResults?: { id?: number | string }[] }>({
    method: 'POST',
    path: `search/${type}`,
    json: { filters, operator: '&' },
    accept,
  });
  const ids = (res.status < 300 ? (res.data?.searchResults ?? []) : []).map((r) => String(r.id ?? '')).filter(Boolean);
  return { status: res.status, ids, headers: res.headers as Record<string, string>, data: res.data };
}

/**
 * Every id a search matches, in pages. The Search API answers at most 1,000 ids per call, in
 * ascending id order; the next page repeats the search with `<prefix>.id > <last id>` (the
 * documented paging filter). A page of fewer than 1,000 ends the walk. `optional` filters are
 * dropped (and the search read again in full) when iCIMS refuses them with 400.
 */
export function searchIds(client: HttpClient, type: ProfileType, optional: SearchFilter[] = []): AsyncGenerator<string[]> {
  let extra = optional;
  const prefix = FILTER_PREFIX[type];
  return paginate<string, string>(async (after) => {
    const idFilter: SearchFilter = { name: `${prefix}.id`, value: [after ?? '0'], operator: '>' };
    let res = await searchOnce(client, type, [idFilter, ...extra], extra.length ? [400] : undefined);
    if (res.status === 400) {
      extra = [];
      res = await searchOnce(client, type, [idFilter]);
    }
    // Sort numerically: the paging filter relies on ascending ids, and a fake or proxy may not keep them.
    const ids = [...res.ids].sort((a, b) => Number(a) - Number(b));
    return { items: ids, next: ids.length >= SEARCH_CAP ? ids[ids.length - 1] : null };
  });
}

/** `GET /{profileType}/{id}?fields=…`: one profile with the fields named (iCIMS returns only fields that have a value). */
export async function getProfile<T>(client: HttpClient, type: ProfileType, id: string, fields: string[]): Promise<T | null> {
  const res = await client.request<T>({
    method: 'GET',
    path: `${type}/${encodeURIComponent(id)}`,
    query: { fields: fields.join(',') },
    accept: [404],
  });
  return res.status === 404 ? null : res.data;
}

// --------------------------------------------------------------------------------------------
// Shapes (iCIMS data models and Field Types pages)
// --------------------------------------------------------------------------------------------

/** List fields answer `{ id, value }` (Field Types: LISTEDITOR_SINGLE, DROPDOWN). */
export interface IcimsListValue {
  id?: string | number | null;
  value?: string | null;
  formattedvalue?: string | null;
}

/** Profile links answer `{ id, value, profile }` (Field Types: PERSONLINK, PROFILELINK). */
export interface IcimsLink {
  id?: string | number | null;
  value?: string | null;
  profile?: string | null;
}

export interface IcimsJob {
  jobtitle?: string | null;
  title?: string | null;
  jobid?: string | null;
  folder?: IcimsListValue | null;
  department?: IcimsListValue | null;
  /** ADDRESSLINK to the job's Location profile (Job Profile data model). */
  location?: IcimsLink | null;
  overview?: string | null;
  createddate?: string | null;
  updateddate?: string | null;
}

export interface IcimsPerson {
  firstname?: string | null;
  lastname?: string | null;
  email?: string | null;
  phones?: { phonenumber?: string | null; phonetype?: IcimsListValue | null }[] | null;
  addresses?:
    | {
        addressstreet1?: string | null;
        addressstreet2?: string | null;
        addresscity?: string | null;
        addressstate?: IcimsListValue | string | null;
        addresszip?: string | null;
        addresscountry?: IcimsListValue | string | null;
      }[]
    | null;
  resume?: unknown;
  createddate?: string | null;
  updateddate?: string | null;
  [field: string]: unknown;
}

export interface IcimsWorkflow {
  baseprofile?: IcimsLink | null;
  associatedprofile?: IcimsLink | null;
  status?: IcimsListValue | null;
  createddate?: string | null;
  updateddate?: string | null;
}

/**
 * A date as iCIMS's DATETIME fields take and return it: UTC, `yyyy-mm-dd hh:mm a` (Field Types).
 */
export function icimsDateTime(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(h % 12 || 12)}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** An iCIMS DATETIME (`2015-09-30 02:07 PM`, UTC) or DATEONLY as ISO-8601; anything else as it came. */
export function isoFromIcims(v: unknown): string | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp][Mm])?)?$/.exec(v.trim());
  if (!m) return v;
  let h = Number(m[4] ?? 0);
  if (m[6]) h = (h % 12) + (/p/i.test(m[6]) ? 12 : 0);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, Number(m[5] ?? 0))).toISOString();
}
