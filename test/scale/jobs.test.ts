/**
 * The pieces that let several processes share one deployment: the PostgreSQL job engine
 * (graphile-worker behind JobQueue), sync leases and their reaper, the periodic-sync
 * scheduler and the database-wide rate limiter. Two runtimes on one database stand in for
 * two processes; the real multi-process run is three-processes.test.ts.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { GraphileQueue } from '../../src/jobs/graphile.ts';
import { PostgresRateLimiter } from '../../src/http/rate-limit-pg.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { dueSyncs } from '../../src/sync/scheduler.ts';
import { reapAbandonedSyncs, registerSyncTask, requestSync } from '../../src/jobs/sync-tasks.ts';
import { freshPostgres, databaseKinds, type DbKind } from '../support/databases.ts';
import { freshPgliteDataDir } from '../support/templates.ts';

async function runtimeFor(kind: DbKind, env: Record<string, string> = {}): Promise<{ rt: Runtime; url: string | null; close(): Promise<void> }> {
  const pg = kind === 'postgres' ? await freshPostgres() : null;
  const config = loadConfig({ ATSGATE_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', ...(pg ? { DATABASE_URL: pg.url } : {}), ...env });
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
        await connectIntegration(env.rt, { accountId: 'default', tool: 'sandbox', organizationName: `Org ${n}`, credentials: { api_key: 'sandbox-x' }, id: `sandbox:s${n}`, waitForSync: true });
      }
    });
    after(() => env.close());

    test('the scheduler picks delta when the interval passed, full when the full interval passed, nothing when fresh', async () => {
      const now = Date.now();
      assert.deepEqual(await dueSyncs(env.rt, new Date(now)), [], 'just synced: nothing due');
      const in4h = await dueSyncs(env.rt, new Date(now + 4 * 3600_000));
      assert.deepEqual(in4h.map((d) => d.type).sort(), ['DELTA', 'DELTA']);
      const in11h = await dueSyncs(env.rt, new Date(now + 11 * 3600_000));
      assert.deepEqual(in11h.map((d) => d.type), ['FULL', 'FULL']);
      await env.rt.db.query(`UPDATE integrations SET status = 'INVALID' WHERE id = 'sandbox:s2'`);
      assert.deepEqual((await dueSyncs(env.rt, new Date(now + 4 * 3600_000))).map((d) => d.integrationId), ['sandbox:s1'], 'rejected credentials are not retried');
      await env.rt.db.query(`UPDATE integrations SET status = 'ACTIVE' WHERE id = 'sandbox:s2'`);
    });

    test('a running sync is not scheduled again; a dead one is reaped after its lease and frees the integration', async () => {
      await env.rt.db.query(`INSERT INTO syncs (id, integration_id, type, state, heartbeat_at) VALUES ('dead-sync', 'sandbox:s1', 'FULL', 'RUNNING', now() - interval '10 minutes')`);
      await env.rt.db.query(`INSERT INTO syncs (id, integration_id, type, state, heartbeat_at) VALUES ('live-sync', 'sandbox:s2', 'FULL', 'RUNNING', now())`);
      const later = new Date(Date.now() + 4 * 3600_000);
      assert.deepEqual(await dueSyncs(env.rt, later), [], 'running syncs are never doubled');
      const forced = await requestSync(env.rt, 'sandbox:s2', 'FULL');
      assert.deepEqual(forced, { alreadyQueued: true, syncId: 'live-sync', type: 'FULL' });

      assert.deepEqual(await reapAbandonedSyncs(env.rt, 60_000), ['sandbox:s1']);
      const states = (await env.rt.db.query<{ id: string; state: string; error: string | null }>(`SELECT id, state, error FROM syncs WHERE id IN ('dead-sync', 'live-sync') ORDER BY id`)).rows;
      assert.equal(states[0].state, 'FAILED');
      assert.match(states[0].error!, /abandoned/);
      assert.equal(states[1].state, 'RUNNING', 'a sync with a fresh heartbeat is left alone');
      assert.deepEqual((await dueSyncs(env.rt, later)).map((d) => d.integrationId), ['sandbox:s1']);
      await env.rt.db.query(`UPDATE syncs SET state = 'SUCCEEDED', ended_at = now() WHERE id = 'live-sync'`);
    });

    test('force-sync through the queue runs the sync under the announced id', async () => {
      registerSyncTask(env.rt);
      await env.rt.jobs.start();
      const r = await requestSync(env.rt, 'sandbox:s1', 'DELTA');
      assert.equal(r.alreadyQueued, false);
      await until('queued sync done', async () => (await env.rt.db.query(`SELECT 1 FROM syncs WHERE id = $1 AND state = 'SUCCEEDED'`, [r.syncId])).rows.length === 1);
      const row = (await env.rt.db.query<{ type: string; heartbeat_at: Date | null }>(`SELECT type, heartbeat_at FROM syncs WHERE id = $1`, [r.syncId])).rows[0];
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
    for (const [name, q] of [['a', a], ['b', b]] as const) {
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
    assert.deepEqual(runs.filter((r) => r.task === 'work').map((r) => r.payload.n).sort(), [2, 4], 'the replaced job never ran');
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

describe('database-wide rate limit on postgres', () => {
  test('two limiters on one database never admit more than the limit in any window', async () => {
    const pg = await freshPostgres();
    const dbs = await Promise.all([1, 2].map(() => openDb({ databaseUrl: pg.url, dataDir: '/nonexistent' })));
    try {
      await migrate(dbs[0]);
      await logHits(dbs[0]);
      const spec = { requests: 4, perMs: 600 };
      const limiters = dbs.map((d) => new PostgresRateLimiter(d, { marginMs: 0 }));
      await Promise.all(Array.from({ length: 14 }, (_, i) => limiters[i % 2].acquire('integration-x', spec)));
      // Other keys are independent.
      await limiters[0].acquire('integration-y', spec);
      const admitted = (await dbs[0].query<{ ms: number }>(`SELECT extract(epoch FROM sent_at) * 1000 AS ms FROM hit_log WHERE key = 'integration-x' ORDER BY sent_at`)).rows.map((r) => Number(r.ms));
      assert.equal(admitted.length, 14);
      for (let i = spec.requests; i < admitted.length; i++) {
        // The (i-requests)th admission must have left the window before the ith was admitted.
        assert.ok(admitted[i] - admitted[i - spec.requests] >= spec.perMs, `admission ${i} came ${admitted[i] - admitted[i - spec.requests]} ms after admission ${i - spec.requests}`);
      }
      assert.equal((await dbs[0].query(`SELECT 1 FROM hit_log WHERE key = 'integration-y'`)).rows.length, 1);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await pg.drop();
    }
  });

  test('with a high limit, a burst costs few statements and spares never break the limit', async () => {
    const pg = await freshPostgres();
    const dbs = await Promise.all([1, 2].map(() => openDb({ databaseUrl: pg.url, dataDir: '/nonexistent' })));
    try {
      await migrate(dbs[0]);
      await logHits(dbs[0]);
      const spec = { requests: 400, perMs: 500 };
      const marginMs = 100;
      const limiters = dbs.map((d) => new PostgresRateLimiter(d, { marginMs }));
      // When each request actually went, by this process's clock: two limiters, bursts and trickles.
      const sent: number[] = [];
      const go = async (i: number) => {
        await limiters[i % 2].acquire('integration-z', spec);
        sent.push(performance.now());
      };
      for (let round = 0; round < 6; round++) {
        await Promise.all(Array.from({ length: 150 }, (_, i) => go(i)));
        for (let i = 0; i < 10; i++) await go(i); // one at a time: served from spares
      }
      assert.equal(sent.length, 960);
      sent.sort((a, b) => a - b);
      // A spare is used at most marginMs/2 after its admission, inside the widened window: in
      // any window of perMs, no more requests went than the limit.
      for (let i = spec.requests; i < sent.length; i++) {
        assert.ok(sent[i] - sent[i - spec.requests] >= spec.perMs - 5, `request ${i} went ${sent[i] - sent[i - spec.requests]} ms after request ${i - spec.requests}`);
      }
      const admissions = Number((await dbs[0].query<{ n: string }>(`SELECT count(*) AS n FROM hit_log WHERE key = 'integration-z'`)).rows[0].n);
      const statements = Number((await dbs[0].query<{ n: string }>(`SELECT count(DISTINCT token) AS n FROM token_log WHERE key = 'integration-z'`)).rows[0].n);
      assert.ok(admissions >= 960, `${admissions} admissions recorded for 960 requests`);
      assert.ok(statements < 960 / 4, `${statements} admitting statements for 960 requests`);
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await pg.drop();
    }
  });
});

/** Records every admission as the database dated it (its clock is the one the limiter uses), and each admitting statement's token. */
async function logHits(db: Awaited<ReturnType<typeof openDb>>): Promise<void> {
  await db.exec(`CREATE TABLE hit_log (key text, sent_at timestamptz);
    CREATE TABLE token_log (key text, token text);
    CREATE FUNCTION log_hit() RETURNS trigger AS $$ BEGIN
      IF TG_OP = 'INSERT' OR NEW.token IS DISTINCT FROM OLD.token THEN
        -- The admissions this statement added: the hits newer than every hit the row had before.
        INSERT INTO hit_log SELECT NEW.key, h FROM unnest(NEW.hits) h
          WHERE TG_OP = 'INSERT' OR h > (SELECT coalesce(max(o), '-infinity') FROM unnest(OLD.hits) o);
        INSERT INTO token_log VALUES (NEW.key, NEW.token);
      END IF;
      RETURN NEW; END $$ LANGUAGE plpgsql;
    CREATE TRIGGER log_hit AFTER INSERT OR UPDATE ON rate_limit_windows FOR EACH ROW EXECUTE FUNCTION log_hit();`);
}
