/**
 * Spare admissions of the deployment-wide limiter (src/http/rate-limit-pg.ts) that no request
 * used go back to the shared window: requests spaced wider than a spare lives must cost one
 * admission each, not one plus the spares, or a low vendor limit (Recruitee's 100 a minute) is
 * spent by a third as many calls. Counts only, no timing assertion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDb } from '../../src/store/db.ts';
import { PostgresRateLimiter } from '../../src/http/rate-limit-pg.ts';
import { freshPostgres } from '../support/databases.ts';

test('unused spares are given back: spaced requests under a 100-a-minute limit cost one admission each', async () => {
  const pg = await freshPostgres();
  const db = await openDb({ databaseUrl: pg.url, dataDir: '/nonexistent' });
  try {
    const spec = { requests: 100, perMs: 60_000 };
    // marginMs 20: a spare lives 10 ms; each statement asks for one admission plus floor(100/50) = 2 spares.
    const limiter = new PostgresRateLimiter(db, { marginMs: 20 });
    for (let i = 0; i < 40; i++) {
      await limiter.acquire('integration-r', spec);
      await sleep(30); // wider than a spare lives: the spares of this statement expire unused
    }
    await sleep(50);
    const held = async () =>
      Number(
        (await db.query<{ n: number }>(`SELECT cardinality(hits) AS n FROM rate_limit_windows WHERE key = 'integration-r'`)).rows[0].n,
      );
    // Without giving spares back, 40 requests would have taken 100 admissions (and the 34th would have waited a minute).
    assert.equal(await held(), 40);
    // A burst still gets its spares, and they are still served from this process without a statement.
    await Promise.all(Array.from({ length: 5 }, () => limiter.acquire('integration-r', spec)));
    await limiter.acquire('integration-r', spec);
    await sleep(50);
    assert.equal(await held(), 46);
  } finally {
    await db.close();
    await pg.drop();
  }
});

test("spares are not taken against a fixed window's budget: spaced requests spend it one each", async () => {
  const pg = await freshPostgres();
  const db = await openDb({ databaseUrl: pg.url, dataDir: '/nonexistent' });
  try {
    const spec = { requests: 100, perMs: 60_000 };
    const limiter = new PostgresRateLimiter(db, { marginMs: 20 });
    // Recruitee's plug: "x-ratelimit-remaining: 40, x-ratelimit-reset: 60" on a fixed window.
    await limiter.acquire('integration-b', spec);
    await limiter.observe('integration-b', { budget: { left: 40, forMs: 60_000 } });
    for (let i = 0; i < 20; i++) {
      await limiter.acquire('integration-b', spec);
      await sleep(30); // wider than a spare lives
    }
    await sleep(50);
    const left = Number(
      (await db.query<{ n: number }>(`SELECT budget_left AS n FROM rate_limit_windows WHERE key = 'integration-b'`)).rows[0].n,
    );
    // Counting two spares per statement against the budget left 40 - 20 × 3 < 0 here: the 14th
    // request waited for the vendor's window to end (a minute), though the vendor had room.
    assert.equal(left, 20);
  } finally {
    await db.close();
    await pg.drop();
  }
});
