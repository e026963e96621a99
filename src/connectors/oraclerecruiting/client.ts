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

/** An Oracle timestamp literal for `q` expressions: ISO-8601 in UTC, as Oracle writes them back. */
export const oracleTime = (d: Date) => d.toISOString();

/**
 * A collection read with a delta filter: `q=LastUpdateDate >= '<time>'` (the framework version 2+
 * expression syntax). Oracle answers 400 for an attribute a resource cannot filter on and does
 * not list per resource which attributes are queryable; so a refused filter is dropped and the
 * rows are filtered here by their own LastUpdateDate instead (README "Delta").
 */
export async function* oracleDeltaPages(client: HttpClient, path: string, updatedAfter: Date | undefined): AsyncGenerator<Row[]> {
  if (!updatedAfter) {
    yield* oraclePages(client, path);
    return;
  }
  const probe = await client.request<Collection>({
    method: 'GET',
    path,
    query: { q: `LastUpdateDate >= '${oracleTime(updatedAfter)}'`, onlyData: 'true', limit: '1', offset: '0' },
    accept: [400],
  });
  if (probe.status !== 400) {
    yield* oraclePages(client, path, { q: `LastUpdateDate >= '${oracleTime(updatedAfter)}'` });
    return;
  }
  for await (const rows of oraclePages(client, path)) {
    const kept = rows.filter((r) => {
      const t = Date.parse(String(r.LastUpdateDate ?? ''));
      return Number.isNaN(t) || t >= updatedAfter.getTime();
    });
    if (kept.length) yield kept;
  }
}
