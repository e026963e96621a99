import '../support/fast-retries.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connector } from '../../src/connectors/personio/index.ts';
import { MISSING, RECRUITING_SCOPE } from '../../src/connectors/personio/definition.ts';
import { parseTimestamp } from '../../src/connectors/personio/read.ts';
import { coverage } from '../../src/connectors/coverage.ts';
import { connectPage } from '../support/connector-checks.ts';
import { connectableTools } from '../../src/connect/service.ts';
import { connectorsTable } from '../../src/docs/connectors-table.ts';
import type { ApplicationRef, CandidateRef, ResultLinkInput } from '../../src/connectors/types.ts';
import { connectorContext, collect } from '../support/connector-context.ts';
import { contextCache, journalMarks } from '../support/connector-unit.ts';
import { rejectsWithCode as rejectsWith } from '../support/assertions.ts';
import { startPersonioFake, type PersonioFake } from '../fakes/personio.ts';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PAGE_SIZE } from '../../src/connectors/personio/client.ts';

/** Personio's own v2 common components (test/specs/personio/PROVENANCE.md). */
const components = JSON.parse(readFileSync(new URL('../specs/personio/common-components-v2.json', import.meta.url), 'utf8'));
function vendorSchema(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: 'personio', components: components.components }, 'personio');
  return ajv.getSchema(`personio#/components/schemas/${name}`)!;
}

const link: ResultLinkInput = { label: 'Acme test', url: 'https://acme.example/r/1', details: null, remote_fields: {} };

