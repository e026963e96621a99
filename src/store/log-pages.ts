/**
 * The interaction log as the dashboard pages through it, always scoped to one account. Keyset
 * (created_at, id) rather than OFFSET keeps every page as cheap as the first however deep a
 * person pages, and `id` breaks ties between entries written in the same microsecond. Cursors
 * carry PostgreSQL's own text form of the timestamp, because a JavaScript Date would drop the
 * microseconds and make pages overlap.
 */
import type { Queryable } from './db.ts';
import type { LogEntry } from './logs.ts';

/** A PENDING entry older than this belongs to a process that died mid-call. */
export const UNKNOWN_AFTER_MS = 10 * 60_000;

export type OutcomeFilter = 'SUCCESS' | 'ERROR' | 'PENDING' | 'UNKNOWN';
export const OUTCOME_FILTERS: OutcomeFilter[] = ['SUCCESS', 'ERROR', 'PENDING', 'UNKNOWN'];

export interface LogFilter {
  integrationId?: string;
  outcome?: OutcomeFilter;
  /** Inclusive lower and exclusive upper bound on created_at. */
  from?: Date;
  to?: Date;
}

/** A position in the log: the entry a page ends (or starts) at. */
export interface LogCursor {
  at: string;
  id: string;
}

export interface LogPage {
  entries: (LogEntry & { at: string })[];
  /** Cursor for the next (older) page, or null at the oldest. */
  older: LogCursor | null;
  /** Cursor for the previous (newer) page, or null at the newest. */
  newer: LogCursor | null;
}

export const MAX_PAGE = 200;
/** Counting stops here: an exact count of millions of rows would cost more than it tells. */
export const COUNT_CAP = 100_000;

function whereOf(accountId: string, f: LogFilter): { where: string[]; params: unknown[] } {
  const params: unknown[] = [accountId];
  const where = ['account_id = $1'];
  if (f.integrationId) where.push(`integration_id = $${params.push(f.integrationId)}`);
  if (f.outcome === 'UNKNOWN') where.push(`outcome = 'PENDING' AND created_at < now() - interval '${UNKNOWN_AFTER_MS / 1000} seconds'`);
  else if (f.outcome) where.push(`outcome = $${params.push(f.outcome)}`);
  if (f.from) where.push(`created_at >= $${params.push(f.from.toISOString())}::timestamptz`);
  if (f.to) where.push(`created_at < $${params.push(f.to.toISOString())}::timestamptz`);
  return { where, params };
}

/**
 * One page, newest first. `after` continues to older entries, `before` goes back to newer
 * ones; with neither it is the newest page.
 */
export async function logPage(
  db: Queryable,
  accountId: string,
  f: LogFilter,
  opts: { limit: number; after?: LogCursor; before?: LogCursor },
): Promise<LogPage> {
  const limit = Math.max(1, Math.min(opts.limit, MAX_PAGE));
  const { where, params } = whereOf(accountId, f);
  const cursor = opts.after ?? opts.before;
  const towardsNewer = !opts.after && !!opts.before;
  if (cursor) {
    const at = `$${params.push(cursor.at)}::timestamptz`;
    const id = `$${params.push(cursor.id)}`;
    // Written so that the created_at bound alone can use the (account_id, created_at) index.
    where.push(
      towardsNewer
        ? `created_at >= ${at} AND (created_at > ${at} OR id > ${id})`
        : `created_at <= ${at} AND (created_at < ${at} OR id < ${id})`,
    );
  }
  const order = towardsNewer ? 'created_at ASC, id ASC' : 'created_at DESC, id DESC';
  const { rows } = await db.query<LogEntry & { at: string }>(
    `SELECT *, created_at::text AS at FROM interaction_logs WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit + 1}`,
    params,
  );
  const more = rows.length > limit;
  const entries = rows.slice(0, limit);
  if (towardsNewer) entries.reverse();
  const first = entries[0];
  const last = entries[entries.length - 1];
  const mark = (e: { at: string; id: string } | undefined) => (e ? { at: e.at, id: e.id } : null);
  return {
    entries,
    // Going older: more older entries exist if the query overflowed, or we came from newer.
    older: towardsNewer ? mark(last) : more ? mark(last) : null,
    newer: towardsNewer ? (more ? mark(first) : null) : cursor ? mark(first) : null,
  };
}

/** How many entries match, up to COUNT_CAP (the page says "more than" beyond it). */
export async function countLogs(db: Queryable, accountId: string, f: LogFilter): Promise<number> {
  const { where, params } = whereOf(accountId, f);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM interaction_logs WHERE ${where.join(' AND ')} LIMIT ${COUNT_CAP + 1}) AS matching`,
    params,
  );
  return rows[0].n;
}

/** Failed calls of the last 24 hours, per integration of the account. */
export async function failedWritesByIntegration(db: Queryable, accountId: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ integration_id: string; n: number }>(
    `SELECT integration_id, count(*)::int AS n FROM interaction_logs
     WHERE account_id = $1 AND outcome = 'ERROR' AND created_at > now() - interval '24 hours' AND integration_id IS NOT NULL
     GROUP BY integration_id`,
    [accountId],
  );
  return new Map(rows.map((r) => [r.integration_id, r.n]));
}

export async function failedWritesSince(db: Queryable, accountId: string, integrationId: string, hours: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM interaction_logs WHERE account_id = $1 AND integration_id = $2 AND outcome = 'ERROR' AND created_at > now() - ($3::int * interval '1 hour')`,
    [accountId, integrationId, hours],
  );
  return rows[0].n;
}
