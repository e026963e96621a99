/**
 * The Oracle HCM REST HttpClient (Basic auth, the customer's host, REST-Framework-Version and
 * error bodies: all `transport` in ./definition.ts) and Oracle's collection paging.
 */
import type { HttpClient } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { API_PATH, definition, type OracleCredentials } from './definition.ts';

export type OracleContext = ConnectorContext<OracleCredentials>;

/** One Oracle row: attribute name → value (names are Oracle's PascalCase). */
export type Row = Record<string, any>;

/** A collection answer ("Navigate a Collection"): `items` plus `count`, `hasMore`, `limit`, `offset`. */
export interface Collection {
  items?: Row[];
  count?: number;
  hasMore?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * Rows asked for per page. Oracle's default page is 25 items; a larger `limit` is honoured up to
 * a server-side cap that differs by resource and is not published, so paging never assumes it
 * got what it asked for: the next offset is this one plus the rows received, and the walk goes on
 * while `hasMore` is true ("Navigate a Collection").
 */
export const PAGE_SIZE = 100;

export const oracleErrorMessage = errorReader(definition.transport);

export function oracleClient(ctx: OracleContext): HttpClient {
  return ctx.http({});
}

/** The host root (the base URL without /hcmRestApi/resources/11.13.18.05): Kombo's passthrough base. */
export function oracleRootClient(ctx: OracleContext): HttpClient {
  const base = transportBaseUrl(definition, ctx).replace(/\/+$/, '');
  const root = base.endsWith(API_PATH) ? base.slice(0, -API_PATH.length) : base;
  return ctx.http({ baseUrl: root });
}

export const seg = encodeURIComponent;

/**
 * Walks a collection by `limit`/`offset` with `onlyData=true` (rows without their `links`),
 * following `hasMore`. An empty page ends the walk whatever `hasMore` says.
 */
export function oraclePages(client: HttpClient, path: string, query: Record<string, string | undefined> = {}): AsyncGenerator<Row[]> {
  return paginate<Row, number>(async (cursor) => {
    const offset = cursor ?? 0;
    const res = await client.request<Collection>({
      method: 'GET',
      path,
      query: { ...query, onlyData: 'true', limit: String(PAGE_SIZE), offset: String(offset) },
    });
    const items = Array.isArray(res.data?.items) ? res.data.items : [];
    return { items, next: items.length && res.data?.hasMore === true ? offset + items.length : null };
  });
}

/**
 * An Oracle timestamp literal for `q` expressions, in the form Oracle writes its own timestamps
 * ("Navigate a Collection": `"LastUpdateDate": "1998-03-17T14:53:51+00:00"`): seconds and a
 * `+00:00` offset, not JavaScript's `.000Z`. The milliseconds are dropped (rounded down), so a
 * `>=` filter still takes every row at or after the instant.
 */
export const oracleTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

/**
 * The deepest offset a collection serves: past 10,000 rows Oracle answers `hasMore: false`
 * without an error (third-party report, README "Paging and delta"), so a walk that reaches it
 * has not necessarily seen everything.
 */
export const WALK_LIMITS = { offsetCap: 10_000 };

export interface WalkSpec {
  /** The row's own key (CandidateNumber, JobApplicationId…): rows seen twice across windows are yielded once. */
  key: string;
  /**
   * Date attributes to order and window by, most precise first (CandLastModifiedDate before
   * LastUpdateDate). Oracle does not list which attributes a resource can filter or sort on; the
   * first the server accepts is used, and when it accepts none the walk is a plain offset walk.
   */
  dates: string[];
}

/**
 * Every row of a collection (or those changed at or after `updatedAfter`), past the offset cap.
 * Rows are read `orderBy=<date>:asc` in windows `q=<date> >= '<t>'`: a window is paged by
 * `limit`/`offset`/`hasMore`; a window that ends at the offset cap starts the next window at
 * the latest date it saw (rows of that instant come again and are skipped by key). A server that
 * refuses the window filter or the order (400 on the first call) gets the next date attribute,
 * then a plain offset walk, filtered here by LastUpdateDate when a delta was asked for.
 */
export async function* oracleWalk(client: HttpClient, path: string, spec: WalkSpec, updatedAfter?: Date): AsyncGenerator<Row[]> {
  for (const attr of spec.dates) {
    const walk = windows(client, path, spec.key, attr, updatedAfter ? oracleTime(updatedAfter) : null);
    const first = await walk.next();
    if (first.done) return;
    if (first.value === REFUSED) continue;
    yield first.value;
    for await (const rows of walk) if (rows !== REFUSED) yield rows;
    return;
  }
  for await (const rows of oraclePages(client, path)) {
    const kept = updatedAfter
      ? rows.filter((r) => {
          const t = Date.parse(String(r.LastUpdateDate ?? ''));
          return Number.isNaN(t) || t >= updatedAfter.getTime();
        })
      : rows;
    if (kept.length) yield kept;
  }
}

const REFUSED = Symbol('refused');

async function* windows(
  client: HttpClient,
  path: string,
  key: string,
  attr: string,
  from: string | null,
): AsyncGenerator<Row[] | typeof REFUSED> {
  const seen = new Set<string>();
  let cursor = from;
  let firstCall = true;
  for (;;) {
    let inWindow = 0;
    let latest: string | null = null;
    let fresh = 0;
    for (let offset = 0; ; ) {
      const res = await client.request<Collection>({
        method: 'GET',
        path,
        query: {
          ...(cursor ? { q: `${attr} >= '${cursor}'` } : {}),
          orderBy: `${attr}:asc`,
          onlyData: 'true',
          limit: String(PAGE_SIZE),
          offset: String(offset),
        },
        accept: firstCall ? [400] : undefined,
      });
      if (firstCall && res.status === 400) {
        yield REFUSED;
        return;
      }
      firstCall = false;
      const items = Array.isArray(res.data?.items) ? res.data.items : [];
      inWindow += items.length;
      const out: Row[] = [];
      for (const r of items) {
        const t = typeof r[attr] === 'string' ? r[attr] : null;
        if (t && (latest === null || Date.parse(t) > Date.parse(latest))) latest = t;
        const k = String(r[key] ?? '');
        if (k && seen.has(k)) continue;
        if (k) seen.add(k);
        out.push(r);
      }
      fresh += out.length;
      if (out.length) yield out;
      if (!items.length || res.data?.hasMore !== true) break;
      offset += items.length;
    }
    // A window cut short by the offset cap continues from the latest date it saw; one that
    // brought nothing new (more rows of one instant than the cap) cannot advance and ends.
    if (inWindow < WALK_LIMITS.offsetCap || latest === null || fresh === 0 || latest === cursor) return;
    cursor = latest;
  }
}
