/**
 * Scale-out for real: three `atsgate serve` processes on one PostgreSQL database, 20
 * integrations on 20 vendor fakes (one fake per integration, so each fake's peak rate is one
 * integration's traffic). Syncs and writes go to all three processes; one process is killed
 * with SIGKILL while it runs syncs and serves writes. Then:
 * - every forced sync finished exactly once (one more SUCCEEDED row per integration, no job
 *   left in the engine), the killed process's syncs included, re-run on a survivor;
 * - no fake ever saw more requests in its window than its limit, although three processes
 *   wrote to each integration at once (the limit is shared through the database);
 * - no write was lost: each got a 200, a Kombo error, or (only the killed process) a broken
 *   connection, and every 200 is in the fake's own records.
 * Then the cap on actions in flight per integration (Kombo's 30, PLATFORM.CONCURRENCY_LIMIT_EXCEEDED):
 * - it is one cap for the deployment: 45 writes to one integration spread over three processes,
 *   held at the vendor, are 30 in flight and 15 refused with 429 (per-process caps let all 45 in);
 * - a process killed with SIGKILL while it holds slots gives them back when their lease runs out
 *   (ATSGATE_WRITE_SLOT_LEASE_SECONDS, 3 s here).
 * PostgreSQL only: several processes cannot share the embedded database.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { openRuntime } from '../../src/server.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { freshPostgres } from '../support/databases.ts';
import type { VendorFake } from '../fakes/types.ts';
import { startLeverFake } from '../fakes/lever.ts';
import { startAshbyFake } from '../fakes/ashby.ts';
import { startSmartRecruitersFake } from '../fakes/smartrecruiters.ts';
import { startTeamtailorFake } from '../fakes/teamtailor.ts';
import { MAX_IN_FLIGHT } from '../../src/writes/in-flight.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Real-time vendor windows (child processes cannot be time-scaled): what each fake enforces. */
const KINDS: { tool: string; limit: { requests: number; windowMs: number }; start(): Promise<VendorFake> }[] = [
  { tool: 'lever', limit: { requests: 10, windowMs: 1000 }, start: () => startLeverFake({ pageSize: 5, retryAfterSeconds: 1 }) },
  { tool: 'ashby', limit: { requests: 25, windowMs: 1000 }, start: () => startAshbyFake({ pageSize: 5, retryAfterSeconds: 1 }) },
  {
    tool: 'smartrecruiters',
    limit: { requests: 10, windowMs: 1000 },
    start: () => startSmartRecruitersFake({ maxLimit: 5, retryAfterSeconds: 1 }),
  },
  {
    tool: 'teamtailor',
    limit: { requests: 50, windowMs: 10_000 },
    start: () => startTeamtailorFake({ candidateCount: 12, retryAfterSeconds: 1 }),
  },
];

