/**
 * Inbound rate limits per account and per integration: over a limit, Kombo's
 * PLATFORM.RATE_LIMIT_EXCEEDED with Retry-After; other accounts are not affected; another
 * account's integration id reveals nothing; on PostgreSQL two processes share one window.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { integrationSummary } from '../support/dashboard.ts';
import { AtsgateError } from '../../src/errors.ts';
import { InMemoryWindows, InboundRateLimiter } from '../../src/limits/inbound.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { databaseKinds } from '../support/databases.ts';

describe('the inbound limit policy (in memory, fake clock)', () => {
  test('counts per account and per integration in fixed windows, refuses with Retry-After, and opens again in the next window', async () => {
    let now = Date.parse('2026-12-04T10:00:10Z');
    const limiter = new InboundRateLimiter({ perAccount: 5, perIntegration: 3, windowSeconds: 60 }, new InMemoryWindows(() => now));
    const refused: string[] = [];
    limiter.refusals.add((scope) => refused.push(scope));
    for (let i = 1; i <= 3; i++) {
      const { headers } = await limiter.admit('acme', 'lever:acme');
      assert.equal(headers['ratelimit-remaining'], String(3 - i), 'the tighter limit is reported');
      assert.equal(headers['ratelimit-limit'], '3');
    }
    await assert.rejects(limiter.admit('acme', 'lever:acme'), (e: any) => {
      assert.ok(e instanceof AtsgateError);
      assert.equal(e.code, 'PLATFORM.RATE_LIMIT_EXCEEDED');
      assert.equal(e.status, 429);
      assert.equal(e.headers['retry-after'], '50', 'seconds to the next window');
      assert.match(e.message, /integration lever:acme may make 3 requests per minute/);
      return true;
    });
    // Requests without the integration still count against the account: 4 so far, one left.
    await limiter.admit('acme', null);
    await assert.rejects(limiter.admit('acme', null), /this account may make 5 requests per minute/);
    await limiter.admit('other', 'lever:other'); // another account is not affected
    assert.deepEqual(refused, ['integration', 'account']);
    now += 50_000; // the next window
    await limiter.admit('acme', 'lever:acme');
  });

  test('a limit of 0 is off', async () => {
    const limiter = new InboundRateLimiter({ perAccount: 0, perIntegration: 0, windowSeconds: 60 }, new InMemoryWindows());
    assert.equal(limiter.enabled, false);
    for (let i = 0; i < 100; i++) await limiter.admit('acme', 'x');
  });
});

/** Windows are an hour long in these tests, so a window edge cannot fall between two requests. */
const LIMITS = {
  ATSGATE_RATE_LIMIT_PER_ACCOUNT: '8',
  ATSGATE_RATE_LIMIT_PER_INTEGRATION: '4',
  ATSGATE_RATE_LIMIT_WINDOW_SECONDS: '3600',
  ATSGATE_METRICS_TOKEN: 'metrics_' + 'm'.repeat(24),
};

async function awayFromWindowEdge(): Promise<void> {
  const intoWindow = (Date.now() / 1000) % 3600;
  if (intoWindow > 3590) await new Promise((r) => setTimeout(r, (3600 - intoWindow + 1) * 1000));
}

