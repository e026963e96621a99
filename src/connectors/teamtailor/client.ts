/**
 * The Teamtailor HttpClient (`Authorization: Token token=<key>` + the required X-Api-Version),
 * Teamtailor's JSON:API documents (resources, relationships, `included`), its error bodies,
 * its rate-limit headers and its `links.next` pagination.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient, HttpMethod, HttpResponse } from '../../http/client.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { DEFAULT_API_VERSION, REGION_BASE_URLS, definition, type credentialSchema } from './definition.ts';

export type TeamtailorCredentials = Static<typeof credentialSchema>;
export type TeamtailorContext = ConnectorContext<TeamtailorCredentials>;

/** Teamtailor: `page[size]` defaults to 10 and may be at most 30. */
export const PAGE_SIZE = 30;

/** JSON:API media type; Teamtailor (like any JSON:API server) wants it on bodies. */
export const JSON_API = 'application/vnd.api+json';

/**
 * The region picks the host only when the integration did not set its own base URL, so that an
 * explicit override (a proxy, a test fake) always wins.
 */
export function teamtailorBaseUrl(ctx: TeamtailorContext): string {
  const region = ctx.credentials.region ?? 'eu';
  if (ctx.baseUrl && ctx.baseUrl !== definition.defaultBaseUrl) return ctx.baseUrl;
  return REGION_BASE_URLS[region];
}

export function teamtailorClient(ctx: TeamtailorContext): HttpClient {
  return ctx.http({
    baseUrl: teamtailorBaseUrl(ctx),
    headers: () => ({
      authorization: `Token token=${ctx.credentials.api_key}`,
      'x-api-version': ctx.credentials.api_version ?? DEFAULT_API_VERSION,
      accept: JSON_API,
    }),
    errorMessage: teamtailorErrorMessage,
    rateLimitResetMs: teamtailorRateLimitResetMs,
  });
}

/**
 * JSON:API errors: `{ "errors": [{ "title", "detail", "status", "source": { "pointer" } }] }`;
 * the 406 for a bad X-Api-Version has `errors` as a single object.
 */
export function teamtailorErrorMessage(_status: number, body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object') return undefined;
  const raw = (body as { errors?: unknown }).errors;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  const parts = list
    .map((e) => {
      const { detail, title, source } = (e ?? {}) as { detail?: unknown; title?: unknown; source?: { pointer?: unknown } };
      const text = typeof detail === 'string' && detail ? detail : typeof title === 'string' ? title : '';
      const where = typeof source?.pointer === 'string' ? ` (${source.pointer})` : '';
      return text ? text + where : '';
    })
    .filter(Boolean);
  return parts.length ? parts.join('; ').slice(0, 500) : undefined;
}

/** `X-Rate-Limit-Reset` is "the number of seconds left in the current period". */
export function teamtailorRateLimitResetMs(headers: Record<string, string>): number | undefined {
  const v = headers['x-rate-limit-reset'];
  if (!v || !/^\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Math.round(Number(v) * 1000);
}

// --------------------------------------------------------------------------------------------
// JSON:API documents
// --------------------------------------------------------------------------------------------

export interface Linkage { id: string; type: string }

export interface Resource<A = Record<string, any>> {
  id: string;
  type: string;
  attributes: A;
  relationships?: Record<string, { data?: Linkage | Linkage[] | null; links?: Record<string, string> }>;
  links?: Record<string, string>;
}

export interface JsonApiDocument<D = Resource | Resource[]> {
  data: D;
  included?: Resource[];
  links?: { first?: string; prev?: string; next?: string; last?: string };
  meta?: Record<string, unknown>;
}

/** The id a to-one relationship points at (present when the relationship was `include`d). */
export function relId(resource: Resource, name: string): string | null {
  const data = resource.relationships?.[name]?.data;
  return data && !Array.isArray(data) ? String(data.id) : null;
}

export function relIds(resource: Resource, name: string): string[] {
  const data = resource.relationships?.[name]?.data;
  return Array.isArray(data) ? data.map((d) => String(d.id)) : data ? [String(data.id)] : [];
}

/** `included` resources by "type:id", to resolve relationship linkage. */
export class Included {
  private readonly byKey = new Map<string, Resource>();
  constructor(resources: Resource[] = []) {
    this.add(resources);
  }
  add(resources: Resource[] = []): void {
    for (const r of resources) this.byKey.set(`${r.type}:${r.id}`, r);
  }
  get(type: string, id: string | null): Resource | undefined {
    return id === null ? undefined : this.byKey.get(`${type}:${id}`);
  }
  all(): Resource[] {
    return [...this.byKey.values()];
  }
}

export interface Page {
  resources: Resource[];
  included: Included;
}

/**
 * Walks a list endpoint page by page. The first request carries our query; later ones follow
 * `links.next`, which Teamtailor builds with the same filters, includes and page size.
 */
export function teamtailorPages(client: HttpClient, path: string, query: Record<string, string | undefined> = {}, notFound?: string): AsyncGenerator<Page[]> {
  return paginate<Page, string>(async (next) => {
    const res = next
      ? await client.request<JsonApiDocument<Resource[]>>({ method: 'GET', path: next, notFound })
      : await client.request<JsonApiDocument<Resource[]>>({ method: 'GET', path, query: { ...query, 'page[size]': String(PAGE_SIZE) }, notFound });
    const doc = res.data;
    const resources = Array.isArray(doc?.data) ? doc.data : [];
    return { items: resources.length ? [{ resources, included: new Included(doc.included) }] : [], next: doc?.links?.next ?? null };
  });
}

/** Every resource of a (small) list endpoint, with everything it included. */
export async function teamtailorAll(client: HttpClient, path: string, query: Record<string, string | undefined> = {}, notFound?: string): Promise<Page> {
  const all: Page = { resources: [], included: new Included() };
  for await (const pages of teamtailorPages(client, path, query, notFound)) {
    for (const p of pages) {
      all.resources.push(...p.resources);
      all.included.add(p.included.all());
    }
  }
  return all;
}

/** Sends a JSON:API document (JSON:API servers answer plain application/json with 415). */
export async function sendDocument<T = JsonApiDocument<Resource>>(
  client: HttpClient,
  method: HttpMethod,
  path: string,
  document: unknown,
  opts: { notFound?: string; redactBody?: boolean; accept?: number[] } = {},
): Promise<HttpResponse<T>> {
  return client.request<T>({
    method,
    path,
    json: document,
    contentType: JSON_API,
    idempotent: method === 'PATCH' ? true : undefined,
    ...opts,
  });
}