interface Proc {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

async function startProcess(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, ['bin/atsgate.js', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`atsgate serve exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, url, exited };
}

describe('three processes on one PostgreSQL database', () => {
  const apiKey = 'test_' + randomBytes(16).toString('hex');
  let pg: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  const fakes: {
    fake: VendorFake;
    kind: (typeof KINDS)[number];
    integrationId: string;
    slow: boolean;
    gate: Promise<void> | null;
    /** Requests waiting at the gate now. */
    waiting: number;
  }[] = [];
  const procs: Proc[] = [];

  before(async () => {
    pg = await freshPostgres();
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: pg.url,
      ATSGATE_API_KEY: apiKey,
      ATSGATE_SECRET: randomBytes(32).toString('hex'),
      ATSGATE_SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      ATSGATE_SYNC_LEASE_SECONDS: '3',
      ATSGATE_JOB_CONCURRENCY: '4',
      ATSGATE_WRITE_SLOT_LEASE_SECONDS: '3',
    };
    // 20 integrations, created in this process against the same database (the CLI's way).
    const rt = await openRuntime(loadConfig(env));
    try {
      for (let i = 0; i < 20; i++) {
        const kind = KINDS[i % KINDS.length];
        const fake = await kind.start();
        // A slow vendor (every response 150 ms late) keeps syncs running long enough to be killed mid-way.
        // A gate holds every response until opened, so the test decides which syncs are mid-way when.
        const entry: (typeof fakes)[number] = { fake, kind, integrationId: '', slow: false, gate: null, waiting: 0 };
        const inner = fake.server.before;
        fake.server.before = async (req) => {
          // The fake counts the request on arrival (its rate window), then the answer is held.
          const early = await inner?.(req);
          if (early) return early;
          if (entry.gate) {
            entry.waiting++;
            await entry.gate.finally(() => entry.waiting--);
          }
          if (entry.slow) await sleep(150);
          return undefined;
        };
        const integration = await connectIntegration(rt, {
          accountId: 'default',
          tool: kind.tool,
          organizationName: `Org ${i}`,
          credentials: fake.credentials,
          baseUrl: fake.url,
          waitForSync: true,
        });
        entry.integrationId = integration.id;
        fakes.push(entry);
      }
    } finally {
      await rt.jobs.stop();
      await rt.db.close();
    }
  });

  after(async () => {
    for (const p of procs) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    for (const f of fakes) await f.fake.stop();
    await pg?.drop();
  });

  const call = async (p: Proc, method: string, path: string, integrationId: string, body?: unknown) => {
    const res = await fetch(p.url + path, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        'x-integration-id': integrationId,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any, retryAfter: res.headers.get('retry-after') };
  };
  const q = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const { default: pgmod } = await import('pg');
    const c = new pgmod.Client({ connectionString: pg.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  };

  test('syncs run once each, vendor limits hold across processes, no write is lost, a killed process is recovered', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let openVictims!: () => void;
    const victimGate = new Promise<void>((r) => (openVictims = r));
    for (const f of fakes) {
      f.slow = true;
      f.gate = gate;
    }
    // The process that will be killed starts alone, so the first syncs it takes are certainly its own.
    const victim = await startProcess(env);
    procs.push(victim);
    for (const f of fakes) {
      const r = await call(victim, 'POST', '/v1/force-sync', f.integrationId, { type: 'FULL' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.already_queued, false);
    }
    for (let i = 0; i < 400 && (await q(`SELECT 1 FROM syncs WHERE state = 'RUNNING'`)).length < 4; i++) await sleep(25);
    const victimSyncs = await q<{ id: string; integration_id: string }>(`SELECT id, integration_id FROM syncs WHERE state = 'RUNNING'`);
    assert.equal(victimSyncs.length, 4, 'the first process took as many syncs as its concurrency');
    // The victim's syncs stay held mid-way until it is killed; every other vendor answers again.
    const held = new Set(victimSyncs.map((v) => v.integration_id));
    for (const f of fakes) f.gate = held.has(f.integrationId) ? victimGate : null;
    open();

    procs.push(await startProcess(env), await startProcess(env));
    const p1 = procs[1];

    // Writes to every integration through all three processes at once.
    const candidates = new Map<string, { id: string; remote_id: string }[]>();
    for (const f of fakes) {
      const r = await call(p1, 'GET', '/v1/ats/candidates?page_size=3', f.integrationId);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      candidates.set(f.integrationId, r.body.data.results);
    }
    type Outcome = { f: (typeof fakes)[number]; label: string; remote: string; via: Proc; status: number | 'network'; code?: string };
    const writes: Promise<Outcome>[] = [];
    for (const f of fakes) {
      const cands = candidates.get(f.integrationId)!;
      for (let n = 0; n < 6; n++) {
        const via = procs[n % 3];
        const cand = cands[n % cands.length];
        const label = `Scale check ${f.integrationId} #${n}`;
        writes.push(
          call(via, 'POST', `/v1/ats/candidates/${encodeURIComponent(cand.id)}/result-links`, f.integrationId, {
            label,
            url: `https://assess.example.com/scale/${n}`,
          })
            .then((r): Outcome => ({ f, label, remote: cand.remote_id, via, status: r.status, code: r.body?.error?.code }))
            .catch((): Outcome => ({ f, label, remote: cand.remote_id, via, status: 'network' })),
        );
      }
    }
    await sleep(300);
    const runningAtKill = new Set(
      (await q<{ integration_id: string }>(`SELECT integration_id FROM syncs WHERE state = 'RUNNING'`)).map((r) => r.integration_id),
    );
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (const f of fakes) f.gate = null;
    openVictims();
    const outcomes = await Promise.all(writes);