describe('Personio connector', () => {
  let fake: PersonioFake;
  const ctxOf = contextCache(connector as any, () => fake);
  const { since, requestsSince } = journalMarks(() => fake);

  before(async () => {
    // 450 candidates and 600 applications: three pages of 200 each.
    fake = await startPersonioFake({ candidateCount: 450, rateLimit: { limit: 1000, windowMs: 1000 } });
  });
  after(() => fake.stop());

  describe('checkCredentials', () => {
    test('mints a client-credentials token with a form-urlencoded body, then reads with the Bearer token', async () => {
      const mark = since();
      await connector.checkCredentials(ctxOf());
      const [tokenReq, ...reads] = requestsSince(mark);
      assert.equal(tokenReq.method, 'POST');
      assert.equal(tokenReq.path, '/v2/auth/token');
      assert.match(String(tokenReq.headers['content-type']), /application\/x-www-form-urlencoded/);
      const form = new URLSearchParams(tokenReq.raw.toString());
      assert.equal(form.get('grant_type'), 'client_credentials');
      assert.equal(form.get('client_id'), fake.credentials.client_id);
      assert.equal(form.get('client_secret'), fake.credentials.client_secret);
      assert.deepEqual(
        reads.map((r) => r.path),
        ['/v2/recruiting/candidates', '/v2/recruiting/applications', '/v2/recruiting/jobs'],
      );
      assert.ok(reads.every((r) => /^Bearer tok_/.test(String(r.headers.authorization))));
    });
    test('the client secret never reaches the interaction log', async () => {
      const { ctx, calls } = connectorContext(connector as any, fake.credentials, fake.url);
      await connector.checkCredentials(ctx);
      const token = calls.find((c) => c.url.endsWith('/v2/auth/token'))!;
      assert.equal(token.request_body, '[raw body, redacted]');
      assert.ok(!JSON.stringify(calls).includes(String(fake.credentials.client_secret)));
    });
    test("a wrong secret is INTEGRATION.AUTHENTICATION_INVALID with Personio's OAuth message, and the secret stays out", async () => {
      const err = await rejectsWith(
        connector.checkCredentials(ctxOf(fake.badCredentials)),
        'INTEGRATION.AUTHENTICATION_INVALID',
        'The client credentials are invalid',
      );
      assert.ok(!err.message.includes(String(fake.badCredentials.client_secret)));
      assert.match(err.message, /HTTP 400/);
    });
    test("credentials without recruiting access are INTEGRATION.PERMISSION_MISSING naming the scope and Personio's detail", async () => {
      const err = await rejectsWith(
        connector.checkCredentials(ctxOf(fake.limitedCredentials)),
        'INTEGRATION.PERMISSION_MISSING',
        RECRUITING_SCOPE,
      );
      assert.match(err.message, /Personio: The access token lacks the required scope/);
      assert.match(err.message, /API credentials/);
    });
  });

  describe('reads', () => {
    test('readCandidates walks every cursor page (3 × 200) following _meta.links.next', async () => {
      const mark = since();
      const pages: number[] = [];
      for await (const p of connector.readCandidates(ctxOf(), {})) pages.push(p.length);
      const calls = requestsSince(mark).filter((r) => r.path === '/v2/recruiting/candidates');
      assert.equal(calls.length, 3);
      assert.deepEqual(pages, [200, 200, 50]);
      assert.equal(calls[0].query.get('limit'), '200');
      assert.equal(calls[0].query.get('cursor'), null);
      assert.equal(calls[1].query.get('cursor'), 'cur_200');
      assert.equal(calls[2].query.get('cursor'), 'cur_400');
      assert.ok(
        calls.every((c) => c.query.get('limit') === '200'),
        'the next link keeps the limit',
      );
      const all = await collect(connector.readCandidates(ctxOf(), {}));
      assert.deepEqual(all.map((c) => c.remote_id).sort(), [...fake.candidateRemoteIds()].sort());
      const first = all.find((c) => c.remote_id === '500001')!;
      assert.equal(first.first_name, 'Ben');
      assert.equal(first.last_name, 'Müller');
      assert.deepEqual(first.email_addresses, [{ email_address: 'ben.müller.1@example.com', type: null }]);
      assert.deepEqual(first.phone_numbers, [{ phone_number: '+49 30 12341', type: null }]);
      assert.equal((first.remote_updated_at as Date).toISOString(), '2026-09-01T08:15:00.000Z');
    });

    test('readApplications links candidate and job, maps the stage and outcome, reads {date-time} timestamps as UTC', async () => {
      const apps = await collect(connector.readApplications(ctxOf(), {}));
      assert.equal(apps.length, fake.applicationRemoteIds().length);
      assert.equal(apps.length, 600);
      const a = apps.find((x) => x.remote_id === '900000')!;
      assert.equal(a.candidate_remote_id, '500000');
      assert.equal(a.job_remote_id, '1001');
      assert.deepEqual(a.current_stage, { remote_id: 's-new', name: 'Unassigned' });
      assert.equal(a.outcome, 'PENDING');
      assert.equal((a.remote_created_at as Date).toISOString(), '2026-09-01T08:00:00.000Z');
      assert.equal(apps.find((x) => x.remote_id === '900030')!.outcome, 'HIRED');
      assert.equal(apps.find((x) => x.remote_id === '900040')!.outcome, 'DECLINED');
    });

    test('readJobs maps names, departments and states from { date, timezone } timestamps', async () => {
      const jobs = await collect(connector.readJobs(ctxOf(), {}));
      assert.deepEqual(
        jobs.map((j) => [j.remote_id, j.name, j.department, j.status]),
        [
          ['1003', 'Office Manager', 'Operations', 'ARCHIVED'],
          ['1002', 'Product Designer', 'Design', 'DRAFT'],
          ['1001', 'Backend Engineer', 'Engineering', 'OPEN'],
        ],
      );
      assert.equal((jobs[2].remote_updated_at as Date).toISOString(), '2026-09-01T08:01:00.000Z');
    });

    test('a delta sends updated_at.gt one second early, so a change in the same second is not lost', async () => {
      fake.touchCandidate('500007');
      const changedAt = fake.candidateUpdatedAt('500007');
      // The caller's cursor is later than Personio's whole-second timestamp, within the same second.
      const after = new Date(changedAt.getTime() + 400);
      const mark = since();
      const delta = await collect(connector.readCandidates(ctxOf(), { updatedAfter: after }));
      assert.deepEqual(
        delta.map((c) => c.remote_id),
        ['500007'],
      );
      const call = requestsSince(mark).find((r) => r.path === '/v2/recruiting/candidates')!;
      assert.equal(call.query.get('updated_at.gt'), new Date(after.getTime() - 1000).toISOString());
      assert.equal(call.query.get('updated_at.lt'), null, 'never both filters (mutually exclusive)');
      const apps = await collect(connector.readApplications(ctxOf(), { updatedAfter: new Date('2030-01-01T00:00:00Z') }));
      assert.deepEqual(apps, []);
    });

    test('timestamps: every shape Personio may send', () => {
      assert.equal(
        parseTimestamp({ date: '2026-01-02T03:04:05.000Z', timezone: 'Europe/Berlin' })!.toISOString(),
        '2026-01-02T03:04:05.000Z',
      );
      assert.equal(
        parseTimestamp({ 'date-time': '2026-01-02T03:04:05', timezone: 'Europe/Berlin' })!.toISOString(),
        '2026-01-02T03:04:05.000Z',
        'no offset: UTC',
      );
      assert.equal(
        parseTimestamp({ 'date-time': '2026-01-02T03:04:05.000Z', timezone: 'Europe/Berlin' })!.toISOString(),
        '2026-01-02T03:04:05.000Z',
      );
      assert.equal(parseTimestamp('2026-01-02T05:04:05+02:00')!.toISOString(), '2026-01-02T03:04:05.000Z');
      assert.equal(parseTimestamp(null), null);
      assert.equal(parseTimestamp({ timezone: 'Europe/Berlin' }), null);
      assert.equal(parseTimestamp('not a date'), null);
    });
  });

  describe('tokens', () => {
    test('one token serves many reads; a revoked token is replaced once on the 401', async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx;
      const before = fake.tokensMinted();
      await collect(connector.readJobs(ctx, {}));
      await collect(connector.readJobs(ctx, {}));
      assert.equal(fake.tokensMinted() - before, 1, 'cached');
      fake.revokeTokens();
      const jobs = await collect(connector.readJobs(ctx, {}));
      assert.equal(jobs.length, 3);
      assert.equal(fake.tokensMinted() - before, 2, 'minted again after the 401');
    });
    test('a token response without expires_in still works', async () => {
      const f = await startPersonioFake({ candidateCount: 3, tokenLifetimeSeconds: null });
      try {
        const ctx = connectorContext(connector as any, f.credentials, f.url).ctx;
        assert.equal((await collect(connector.readCandidates(ctx, {}))).length, 3);
      } finally {
        await f.stop();
      }
    });
  });

  describe('errors', () => {
    test('a 429 without Retry-After is retried after at least a second, and the read completes', async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx;
      await collect(connector.readJobs(ctx, {})); // token in hand
      fake.failNext(1, 429);
      const started = Date.now();
      const jobs = await collect(connector.readJobs(ctx, {}));
      assert.equal(jobs.length, 3);
      assert.ok(Date.now() - started >= 1000, `waited ${Date.now() - started} ms`);
    });
    test("a 503 storm is REMOTE.SERVICE_UNAVAILABLE with Personio's detail; a short outage is retried", async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx;
      await collect(connector.readJobs(ctx, {}));
      fake.failNext(10, 503);
      await rejectsWith(collect(connector.readJobs(ctx, {})), 'REMOTE.SERVICE_UNAVAILABLE', 'The server is temporarily unavailable');
      fake.failNext(0, 503);
      fake.failNext(2, 500);
      assert.equal((await collect(connector.readJobs(ctx, {}))).length, 3);
    });
    test('a 500 on the token endpoint is retried (minting changes nothing)', async () => {
      const ctx = connectorContext(connector as any, fake.credentials, fake.url).ctx;
      fake.failNext(1, 500);
      assert.equal((await collect(connector.readJobs(ctx, {}))).length, 3);
    });
  });

  describe('writes: Personio has none, and says what it lacks', () => {
    const cand: CandidateRef = { remote_id: '500000', applications: [] };
    const app: ApplicationRef = { remote_id: '900000', candidate_remote_id: '500000', job_remote_id: '1001', outcome: 'PENDING' };
    test('result links, attachments and attachment lists answer INTEGRATION.ACTION_NOT_AVAILABLE without calling Personio', async () => {
      const mark = since();
      const ctx = ctxOf();
      const e1 = await rejectsWith(
        connector.addCandidateResultLink(ctx, cand, link),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        MISSING.resultLinks,
      );
      assert.equal(e1.status, 400);
      await rejectsWith(
        connector.addApplicationResultLink(ctx, app, link),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        'only reads jobs, candidates and applications',
      );
      const file = { name: 'cv.pdf', type: 'CV' as const, content_type: 'application/pdf', file: new Blob(['%PDF']), remote_fields: {} };
      await rejectsWith(connector.addCandidateAttachment(ctx, cand, file), 'INTEGRATION.ACTION_NOT_AVAILABLE', 'new application');
      await rejectsWith(
        connector.listCandidateAttachments(ctx, cand),
        'INTEGRATION.ACTION_NOT_AVAILABLE',
        "does not return candidates' files",
      );
      assert.equal(requestsSince(mark).length, 0);
    });
    test('the definition says so: every write action UNSUPPORTED, reads SUPPORTED', () => {
      const cov = coverage(connector.definition);
      assert.deepEqual(
        cov.write_actions.map((w) => w.coverage_status),
        Array(11).fill('UNSUPPORTED'),
      );
      assert.deepEqual(
        cov.read_models.map((m) => m.coverage_status),
        ['SUPPORTED', 'SUPPORTED', 'SUPPORTED', 'UNSUPPORTED', 'UNSUPPORTED', 'UNSUPPORTED'],
        'jobs, candidates, applications; no users, tags or rejection reasons',
      );
      assert.equal(connector.definition.capabilities.attachments.unavailable, MISSING.attachments);
      const row = connectorsTable()
        .split('\n')
        .find((l) => l.startsWith('| Personio |'))!;
      assert.match(
        row,
        /^\| Personio \| — \/ — \| — \| Not possible: .* \| — \| — \/ — \| Not possible: Personio's API has no candidate tags .* \| — \(read-only: .*\) \| yes \|$/,
      );
    });
  });

  describe("the fake against Personio's published v2 components", () => {
    test('error bodies are ErrorResponse, list metadata is MetaObject, job timestamps DateTimeWithTimezone, our page size within Pagination', async () => {
      const errorResponse = vendorSchema('ErrorResponse');
      const meta = vendorSchema('MetaObject');
      const dateTime = vendorSchema('DateTimeWithTimezone');
      const token = (
        await (
          await fetch(`${fake.url}/v2/auth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'client_credentials', ...(fake.credentials as Record<string, string>) }),
          })
        ).json()
      ).access_token;
      const limitedToken = (
        await (
          await fetch(`${fake.url}/v2/auth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'client_credentials', ...(fake.limitedCredentials as Record<string, string>) }),
          })
        ).json()
      ).access_token;
      const get = (path: string, t?: string) => fetch(`${fake.url}${path}`, { headers: t ? { authorization: `Bearer ${t}` } : {} });
      const errors = [
        await get('/v2/recruiting/candidates'),
        await get('/v2/recruiting/candidates', limitedToken),
        await get('/v2/recruiting/candidates?limit=500', token),
        await get('/v2/recruiting/candidates?updated_at.gt=2026-01-01T00:00:00Z&updated_at.lt=2026-02-01T00:00:00Z', token),
      ];
      assert.deepEqual(
        errors.map((r) => r.status),
        [401, 403, 400, 400],
      );
      for (const r of errors) {
        const body = await r.json();
        assert.ok(errorResponse(body), JSON.stringify(errorResponse.errors));
        assert.ok(body.errors[0].detail && body.personio_trace_id);
      }
      fake.failNext(1, 503);
      const unavailable = await get('/v2/recruiting/jobs', token);
      assert.equal(unavailable.status, 503);
      assert.ok(errorResponse(await unavailable.json()));
      const page = await (await get('/v2/recruiting/jobs?limit=2', token)).json();
      assert.ok(meta(page._meta), JSON.stringify(meta.errors));
      assert.ok(page._meta.links.next.href.includes('cursor='));
      for (const j of page._data) assert.ok(dateTime(j.updated_at) && dateTime(j.created_at), JSON.stringify(dateTime.errors));
      const limit = components.components.parameters.Pagination.schema;
      assert.ok(PAGE_SIZE >= limit.minimum && PAGE_SIZE <= limit.maximum);
    });
  });

  describe('connect page', () => {
    test('Personio is offered, with a Client ID field and a secret field, each saying where to find it', () => {
      assert.ok(connectableTools().some((d) => d.id === 'personio'));
      const html = connectPage(connector.definition);
      assert.match(html, /<label for="f-client_id">Client ID<\/label>/);
      assert.match(html, /id="f-client_secret" name="cred_client_secret"[^>]*type="password"/);
      assert.match(html, /Settings → Integrations → API credentials/);
      assert.ok(html.includes(RECRUITING_SCOPE), 'the help names the scope to grant');
    });
  });
});
