/**
 * The database-wide rate limiter (src/http/rate-limit-pg.ts): two limiters on one PostgreSQL
 * database stand in for two processes. These assertions are about real elapsed time (admissions
 * at least a window apart), so scripts/test.js runs this file in its serial lane, alone; the
 * rest of the scale-out pieces are in jobs.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PostgresRateLimiter } from '../../src/http/rate-limit-pg.ts';
import { freshPostgres } from '../support/databases.ts';

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
      const admitted = (
        await dbs[0].query<{ ms: number }>(
          `SELECT extract(epoch FROM sent_at) * 1000 AS ms FROM hit_log WHERE key = 'integration-x' ORDER BY sent_at`,
        )
      ).rows.map((r) => Number(r.ms));
      assert.equal(admitted.length, 14);
      for (let i = spec.requests; i < admitted.length; i++) {
        // The (i-requests)th admission must have left the window before the ith was admitted.
        assert.ok(
          admitted[i] - admitted[i - spec.requests] >= spec.perMs,
          `admission ${i} came ${admitted[i] - admitted[i - spec.requests]} ms after admission ${i - spec.requests}`,
        );
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
        assert.ok(
          sent[i] - sent[i - spec.requests] >= spec.perMs - 5,
          `request ${i} went ${sent[i] - sent[i - spec.requests]} ms after request ${i - spec.requests}`,
        );
      }
      const admissions = Number(
        (await dbs[0].query<{ n: string }>(`SELECT count(*) AS n FROM hit_log WHERE key = 'integration-z'`)).rows[0].n,
      );
      const statements = Number(
        (await dbs[0].query<{ n: string }>(`SELECT count(DISTINCT token) AS n FROM token_log WHERE key = 'integration-z'`)).rows[0].n,
      );
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