for (const kind of databaseKinds()) {
  describe(`inbound limits through the API on ${kind}`, () => {
    let s: TestServer;
    let other: string;
    before(async () => {
      s = await startTestServer(kind, { env: LIMITS });
      other = (await createApiKey(s.started.db, 'limits-other-account', 'other')).key;
    });
    after(async () => s?.close());

    test('an integration over its limit gets 429 PLATFORM.RATE_LIMIT_EXCEEDED with Retry-After; other accounts do not notice', async () => {
      await awayFromWindowEdge();
      for (let i = 0; i < 4; i++) {
        const res = await s.call('GET', '/v1/ats/jobs?page_size=1', { integrationId: 'sandbox:demo' });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.headers.get('ratelimit-remaining'), String(3 - i));
      }
      const over = await s.call('GET', '/v1/ats/jobs?page_size=1', { integrationId: 'sandbox:demo' });
      assert.equal(over.status, 429);
      assert.equal(over.body.status, 'error');
      assert.equal(over.body.error.code, 'PLATFORM.RATE_LIMIT_EXCEEDED');
      const retryAfter = Number(over.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);

      // Another account: its own count, and naming this account's integration counts as naming none.
      const foreign = await fetch(`${s.url}/v1/ats/jobs`, {
        headers: { authorization: `Bearer ${other}`, 'x-integration-id': 'sandbox:demo' },
      });
      assert.equal(foreign.status, 404, 'the foreign integration is simply not found, not rate limited');
      assert.equal(foreign.headers.get('ratelimit-limit'), '8', "the account's limit, not the integration's");

      // The account still has requests left for calls that name no integration.
      const check = await s.call('GET', '/v1/check-api-key');
      assert.equal(check.status, 200);
      // The dashboard's reading of the window counts what was counted, the refused request included.
      const usage = await s.started.rt.inboundLimiter.usage('default', ['sandbox:demo']);
      assert.deepEqual(usage.integrations['sandbox:demo'], { limit: 4, used: 5 });
      // The operator sees the refusal in the metrics.
      const scrape = await (
        await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${LIMITS.ATSGATE_METRICS_TOKEN}` } })
      ).text();
      assert.match(scrape, /^atsgate_inbound_rate_limited_total\{scope="integration"\} 1$/m);
    });
  });
}

if (databaseKinds().includes('postgres'))
  describe('inbound limits are deployment-wide on postgres: two processes share one window', () => {
    let a: TestServer | undefined;
    let b: TestServer | undefined;
    before(async () => {
      a = await startTestServer('postgres', { env: LIMITS });
      b = await startTestServer('postgres', { reuse: a, env: LIMITS });
    });
    after(async () => {
      await b?.close({ keepData: true });
      await a?.close();
    });

    test('4 requests spread over two servers use up the integration; the next one is refused on either', async () => {
      assert.ok(a && b);
      await awayFromWindowEdge();
      for (const server of [a, b, a, b])
        assert.equal((await server.call('GET', '/v1/ats/jobs?page_size=1', { integrationId: 'sandbox:demo' })).status, 200);
      for (const server of [a, b]) {
        const res = await server.call('GET', '/v1/ats/jobs?page_size=1', { integrationId: 'sandbox:demo' });
        assert.equal(res.status, 429, 'per-process counting would have allowed 4 on each');
        assert.equal(res.body.error.code, 'PLATFORM.RATE_LIMIT_EXCEEDED');
      }
    });
  });

describe('inbound limits on the dashboard', () => {
  test("the integrations page shows the account's use of the window and each integration's", async () => {
    const { integrationsPage } = await import('../../src/dashboard/pages.ts');
    let now = Date.parse('2026-12-04T10:00:10Z');
    const limiter = new InboundRateLimiter({ perAccount: 8, perIntegration: 4, windowSeconds: 60 }, new InMemoryWindows(() => now));
    for (let i = 0; i < 3; i++) await limiter.admit('acme', 'lever:acme');
    await limiter.admit('acme', null);
    const usage = await limiter.usage('acme', ['lever:acme', 'ashby:acme']);
    assert.deepEqual(usage, {
      windowSeconds: 60,
      account: { limit: 8, used: 4 },
      integrations: { 'lever:acme': { limit: 4, used: 3 }, 'ashby:acme': { limit: 4, used: 0 } },
    });
    const html = integrationsPage('acme', [integrationSummary('lever:acme'), integrationSummary('ashby:acme')], usage);
    assert.match(html, /this account 4 of 8 requests this minute; each integration at most 4 per minute/);
    assert.match(html, />3 \/ 4<\/td>/);
    now += 60_000;
    assert.equal((await limiter.usage('acme', ['lever:acme'])).account?.used, 0, 'a new window starts empty');
    const off = new InboundRateLimiter({ perAccount: 0, perIntegration: 0, windowSeconds: 60 }, new InMemoryWindows());
    assert.match(integrationsPage('acme', [], await off.usage('acme', [])), /Request limits: off/);
  });
});
