/** The readiness probe's question to the database. */
import type { Queryable } from './db.ts';

/** Resolves when the database answers a trivial statement; rejects otherwise. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
