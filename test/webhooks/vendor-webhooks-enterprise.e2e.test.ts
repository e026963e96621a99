/**
 * Changes within a minute for the enterprise ATSs, end to end on PGlite (the shared machinery is
 * covered on PostgreSQL by vendor-webhooks.e2e.test.ts). SuccessFactors: an Intelligent Services
 * event sent by an Integration Center REST integration with Basic authentication, the password
 * being atsgate's secret; a change is verified, the candidate re-read once through OData and
 * Kombo's `data-changed` follows once; a redelivery re-reads nothing; a missing or wrong password
 * is 401, never 500. Workday and Oracle Recruiting Cloud: no webhook atsgate could take, said by
 * GET /v1/tools/ats and the dashboard.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestServer } from '../support/server.ts';
import { webhookReceiver } from '../support/webhooks.ts';
import { eventually } from '../support/eventually.ts';
import { CONNECTOR_CASES } from '../support/connector-suite.ts';
import { closeConnectedCase, connectCaseOnPglite, isDataChanged } from '../support/vendor-webhook-e2e.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { integrationPage } from '../../src/dashboard/pages.ts';
import { integrationPageInput } from '../support/dashboard.ts';
import type { VendorFake } from '../fakes/types.ts';
import { post } from '../fakes/webhook-sender.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('vendor webhooks: successfactors on pglite', { concurrency: 1 }, () => {
  const c = CONNECTOR_CASES.find((x) => x.tool === 'successfactors')!;
  let s: TestServer;
  let fake: VendorFake;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let integrationId: string;
  let url: string;
  let secret: string;
  const readsOf = (candidate: string) =>
    fake.server.journal.filter(
      (r) => r.method === 'GET' && r.path.endsWith('/Candidate') && r.query.get('$filter') === `candidateId eq ${candidate}`,
    ).length;
  const changes = () => receiver.received.filter((r) => isDataChanged(r.raw, integrationId)).length;

  before(async () => {
    ({ s, fake, receiver, integrationId } = await connectCaseOnPglite(c));
  });
  after(() => closeConnectedCase({ s, fake, receiver }));

  test('the URL and the secret to enter as the Basic password are shown; nothing is asked back', async () => {
    const res = await s.call('GET', `/v1/integrations/${integrationId}/vendor-webhook`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const view = res.body.data;
    assert.equal(view.setup, 'manual');
    assert.match(view.url, /\/v1\/vendor-webhooks\/[A-Za-z0-9_-]{43}$/);
    assert.match(view.secret, /^[0-9a-f]{48}$/);
    assert.equal(view.vendor_secret ?? null, null);
    assert.match(view.instructions, /Basic Authentication/);
    assert.match(view.instructions, /applicationId, candidateId and lastModifiedDateTime/);
    url = view.url;
    secret = view.secret;
  });

  test('a status change is re-read once and data-changed delivered once; a redelivery re-reads nothing', async () => {
    const [a, b] = fake.candidateRemoteIds();
    const readsBefore = readsOf(a);
    const before = changes();
    assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret }), [200]);
    await eventually('data-changed after the change', async () => changes() === before + 1);
    const readsAfter = readsOf(a);
    assert.equal(readsAfter, readsBefore + 1, 'the candidate was re-read from OData');
    const body = JSON.parse(receiver.received.filter((r) => isDataChanged(r.raw, integrationId))[before].raw);
    assert.ok(
      body.data.changed_models.some((m: { name: string }) => m.name === 'ats_applications'),
      JSON.stringify(body.data),
    );
    // The new status is what atsgate now serves.
    const apps = await s.call('GET', '/v1/ats/applications', { headers: { 'X-Integration-Id': integrationId } });
    assert.equal(apps.status, 200);
    const mine = apps.body.data.results.filter((x: { candidate: { remote_id: string } | null }) => x.candidate?.remote_id === a);
    assert.ok(
      mine.some((x: { current_stage: { name: string } | null }) => x.current_stage?.name === 'Phone Screen'),
      JSON.stringify(mine),
    );

    assert.deepEqual(await fake.webhooks!.redeliverLast(), [200]);
    assert.deepEqual(await fake.webhooks!.changeCandidate(b, { url, secret }), [200]);
    await eventually('data-changed after the second change', async () => changes() === before + 2);
    assert.equal(readsOf(a), readsAfter, 'the redelivered event caused no second re-read');
  });

  test('a configured payload naming no application or candidate asks for a delta sync', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('atsgate', secret) },
      body: JSON.stringify({ jobRequisition: { jobReqId: 7, at: Date.now() } }),
    });
    assert.equal(res.status, 200);
    const out = await res.json();
    assert.equal(out.data.delta_sync_queued, true, JSON.stringify(out));
    assert.equal(out.data.refreshed_candidates, 0);
  });

  test('no password, a wrong one or a malformed header is 401, never 500', async () => {
    const [a] = fake.candidateRemoteIds();
    assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret: 'not-the-secret-' + randomBytes(8).toString('hex') }), [401]);
    const body = JSON.stringify({ jobApplication: { applicationId: 1, candidateId: Number(a) } });
    for (const authorization of [
      '',
      'Basic',
      'Basic %%%',
      'Basic ' + Buffer.from('no-colon').toString('base64'),
      basic('atsgate', ''),
      basic(secret, 'atsgate'),
      `Bearer ${secret}`,
      'Basic ' + 'A'.repeat(6000),
    ])
      assert.equal(await post(url, authorization ? { authorization } : {}, body), 401, authorization.slice(0, 40));
    assert.equal(await post(url, {}, '{"no json'), 401);
    assert.equal(await post(url, { authorization: basic('atsgate', secret) }, '{"no json'), 200, 'verified, names nothing: a delta sync');
  });

  test('GET /v1/tools/ats names the SuccessFactors set-up and why Workday has none', async () => {
    const res = await s.call('GET', '/v1/tools/ats');
    assert.equal(res.status, 200);
    const byId = new Map(res.body.data.tools.map((t: { id: string; atsgate: unknown }) => [t.id, t.atsgate]));
    const hooks = (id: string) => (byId.get(id) as { vendor_webhooks: Record<string, unknown> | null }).vendor_webhooks;
    assert.deepEqual(hooks('successfactors'), {
      setup: 'manual',
      vendor_secret: null,
      docs: getConnector('successfactors')!.webhooks!.docs,
    });
    const wd = hooks('workday')!;
    assert.equal(wd.setup, 'unsupported');
    assert.match(String(wd.reason), /Integration System/);
    assert.deepEqual(wd.docs, getConnector('workday')!.webhooksUnavailable!.docs);
    const oracle = hooks('oraclerecruiting')!;
    assert.equal(oracle.setup, 'unsupported');
    assert.match(String(oracle.reason), /Atom feeds/);
    assert.deepEqual(oracle.docs, getConnector('oraclerecruiting')!.webhooksUnavailable!.docs);
  });

  test('deleting the integration makes its URL missing', async () => {
    const res = await s.call('DELETE', `/v1/integrations/${integrationId}`, { body: {} });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(await post(url, { authorization: basic('atsgate', secret) }, '{}'), 404);
  });
});

for (const tool of ['workday', 'oraclerecruiting'])
  test(`${tool}: the dashboard says the periodic sync is the path, with the pages it rests on`, () => {
    const c = getConnector(tool)!;
    assert.ok(!c.webhooks && c.webhooksUnavailable, 'webhooks or a reason, never both');
    const none = c.webhooksUnavailable!;
    const page = integrationPage({ ...integrationPageInput(`${tool}:x`), vendorWebhook: null });
    assert.match(page, /periodic sync/);
    assert.ok(page.includes(none.docs[0]), 'the vendor page is linked');
    assert.ok(!getConnector('successfactors')!.webhooksUnavailable, 'SuccessFactors has webhooks, so no reason for none');
  });
