/**
 * Counting inbound requests for the deployment-wide limits (src/limits/inbound.ts):
 * one statement per request counts it against every key it belongs to (its account, its
 * integration) in the current fixed window of the database's clock (windows start at
 * multiples of their length since the epoch) and returns the new counts.
 * Written on the relaxed connection: losing the last fraction of a second of counts in a
 * database crash only lets a few more requests through.
 */
import type { Queryable } from './db.ts';

export interface WindowCount {
  key: string;
  count: number;
  resetSeconds: number;
}

const COUNT = `
  INSERT INTO inbound_rate_windows AS w (key, window_start, count)
    SELECT k, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2::int) * $2::int), 1 FROM unnest($1::text[]) AS k
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN w.window_start = EXCLUDED.window_start THEN w.count + 1 ELSE 1 END,
    window_start = EXCLUDED.window_start
  RETURNING key, count, GREATEST(1, ceil(extract(epoch FROM (window_start + $2::int * interval '1 second' - clock_timestamp()))))::int AS reset_seconds`;

export async function countInboundRequest(db: Queryable, keys: string[], windowSeconds: number): Promise<WindowCount[]> {
  const { rows } = await db.query<{ key: string; count: number; reset_seconds: number }>(COUNT, [keys, windowSeconds]);
  return rows.map((r) => ({ key: r.key, count: Number(r.count), resetSeconds: Number(r.reset_seconds) }));
}

/** The counts of `keys` in the current window (keys without a request in it are left out); read-only. */
export async function currentInboundCounts(db: Queryable, keys: string[], windowSeconds: number): Promise<WindowCount[]> {
  const { rows } = await db.query<{ key: string; count: number; reset_seconds: number }>(
    `SELECT key, count, GREATEST(1, ceil(extract(epoch FROM (window_start + $2::int * interval '1 second' - clock_timestamp()))))::int AS reset_seconds
       FROM inbound_rate_windows
      WHERE key = ANY($1::text[]) AND window_start = to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2::int) * $2::int)`,
    [keys, windowSeconds],
  );
  return rows.map((r) => ({ key: r.key, count: Number(r.count), resetSeconds: Number(r.reset_seconds) }));
}
