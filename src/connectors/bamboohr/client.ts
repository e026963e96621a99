/**
 * The BambooHR HttpClient (Basic auth with the API key, the company host, error messages from
 * `X-BambooHR-Error-Message`: all `transport` in ./definition.ts), the applicant-tracking JSON
 * shapes (vendor OpenAPI, test/specs/bamboohr) and the applications list's paging.
 */
import type { Static } from '@sinclair/typebox';
import type { HttpClient } from '../../http/client.ts';
import { errorReader, transportBaseUrl } from '../../http/transport.ts';
import { paginate } from '../helpers/pagination.ts';
import type { ConnectorContext } from '../types.ts';
import { definition, type credentialSchema } from './definition.ts';

export type BambooHrContext = ConnectorContext<Static<typeof credentialSchema>>;

export const ATS = 'api/v1/applicant_tracking';

export const bambooErrorMessage = errorReader(definition.transport);

export function bambooClient(ctx: BambooHrContext): HttpClient {
  return ctx.http({});
}

/** The company host (or the override), for deciding whether a file URL may see the API key. */
export function bambooBaseUrl(ctx: BambooHrContext): string {
  return transportBaseUrl(definition, ctx);
}

/** For file URLs on another host: no transport, so the API key never leaves the company host. */
export function foreignFileClient(ctx: BambooHrContext): HttpClient {
  return ctx.http({ baseUrl: bambooBaseUrl(ctx), transport: false });
}

// --------------------------------------------------------------------------------------------
// Shapes (vendor OpenAPI operations get-applications, get-application-details, get-job-summaries)
// --------------------------------------------------------------------------------------------

export interface Labelled {
  id?: number | null;
  label?: string | null;
}

export interface BambooApplicationSummary {
  id: number;
  appliedDate?: string | null;
  status?: Labelled | null;
  rating?: number | null;
  applicant?: {
    id?: number | null;
    firstName?: string | null;
    lastName?: string | null;
    email?: string | null;
    source?: string | null;
    avatar?: string | null;
  } | null;
  job?: { id?: number | null; title?: Labelled | null } | null;
}

export interface BambooApplicationsPage {
  paginationComplete?: boolean;
  nextPageUrl?: string | null;
  applications?: BambooApplicationSummary[];
}

export interface BambooApplicationDetails extends BambooApplicationSummary {
  resumeFileId?: number | null;
  coverLetterFileId?: number | null;
  attachments?: { id: number; name?: string | null; fileUrl?: string | null }[] | null;
  status?: (Labelled & { dateChanged?: string | null }) | null;
}

export interface BambooJob {
  id: number;
  title?: Labelled | null;
  postedDate?: string | null;
  location?: (Labelled & { address?: Record<string, unknown> | null }) | null;
  department?: Labelled | null;
  status?: Labelled | null;
  postingUrl?: string | null;
}

/**
 * Walks GET /applications page by page. The response says `paginationComplete` and gives
 * `nextPageUrl`; we request that URL's path and query on our own base URL (a proxy or test host
 * keeps receiving the calls), and fall back to `page + 1` when a page says it is not the last
 * but names no next URL.
 */
export function applicationPages(client: HttpClient, query: Record<string, string>): AsyncGenerator<BambooApplicationSummary[]> {
  return paginate<BambooApplicationSummary, { path: string | null; page: number }>(async (cursor) => {
    const page = cursor?.page ?? 1;
    const res = cursor?.path
      ? await client.request<BambooApplicationsPage>({ method: 'GET', path: cursor.path })
      : await client.request<BambooApplicationsPage>({
          method: 'GET',
          path: `${ATS}/applications`,
          query: { ...query, page: String(page) },
        });
    const items = Array.isArray(res.data?.applications) ? res.data.applications : [];
    if (res.data?.paginationComplete !== false || !items.length) return { items, next: null };
    const href = res.data.nextPageUrl;
    if (typeof href === 'string' && href) {
      const u = new URL(href, client.baseUrl.endsWith('/') ? client.baseUrl : client.baseUrl + '/');
      return { items, next: { path: u.pathname + u.search, page: page + 1 } };
    }
    return { items, next: { path: null, page: page + 1 } };
  });
}
