/**
 * The vendor rate limit for a whole deployment: several atsgate processes calling one
 * customer's ATS share one sliding window, kept in PostgreSQL (table rate_limit_windows, 006).
 *
 * One admission is ONE statement: an upsert on the integration's row that keeps the admission
 * times still inside the window and appends this one if there is room. The row lock serialises
 * admissions for one integration across processes for the length of that statement only;
 * different integrations never wait for each other. When there is no room, the statement
 * returns how long until the oldest admission leaves the window, and the caller sleeps with no
 * lock held. Times are the database's clock, the one clock every process shares, read with
 * clock_timestamp() AFTER the row lock is taken (ON CONFLICT evaluates SET and RETURNING then):
 * statement_timestamp() would date an admission to before a wait for the lock, and let the
 * next requests in too early under contention.
 *
 * The window is widened by a small margin: a request admitted at the very end of one window
 * may reach the vendor a little later than one admitted at the start of the next, and the
 * vendor counts arrivals, not admissions.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { sleep, type RateLimiter, type RateLimitSpec } from './rate-limit.ts';

const ADMIT = `
  INSERT INTO rate_limit_windows AS w (key, hits, token) VALUES ($1, ARRAY[clock_timestamp()], $4)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN cardinality(ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond')) < $3
                THEN ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond') || clock_timestamp()
                ELSE w.hits END,
    token = CASE WHEN cardinality(ARRAY(SELECT h FROM unnest(w.hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond')) < $3
                 THEN $4 ELSE w.token END
  RETURNING token = $4 AS admitted,
    ceil(extract(epoch FROM ((SELECT min(h) FROM unnest(hits) h WHERE h > clock_timestamp() - $2::int * interval '1 millisecond')
                             + $2::int * interval '1 millisecond' - clock_timestamp())) * 1000)::int AS wait_ms`;

export class PostgresRateLimiter implements RateLimiter {
  constructor(private readonly db: Db, private readonly opts: { marginMs?: number } = {}) {}

  async acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    const windowMs = spec.perMs + (this.opts.marginMs ?? 250);
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { rows } = await this.db.query<{ admitted: boolean; wait_ms: number | null }>(ADMIT, [key, windowMs, spec.requests, randomUUID()]);
      if (rows[0].admitted) return;
      await sleep(Math.max(5, Number(rows[0].wait_ms ?? 5) + 1), signal);
    }
  }
}
