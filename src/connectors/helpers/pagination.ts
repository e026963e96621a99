/**
 * Pagination is the vendor's business (Link headers, cursors, offsets); walking the pages is
 * not. A connector supplies `fetchPage(cursor)`; this turns it into a page stream.
 */
export interface Page<T, C> {
  items: T[];
  /** The next page's cursor; null or undefined ends the stream. */
  next: C | null | undefined;
}

export async function* paginate<T, C>(fetchPage: (cursor: C | null) => Promise<Page<T, C>>, maxPages = 1_000_000): AsyncGenerator<T[]> {
  let cursor: C | null = null;
  for (let n = 0; n < maxPages; n++) {
    const page: Page<T, C> = await fetchPage(cursor);
    if (page.items.length) yield page.items;
    if (page.next === null || page.next === undefined || page.next === cursor) return;
    cursor = page.next;
  }
}

/** RFC 8288 Link header: `<https://...>; rel="next", <...>; rel="last"` → { next: url, ... }. */
export function parseLinkHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m) out[m[2]] = m[1];
  }
  return out;
}

/** Maps a page stream item by item (e.g. vendor JSON → Remote* model). */
export async function* mapPages<A, B>(pages: AsyncIterable<A[]>, fn: (a: A) => B | null): AsyncGenerator<B[]> {
  for await (const page of pages) {
    const mapped = page.map(fn).filter((x): x is B => x !== null);
    if (mapped.length) yield mapped;
  }
}
