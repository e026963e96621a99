/**
 * Shared sliding windows of the vendor rate limits (table rate_limit_windows, 006), for
 * src/http/rate-limit-pg.ts, which explains the scheme.
 */
import type { Queryable } from './db.ts';

// Grants up to $5 admissions at once (as many as there is room for), all dated now. `token`
// is "<caller's random id>:<how many it got>", so the caller can tell whether its own statement
// was admitted and for how many.
const ADMIT = `
  INSERT INTO rate_limit_windows AS w (key, hits, token)
    VALUES ($1, array_fill(clock_timestamp(), ARRAY[LEAST($5::int, $3::int)]), $4 || ':' || LEAST($5::int, $3::int))
  ON CONFLICT (key) DO UPDATE SET (hits, token) = (
    SELECT kept || array_fill(clock_timestamp(), ARRAY[GREATEST(n, 0)]),
           CASE WHEN n > 0 THEN $4 || ':' || n ELSE w.token END
      FROM (SELECT kept, LEAST($5::int, $3::int - cardinality(kept)) AS n
              FROM (SELECT ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond') AS kept) k) r)
  RETURNING split_part(token, ':', 1) = $4 AS admitted, split_part(token, ':', 2)::int AS granted,
    ceil(extract(epoch FROM ((SELECT min(h) FROM unnest(hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond')
                             + $2::int * interval '1 millisecond' - clock_timestamp())) * 1000)::int AS wait_ms`;

export interface Admission { admitted: boolean; granted: number; wait_ms: number | null }

/**
 * One admission statement for `key`: up to `want` (at most `limit` in the window of
 * `windowMs`). `token` is the caller's random id; `admitted` says this statement got them.
 */
export async function admitToWindow(q: Queryable, r: { key: string; windowMs: number; limit: number; token: string; want: number }): Promise<Admission> {
  return (await q.query<Admission>(ADMIT, [r.key, r.windowMs, r.limit, r.token, r.want])).rows[0];
}
