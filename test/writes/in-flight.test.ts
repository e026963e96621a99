/**
 * The per-integration cap on actions in flight (src/writes/in-flight.ts): in memory on the
 * embedded database; on PostgreSQL one cap for every process of the deployment, held as leased
 * rows that a dead process gives back when its lease runs out.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSummary } from '../support/dashboard.ts';
import { DatabaseWriteSlots, InProcessWriteSlots, MAX_IN_FLIGHT, type WriteSlot } from '../../src/writes/in-flight.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { freshPostgres } from '../support/databases.ts';
import { eventually } from '../support/eventually.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('in memory: the cap counts per integration, a release frees a slot once, and two counters do not share', async () => {
  assert.equal(MAX_IN_FLIGHT, 30, "Kombo's documented cap");
  const a = new InProcessWriteSlots(2);
  const b = new InProcessWriteSlots(2);
  const x1 = await a.tryEnter('x');
  const x2 = await a.tryEnter('x');
  assert.ok(x1 && x2);
  assert.equal(await a.tryEnter('x'), null, 'the third action in flight is refused');
  const y1 = await a.tryEnter('y');
  assert.ok(y1, 'another integration has its own slots');
  assert.ok(await b.tryEnter('x'), 'another runtime (server, on its own embedded database) has its own counts');
  assert.deepEqual(
    await a.inFlight(),
    new Map([
      ['x', 2],
      ['y', 1],
    ]),
  );
  await x1.release();
  await x1.release(); // a second release gives back nothing more
  assert.deepEqual(await a.inFlight(['x', 'z']), new Map([['x', 1]]));
  assert.ok(await a.tryEnter('x'), 'a finished action frees its slot');
  assert.equal(await a.tryEnter('x'), null, 'and only one');
});

describe('on PostgreSQL: one cap for the deployment', () => {
  let pg: { url: string; drop(): Promise<void> };
  /** One pool per "process": each its own connections, as separate atsgate processes have. */
  const dbs: Db[] = [];
  const open = async () => {
    const db = await openDb({ databaseUrl: pg.url, dataDir: '' });
    dbs.push(db);
    return db;
  };
  const live = async (db: Db) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM write_slots WHERE expires_at > now()')).rows[0].n;

  before(async () => {
    pg = await freshPostgres();
  });
  after(async () => {
    for (const db of dbs) await db.close().catch(() => undefined);
    await pg?.drop();
  });

  test('slots taken in two processes count against one cap; either sees the deployment figure', async () => {
    const a = new DatabaseWriteSlots((await open()).relaxed, 30, 3);
    const b = new DatabaseWriteSlots((await open()).relaxed, 30, 3);
    const held = [await a.tryEnter('lever:one'), await b.tryEnter('lever:one'), await a.tryEnter('lever:one')];
    assert.ok(held.every(Boolean));
    assert.equal(await b.tryEnter('lever:one'), null, 'per-process counting would have given b two more');
    assert.equal(await a.tryEnter('lever:one'), null);
    assert.ok(await b.tryEnter('ashby:two'), 'another integration has its own slots');
    assert.deepEqual(await a.inFlight(['lever:one']), new Map([['lever:one', 3]]));
    assert.deepEqual(
      await b.inFlight(),
      new Map([
        ['lever:one', 3],
        ['ashby:two', 1],
      ]),
    );
    await held[1]!.release(); // b's
    assert.ok(await a.tryEnter('lever:one'), "a slot given back by b is a's to take");
    await a.close();
    await b.close();
    assert.equal(await live(dbs[0]), 0, 'closing gives back what a process still held');
  });

  test('24 takers racing in three processes: exactly the cap gets in', async () => {
    const procs = [await open(), await open(), await open()].map((db) => new DatabaseWriteSlots(db.relaxed, 30, 5));
    const got = await Promise.all(Array.from({ length: 24 }, (_, i) => procs[i % 3].tryEnter('teamtailor:race')));
    assert.equal(got.filter(Boolean).length, 5);
    assert.equal((await procs[0].inFlight(['teamtailor:race'])).get('teamtailor:race'), 5);
    for (const p of procs) await p.close();
  });

  test('a live process keeps its slots past the lease; a dead one loses them when its lease runs out', async () => {
    const lease = 0.6;
    const holderDb = await open();
    const holder = new DatabaseWriteSlots(holderDb.relaxed, lease, 2);
    const other = new DatabaseWriteSlots((await open()).relaxed, lease, 2);
    const slots: (WriteSlot | null)[] = [await holder.tryEnter('greenhouse:c'), await holder.tryEnter('greenhouse:c')];
    assert.ok(slots.every(Boolean));
    await sleep(lease * 1000 * 3); // three leases: only renewals keep them
    assert.equal(await other.tryEnter('greenhouse:c'), null, 'renewed by the heartbeat, the slots are still taken');
    // The holder "dies": its connections go without a word, nothing released (what kill -9 does).
    await holderDb.close();
    assert.equal(await other.tryEnter('greenhouse:c'), null, 'right after the death the lease still holds');
    const freed = await eventually('the dead process to lose its slots', () => other.tryEnter('greenhouse:c'), 10_000);
    assert.ok(freed);
    assert.ok(await other.tryEnter('greenhouse:c'), 'both of them');
    assert.equal(await other.tryEnter('greenhouse:c'), null);
    await other.close();
  });
});

test("the dashboard's integrations page shows each integration's actions in flight against the cap", async () => {
  const { integrationsPage } = await import('../../src/dashboard/pages.ts');
  const slots = new InProcessWriteSlots();
  for (let i = 0; i < 3; i++) await slots.tryEnter('lever:acme');
  const html = integrationsPage('acme', [integrationSummary('lever:acme'), integrationSummary('ashby:acme')], undefined, {
    counts: await slots.inFlight(['lever:acme', 'ashby:acme']),
    max: slots.max,
  });
  assert.match(html, /Actions in flight<\/th>/);
  assert.match(html, />3 \/ 30<\/td>/);
  assert.match(html, />0 \/ 30<\/td>/);
  assert.match(html, /counted across every atsgate process; beyond 30 per integration/);
});
