/**
 * What atsgate reads of graphile-worker's schema (the PostgreSQL job engine, src/jobs/graphile.ts):
 * only the `graphile_worker.jobs` view, which graphile-worker documents as its stable public
 * interface from 0.16 on (https://worker.graphile.org/docs/jobs-view); its `_private_*` tables
 * may change in any release (https://worker.graphile.org/docs/schema). Read rarely (a metrics
 * scrape) and never inside a transaction, as those pages ask.
 */
/** A node-postgres client (graphile-worker lends one of its pool's). */
interface PgClient {
  query(sql: string): Promise<{ rows: any[] }>;
}

/** Jobs due and not yet running: the queue-depth metric. */
export async function countDueJobs(client: PgClient): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts`,
  );
  return rows[0].n;
}
