/**
 * The synced-record store (src/store/records.ts) on both databases: one upsert statement per
 * batch with the rows in one jsonb parameter (binary on PostgreSQL, text on PGlite), changed_at
 * moving only on a real change, last_seen_sync_id stamping, re-appearance after deletion,
 * duplicates within a batch, and text that JSON and SQL both find awkward.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { upsertRecords, markUnseenDeleted, writeBatch, UpsertBatch } from '../../src/store/records.ts';
import { normalizeApplication, normalizeCandidate, normalizeJob } from '../../src/sync/normalize.ts';
import type { RemoteCandidate } from '../../src/connectors/types.ts';
import { databaseKinds, freshPostgres } from '../support/databases.ts';
import { freshPgliteDataDir } from '../support/templates.ts';

const AWKWARD = `O'Brien "Bob" \\ back\\slash\nnew line\ttab ü 🚀 \u2028 {"not":"json"} ' OR 1=1 --`;

const candidate = (i: number, extra: Partial<RemoteCandidate> = {}): RemoteCandidate => ({
  remote_id: `c-${i}`,
  first_name: `First${i}`,
  last_name: `Last${i}`,
  email_addresses: [{ email_address: `Person${i}@Example.com`, type: null }],
  remote_created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
  remote_updated_at: new Date(Date.UTC(2026, 0, 2)),
  tags: [{ remote_id: null, name: 'bench' }],
  ...extra,
});

for (const kind of databaseKinds()) {
  describe(`synced records on ${kind}`, () => {
    let db: Db;
    let drop: (() => Promise<void>) | undefined;
    const I = 'lever:records';
    const rows = async <T = any>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;

    before(async () => {
      const pg = kind === 'postgres' ? await freshPostgres() : null;
      const lite = pg ? null : await freshPgliteDataDir();
      drop = pg ? pg.drop : async () => lite?.remove();
      db = await openDb({ databaseUrl: pg?.url ?? null, dataDir: lite?.dataDir ?? '/nonexistent' });
      await migrate(db);
      await db.query(`INSERT INTO accounts (id, name) VALUES ('acc', 'acc')`);
      await db.query(
        `INSERT INTO integrations (id, account_id, tool, organization_name, credentials_sealed, config) VALUES ($1, 'acc', 'lever', 'x', 'x', '{}')`,
        [I],
      );
    });
    after(async () => {
      await db?.close();
      await drop?.();
    });

    test('inserts count as changed; an identical re-sync changes nothing but stamps the sync', async () => {
      const batch = Array.from({ length: 700 }, (_, i) => normalizeCandidate(I, candidate(i)));
      assert.deepEqual(await upsertRecords(db, 'candidates', I, 'sync-1', batch), { written: 700, changed: 700 });
      const [first] = await rows(
        `SELECT id, data, hash, emails, first_name_lc, last_name_lc, remote_created_at, changed_at FROM candidates WHERE remote_id = 'c-7'`,
      );
      const n = normalizeCandidate(I, candidate(7));
      assert.equal(first.id, n.id);
      assert.deepEqual(first.data, n.data);
      assert.equal(first.hash, n.hash);
      assert.deepEqual(first.emails, ['person7@example.com']);
      assert.equal(first.first_name_lc, 'first7');
      assert.equal(new Date(first.remote_created_at).toISOString(), '2026-01-01T00:00:07.000Z');

      const again = Array.from({ length: 700 }, (_, i) => normalizeCandidate(I, candidate(i)));
      assert.deepEqual(await upsertRecords(db, 'candidates', I, 'sync-2', again), { written: 700, changed: 0 });
      const [after] = await rows(`SELECT changed_at FROM candidates WHERE remote_id = 'c-7'`);
      assert.equal(new Date(after.changed_at).getTime(), new Date(first.changed_at).getTime(), 'changed_at did not move');
      const stamped = await rows<{ s: string; n: number }>(`SELECT last_seen_sync_id AS s, count(*)::int AS n FROM candidates GROUP BY 1`);
      assert.deepEqual(stamped, [{ s: 'sync-2', n: 700 }]);
    });

    test('a real change moves changed_at of that record only; a read-back (no sync id) keeps the stamp', async () => {
      const before = await rows<{ remote_id: string; changed_at: Date }>(
        `SELECT remote_id, changed_at FROM candidates WHERE remote_id IN ('c-1', 'c-2') ORDER BY remote_id`,
      );
      await new Promise((r) => setTimeout(r, 5));
      const r = await upsertRecords(db, 'candidates', I, null, [
        normalizeCandidate(I, candidate(1, { title: 'Engineer' })),
        normalizeCandidate(I, candidate(2)),
      ]);
      assert.deepEqual(r, { written: 2, changed: 1 });
      const now = await rows<{ remote_id: string; changed_at: Date; last_seen_sync_id: string; data: any }>(
        `SELECT remote_id, changed_at, last_seen_sync_id, data FROM candidates WHERE remote_id IN ('c-1', 'c-2') ORDER BY remote_id`,
      );
      assert.ok(new Date(now[0].changed_at) > new Date(before[0].changed_at));
      assert.equal(now[0].data.title, 'Engineer');
      assert.equal(new Date(now[1].changed_at).getTime(), new Date(before[1].changed_at).getTime());
      assert.deepEqual(
        now.map((x) => x.last_seen_sync_id),
        ['sync-2', 'sync-2'],
      );
    });

    test('unseen records are marked deleted; one seen again comes back as a change', async () => {
      const seen = Array.from({ length: 699 }, (_, i) => normalizeCandidate(I, candidate(i + 1, i === 0 ? { title: 'Engineer' } : {})));
      assert.equal((await upsertRecords(db, 'candidates', I, 'sync-3', seen)).changed, 0);
      assert.equal(await markUnseenDeleted(db, 'candidates', I, 'sync-3'), 1);
      const [gone] = await rows(`SELECT remote_deleted_at FROM candidates WHERE remote_id = 'c-0'`);
      assert.ok(gone.remote_deleted_at);
      assert.deepEqual(await upsertRecords(db, 'candidates', I, 'sync-4', [normalizeCandidate(I, candidate(0))]), {
        written: 1,
        changed: 1,
      });
      const [back] = await rows(`SELECT remote_deleted_at FROM candidates WHERE remote_id = 'c-0'`);
      assert.equal(back.remote_deleted_at, null);
    });

    test('the same remote id twice in one call: the last one wins', async () => {
      const r = await upsertRecords(db, 'candidates', I, 'sync-5', [
        normalizeCandidate(I, candidate(900, { title: 'old' })),
        normalizeCandidate(I, candidate(900, { title: 'new' })),
      ]);
      assert.deepEqual(r, { written: 1, changed: 1 });
      const [row] = await rows(`SELECT data FROM candidates WHERE remote_id = 'c-900'`);
      assert.equal(row.data.title, 'new');
    });

    test('awkward text round-trips exactly, in data, ids and filter columns', async () => {
      const c = normalizeCandidate(
        I,
        candidate(0, {
          remote_id: `odd ${AWKWARD}`,
          first_name: AWKWARD,
          custom_fields: { [AWKWARD]: AWKWARD },
          email_addresses: [{ email_address: `a"b'c@ex.com`, type: null }],
        }),
      );
      assert.deepEqual(await upsertRecords(db, 'candidates', I, 'sync-6', [c]), { written: 1, changed: 1 });
      const [row] = await rows(`SELECT id, remote_id, data, hash, emails, first_name_lc FROM candidates WHERE remote_id = $1`, [
        c.remote_id,
      ]);
      assert.equal(row.id, c.id);
      assert.deepEqual(row.data, c.data);
      assert.equal(row.first_name_lc, AWKWARD.toLowerCase());
      assert.deepEqual(row.emails, [`a"b'c@ex.com`]);
      assert.equal((await upsertRecords(db, 'candidates', I, 'sync-6', [c])).changed, 0, 'the same awkward record again is no change');
    });

    test('jobs and applications keep their filter columns', async () => {
      const job = normalizeJob(I, {
        remote_id: 'j-1',
        name: 'Role',
        status: 'OPEN',
        job_code: 'ENG-1',
        stages: [{ remote_id: 's-1', name: 'Screen' }],
      });
      assert.equal((await upsertRecords(db, 'jobs', I, 'sync-7', [job])).changed, 1);
      const app = normalizeApplication(I, {
        remote_id: 'a-1',
        candidate_remote_id: 'c-1',
        job_remote_id: 'j-1',
        current_stage: { remote_id: 's-1', name: 'Screen' },
        outcome: 'PENDING',
      });
      assert.equal((await upsertRecords(db, 'applications', I, 'sync-7', [app])).changed, 1);
      const [j] = await rows(`SELECT name, status, job_code FROM jobs WHERE remote_id = 'j-1'`);
      assert.deepEqual({ ...j }, { name: 'Role', status: 'OPEN', job_code: 'ENG-1' });
      const [a] = await rows(`SELECT candidate_id, job_id, current_stage_id, outcome FROM applications WHERE remote_id = 'a-1'`);
      assert.deepEqual(
        { ...a },
        { candidate_id: app.candidate_id, job_id: job.id, current_stage_id: app.current_stage_id, outcome: 'PENDING' },
      );
    });

    test('an UpsertBatch grows past its first buffer, refuses a duplicate, and is reusable after clear (also inside a transaction)', async () => {
      const batch = new UpsertBatch(16);
      batch.clear('applications');
      for (let i = 0; i < 600; i++) {
        batch.add(
          normalizeApplication(I, {
            remote_id: `ba-${i}`,
            candidate_remote_id: `c-${i % 50}`,
            job_remote_id: 'j-1',
            outcome: 'PENDING',
            custom_fields: { note: AWKWARD },
          }),
        );
      }
      assert.equal(batch.rows, 600);
      assert.ok(batch.has('ba-5'));
      assert.throws(() => batch.add(normalizeApplication(I, { remote_id: 'ba-5', candidate_remote_id: 'c-1' })), /already in this batch/);
      assert.deepEqual(await writeBatch(db, batch, I, 'sync-8'), { written: 600, changed: 600 });
      batch.clear('applications');
      assert.equal(batch.rows, 0);
      batch.add(
        normalizeApplication(I, {
          remote_id: 'ba-0',
          candidate_remote_id: 'c-0',
          job_remote_id: 'j-1',
          outcome: 'HIRED',
          custom_fields: { note: AWKWARD },
        }),
      );
      const r = await db.tx((q) => writeBatch(q, batch, I, 'sync-8'));
      assert.deepEqual(r, { written: 1, changed: 1 });
      const [row] = await rows(`SELECT outcome, data FROM applications WHERE remote_id = 'ba-0'`);
      assert.equal(row.outcome, 'HIRED');
      assert.equal(row.data.custom_fields.note, AWKWARD);
      assert.equal((await rows(`SELECT count(*)::int AS n FROM applications WHERE remote_id LIKE 'ba-%'`))[0].n, 600);
      assert.deepEqual(await writeBatch(db, new UpsertBatch(), I, 'sync-8'), { written: 0, changed: 0 }, 'an empty batch writes nothing');
    });
  });
}
