/**
 * Workable v3 collections: `limit` (default 50, max 100), ascending ids, and `paging.next` as an
 * absolute URL carrying `since_id` and the filters (https://workable.readme.io/docs/whats-new-in-v3).
 */
import type { HttpClient } from '../../http/client.ts';
import { paginate } from '../helpers/pagination.ts';

export interface WkPaging {
  /** Absolute URL of the next page; absent on the last page. */
  next?: string | null;
}

/** Largest page Workable serves (default 50). */
export const PAGE_SIZE = 100;

/** Walks a v3 collection: the first URL with its filters, then each absolute `paging.next`. */
export async function* listPages<T>(
  http: HttpClient,
  path: string,
  key: string,
  query: Record<string, string | number | undefined>,
): AsyncGenerator<T[]> {
  yield* paginate<T, string>(async (next) => {
    const res = await http.request<Record<string, unknown> & { paging?: WkPaging }>(
      next ? { method: 'GET', path: next } : { method: 'GET', path, query: { limit: PAGE_SIZE, ...query } },
    );
    const items = (res.data?.[key] as T[] | undefined) ?? [];
    return { items, next: res.data?.paging?.next || null };
  });
}
