/**
 * The limiter learns from the vendor (src/http/rate-limit.ts, rate-limit-headers.ts,
 * rate-limit-pg.ts): a lower X-RateLimit-Limit replaces the configured one (a higher one never
 * raises it), "Remaining: 0" holds the integration until the reset, and a 429's wait holds every
 * call of the integration. The in-process limiter runs on node:test's fake clock; the
 * PostgreSQL one uses the database clock, so its tests wait for real (briefly).
 */
import { test, describe, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlidingWindowLimiter, type RateLimiter } from '../../src/http/rate-limit.ts';
import { PostgresRateLimiter } from '../../src/http/rate-limit-pg.ts';
import { feedbackFrom, resetDelayMs, waitAfterRateLimit, type RateLimitHeaderSpec } from '../../src/http/rate-limit-headers.ts';
import { HttpClient } from '../../src/http/client.ts';
import { vendorHttpClient } from '../../src/connectors/helpers/vendor-http.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { openDb } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { databaseKinds, freshPostgres } from '../support/databases.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('reading rate-limit headers', () => {
  test('reset units: epoch seconds, epoch ms, seconds until, HTTP date, auto', () => {
    assert.equal(resetDelayMs(String(NOW / 1000 + 30), 'epoch-seconds', NOW), 30_000);
    assert.equal(resetDelayMs(String(NOW + 1500), 'epoch-ms', NOW), 1500);
    assert.equal(resetDelayMs('12', 'seconds-until', NOW), 12_000);
    assert.equal(resetDelayMs(new Date(NOW + 5000).toUTCString(), 'http-date', NOW), 5000);
    assert.equal(resetDelayMs(String(NOW / 1000 + 2), 'auto', NOW), 2000);
    assert.equal(resetDelayMs(String(NOW + 2000), 'auto', NOW), 2000);
    assert.equal(resetDelayMs('3', 'auto', NOW), 3000);
    assert.equal(resetDelayMs(new Date(NOW + 4000).toUTCString(), 'auto', NOW), 4000);
    assert.equal(resetDelayMs(String(NOW / 1000 - 10), 'epoch-seconds', NOW), 0, 'a reset in the past means now');
    assert.equal(resetDelayMs('soon', 'seconds-until', NOW), undefined);
    assert.equal(resetDelayMs(undefined, 'auto', NOW), undefined);
  });

  const spec: RateLimitHeaderSpec = {
    limit: 'X-RateLimit-Limit',
    remaining: 'X-RateLimit-Remaining',
    reset: 'X-RateLimit-Reset',
    resetUnit: 'seconds-until',
    window: 'fixed',
    windowMs: 30_000,
  };

  test('feedback: the limit, a hold only when nothing remains and a reset is given, a budget in fixed windows', () => {
    assert.deepEqual(feedbackFrom({ 'x-ratelimit-limit': '75', 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '4' }, spec), {
      limit: 75,
      budget: { left: 10, forMs: 4000 },
    });
    assert.deepEqual(
      feedbackFrom({ 'x-ratelimit-limit': '75', 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': '4' }, { ...spec, window: 'rolling' }),
      { limit: 75 },
      'rolling: slots free one by one',
    );
    assert.deepEqual(feedbackFrom({ 'x-ratelimit-limit': '75', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4' }, spec), {
      limit: 75,
      holdMs: 4000,
    });
    assert.deepEqual(feedbackFrom({ 'x-ratelimit-remaining': '0' }, spec), null, 'no reset: our own window decides');
    assert.equal(feedbackFrom({}, spec), null);
    assert.equal(feedbackFrom({ 'x-ratelimit-limit': 'lots' }, spec), null);
  });

  test('a 429 without Retry-After waits for the reset, else the documented window when the limiter answered', () => {
    assert.equal(waitAfterRateLimit({ 'x-ratelimit-reset': '7' }, spec), 7000);
    assert.equal(waitAfterRateLimit({ 'x-ratelimit-limit': '10' }, spec), 30_000);
    assert.equal(waitAfterRateLimit({}, spec), undefined, 'a 429 from something else: the shared backoff');
    assert.equal(
      waitAfterRateLimit({ 'x-ratelimit-concurrent-limit': '8' }, { ...spec, alsoSignals: ['x-ratelimit-concurrent-limit'] }),
      30_000,
    );
  });
});

/** Lets queued promise callbacks run between fake-clock ticks. */
const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => queueMicrotask(r));
};

describe('in-process limiter on a fake clock', () => {
  afterEach(() => mock.timers.reset());

  /** Starts `n` acquisitions and records the fake time each was admitted at. */
  async function admitTimes(limiter: RateLimiter, n: number, spec = { requests: 5, perMs: 1000 }, stepMs = 50, untilMs = 10_000) {
    const at: number[] = [];
    for (let i = 0; i < n; i++) void limiter.acquire('k', spec).then(() => at.push(Date.now() - NOW));
    for (let t = 0; t <= untilMs && at.length < n; t += stepMs) {
      await flush();
      mock.timers.tick(stepMs);
    }
    await flush();
    return at;
  }

  test('without feedback: the configured limit per (widened) window', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const at = await admitTimes(new SlidingWindowLimiter(), 7);
    assert.equal(at.filter((t) => t === 0).length, 5);
    assert.ok(at[5] >= 1000 && at[6] >= 1000);
  });

  test('a hold stops every acquisition until it ends', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const limiter = new SlidingWindowLimiter();
    limiter.observe('k', { holdMs: 4000 });
    const at = await admitTimes(limiter, 3);
    assert.equal(at.length, 3);
    for (const t of at) assert.ok(t >= 4000 && t < 4200, `admitted at ${t} ms`);
  });

  test('a lower vendor limit replaces the configured one; a higher one never raises it', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const lower = new SlidingWindowLimiter();
    lower.observe('k', { limit: 2 });
    const a = await admitTimes(lower, 4);
    assert.deepEqual(a.slice(0, 2), [0, 0]);
    assert.ok(a[2] >= 1000, `third admitted at ${a[2]} ms`);

    mock.timers.reset();
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const higher = new SlidingWindowLimiter();
    higher.observe('k', { limit: 500 });
    const b = await admitTimes(higher, 7);
    assert.equal(b.filter((t) => t === 0).length, 5, 'still the configured 5');
  });

  test("fixed window: the vendor's remainder is a budget until its reset, whatever our own log says", async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const limiter = new SlidingWindowLimiter();
    // Someone else used the customer's key: 2 left for the next 3 s, though our log is empty.
    limiter.observe('k', { budget: { left: 2, forMs: 3000 } });
    // An answer to an older request, arriving late, says more remained: the smaller count stands.
    limiter.observe('k', { budget: { left: 4, forMs: 2900 } });
    const at = await admitTimes(limiter, 5);
    assert.deepEqual(at.slice(0, 2), [0, 0]);
    for (const t of at.slice(2)) assert.ok(t >= 3000, `admitted at ${t} ms, before the window ended`);
    assert.equal(at.filter((t) => t >= 3000 && t < 3100).length, 3, 'then the configured limit applies again');
  });

  test('a later window starts a new budget', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const limiter = new SlidingWindowLimiter();
    limiter.observe('k', { budget: { left: 0, forMs: 10_000 } });
    limiter.observe('k', { budget: { left: 3, forMs: 20_000 } });
    const at = await admitTimes(limiter, 4, { requests: 5, perMs: 1000 }, 100, 30_000);
    assert.deepEqual(at.slice(0, 3), [0, 0, 0]);
    assert.ok(at[3] >= 20_000, `the fourth waited for the new window's end: ${at[3]}`);
  });

  test('learning is per key', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: NOW });
    const limiter = new SlidingWindowLimiter();
    limiter.observe('other', { holdMs: 60_000, limit: 1 });
    const at = await admitTimes(limiter, 5);
    assert.deepEqual(at, [0, 0, 0, 0, 0]);
  });
});