    // No write lost.
    for (const o of outcomes) {
      if (o.status === 'network') {
        assert.equal(o.via, victim, 'only the killed process may drop a connection');
        continue;
      }
      if (o.status === 200) {
        assert.ok(o.f.fake.resultTextFor(o.remote).includes(o.label), `a 200 write is in ${o.f.kind.tool}'s records: ${o.label}`);
      } else {
        assert.ok(o.code && /^[A-Z]+\.[A-Z_]+$/.test(o.code), `a failed write carries a Kombo error code (got ${o.status} ${o.code})`);
        assert.notEqual(o.code, 'REMOTE.RATE_LIMIT_EXCEEDED', 'the shared limiter keeps writes under the vendor limit');
      }
    }
    const survivorsOk = outcomes.filter((o) => o.via !== victim);
    assert.ok(
      survivorsOk.every((o) => o.status === 200),
      `every write through a surviving process succeeded: ${JSON.stringify(survivorsOk.filter((o) => o.status !== 200).map((o) => [o.status, o.code]))}`,
    );

    // Every forced sync done exactly once, the killed process's ones re-run by a survivor.
    let rows: { integration_id: string; ok: number; running: number }[] = [];
    for (let i = 0; i < 600; i++) {
      rows = await q(`SELECT i.id AS integration_id,
                             count(s.*) FILTER (WHERE s.state = 'SUCCEEDED')::int AS ok,
                             count(s.*) FILTER (WHERE s.state = 'RUNNING')::int AS running
                        FROM integrations i LEFT JOIN syncs s ON s.integration_id = i.id GROUP BY i.id`);
      const pending = await q(`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'sync-integration'`);
      if (rows.every((r) => r.ok >= 2 && r.running === 0) && pending.length === 0) break;
      await sleep(100);
    }
    assert.equal(rows.length, 20);
    for (const r of rows) assert.equal(r.ok, 2, `${r.integration_id}: the first sync and the forced one, each exactly once`);
    const abandoned = await q<{ integration_id: string }>(`SELECT integration_id FROM syncs WHERE error LIKE 'abandoned%'`);
    assert.deepEqual(
      abandoned.map((a) => a.integration_id).sort(),
      [...held].sort(),
      "exactly the killed process's syncs were reaped (and, above, re-run once)",
    );
    for (const a of abandoned) assert.ok(runningAtKill.has(a.integration_id));
    const leftJobs = await q(`SELECT 1 FROM graphile_worker.jobs`); // the engine's public view
    assert.equal(leftJobs.length, 0, 'no job left in the engine');

