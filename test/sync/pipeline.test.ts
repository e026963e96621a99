/**
 * A sync larger than one batch, end to end through startSync on both databases (sandbox
 * connector, bulk-seeded): pages gathered into batches, one batch written while the next is
 * read, stable IDs, change detection across batches, deletion marking after a full sync, and a
 * failed batch write failing the sync (recorded as FAILED, nothing left running).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { createIntegration } from '../../src/store/integrations.ts';
import { ensureAccount } from '../../src/store/keys.ts';
import { SandboxClient } from '../../src/connectors/sandbox/client.ts';
import { startSync } from '../../src/sync/run.ts';
import { komboId } from '../../src/ids.ts';
import { databaseKinds, freshPostgres } from '../support/databases.ts';
import { freshPgliteDataDir } from '../support/templates.ts';

const BULK = 1150; // + the 50 seeded: 1,200 candidates (3 batches); 2,380 applications (5 batches)

for (const kind of databaseKinds()) {
  describe(`multi-batch syncs on ${kind}`, () => {
    let rt: Runtime;
    let close: () => Promise<void>;
    const I = 'sandbox:bulk';
    const q = async <T = any>(sql: string, params: unknown[] = []) => (await rt.db.query<T>(sql, params)).rows;
    const count = async (table: string, where = 'TRUE') =>
      (await q<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE integration_id = $1 AND ${where}`, [I]))[0].n;

    before(async () => {
      const pg = kind === 'postgres' ? await freshPostgres() : null;
      const config = loadConfig({
        ATSGATE_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'silent',
        ...(pg ? { DATABASE_URL: pg.url } : {}),
      });
      const lite = pg ? null : await freshPgliteDataDir();
      const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: lite?.dataDir ?? '/nonexistent' });
      await migrate(db);
      rt = createRuntime(config, db);
      close = async () => {
        await rt.jobs.stop();
        await db.close();
        await pg?.drop();
        lite?.remove();
      };
      await ensureAccount(rt.db, 'default');
      await createIntegration(rt.db, rt.box, {
        accountId: 'default',
        tool: 'sandbox',
        organizationName: 'Bulk',
        credentials: { api_key: 'sandbox-bulk' },
        id: I,
      });
      await new SandboxClient(rt.db, I).ensureSeeded();
      const day = `now() - interval '1 day'`;
      await rt.db.query(
        `INSERT INTO sandbox_objects (integration_id, kind, remote_id, parent_id, data, created_at, updated_at)
         SELECT $1, 'candidate', 'bulk-c-' || lpad(g::text, 5, '0'), NULL,
                jsonb_build_object('first_name', 'Bulk', 'last_name', 'Person ' || g, 'email', 'bulk' || g || '@example.com', 'phone', '+1 555 ' || g,
                                   'company', NULL, 'title', NULL, 'source', 'LinkedIn', 'custom_fields', '{}'::jsonb, 'tags', '[]'::jsonb), ${day}, ${day}
           FROM generate_series(1, $2::int) g`,
        [I, BULK],
      );
      await rt.db.query(
        `INSERT INTO sandbox_objects (integration_id, kind, remote_id, parent_id, data, created_at, updated_at)
         SELECT $1, 'application', 'bulk-a-' || lpad(g::text, 5, '0') || '-' || k, 'bulk-c-' || lpad(g::text, 5, '0'),
                jsonb_build_object('job_remote_id', 'job-' || (1 + g % 3), 'stage_remote_id', 'job-' || (1 + g % 3) || '-stage-' || (1 + k), 'outcome', 'PENDING', 'custom_fields', '{}'::jsonb), ${day}, ${day}
           FROM generate_series(1, $2::int) g, generate_series(1, 2) k`,
        [I, BULK],
      );
    });
    after(async () => {
      await close?.();
    });

    test('a full sync writes every record once, with IDs derived from remote ids, stamped with the sync', async () => {
      const s = await startSync(rt, I, 'FULL');
      const stats = await s.done;
      // tags: the seeded candidates' one tag ("Silver medalist"), the sandbox's tag list.
      assert.deepEqual(stats.read, {
        jobs: 4,
        candidates: 50 + BULK,
        applications: 80 + 2 * BULK,
        users: 5,
        tags: 1,
        rejection_reasons: 4,
      });
      assert.deepEqual(stats.changed, stats.read);
      assert.equal(await count('candidates'), 50 + BULK);
      assert.equal(await count('applications'), 80 + 2 * BULK);
      assert.equal(await count('applications', `last_seen_sync_id = '${s.syncId}'`), 80 + 2 * BULK);
      const [c] = await q(`SELECT id, emails, data FROM candidates WHERE integration_id = $1 AND remote_id = 'bulk-c-00777'`, [I]);
      assert.equal(c.id, komboId(I, 'bulk-c-00777'));
      assert.deepEqual(c.emails, ['bulk777@example.com']);
      const [a] = await q(
        `SELECT id, candidate_id, job_id, current_stage_id FROM applications WHERE integration_id = $1 AND remote_id = 'bulk-a-00777-2'`,
        [I],
      );
      assert.deepEqual(
        { ...a },
        {
          id: komboId(I, 'bulk-a-00777-2'),
          candidate_id: c.id,
          job_id: komboId(I, 'job-1'),
          current_stage_id: komboId(I, 'job-1-stage-3'),
        },
      );
    });

    test('an unchanged full sync changes nothing; a change and a deletion upstream are all that move', async () => {
      const lastChange = async () =>
        (
          await q(
            `SELECT greatest((SELECT max(changed_at) FROM candidates WHERE integration_id = $1), (SELECT max(changed_at) FROM applications WHERE integration_id = $1)) AS m`,
            [I],
          )
        )[0].m;
      const before = await lastChange();
      const same = await (await startSync(rt, I, 'FULL')).done;
      assert.deepEqual(same.changed, { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 });
      assert.deepEqual(same.deleted, { jobs: 0, candidates: 0, applications: 0, users: 0, tags: 0, rejection_reasons: 0 });
      assert.equal(new Date(await lastChange()).getTime(), new Date(before).getTime());

      const sandbox = new SandboxClient(rt.db, I);
      await sandbox.setCustomFields('candidate', 'bulk-c-01000', { Score: '93%' });
      await sandbox.deleteCandidate('bulk-c-00600');
      const full = await (await startSync(rt, I, 'FULL')).done;
      assert.deepEqual(full.changed, { jobs: 0, candidates: 1, applications: 0, users: 0, tags: 0, rejection_reasons: 0 });
      assert.deepEqual(full.deleted, { jobs: 0, candidates: 1, applications: 2, users: 0, tags: 0, rejection_reasons: 0 });
      const moved = await q<{ remote_id: string }>(
        `SELECT remote_id FROM candidates WHERE integration_id = $1 AND changed_at > $2 UNION ALL
         SELECT remote_id FROM applications WHERE integration_id = $1 AND changed_at > $2 ORDER BY remote_id`,
        [I, before],
      );
      assert.deepEqual(
        moved.map((r) => r.remote_id),
        ['bulk-a-00600-1', 'bulk-a-00600-2', 'bulk-c-00600', 'bulk-c-01000'],
      );
      assert.equal(await count('candidates', `remote_deleted_at IS NOT NULL`), 1);

      const delta = await (await startSync(rt, I, 'DELTA')).done;
      assert.equal(delta.type, 'DELTA');
      assert.ok(delta.read.candidates < 10, `a delta reads only recent changes (read ${delta.read.candidates})`);
    });

    test('a failed batch write fails the sync, after the write in flight ended', async () => {
      const db = rt.db as any;
      const query = db.query;
      let appWrites = 0;
      db.query = async (sql: string, params?: unknown[]) => {
        if (/INSERT INTO applications/.test(sql) && ++appWrites === 3) throw new Error('disk full (injected)');
        return query.call(db, sql, params);
      };
      try {
        const s = await startSync(rt, I, 'FULL');
        await assert.rejects(s.done, /disk full \(injected\)/);
        const [row] = await q(`SELECT state, error FROM syncs WHERE id = $1`, [s.syncId]);
        assert.deepEqual({ ...row }, { state: 'FAILED', error: 'disk full (injected)' });
        assert.equal(appWrites, 3, 'the reader stopped at the next batch after the failure');
        assert.equal(await count('candidates', `remote_deleted_at IS NOT NULL`), 1, 'no deletion marking after a failed sync');
      } finally {
        db.query = query;
      }
      const again = await (await startSync(rt, I, 'FULL')).done;
      assert.equal(again.read.applications, 80 + 2 * BULK - 2);
    });
  });
}
