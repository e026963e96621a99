/**
 * Every data-layer suite runs twice: on embedded PGlite and on the PostgreSQL server
 * (TEST_POSTGRES_URL, default the local server's `test` database), each run in a fresh
 * database of its own, already migrated (a copy of the template, test/support/templates.ts).
 * Without a reachable server the PostgreSQL half fails under CI and is reported (not silently
 * passed) elsewhere.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { postgresTemplate, withDatabase } from './templates.ts';

export type DbKind = 'pglite' | 'postgres';
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | null = null;
export function postgresReachable(): Promise<boolean> {
  return (reachable ??= (async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  })());
}

/** The kinds to run: both, unless TEST_DB narrows it (TEST_DB=pglite|postgres). */
export function databaseKinds(): DbKind[] {
  const only = process.env.TEST_DB;
  return only === 'pglite' || only === 'postgres' ? [only] : ['pglite', 'postgres'];
}

/** Creates a fresh, migrated database on the server and returns its URL and a drop function. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!(await postgresReachable())) {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL}. Start it, set TEST_POSTGRES_URL, or run with TEST_DB=pglite.`);
  }
  const template = await postgresTemplate(ADMIN_URL);
  const name = `atsgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  return {
    url: withDatabase(ADMIN_URL, name),
    async drop() {
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
