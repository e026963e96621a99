/**
 * One SQL dialect, two engines: PGlite (PostgreSQL in-process, the embedded default) and a
 * PostgreSQL server (DATABASE_URL). Everything above this file sees only `Db`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

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

/**
 * PostgreSQL's buffer pool inside PGlite. initdb picks 128 MB, and PGlite's WebAssembly memory
 * can grow but never shrinks, so those buffers end up resident for the life of the process
 * (the wasm heap reached 189 MB on a 0.3 MB demo database). The files are in the OS page cache
 * anyway (NODEFS reads them with pread), so a small pool costs a read syscall, not a disk read.
 * ATSGATE_PGLITE_SHARED_BUFFERS takes any PostgreSQL size ("64MB") for a large embedded store.
 */
const PGLITE_SHARED_BUFFERS = process.env.ATSGATE_PGLITE_SHARED_BUFFERS ?? '16MB';

/**
 * A new data directory is made (initdb) in a short-lived child process. initdb runs as a second
 * WebAssembly module with its own memory, and the process that ran it kept ~500 MB resident
 * after closing both (freed wasm memory and code do not all go back to the OS); a process
 * that only opens an existing directory starts at ~170 MB. The child costs one more Node start
 * (~1 s), once per data directory.
 */
function initPgliteDir(dir: string): void {
  if (existsSync(`${dir}/PG_VERSION`)) return;
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script = 'const { PGlite } = await import(process.argv[1]); const pg = await PGlite.create(process.argv[2]); await pg.close();';
  execFileSync(process.execPath, ['--input-type=module', '-e', script, pglite, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function openPglite(dir: string | null): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dir) {
    mkdirSync(dir, { recursive: true });
    initPgliteDir(dir);
  }
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`];
  // relaxedDurability only stops PGlite from awaiting its syncToFs() after every query. On
  // Node the data directory is NODEFS, which writes through to the files as PostgreSQL writes
  // them and whose syncToFs() is a no-op (pglite 0.5), so nothing is less durable; each
  // statement just skips a mutex round: 0.43 → 0.28 ms for a one-row SELECT on this machine.
  const pg = dir ? await PGlite.create(dir, { relaxedDurability: true, startParams }) : await PGlite.create({ startParams });
  type Raw = {
    query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>;
    exec: (sql: string) => Promise<unknown>;
  };
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
  const relaxedPool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.ATSGATE_DB_RELAXED_POOL_SIZE ?? 4),
    options: '-c synchronous_commit=off',
  });
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
