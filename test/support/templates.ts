/**
 * Migrated template databases, built once and copied for every test database, so that no
 * test file pays for a fresh initdb and the migrations again.
 *
 * - PGlite: creating a new data directory runs initdb inside WASM (about 6 s on this 2-core
 *   machine); opening an existing one takes under a second. The template is a data directory
 *   PGlite created, migrated and closed; each test copies it into its own ATSGATE_DATA_DIR.
 * - PostgreSQL: `CREATE DATABASE … TEMPLATE` copies a migrated database (ours plus
 *   graphile-worker's schema) instead of running about 1 s of migrations per database.
 *
 * Both are keyed by a hash of the migrations directory, src/store/migrate.ts and the engine's
 * package version, so a changed migration (or a PGlite upgrade) builds a new template instead
 * of reusing a stale one. Building is safe when several test processes start at once: PGlite templates are built
 * in a directory of their own and renamed into place (the first rename wins); the PostgreSQL
 * template is built under an advisory lock. scripts/test.js builds both before the first file
 * starts; a file run on its own builds what it needs on first use.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

const MIGRATIONS = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
const MIGRATE = fileURLToPath(new URL('../../src/store/migrate.ts', import.meta.url));
const require = createRequire(import.meta.url);

/** Where PGlite templates live (scripts/test.js passes its choice on to every file). */
const TEMPLATE_ROOT = process.env.ATSGATE_TEST_TEMPLATES ?? join(tmpdir(), 'atsgate-test-templates');

/** A package's version, from the package.json above its entry point (not every package exports it). */
function packageVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    if (dirname(dir) === dir) throw new Error(`no package.json for ${name}`);
    dir = dirname(dir);
  }
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/**
 * A short hash of every migration (name and text), of the code that applies them (its
 * bookkeeping decides what a later migrate() skips) and of the engine that will read the result.
 */
export function templateKey(engine: '@electric-sql/pglite' | 'graphile-worker'): string {
  const h = createHash('sha256')
    .update(`${engine}@${packageVersion(engine)}\n`)
    .update(readFileSync(MIGRATE));
  for (const f of readdirSync(MIGRATIONS).sort()) h.update(`${f}\n`).update(readFileSync(join(MIGRATIONS, f)));
  return h.digest('hex').slice(0, 16);
}

let pgliteTemplate: Promise<string> | null = null;

/** The migrated PGlite data directory to copy (built if this key has none yet). */
export function pgliteTemplateDir(): Promise<string> {
  return (pgliteTemplate ??= (async () => {
    const dir = join(TEMPLATE_ROOT, `pglite-${templateKey('@electric-sql/pglite')}`);
    if (existsSync(join(dir, 'PG_VERSION'))) return dir;
    mkdirSync(TEMPLATE_ROOT, { recursive: true });
    const build = mkdtempSync(join(TEMPLATE_ROOT, 'building-'));
    try {
      const db = await openDb({ databaseUrl: null, dataDir: build });
      await migrate(db);
      await db.close(); // a clean shutdown: the copy opens without recovery
      try {
        renameSync(join(build, 'pglite'), dir);
      } catch (err) {
        // Another process finished the same template first; theirs is as good as ours.
        if (!existsSync(join(dir, 'PG_VERSION'))) throw err;
      }
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
    return dir;
  })());
}

/**
 * Puts a copy of the migrated template at `<dataDir>/pglite`, where the server opens its
 * embedded database (src/store/db.ts), and returns dataDir.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<string> {
  // FICLONE: a copy-on-write clone where the file system can, a plain copy elsewhere.
  cpSync(await pgliteTemplateDir(), join(dataDir, 'pglite'), { recursive: true, mode: constants.COPYFILE_FICLONE });
  return dataDir;
}

/** A new temporary data directory holding a migrated PGlite database, and its removal. */
export async function freshPgliteDataDir(): Promise<{ dataDir: string; remove(): void }> {
  const dataDir = await seedPgliteDataDir(mkdtempSync(join(tmpdir(), 'atsgate-test-')));
  return { dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

const pgTemplates = new Map<string, Promise<string>>();
const TEMPLATE_LOCK = 4_711_803_222; // beside the migrations' own lock id (src/store/migrate.ts)

/** The name of the migrated PostgreSQL template database on the server at adminUrl (built if missing). */
export function postgresTemplate(adminUrl: string): Promise<string> {
  let t = pgTemplates.get(adminUrl);
  if (!t) {
    t = buildPostgresTemplate(adminUrl);
    pgTemplates.set(adminUrl, t);
  }
  return t;
}

async function buildPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `atsgate_template_${templateKey('graphile-worker')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const ready = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name]);
    if (ready.rowCount) return name;
    // Built under another name and renamed when complete: a crash mid-build leaves no half template.
    const build = `atsgate_template_build_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${build}`);
    try {
      const url = withDatabase(adminUrl, build);
      const db = await openDb({ databaseUrl: url, dataDir: '/nonexistent' });
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
      const { makeWorkerUtils } = await import('graphile-worker');
      const utils = await makeWorkerUtils({ connectionString: url });
      try {
        await utils.migrate();
      } finally {
        await utils.release();
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name}`); // an unfinished one from a crashed run
      await admin.query(`ALTER DATABASE ${build} RENAME TO ${name}`);
      await admin.query(`ALTER DATABASE ${name} IS_TEMPLATE true`);
    } catch (err) {
      await admin.query(`DROP DATABASE IF EXISTS ${build} WITH (FORCE)`).catch(() => undefined);
      throw err;
    }
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
