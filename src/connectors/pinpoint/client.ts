/**
 * The Pinpoint HttpClient (X-API-KEY, the account's host, JSON:API errors: all `transport` in
 * ./definition.ts), Pinpoint's JSON:API documents (resources, relationships, `included`) and
 * its page-number paging.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient, HttpMethod, HttpResponse } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { definition, JSON_API, type credentialSchema } from './definition.ts';

export type PinpointContext = ConnectorContext<Static<typeof credentialSchema>>;

/**
 * JSON:API `page[size]`. Pinpoint documents no maximum; its API follows the JSON:API paging
 * convention (`page[number]`, `page[size]`), and 100 stays under any plausible cap. Paging ends
 * on a short page or when a page names no `links.next` while being short (README "Paging").
 */
export const PAGE_SIZE = 100;

export const pinpointErrorMessage = errorReader(definition.transport);

export function pinpointClient(ctx: PinpointContext): HttpClient {
  return ctx.http({});
}

export function pinpointBaseUrl(ctx: PinpointContext): string {
  return transportBaseUrl(definition, ctx);
}

// --------------------------------------------------------------------------------------------
// JSON:API documents
// --------------------------------------------------------------------------------------------

export interface Linkage {
  id: string;
  type: string;
}

export interface Resource<A = Record<string, any>> {
  id: string;
  type: string;
  attributes: A;
  relationships?: Record<string, { data?: Linkage | Linkage[] | null; meta?: Record<string, unknown> }>;
  links?: Record<string, string>;
}

export interface JsonApiDocument<D = Resource | Resource[]> {
  data: D;
  included?: Resource[];
  links?: { first?: string; prev?: string | null; next?: string | null; last?: string };
  meta?: Record<string, unknown>;
}

/** The id a to-one relationship points at (JSON:API gives linkage for `include`d relationships). */
export function relId(resource: Resource, name: string): string | null {
  const data = resource.relationships?.[name]?.data;
  return data && !Array.isArray(data) ? String(data.id) : null;
}

export function relIds(resource: Resource, name: string): string[] {
  const data = resource.relationships?.[name]?.data;
  return Array.isArray(data) ? data.map((d) => String(d.id)) : data ? [String(data.id)] : [];
}

/** `included` resources by "type:id". */
export class Included {
  private readonly byKey = new Map<string, Resource>();
  constructor(resources: Resource[] = []) {
    for (const r of resources) this.byKey.set(`${r.type}:${r.id}`, r);
  }
  get(type: string, id: string | null): Resource | undefined {
    return id === null ? undefined : this.byKey.get(`${type}:${id}`);
  }
}

export interface Page {
  resources: Resource[];
  included: Included;
}

/**
 * Walks a list endpoint: `page[number]` from 1 with `page[size]` = PAGE_SIZE. A `links.next`
 * the answer gives is followed (its path and query, on our own base URL); without one, a full
 * page means there may be more and the next number is asked for, a short page ends the walk.
 */
export function pinpointPages(
  client: HttpClient,
  path: string,
  query: Record<string, string | undefined> = {},
  opts: { refusedFilter?: boolean } = {},
): AsyncGenerator<Page[]> {
  return paginate<Page, { number: number; next: string | null }>(async (cursor) => {
    const number = cursor?.number ?? 1;
    const first = !cursor && opts.refusedFilter;
    const res = cursor?.next
      ? await client.request<JsonApiDocument<Resource[]>>({ method: 'GET', path: cursor.next })
      : await client.request<JsonApiDocument<Resource[]>>({
          method: 'GET',
          path,
          query: { ...query, 'page[number]': String(number), 'page[size]': String(PAGE_SIZE) },
          accept: first ? [400] : undefined,
        });
    if (res.status === 400) throw new FilterRefused();
    const doc = res.data;
    const resources = Array.isArray(doc?.data) ? doc.data : [];
    const items = resources.length ? [{ resources, included: new Included(doc.included) }] : [];
    // An empty page ends the walk whatever its links say (a server that always sends `next`).
    if (!resources.length) return { items, next: null };
    const next = typeof doc?.links?.next === 'string' && doc.links.next ? sameOriginPath(client, doc.links.next) : null;
    if (next) return { items, next: { number: number + 1, next } };
    return { items, next: resources.length >= PAGE_SIZE ? { number: number + 1, next: null } : null };
  });
}

/** A `links.next` URL as path + query on our base URL (a proxy or test host keeps receiving the calls). */
function sameOriginPath(client: HttpClient, href: string): string | null {
  try {
    const base = new URL(client.baseUrl.endsWith('/') ? client.baseUrl : client.baseUrl + '/');
    const u = new URL(href, base);
    // Only our own API's paths: the key never follows a link elsewhere.
    if (!u.pathname.startsWith(base.pathname)) return null;
    return u.pathname.slice(base.pathname.length) + u.search;
  } catch {
    return null;
  }
}

/**
 * A list read with a delta filter. JSON:API servers answer an attribute they cannot filter on
 * with 400; Pinpoint documents the filter parameter but not every filterable attribute, so a
 * refused filter is dropped and the rows are filtered here by their `updated_at` instead.
 */
export async function* pinpointDeltaPages(
  client: HttpClient,
  path: string,
  query: Record<string, string | undefined>,
  updatedAfter: Date | undefined,
): AsyncGenerator<Page[]> {
  if (!updatedAfter) {
    yield* pinpointPages(client, path, query);
    return;
  }
  const filtered = { ...query, 'filter[updated_at][gte]': updatedAfter.toISOString() };
  try {
    yield* pinpointPages(client, path, filtered, { refusedFilter: true });
    return;
  } catch (err) {
    if (!(err instanceof FilterRefused)) throw err;
  }
  for await (const pages of pinpointPages(client, path, query)) {
    yield pages.map((p) => ({
      included: p.included,
      resources: p.resources.filter((r) => {
        const t = Date.parse(String(r.attributes?.updated_at ?? ''));
        return Number.isNaN(t) || t >= updatedAfter.getTime();
      }),
    }));
  }
}

/** The first page of a filtered list was answered 400 (nothing was yielded yet). */
class FilterRefused extends Error {}

/** Sends a JSON:API document (`Content-Type: application/vnd.api+json`). */
export async function sendDocument<T = JsonApiDocument<Resource>>(
  client: HttpClient,
  method: HttpMethod,
  path: string,
  document: unknown,
  opts: { notFound?: string; redactBody?: boolean } = {},
): Promise<HttpResponse<T>> {
  return client.request<T>({ method, path, json: document, contentType: JSON_API, ...opts });
}
