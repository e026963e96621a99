/**
 * Asynchronous deliveries count against the cap on actions in flight (src/writes/in-flight.ts):
 * deliveries being executed by the workers fill it, and a synchronous write is then refused with
 * PLATFORM.CONCURRENCY_LIMIT_EXCEEDED; a delivery that finds the cap full waits (no attempt spent)
 * and goes out once a slot is free. On PostgreSQL through two servers on one database, so the
 * deliveries may run in either process; on the embedded database in its one process.
 * The cap is 2 here (30 in production) so that a few writes fill it.
 */
import '../reliability/no-http-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startRecruiteeFake, type RecruiteeFake } from '../fakes/recruitee.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { DEFAULT_ACCOUNT } from '../../src/store/keys.ts';
import { DatabaseWriteSlots, InProcessWriteSlots } from '../../src/writes/in-flight.ts';
import { eventually } from '../support/eventually.ts';

const CAP = 2;
const ASYNC = { prefer: 'respond-async' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of databaseKinds()) {
  describe(`asynchronous deliveries in the in-flight cap on ${kind}`, () => {
    let a: TestServer;
    let b: TestServer;
    let fake: RecruiteeFake;
    let integrationId: string;
    let candidateId: string;
    let candidateRemoteId: string;
    /** Writes reaching the fake wait here until the test opens it; GETs (reads, re-reads) pass. */
    let gate: Promise<void> | null = null;
    let held = 0;

    before(async () => {
      // No re-reads after writes: they would spend Recruitee's 100 calls a minute, not tested here.
      a = await startTestServer(kind, { env: { ATSGATE_READ_BACK_AFTER_WRITE: 'false' } });
      // PostgreSQL: a second process on the same database. The embedded database has one process.
      b = kind === 'postgres' ? await startTestServer(kind, { reuse: a }) : a;
      for (const s of new Set([a, b]))
        s.started.rt.writesInFlight =
          kind === 'postgres' ? new DatabaseWriteSlots(s.started.db.relaxed, 30, CAP) : new InProcessWriteSlots(CAP);
      fake = await startRecruiteeFake();
      const inner = fake.server.before;
      fake.server.before = async (req) => {
        const early = await inner?.(req);
        if (early) return early;
        if (req.method !== 'GET' && gate) {
          held++;
          await gate;
        }
        return undefined;
      };
      integrationId = (
        await connectIntegration(a.started.rt, {
          accountId: DEFAULT_ACCOUNT,
          tool: 'recruitee',
          organizationName: 'Acme',
          credentials: fake.credentials,
          baseUrl: fake.url,
          waitForSync: true,
        })
      ).id;
      const candidate = (await a.call('GET', '/v1/ats/candidates?page_size=1', { integrationId })).body.data.results[0];
      candidateId = candidate.id;
      candidateRemoteId = candidate.remote_id;
    });
    after(async () => {
      if (b && b !== a) await b.close({ keepData: true });
      await a?.close();
      await fake?.stop();
    });

    const write = (s: TestServer, label: string, headers: Record<string, string> = {}) =>
      s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
        integrationId,
        body: { label, url: `https://assess.example.com/cap/${encodeURIComponent(label)}` },
        headers,
      });
    const outcome = async (logId: string) => (await a.call('GET', `/v1/logs/${logId}`)).body.data;
    const outboxRow = async (logId: string) =>
      (await a.started.db.query<{ state: string; attempts: number }>('SELECT state, attempts FROM write_outbox WHERE log_id = $1', [logId]))
        .rows[0];

    // Bounded: per-process or sync-only counting lets the synchronous write through, and it would wait at the closed gate.
    test('deliveries being executed fill the cap: a synchronous write is refused; a further delivery waits, then goes out', {
      timeout: 60_000,
    }, async () => {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      const accepted: string[] = [];
      for (const label of ['async 1', 'async 2']) {
        const res = await write(a, label, ASYNC);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        accepted.push(res.headers.get('x-atsgate-log-id')!);
      }
      await eventually('both deliveries to be at the ATS', async () => held >= CAP, 20_000);
      assert.deepEqual(await b.started.rt.writesInFlight.inFlight([integrationId]), new Map([[integrationId, CAP]]));

      const refused = await write(b, 'sync while deliveries run');
      assert.equal(refused.status, 429, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED');
      assert.equal(
        refused.body.error.message,
        `More than ${CAP} actions are in flight for integration ${integrationId}; retry with backoff.`,
      );
      assert.equal(refused.headers.get('retry-after'), '1');

      // A third asynchronous write is accepted, but its delivery finds no slot: not sent, no attempt spent.
      const third = await write(b, 'async 3', ASYNC);
      assert.equal(third.status, 200);
      const thirdLog = third.headers.get('x-atsgate-log-id')!;
      accepted.push(thirdLog);
      await sleep(1500); // more than one wait for a slot (SLOT_WAIT_MS)
      assert.equal(held, CAP, 'nothing more reached the ATS');
      assert.deepEqual(await outboxRow(thirdLog), { state: 'PENDING', attempts: 0 });

      gate = null;
      open();
      for (const logId of accepted) {
        const done = await eventually(`log ${logId} to finish`, async () => {
          const o = await outcome(logId);
          return o.outcome !== 'PENDING' ? o : null;
        });
        assert.equal(done.outcome, 'SUCCESS', JSON.stringify(done));
        assert.deepEqual(await outboxRow(logId), { state: 'DELIVERED', attempts: 1 });
      }
      for (const label of ['async 1', 'async 2', 'async 3']) assert.ok(fake.resultTextFor(candidateRemoteId).includes(label), label);
      for (const s of [a, b])
        await eventually('every slot to be given back', async () => (await s.started.rt.writesInFlight.inFlight()).size === 0, 10_000);
      const ok = await write(b, 'sync after the deliveries');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });
  });
}