describe('the shared client teaches the limiter', () => {
  /** A vendor that says what the test tells it to. */
  async function vendor(answer: (n: number) => { status: number; headers: Record<string, string> }) {
    let n = 0;
    const server: Server = createServer((_req, res) => {
      const a = answer(++n);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      count: () => n,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  }

  class Spy extends SlidingWindowLimiter {
    seen: unknown[] = [];
    override observe(key: string, f: { limit?: number; holdMs?: number }): void {
      this.seen.push({ key, ...f });
      super.observe(key, f);
    }
  }

  const headerSpec: RateLimitHeaderSpec = {
    limit: 'x-ratelimit-limit',
    remaining: 'x-ratelimit-remaining',
    reset: 'x-ratelimit-reset',
    resetUnit: 'seconds-until',
    window: 'fixed',
  };

  test('Remaining 0 with a reset holds the next call of the integration until then', async () => {
    const v = await vendor(() => ({
      status: 200,
      headers: { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
    }));
    try {
      const limiter = new Spy();
      const client = new HttpClient({
        tool: 'T',
        baseUrl: v.url,
        rateLimit: { requests: 100, perMs: 1000 },
        limiter,
        limiterKey: 'int-1',
        rateLimitHeaders: headerSpec,
      });
      await client.request({ method: 'GET', path: '/a' });
      assert.deepEqual(limiter.seen, [{ key: 'int-1', limit: 50, holdMs: 1000 }]);
      const started = Date.now();
      await client.request({ method: 'GET', path: '/b' });
      assert.ok(Date.now() - started >= 950, `held ${Date.now() - started} ms`);
    } finally {
      await v.close();
    }
  });

  test("a 429's Retry-After holds the integration's other calls too, not only the refused one", async () => {
    const v = await vendor((n): { status: number; headers: Record<string, string> } =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, headers: {} },
    );
    try {
      const limiter = new Spy();
      const opts = { tool: 'T', baseUrl: v.url, rateLimit: { requests: 100, perMs: 1000 }, limiter, limiterKey: 'int-2' };
      const refused = new HttpClient(opts).request({ method: 'GET', path: '/first' });
      await new Promise((r) => setTimeout(r, 200)); // the 429 has arrived
      const started = Date.now();
      await new HttpClient(opts).request({ method: 'GET', path: '/other' });
      assert.ok(Date.now() - started >= 700, `the other call waited ${Date.now() - started} ms`);
      await refused;
      assert.equal(v.count(), 3);
      assert.deepEqual(limiter.seen, [{ key: 'int-2', holdMs: 1000 }]);
    } finally {
      await v.close();
    }
  });

  test("a connector's clients learn from its API's origin only, not from a token endpoint on another host", async () => {
    const api = await vendor(() => ({ status: 200, headers: { 'x-ratelimit-limit': '7', 'x-ratelimit-remaining': '5' } }));
    const auth = await vendor(() => ({
      status: 200,
      headers: { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60) },
    }));
    try {
      const limiter = new Spy();
      const def = getConnector('greenhouse')!.definition;
      const shared = { rateLimit: { requests: 50, perMs: 1000 }, limiter, limiterKey: 'gh-1' };
      const harvest = vendorHttpClient(
        def,
        { credentials: { client_id: 'c', client_secret: 's' }, baseUrl: api.url },
        { token: () => 't' },
        shared,
      );
      await harvest.request({ method: 'GET', path: '/v3/jobs' });
      const mint = vendorHttpClient(
        def,
        { credentials: { client_id: 'c', client_secret: 's' }, baseUrl: api.url },
        { baseUrl: `${auth.url}/token` },
        shared,
      );
      await mint.request({ method: 'POST', path: `${auth.url}/token`, body: 'grant_type=client_credentials' });
      assert.deepEqual(limiter.seen, [{ key: 'gh-1', limit: 7 }], 'only the Harvest answer taught the limiter');
    } finally {
      await api.close();
      await auth.close();
    }
  });

  test('a hold is never longer than the longest wait the client would retry after', async () => {
    const v = await vendor(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    try {
      const limiter = new Spy();
      const client = new HttpClient({
        tool: 'T',
        baseUrl: v.url,
        rateLimit: { requests: 100, perMs: 1000 },
        limiter,
        limiterKey: 'int-3',
        retry: { maxDelayMs: 2000 },
      });
      await assert.rejects(client.request({ method: 'GET', path: '/x' }), (e: any) => e.code === 'REMOTE.RATE_LIMIT_EXCEEDED');
      assert.deepEqual(limiter.seen, [{ key: 'int-3', holdMs: 2000 }]);
    } finally {
      await v.close();
    }
  });
});

for (const kind of databaseKinds()) {
  describe(`deployment-wide limiter learns on ${kind}`, () => {
    async function dbs(n: number) {
      if (kind === 'pglite') {
        const db = await openDb({ databaseUrl: null, dataDir: '/nonexistent', memory: true });
        await migrate(db);
        return { all: Array.from({ length: n }, () => db), close: async () => db.close() };
      }
      const pg = await freshPostgres();
      const all = await Promise.all(Array.from({ length: n }, () => openDb({ databaseUrl: pg.url, dataDir: '/nonexistent' })));
      await migrate(all[0]);
      return {
        all,
        close: async () => {
          await Promise.all(all.map((d) => d.close()));
          await pg.drop();
        },
      };
    }

    test('a hold observed by one process stops admissions in another until it ends', async () => {
      const d = await dbs(2);
      try {
        const [a, b] = d.all.map((db) => new PostgresRateLimiter(db, { marginMs: 0 }));
        const spec = { requests: 10, perMs: 1000 };
        await a.acquire('int-h', spec);
        await a.observe('int-h', { holdMs: 600 });
        const started = Date.now();
        await b.acquire('int-h', spec);
        assert.ok(Date.now() - started >= 550, `admitted after ${Date.now() - started} ms`);
        // Other integrations are not held.
        const other = Date.now();
        await b.acquire('int-other', spec);
        assert.ok(Date.now() - other < 300);
      } finally {
        await d.close();
      }
    });

    test("a fixed window's remainder is a budget shared by every process until the window ends", async () => {
      const d = await dbs(2);
      try {
        const [a, b] = d.all.map((db) => new PostgresRateLimiter(db, { marginMs: 0 }));
        const spec = { requests: 50, perMs: 1000 };
        await a.observe('int-b', { budget: { left: 2, forMs: 800 } });
        await b.observe('int-b', { budget: { left: 5, forMs: 750 } }); // a late, older answer
        const times: number[] = [];
        const t0 = Date.now();
        await Promise.all(
          Array.from({ length: 4 }, (_, i) => [a, b][i % 2].acquire('int-b', spec).then(() => times.push(Date.now() - t0))),
        );
        times.sort((x, y) => x - y);
        assert.ok(times[1] < 400, `two at once: ${times}`);
        assert.ok(times[2] >= 700, `the rest waited for the window's end: ${times}`);
      } finally {
        await d.close();
      }
    });

    test('a lower learned limit caps admissions in every process; a higher one changes nothing', async () => {
      const d = await dbs(2);
      try {
        const [a, b] = d.all.map((db) => new PostgresRateLimiter(db, { marginMs: 0 }));
        const spec = { requests: 6, perMs: 700 };
        await a.observe('int-l', { limit: 2 });
        const times: number[] = [];
        const t0 = Date.now();
        await Promise.all(
          Array.from({ length: 4 }, (_, i) => [a, b][i % 2].acquire('int-l', spec).then(() => times.push(Date.now() - t0))),
        );
        times.sort((x, y) => x - y);
        assert.ok(times[1] < 300, `first two at once: ${times}`);
        assert.ok(times[2] >= 650, `the third waited for the window: ${times}`);

        await a.observe('int-m', { limit: 600 });
        const t1 = Date.now();
        await Promise.all(Array.from({ length: 6 }, (_, i) => [a, b][i % 2].acquire('int-m', spec)));
        assert.ok(Date.now() - t1 < 500, 'the configured 6 went at once');
        const t2 = Date.now();
        await a.acquire('int-m', spec);
        assert.ok(Date.now() - t2 >= 600, 'and never more than the configured 6');
      } finally {
        await d.close();
      }
    });
  });
}
