/**
 * The pieces that let several processes share one deployment: the PostgreSQL job engine
 * (graphile-worker behind JobQueue), sync leases and their reaper, the periodic-sync
 * scheduler (the database-wide rate limiter, whose assertions are about real time, is in
 * rate-limit-pg.test.ts). Two runtimes on one database stand in for two processes; the real
 * multi-process run is three-processes.test.ts.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { GraphileQueue } from '../../src/jobs/graphile.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { dueSyncs } from '../../src/sync/scheduler.ts';
import { registerSyncTask, requestSync } from '../../src/jobs/sync-tasks.ts';
import { reapAbandonedSyncs } from '../../src/sync/lease.ts';
import { freshPostgres, databaseKinds, type DbKind } from '../support/databases.ts';
import { freshPgliteDataDir } from '../support/templates.ts';

async function runtimeFor(
  kind: DbKind,
  env: Record<string, string> = {},
): Promise<{ rt: Runtime; url: string | null; close(): Promise<void> }> {
  const pg = kind === 'postgres' ? await freshPostgres() : null;
  const config = loadConfig({
    ATSGATE_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...env,
  });
  const lite = pg ? null : await freshPgliteDataDir();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: lite?.dataDir ?? '/nonexistent' });
  await migrate(db);
  const rt = createRuntime(config, db);
  return {
    rt,
    url: pg?.url ?? null,
    async close() {
      await rt.jobs.stop();
      await db.close();
      await pg?.drop();
      lite?.remove();
    },
  };
}

const until = async (what: string, check: () => Promise<boolean> | boolean, tries = 400) => {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for: ${what}`);
};

for (const kind of databaseKinds()) {
  describe(`sync scheduling and leases on ${kind}`, () => {
    let env: Awaited<ReturnType<typeof runtimeFor>>;
    before(async () => {
      env = await runtimeFor(kind);
      for (const n of [1, 2]) {
        await connectIntegration(env.rt, {
          accountId: 'default',
          tool: 'sandbox',
          organizationName: `Org ${n}`,
          credentials: { api_key: 'sandbox-x' },
          id: `sandbox:s${n}`,
          waitForSync: true,
        });
      }
    });
    after(() => env.close());

    test('the scheduler picks delta when the interval passed, full when the full interval passed, nothing when fresh', async () => {
      const now = Date.now();
      assert.deepEqual(await dueSyncs(env.rt, new Date(now)), [], 'just synced: nothing due');
      const in4h = await dueSyncs(env.rt, new Date(now + 4 * 3600_000));
      assert.deepEqual(in4h.map((d) => d.type).sort(), ['DELTA', 'DELTA']);
      const in11h = await dueSyncs(env.rt, new Date(now + 11 * 3600_000));
      assert.deepEqual(
        in11h.map((d) => d.type),
        ['FULL', 'FULL'],
      );
      await env.rt.db.query(`UPDATE integrations SET status = 'INVALID' WHERE id = 'sandbox:s2'`);
      assert.deepEqual(
        (await dueSyncs(env.rt, new Date(now + 4 * 3600_000))).map((d) => d.integrationId),
        ['sandbox:s1'],
        'rejected credentials are not retried',
      );
      await env.rt.db.query(`UPDATE integrations SET status = 'ACTIVE' WHERE id = 'sandbox:s2'`);
    });

    test('a running sync is not scheduled again; a dead one is reaped after its lease and frees the integration', async () => {
      await env.rt.db.query(
        `INSERT INTO syncs (id, integration_id, type, state, heartbeat_at) VALUES ('dead-sync', 'sandbox:s1', 'FULL', 'RUNNING', now() - interval '10 minutes')`,
      );
      await env.rt.db.query(
        `INSERT INTO syncs (id, integration_id, type, state, heartbeat_at) VALUES ('live-sync', 'sandbox:s2', 'FULL', 'RUNNING', now())`,
      );
      const later = new Date(Date.now() + 4 * 3600_000);
      assert.deepEqual(await dueSyncs(env.rt, later), [], 'running syncs are never doubled');
      const forced = await requestSync(env.rt, 'sandbox:s2', 'FULL');
      assert.deepEqual(forced, { alreadyQueued: true, syncId: 'live-sync', type: 'FULL' });

      assert.deepEqual(await reapAbandonedSyncs(env.rt, 60_000), ['sandbox:s1']);
      const states = (
        await env.rt.db.query<{ id: string; state: string; error: string | null }>(
          `SELECT id, state, error FROM syncs WHERE id IN ('dead-sync', 'live-sync') ORDER BY id`,
        )
      ).rows;
      assert.equal(states[0].state, 'FAILED');
      assert.match(states[0].error!, /abandoned/);
      assert.equal(states[1].state, 'RUNNING', 'a sync with a fresh heartbeat is left alone');
      assert.deepEqual(
        (await dueSyncs(env.rt, later)).map((d) => d.integrationId),
        ['sandbox:s1'],
      );
      await env.rt.db.query(`UPDATE syncs SET state = 'SUCCEEDED', ended_at = now() WHERE id = 'live-sync'`);
    });

    test('force-sync through the queue runs the sync under the announced id', async () => {
      registerSyncTask(env.rt);
      await env.rt.jobs.start();
      const r = await requestSync(env.rt, 'sandbox:s1', 'DELTA');
      assert.equal(r.alreadyQueued, false);
      await until(
        'queued sync done',
        async () => (await env.rt.db.query(`SELECT 1 FROM syncs WHERE id = $1 AND state = 'SUCCEEDED'`, [r.syncId])).rows.length === 1,
      );
      const row = (
        await env.rt.db.query<{ type: string; heartbeat_at: Date | null }>(`SELECT type, heartbeat_at FROM syncs WHERE id = $1`, [r.syncId])
      ).rows[0];
      assert.equal(row.type, 'DELTA');
      assert.ok(row.heartbeat_at, 'the running sync kept a lease');
    });
  });
}

describe('graphile-worker job engine on postgres', () => {
  let pg: { url: string; drop(): Promise<void> };
  const queues: GraphileQueue[] = [];
  before(async () => {
    pg = await freshPostgres();
  });
  after(async () => {
    for (const q of queues) await q.stop();
    await pg.drop();
  });
  const queue = () => {
    const q = new GraphileQueue({ connectionString: pg.url, concurrency: 2, pollIntervalMs: 200, shutdownAbortMs: 2000 });
    queues.push(q);
    return q;
  };

  test('two processes: a keyed job queued twice runs once; retries honour maxAttempts; runAt delays', async () => {
    const runs: { task: string; payload: any; by: string; attempt: number }[] = [];
    const a = queue();
    const b = queue();
    for (const [name, q] of [
      ['a', a],
      ['b', b],
    ] as const) {
      q.register('work', async (payload, h) => {
        runs.push({ task: 'work', payload, by: name, attempt: h.attempt });
        assert.ok(h.workerId, 'the engine tells the handler its worker id');
      });
      q.register('flaky', async (payload, h) => {
        runs.push({ task: 'flaky', payload, by: name, attempt: h.attempt });
        throw new Error('always fails');
      });
    }
    // Queued before any worker runs, from "the CLI", twice with one key: the second replaces the first.
    await a.add('work', { n: 1 }, { jobKey: 'k1' });
    await a.add('work', { n: 2 }, { jobKey: 'k1' });
    await b.add('flaky', { n: 3 }, { maxAttempts: 1 });
    await b.add('work', { n: 4 }, { runAt: new Date(Date.now() + 1500) });
    await a.start();
    await b.start();
    await until('keyed and delayed jobs ran', () => runs.filter((r) => r.task === 'work').length === 2);
    await until('flaky job attempted', () => runs.some((r) => r.task === 'flaky'));
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(
      runs
        .filter((r) => r.task === 'work')
        .map((r) => r.payload.n)
        .sort(),
      [2, 4],
      'the replaced job never ran',
    );
    assert.equal(runs.filter((r) => r.task === 'flaky').length, 1, 'maxAttempts 1: no retry');
    assert.equal(await a.depth(), 0);
  });

  test('a job held by a dead worker runs again once its worker is released', async () => {
    const q = queue();
    let firstWorker = '';
    let runs = 0;
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    q.register('hold', async (_p, h) => {
      runs++;
      if (runs === 1) {
        firstWorker = h.workerId!;
        await hang; // stands in for a process that stopped answering mid-job
      }
    });
    await q.start();
    await q.add('hold', {}, { jobKey: 'hold-1', maxAttempts: 3 });
    await until('first run started', () => runs === 1);
    await q.releaseWorkers([firstWorker]);
    await until('second run after release', () => runs === 2);
    release();
  });
});
