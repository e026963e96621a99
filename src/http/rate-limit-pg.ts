/**
 * The vendor rate limit for a whole deployment: several atsgate processes calling one
 * customer's ATS share one sliding window, kept in PostgreSQL (table rate_limit_hits, 004).
 *
 * One admission is one short transaction: take a transaction-scoped advisory lock on the key
 * (so admissions for one integration are serialised across processes, and different
 * integrations never wait for each other), drop hits older than the window, count, and either
 * record this request or learn when the oldest hit leaves the window. Waiting happens outside
 * the transaction, so no lock is held while sleeping. Times are the database's clock, the one
 * clock every process shares.
 *
 * The window is widened by a small margin: a request admitted at the very end of one window
 * may reach the vendor a little later than one admitted at the start of the next, and the
 * vendor counts arrivals, not admissions.
 */
import type { Db } from '../store/db.ts';
import { sleep, type RateLimiter, type RateLimitSpec } from './rate-limit.ts';

export class PostgresRateLimiter implements RateLimiter {
  constructor(private readonly db: Db, private readonly opts: { marginMs?: number } = {}) {}

  async acquire(key: string, spec: RateLimitSpec, signal?: AbortSignal): Promise<void> {
    const windowMs = spec.perMs + (this.opts.marginMs ?? 250);
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const waitMs = await this.tryAdmit(key, spec.requests, windowMs);
      if (waitMs === 0) return;
      await sleep(waitMs, signal);
    }
  }

  /** 0 when admitted; otherwise how long until a slot frees up. */
  private tryAdmit(key: string, requests: number, windowMs: number): Promise<number> {
    return this.db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7301))', [key]);
      await q.query(`DELETE FROM rate_limit_hits WHERE key = $1 AND sent_at <= clock_timestamp() - ($2::int * interval '1 millisecond')`, [key, windowMs]);
      const { rows } = await q.query<{ n: number; wait_ms: number | null }>(
        `SELECT count(*)::int AS n,
                ceil(extract(epoch FROM (min(sent_at) + ($2::int * interval '1 millisecond') - clock_timestamp())) * 1000)::int AS wait_ms
           FROM rate_limit_hits WHERE key = $1`,
        [key, windowMs],
      );
      if (rows[0].n < requests) {
        await q.query('INSERT INTO rate_limit_hits (key, sent_at) VALUES ($1, clock_timestamp())', [key]);
        return 0;
      }
      return Math.max(5, Number(rows[0].wait_ms ?? 5) + 1);
    });
  }
}
