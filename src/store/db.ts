/**
 * One SQL dialect, two engines: PGlite (PostgreSQL in-process, the embedded default) and a
 * PostgreSQL server (DATABASE_URL). Everything above this file sees only `Db`.
 */
import { mkdirSync } from 'node:fs';

export interface Queryable {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * For rows whose last moments may be lost if the DATABASE SERVER crashes (not if atsgate
   * does): interaction-log entries and rate-limit windows. On PostgreSQL these statements
   * commit without waiting for the WAL flush (synchronous_commit = off, on connections of
   * their own), which took ~0.3 ms off each on this machine; they are visible to every other
   * connection as soon as they commit, and a crash of atsgate loses nothing. The embedded
   * database has no such distinction: the same Db.
   */
  readonly relaxed: Queryable;
  /** Runs fn in a transaction; rolls back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDb(opts: { databaseUrl: string | null; dataDir: string; memory?: boolean }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.memory ? null : `${opts.dataDir}/pglite`);
}

async function openPglite(dir: string | null): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dir) mkdirSync(dir, { recursive: true });
  // relaxedDurability only stops PGlite from awaiting its syncToFs() after every query. On
  // Node the data directory is NODEFS, which writes through to the files as PostgreSQL writes
  // them and whose syncToFs() is a no-op (pglite 0.5), so nothing is less durable; each
  // statement just skips a mutex round: 0.43 → 0.28 ms for a one-row SELECT on this machine.
  const pg = dir ? await PGlite.create(dir, { relaxedDurability: true }) : await PGlite.create();
  type Raw = { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>; exec: (sql: string) => Promise<unknown> };
  const wrap = (q: Raw): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const res = await q.query(sql, params);
      return { rows: res.rows as T[], rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const own = wrap(pg as unknown as Raw);
  return {
    kind: 'pglite',
    ...own,
    relaxed: own,
    tx: (fn) => pg.transaction((tx) => fn(wrap(tx as unknown as Raw))),
    close: () => pg.close(),
  };
}

async function openPostgres(url: string): Promise<Db> {
  const pgmod = await import('pg');
  const pg = (pgmod as any).default ?? pgmod;
  // bigint (int8) as JS number: our counters stay far below 2^53.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.ATSGATE_DB_POOL_SIZE ?? 10) });
  pool.on('error', () => undefined); // an idle client dying must not crash the process
  const relaxedPool = new pg.Pool({ connectionString: url, max: Number(process.env.ATSGATE_DB_RELAXED_POOL_SIZE ?? 4), options: '-c synchronous_commit=off' });
  relaxedPool.on('error', () => undefined);
  const db: Db = {
    kind: 'postgres',
    relaxed: {
      async query<T>(sql: string, params?: unknown[]) {
        const res = await relaxedPool.query(sql, params as any[]);
        return { rows: res.rows as T[], rowCount: res.rowCount ?? 0 };
      },
      async exec(sql: string) {
        await relaxedPool.query(sql);
      },
    },
    async query<T>(sql: string, params?: unknown[]) {
      const res = await pool.query(sql, params as any[]);
      return { rows: res.rows as T[], rowCount: res.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          async query<T>(sql: string, params?: unknown[]) {
            const res = await client.query(sql, params as any[]);
            return { rows: res.rows as T[], rowCount: res.rowCount ?? 0 };
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: async () => {
      await Promise.all([pool.end(), relaxedPool.end()]);
    },
  };
  return db;
}
