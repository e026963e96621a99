/**
 * GET /metrics: who may scrape it, that a write, a sync and a vendor 429 show up in the
 * series they should, that nothing secret is in the scrape, and that request logs carry the
 * integration they are about. Counts only: timings never go in unit tests.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../../src/store/keys.ts';
import { Writable } from 'node:stream';
import { startTestServer, type TestServer } from '../support/server.ts';
import { databaseKinds } from '../support/databases.ts';
import { startLeverFake, type LeverFake } from '../fakes/lever.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { buildApp } from '../../src/api/app.ts';

const METRICS_TOKEN = 'metrics_' + 'x'.repeat(24);

/** The value of one series in a Prometheus text scrape, or undefined. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

for (const kind of databaseKinds()) {
  describe(`GET /metrics (${kind})`, () => {
    let s: TestServer;
    let fake: LeverFake;
    let integrationId: string;

    before(async () => {
      s = await startTestServer(kind, { env: { ATSGATE_METRICS_TOKEN: METRICS_TOKEN } });
      fake = await startLeverFake();
      const integration = await connectIntegration(s.started.rt, {
        accountId: 'default',
        tool: 'lever',
        organizationName: 'Metrics Co',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      integrationId = integration.id;
    });
    after(async () => {
      await s?.close();
      await fake?.stop();
    });

    const scrape = (authorization?: string) => fetch(`${s.url}/metrics`, { headers: authorization ? { authorization } : {} });

    test('refuses a scrape without credentials or with wrong ones (401 envelope)', async () => {
      for (const auth of [undefined, 'Bearer not-the-token-at-all-000000', 'Basic abc']) {
        const res = await scrape(auth);
        assert.equal(res.status, 401);
        const body = await res.json();
        assert.equal(body.status, 'error');
        assert.equal(body.error.code, 'PLATFORM.AUTHENTICATION_INVALID');
      }
    });

    test('the metrics token sees every series', async () => {
      const res = await scrape(`Bearer ${METRICS_TOKEN}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await res.text();
      assert.match(text, /# TYPE atsgate_http_requests_total counter/);
      assert.ok(sample(text, 'atsgate_sync_lag_seconds', { integration_id: integrationId, tool: 'lever' }) !== undefined);
    });

    test("an account's API key sees only its own integrations' series, never another account's or deployment-wide ones", async () => {
      const other = (await createApiKey(s.started.db, 'metrics-other-account', 'other')).key;
      const res = await scrape(`Bearer ${other}`);
      assert.equal(res.status, 200);
      const otherView = await res.text();
      assert.ok(!otherView.includes(integrationId), "the other account does not learn this account's integration");
      assert.doesNotMatch(
        otherView,
        /atsgate_http_requests_total|atsgate_job_queue_depth|atsgate_ats_calls_total/,
        'no deployment-wide series',
      );

      const own = await (await scrape(`Bearer ${s.apiKey}`)).text();
      const lag = sample(own, 'atsgate_sync_lag_seconds', { integration_id: integrationId, tool: 'lever' });
      assert.ok(lag !== undefined && lag >= 0, "the owner sees its integration's sync lag");
      assert.match(own, /# TYPE atsgate_sync_lag_seconds gauge/);
      assert.doesNotMatch(own, /atsgate_http_requests_total/, "deployment-wide series are the operator's only");
    });

    test('a write, a sync and a vendor 429 appear in their series; no secret does', async () => {
      const candidates = await s.call('GET', '/v1/ats/candidates?page_size=5', { integrationId });
      assert.equal(candidates.status, 200);
      const candidateId = candidates.body.data.results[0].id;
      fake.failNext(1, 429); // retried by the client, then the write succeeds
      const write = await s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
        integrationId,
        body: { label: 'Assessment', url: 'https://example.com/result/1' },
      });
      assert.equal(write.status, 200, JSON.stringify(write.body));

      const res = await scrape(`Bearer ${METRICS_TOKEN}`);
      const text = await res.text();
      const route = '/v1/ats/candidates/:candidate_id/result-links';
      assert.ok(
        (sample(text, 'atsgate_http_requests_total', { method: 'POST', route, status: '200' }) ?? 0) >= 1,
        'write counted by route pattern',
      );
      assert.ok((sample(text, 'atsgate_http_request_duration_seconds_count', { method: 'POST', route }) ?? 0) >= 1);
      assert.ok(!text.includes(candidateId), 'raw URLs (with ids) are not labels');
      assert.ok((sample(text, 'atsgate_ats_calls_total', { tool: 'Lever', status: '200' }) ?? 0) > 0, 'outbound calls counted');
      assert.ok((sample(text, 'atsgate_ats_calls_total', { tool: 'Lever', status: '429' }) ?? 0) >= 1);
      assert.ok((sample(text, 'atsgate_ats_rate_limited_total', { tool: 'Lever' }) ?? 0) >= 1, 'vendor 429 counted apart');
      assert.ok((sample(text, 'atsgate_ats_call_duration_seconds_count', { tool: 'Lever' }) ?? 0) > 0);
      assert.ok(
        (sample(text, 'atsgate_sync_duration_seconds_count', { tool: 'lever', type: 'FULL', state: 'SUCCEEDED' }) ?? 0) >= 1,
        'sync observed',
      );
      const lag = sample(text, 'atsgate_sync_lag_seconds', { integration_id: integrationId, tool: 'lever' });
      assert.ok(lag !== undefined && lag >= 0, 'sync lag of the integration');
      assert.ok(sample(text, 'atsgate_job_queue_depth') !== undefined, 'queue depth');
      assert.ok(sample(text, 'atsgate_read_backs_pending') !== undefined, 're-reads pending after writes');
      assert.equal(sample(text, 'atsgate_writes_in_flight'), 0, 'actions in flight, deployment-wide: the write is over');

      for (const secret of [s.apiKey, METRICS_TOKEN, s.env.ATSGATE_SECRET, String(fake.credentials.api_key)]) {
        assert.ok(!text.includes(secret), 'no secret in the scrape');
      }
    });

    test('request logs carry the integration id and tool, never the API key', async () => {
      const lines: string[] = [];
      const stream = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
      const app = await buildApp(s.started.rt, { logger: { level: 'info', stream } });
      try {
        const res = await app.inject({
          method: 'GET',
          url: '/v1/ats/jobs',
          headers: { authorization: `Bearer ${s.apiKey}`, 'x-integration-id': integrationId },
        });
        assert.equal(res.statusCode, 200);
      } finally {
        await app.close();
      }
      const completed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed');
      assert.ok(completed, 'fastify wrote its completion line');
      assert.equal(completed.integration_id, integrationId);
      assert.equal(completed.tool, 'lever');
      assert.ok(!lines.join('').includes(s.apiKey));
    });
  });
}
