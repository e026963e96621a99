/**
 * Shared sliding windows of the vendor rate limits (table rate_limit_windows, 006; what vendors
 * said about their limits, 007), for src/http/rate-limit-pg.ts, which explains the scheme.
 */
import type { Queryable } from './db.ts';

// Grants up to $5 admissions at once (as many as there is room for), all dated now. `token`
// is "<caller's random id>:<how many it got>", so the caller can tell whether its own statement
// was admitted and for how many. While a fixed window's budget is running, at most $6 (the
// requests actually waiting): spares given back later return to the sliding window, but the
// budget they were counted against is not restored, so spares would spend it on nothing.
const ADMIT = `
  INSERT INTO rate_limit_windows AS w (key, hits, token)
    VALUES ($1, array_fill(clock_timestamp(), ARRAY[LEAST($5::int, $3::int)]), $4 || ':' || LEAST($5::int, $3::int))
  ON CONFLICT (key) DO UPDATE SET (hits, token, budget_left) = (
    SELECT kept || array_fill(clock_timestamp(), ARRAY[GREATEST(n, 0)]),
           CASE WHEN n > 0 THEN $4 || ':' || n ELSE w.token END,
           CASE WHEN budgeted THEN w.budget_left - GREATEST(n, 0) ELSE w.budget_left END
      FROM (SELECT kept, budgeted,
                   CASE WHEN w.held_until > clock_timestamp() THEN 0
                        ELSE LEAST($5::int,
                                   LEAST($3::int, COALESCE(w.learned_limit, $3::int)) - cardinality(kept),
                                   CASE WHEN budgeted THEN LEAST(w.budget_left, $6::int) ELSE $5::int END) END AS n
              FROM (SELECT ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond') AS kept,
                           COALESCE(w.budget_until > clock_timestamp(), false) AS budgeted) k) r)
  RETURNING split_part(token, ':', 1) = $4 AS admitted, split_part(token, ':', 2)::int AS granted,
    hits[cardinality(hits)]::text AS stamp,
    ceil(1000 * GREATEST(
      extract(epoch FROM (held_until - clock_timestamp())),
      CASE WHEN budget_left <= 0 THEN extract(epoch FROM (budget_until - clock_timestamp())) END,
      extract(epoch FROM ((SELECT min(h) FROM unnest(hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond')
                          + $2::int * interval '1 millisecond' - clock_timestamp()))))::int AS wait_ms`;

// What a vendor response said (client.ts learn()): a limit (applied only when lower than the
// configured one, in ADMIT); a hold, which only ever lengthens; a fixed window's remainder
// ($4 requests until $5 ms from now), the smallest within one window, replaced by a later window
// (SAME_WINDOW_SLACK_MS apart). Times on the database clock.
const OBSERVE = `
  INSERT INTO rate_limit_windows AS w (key, hits, token, learned_limit, held_until, budget_left, budget_until)
    VALUES ($1, '{}', '', $2::int, clock_timestamp() + $3::int * interval '1 millisecond', $4::int, clock_timestamp() + $5::int * interval '1 millisecond')
  ON CONFLICT (key) DO UPDATE SET
    learned_limit = COALESCE($2::int, w.learned_limit),
    held_until = GREATEST(w.held_until, clock_timestamp() + $3::int * interval '1 millisecond'),
    (budget_left, budget_until) = (
      SELECT CASE WHEN $4::int IS NULL THEN w.budget_left WHEN fresh THEN $4::int ELSE LEAST(w.budget_left, $4::int) END,
             CASE WHEN $4::int IS NULL THEN w.budget_until WHEN fresh THEN ends ELSE w.budget_until END
        FROM (SELECT ends, (w.budget_until IS NULL OR w.budget_until <= clock_timestamp()
                            OR ends > w.budget_until + $6::int * interval '1 millisecond') AS fresh
                FROM (SELECT clock_timestamp() + $5::int * interval '1 millisecond' AS ends) e) f)`;

export interface Admission {
  admitted: boolean;
  granted: number;
  /** When this statement's admissions are dated (all alike), as text to keep the microseconds. */
  stamp: string | null;
  wait_ms: number | null;
}

/**
 * One admission statement for `key`: up to `want` (at most `limit` in the window of
 * `windowMs`). `token` is the caller's random id; `admitted` says this statement got them.
 */
export async function admitToWindow(
  q: Queryable,
  r: { key: string; windowMs: number; limit: number; token: string; want: number; need: number },
): Promise<Admission> {
  return (await q.query<Admission>(ADMIT, [r.key, r.windowMs, r.limit, r.token, r.want, r.need])).rows[0];
}

// Gives back up to $3 admissions dated $2 (spares fetched by one statement and never used):
// only stamps of that exact instant go, so the window keeps every admission a request used.
// A fixed-window budget they were counted against is not restored (conservative).
const RELEASE = `
  UPDATE rate_limit_windows w SET hits = ARRAY(
    SELECT h FROM (SELECT h, ord, CASE WHEN h = $2::timestamptz THEN row_number() OVER (PARTITION BY h = $2::timestamptz ORDER BY ord DESC) END AS rn
                     FROM unnest(w.hits) WITH ORDINALITY AS u(h, ord)) x
     WHERE rn IS NULL OR rn > $3::int ORDER BY ord)
  WHERE key = $1`;

/** Returns `count` unused admissions of one statement (its `stamp`) to the window. */
export async function releaseFromWindow(q: Queryable, r: { key: string; stamp: string; count: number }): Promise<void> {
  await q.query(RELEASE, [r.key, r.stamp, r.count]);
}

/** Records what a vendor response said about its limit (see OBSERVE). */
export async function observeWindow(
  q: Queryable,
  r: {
    key: string;
    limit: number | null;
    holdMs: number | null;
    budgetLeft: number | null;
    budgetForMs: number | null;
    sameWindowSlackMs: number;
  },
): Promise<void> {
  await q.query(OBSERVE, [r.key, r.limit, r.holdMs, r.budgetLeft, r.budgetForMs, r.sameWindowSlackMs]);
}