    // Vendor limits held for the whole deployment.
    for (const f of fakes)
      assert.ok(
        f.fake.peakRate() <= f.kind.limit.requests,
        `${f.kind.tool} ${f.integrationId}: peak ${f.fake.peakRate()} in ${f.kind.limit.windowMs} ms, limit ${f.kind.limit.requests}`,
      );
  });
  /** Slots of the in-flight cap held now for the integration, in the whole deployment. */
  const liveSlots = async (integrationId: string) =>
    (
      await q<{ n: number }>('SELECT count(*)::int AS n FROM write_slots WHERE integration_id = $1 AND expires_at > clock_timestamp()', [
        integrationId,
      ])
    )[0].n;
  /** Ashby allows 25 calls a second: 30 writes reach it quickly. */
  const capped = () => fakes.find((f) => f.kind.tool === 'ashby')!;
  const resultLink = async (p: Proc, f: (typeof fakes)[number], label: string) => {
    const cands = (await call(p, 'GET', '/v1/ats/candidates?page_size=1', f.integrationId)).body.data.results;
    return call(p, 'POST', `/v1/ats/candidates/${encodeURIComponent(cands[0].id)}/result-links`, f.integrationId, {
      label,
      url: 'https://assess.example.com/cap',
    });
  };

  test('one cap per integration for the deployment: 45 writes over three processes, 30 in flight, 15 refused', async (t: TestContext) => {
    const live = [procs[1], procs[2], await startProcess(env)];
    procs.push(live[2]);
    const f = capped();
    const cands = (await call(live[0], 'GET', '/v1/ats/candidates?page_size=3', f.integrationId)).body.data.results;
    // Slots the killed process of the first test may still hold run out with their lease first.
    for (let i = 0; i < 100 && (await liveSlots(f.integrationId)) > 0; i++) await sleep(100);
    let open!: () => void;
    f.gate = new Promise<void>((r) => (open = r));
    const N = MAX_IN_FLIGHT + 15;
    let settled = 0;
    const writes = Array.from({ length: N }, (_, n) =>
      call(live[n % 3], 'POST', `/v1/ats/candidates/${encodeURIComponent(cands[n % cands.length].id)}/result-links`, f.integrationId, {
        label: `Cap check #${n}`,
        url: `https://assess.example.com/cap/${n}`,
      }).finally(() => settled++),
    );
    // Until every write has either been answered or reached the vendor (where it waits).
    for (let i = 0; i < 400 && settled + f.waiting < N; i++) await sleep(50);
    const inFlightAtPeak = await liveSlots(f.integrationId);
    const waitingAtPeak = f.waiting;
    f.gate = null;
    open();
    const results = await Promise.all(writes);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    t.diagnostic(
      `${N} writes: ${ok.length} succeeded, ${refused.length} refused; ${waitingAtPeak} at the vendor and ${inFlightAtPeak} slots held at the peak`,
    );
    assert.equal(ok.length, MAX_IN_FLIGHT, `exactly the cap succeeds (per-process caps let ${N} through)`);
    assert.equal(refused.length, N - MAX_IN_FLIGHT);
    assert.equal(waitingAtPeak, MAX_IN_FLIGHT, 'the 30 admitted were in flight at once, held at the vendor');
    assert.equal(inFlightAtPeak, MAX_IN_FLIGHT);
    for (const r of refused) {
      assert.equal(r.body.error.code, 'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED');
      assert.equal(
        r.body.error.message,
        `More than ${MAX_IN_FLIGHT} actions are in flight for integration ${f.integrationId}; retry with backoff.`,
      );
      assert.equal(r.retryAfter, '1');
    }
    const refusedBy = new Set(results.flatMap((r, n) => (r.status === 429 ? [n % 3] : [])));
    t.diagnostic(`refusals answered by ${refusedBy.size} of the 3 processes`);
    for (let i = 0; i < 100 && (await liveSlots(f.integrationId)) > 0; i++) await sleep(50);
    assert.equal(await liveSlots(f.integrationId), 0, 'every slot given back');
    assert.equal((await resultLink(live[1], f, 'Cap check after')).status, 200);
  });

  test('a process killed with slots held: they are free again when its lease runs out', async (t: TestContext) => {
    const survivor = procs[1];
    const doomed = await startProcess(env);
    procs.push(doomed);
    const f = capped();
    const cands = (await call(doomed, 'GET', '/v1/ats/candidates?page_size=3', f.integrationId)).body.data.results;
    let open!: () => void;
    f.gate = new Promise<void>((r) => (open = r));
    const writes = Array.from({ length: MAX_IN_FLIGHT }, (_, n) =>
      call(doomed, 'POST', `/v1/ats/candidates/${encodeURIComponent(cands[n % cands.length].id)}/result-links`, f.integrationId, {
        label: `Crash check #${n}`,
        url: `https://assess.example.com/crash/${n}`,
      }).catch(() => null),
    );
    for (let i = 0; i < 400 && f.waiting < MAX_IN_FLIGHT; i++) await sleep(50);
    assert.equal(f.waiting, MAX_IN_FLIGHT, 'the doomed process holds every slot, its writes waiting at the vendor');
    const whileAlive = await call(survivor, 'POST', `/v1/ats/candidates/${encodeURIComponent(cands[0].id)}/result-links`, f.integrationId, {
      label: 'Refused while the holder lives',
      url: 'https://assess.example.com/crash/refused',
    });
    assert.equal(whileAlive.status, 429);

    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const killedAt = Date.now();
    assert.equal(await liveSlots(f.integrationId), MAX_IN_FLIGHT, "right after the kill the dead process's leases still hold");
    f.gate = null;
    open();
    await Promise.all(writes);
    let freedAfterMs = -1;
    for (let i = 0; i < 200; i++) {
      if ((await resultLink(survivor, f, `After the crash ${i}`)).status === 200) {
        freedAfterMs = Date.now() - killedAt;
        break;
      }
      await sleep(100);
    }
    t.diagnostic(`a write was admitted again ${freedAfterMs} ms after the kill (lease 3 s)`);
    assert.ok(freedAfterMs >= 0, 'the slots of the killed process came free');
    assert.equal(await liveSlots(f.integrationId), 0, 'and none stays taken');
  });
});
