/**
 * The Lever HttpClient (Basic auth and error bodies are data: `transport` in ./definition.ts),
 * Lever's list pagination and the JSON shapes the connector reads.
 */
import type { Static } from '@sinclair/typebox';
import { AtsgateError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext, RemoteFields } from '../types.ts';
import type { credentialSchema } from './definition.ts';

export type LeverCredentials = Static<typeof credentialSchema>;
export type LeverContext = ConnectorContext<LeverCredentials>;

/** Lever accepts 1..100 per page; asking for the maximum keeps the request count down. */
export const PAGE_SIZE = 100;

/** Auth, error bodies and rate limits are the definition's transport; nothing is Lever's own. */
export function leverClient(ctx: LeverContext): HttpClient {
  return ctx.http({});
}

/**
 * Walks a Lever list endpoint: `limit` + `offset`, where `offset` is the opaque token the
 * previous page returned as `next`, until `hasNext` is false. Every list shares the `{data,
 * next, hasNext}` envelope [LV, Lists], but the Files example shows a bare array: that is
 * read as one complete page.
 */
export function leverPages<T>(
  client: HttpClient,
  path: string,
  query: Record<string, string | number | undefined> = {},
  notFound?: string,
): AsyncGenerator<T[]> {
  return paginate<T, string>(async (offset) => {
    const res = await client.request<LeverList<T> | T[]>({
      method: 'GET',
      path,
      query: { ...query, limit: PAGE_SIZE, offset: offset ?? undefined },
      notFound,
    });
    const body = res.data;
    if (Array.isArray(body)) return { items: body, next: null };
    return { items: body?.data ?? [], next: body?.hasNext && body.next ? body.next : null };
  });
}

/**
 * A list walk that includes confidential records: opportunities and postings default to
 * non-confidential, and `confidentiality=all` returns both [LV, Opportunities: list; Postings:
 * list; Confidential data]. Lever does not say what a key without access to confidential data
 * gets for it; if the first page is refused (403), the walk goes on without confidential records
 * rather than failing the whole sync.
 */
export async function* withConfidential<T>(
  client: HttpClient,
  path: string,
  query: Record<string, string | number | undefined> = {},
  notFound?: string,
): AsyncGenerator<T[]> {
  let refusedBeforeAnyPage = true;
  try {
    for await (const page of leverPages<T>(client, path, { ...query, confidentiality: 'all' }, notFound)) {
      refusedBeforeAnyPage = false;
      yield page;
    }
  } catch (err) {
    if (!(refusedBeforeAnyPage && err instanceof AtsgateError && err.code === 'INTEGRATION.PERMISSION_MISSING')) throw err;
    yield* leverPages<T>(client, path, query, notFound);
  }
}

export async function leverAll<T>(
  client: HttpClient,
  path: string,
  query: Record<string, string | number | undefined> = {},
  notFound?: string,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of leverPages<T>(client, path, query, notFound)) out.push(...page);
  return out;
}

/** The user a write is attributed to: the call's remote field, else the integration's default. */
export function performAs(ctx: LeverContext, remoteFields: RemoteFields): string | undefined {
  const fromCall = remoteFields.lever?.perform_as;
  return (typeof fromCall === 'string' && fromCall.trim()) || ctx.credentials.perform_as || undefined;
}

// --------------------------------------------------------------------------------------------
// Lever JSON (timestamps are milliseconds since the epoch)
// --------------------------------------------------------------------------------------------

export interface LeverList<T> {
  data: T[];
  next?: string;
  hasNext?: boolean;
}

export interface LeverApplication {
  id: string;
  opportunityId?: string;
  type?: 'posting' | 'user' | 'referral';
  posting?: string | null;
  company?: string | null;
  createdAt?: number | null;
  archived?: { archivedAt: number | null; reason: string | null } | null;
}

export interface LeverOpportunity {
  id: string;
  name?: string | null;
  headline?: string | null;
  contact: string;
  emails?: string[];
  phones?: { type?: string | null; value: string }[];
  links?: string[];
  location?: string | null;
  /** A stage id, or the stage object with expand=stage. */
  stage?: string | { id: string; text: string } | null;
  confidentiality?: 'confidential' | 'non-confidential';
  archived?: { archivedAt: number | null; reason: string | null } | null;
  tags?: string[];
  sources?: string[];
  origin?: string | null;
  /** Application ids, or the objects with expand=applications (at most one per opportunity). */
  applications?: (string | LeverApplication)[];
  createdAt?: number | null;
  updatedAt?: number | null;
  urls?: { list?: string; show?: string } | null;
  isAnonymized?: boolean;
}

export interface LeverPosting {
  id: string;
  text?: string | null;
  state?: 'published' | 'internal' | 'closed' | 'draft' | 'pending' | 'rejected';
  distributionChannels?: string[];
  confidentiality?: 'confidential' | 'non-confidential';
  categories?: { team?: string; department?: string; location?: string; commitment?: string; level?: string } | null;
  content?: { description?: string; descriptionHtml?: string } | null;
  country?: string | null;
  requisitionCodes?: string[];
  urls?: { list?: string; show?: string; apply?: string } | null;
  workplaceType?: string | null;
  createdAt?: number | null;
  updatedAt?: number | null;
}

export interface LeverStage {
  id: string;
  text: string;
}
export interface LeverArchiveReason {
  id: string;
  text: string;
  status?: 'active' | 'inactive';
  type: 'hired' | 'non-hired';
}

/** `uploadedAt`/`size` are numbers in the Resumes example and strings in the Files example; `ext` "pdf" or ".pdf". */
export interface LeverFile {
  id: string;
  downloadUrl?: string;
  ext?: string | null;
  name: string;
  uploadedAt?: number | string | null;
  status?: 'processing' | 'processed' | 'unsupported' | 'error' | null;
  size?: number | string | null;
}

export interface LeverResume {
  id: string;
  createdAt?: number | string | null;
  file?: {
    name: string;
    ext?: string | null;
    downloadUrl?: string;
    uploadedAt?: number | string | null;
    status?: string | null;
    size?: number | string | null;
  } | null;
}

/** A Lever timestamp (ms since the epoch), whether sent as a number or a numeric string. */
export function leverMs(v: number | string | null | undefined): number | null {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** `ext` without a leading dot, or null. */
export function leverExt(ext: string | null | undefined): string | null {
  const e = (ext ?? '').trim().replace(/^\./, '');
  return e || null;
}
