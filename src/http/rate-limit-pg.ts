/**
 * The vendor rate limit for a whole deployment: several atsgate processes calling one
 * customer's ATS share one sliding window, kept in PostgreSQL (table rate_limit_windows, 006).
 *
 * Admission is ONE statement: an upsert on the integration's row that keeps the admission
 * times still inside the window and appends new ones if there is room. A process sends one
 * such statement per key at a time, asking for as many admissions as it has requests waiting
 * (and a few spares when the limit is high), so a burst of requests costs one round trip,
 * not one each, and the row lock is not fought over by a process's own requests. The row lock serialises
 * admissions for one integration across processes for the length of that statement only;
 * different integrations never wait for each other. When there is no room, the statement
 * returns how long until the oldest admission leaves the window, and the caller sleeps with no
 * lock held. Times are the database's clock, the one clock every process shares, read with
 * clock_timestamp() AFTER the row lock is taken (ON CONFLICT evaluates SET and RETURNING then):
 * statement_timestamp() would date an admission to before a wait for the lock, and let the
 * next requests in too early under contention.
 *
 * The vendor's own word (observe) is kept on the same row, so every process obeys it: a limit
 * lower than the configured one caps admissions; while `held_until` is ahead nothing is
 * admitted and the wait returned is until then; while `budget_until` is ahead (a fixed window's
 * remainder) admissions also spend `budget_left`, and at 0 the wait is until the window ends.
 *
 * The window is widened by a small margin: a request admitted at the very end of one window
 * may reach the vendor a little later than one admitted at the start of the next, and the
 * vendor counts arrivals, not admissions.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { SAME_WINDOW_SLACK_MS, sleep, type RateLimitFeedback, type RateLimiter, type RateLimitSpec } from './rate-limit.ts';

// Grants up to $5 admissions at once (as many as there is room for), all dated now. `token`
// is "<caller's random id>:<how many it got>", so the caller can tell whether its own statement
// was admitted and for how many.
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
                                   CASE WHEN budgeted THEN w.budget_left ELSE $5::int END) END AS n
              FROM (SELECT ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond') AS kept,
                           COALESCE(w.budget_until > clock_timestamp(), false) AS budgeted) k) r)
  RETURNING split_part(token, ':', 1) = $4 AS admitted, split_part(token, ':', 2)::int AS granted,
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

interface Waiter { resolve: () => void; reject: (err: unknown) => void; signal?: AbortSignal; onAbort?: () => void }

/** One key's state in this process: who waits, and admissions fetched but not yet handed out. */
interface KeyState { waiters: Waiter[]; spare: number; spareUntil: number; pumping: boolean }

export class PostgresRateLimiter implements RateLimiter {
  private readonly keys = new Map<string, KeyState>();
  /** The vendor limit last written per key, so that an unchanged one costs no statement. */
  private readonly limits = new Map<string, number>();

  constructor(private readonly db: Db, private readonly opts: { marginMs?: number } = {}) {}

  acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let st = this.keys.get(key);
    if (!st) this.keys.set(key, (st = { waiters: [], spare: 0, spareUntil: 0, pumping: false }));
    const state = st;
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = state.waiters.indexOf(w);
          if (i >= 0) state.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      state.waiters.push(w);
      if (!state.pumping) void this.pump(key, spec, state);
    });
  }

  async observe(key: string, feedback: RateLimitFeedback): Promise<void> {
    const hold = feedback.holdMs !== undefined && feedback.holdMs > 0 ? Math.ceil(feedback.holdMs) : null;
    let limit = feedback.limit !== undefined && feedback.limit > 0 ? Math.floor(feedback.limit) : null;
    // Most responses repeat the same limit: write it only when it changes, not once per call.
    if (limit !== null && this.limits.get(key) === limit) limit = null;
    const budget = feedback.budget && feedback.budget.forMs > 0 ? feedback.budget : null;
    if (hold === null && limit === null && budget === null) return;
    // Admissions this process fetched ahead must not outlive a hold or a smaller budget.
    const st = this.keys.get(key);
    if (st && (hold !== null || budget !== null)) st.spare = 0;
    await this.db.relaxed.query(OBSERVE, [key, limit, hold, budget ? Math.max(0, Math.floor(budget.left)) : null, budget ? Math.ceil(budget.forMs) : null, SAME_WINDOW_SLACK_MS]);
    if (limit !== null) this.limits.set(key, limit);
  }

  /**
   * Serves one key's waiters in order, one database statement at a time per process: each
   * statement asks for as many admissions as there are waiters (they go out at once), plus,
   * when the vendor's limit is high, a few spare ones for the requests about to follow. Spares
   * are used within half the margin or dropped unused (which only leaves capacity idle): a
   * request sent up to that long after its admission still falls inside the widened window.
   */
  private async pump(key: string, spec: RateLimitSpec, st: KeyState): Promise<void> {
    st.pumping = true;
    const marginMs = this.opts.marginMs ?? 250;
    const windowMs = spec.perMs + marginMs;
    const spareTtlMs = marginMs / 2;
    const extra = spareTtlMs > 0 ? Math.min(MAX_SPARE, Math.floor(spec.requests / 50)) : 0;
    try {
      while (st.waiters.length) {
        if (st.spare > 0 && Date.now() < st.spareUntil) {
          st.spare--;
          admit(st.waiters.shift()!);
          continue;
        }
        st.spare = 0;
        const want = Math.min(spec.requests, st.waiters.length + extra);
        let row: { admitted: boolean; granted: number; wait_ms: number | null };
        try {
          row = (await this.db.relaxed.query<typeof row>(ADMIT, [key, windowMs, spec.requests, randomUUID(), want])).rows[0];
        } catch (err) {
          for (const w of st.waiters.splice(0)) fail(w, err);
          return;
        }
        if (!row.admitted || row.granted <= 0) {
          await sleep(Math.max(5, Number(row.wait_ms ?? 5) + 1));
          continue;
        }
        let n = row.granted;
        while (n > 0 && st.waiters.length) {
          admit(st.waiters.shift()!);
          n--;
        }
        st.spare = n;
        st.spareUntil = Date.now() + spareTtlMs;
      }
    } finally {
      st.pumping = false;
      if (!st.waiters.length && st.spare === 0) this.keys.delete(key);
    }
  }
}

/** Most spare admissions one statement fetches for requests that have not arrived yet. */
const MAX_SPARE = 32;

function admit(w: Waiter): void {
  if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
  w.resolve();
}

function fail(w: Waiter, err: unknown): void {
  if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
  w.reject(err);
}
