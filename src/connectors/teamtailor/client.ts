/**
 * The Teamtailor HttpClient (auth, X-Api-Version, region host, error bodies and rate-limit
 * headers are data: `transport` in ./definition.ts), Teamtailor's JSON:API documents
 * (resources, relationships, `included`) and its `links.next` pagination.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient, HttpMethod, HttpResponse } from '../../http/client.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { definition, type credentialSchema } from './definition.ts';

export type TeamtailorCredentials = Static<typeof credentialSchema>;
export type TeamtailorContext = ConnectorContext<TeamtailorCredentials>;

/** Teamtailor: `page[size]` defaults to 10 and may be at most 30. */
export const PAGE_SIZE = 30;

/** JSON:API media type; Teamtailor (like any JSON:API server) wants it on bodies. */
export const JSON_API = 'application/vnd.api+json';

/** The host for the integration's region, unless its base URL was overridden (the transport's `baseUrl`). */
export function teamtailorBaseUrl(ctx: TeamtailorContext): string {
  return transportBaseUrl(definition, ctx);
}

/**
 * Auth, X-Api-Version, region host, error bodies and rate-limit headers are the definition's
 * transport; the error reader adds the 406 hint.
 */
export function teamtailorClient(ctx: TeamtailorContext): HttpClient {
  return ctx.http({ errorMessage: teamtailorErrorMessage });
}

const readErrorBody = errorReader(definition.transport);

/**
 * JSON:API error bodies, read the way the transport declares (an `errors` array, or a single
 * object as teamtailor-rb's error.rb also tolerates). A 406 that names Teamtailor's current
 * version says which value to configure.
 */
export function teamtailorErrorMessage(status: number, body: unknown): string | undefined {
  const text = readErrorBody(status, body);
  const current = status === 406 && text ? /current version is:?\s*(\d{8})/i.exec(text)?.[1] : undefined;
  return current ? `${text}. Set the integration's api_version (X-Api-Version) to ${current}.` : text;
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
export function teamtailorPages(
  client: HttpClient,
  path: string,
  query: Record<string, string | undefined> = {},
  notFound?: string,
): AsyncGenerator<Page[]> {
  return paginate<Page, string>(async (next) => {
    const res = next
      ? await client.request<JsonApiDocument<Resource[]>>({ method: 'GET', path: next, notFound })
      : await client.request<JsonApiDocument<Resource[]>>({
          method: 'GET',
          path,
          query: { ...query, 'page[size]': String(PAGE_SIZE) },
          notFound,
        });
    const doc = res.data;
    const resources = Array.isArray(doc?.data) ? doc.data : [];
    return { items: resources.length ? [{ resources, included: new Included(doc.included) }] : [], next: doc?.links?.next ?? null };
  });
}

/** Every resource of a (small) list endpoint, with everything it included. */
export async function teamtailorAll(
  client: HttpClient,
  path: string,
  query: Record<string, string | undefined> = {},
  notFound?: string,
): Promise<Page> {
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
