/**
 * A vendor that refuses atsgate's webhook registration never costs the integration: Ashby
 * without the optional apiKeysWrite permission keeps the integration (synced, usable), records
 * the refusal, registers nothing half-way, and shows the URL and secret to add by hand — and a
 * webhook the customer then adds with them is taken. An event whose re-read cannot be queued
 * is released (500), so the vendor's retry of it counts.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { databaseKinds } from '../support/databases.ts';
import { startAshbyFake, type AshbyFake } from '../fakes/ashby.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { viewVendorWebhook } from '../../src/webhooks/vendor/endpoint.ts';

for (const kind of databaseKinds()) {
  describe(`vendor webhook registration refused (Ashby without apiKeysWrite) on ${kind}`, () => {
    let s: TestServer;
    let fake: AshbyFake;

    before(async () => {
      fake = await startAshbyFake();
      fake.scopes.delete('apiKeys:write');
      s = await startTestServer(kind);
    });
    after(async () => {
      await s?.close();
      await fake?.stop();
    });

    test('the integration is kept and synced; the URL and secret are shown; a hand-added webhook works', async () => {
      const integration = await connectIntegration(s.started.rt, {
        accountId: 'default',
        tool: 'ashby',
        organizationName: 'Acme',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      assert.equal(integration.setup_status, 'COMPLETED');
      assert.equal(fake.webhooks!.registered().length, 0, 'nothing registered');
      const refusedCalls = fake.server.journal.filter((r) => r.path === '/webhook.create');
      assert.equal(refusedCalls.length, 1, 'the first refusal stops the registration');

      const view = (await s.call('GET', `/v1/integrations/${integration.id}/vendor-webhook`)).body.data;
      assert.equal(view.setup, 'failed');
      assert.match(view.last_error, /apiKeysWrite/);
      assert.ok(view.secret, 'the secret to paste is shown');
      const direct = await viewVendorWebhook(s.started.rt, 'default', integration);
      assert.equal(direct?.url, view.url);

      const [candidate] = fake.candidateRemoteIds();
      const statuses = await fake.webhooks!.changeCandidate(candidate, { url: view.url, secret: view.secret });
      assert.deepEqual(statuses, [200], 'the hand-added webhook verifies with the shown secret');
      const res = await s.call('GET', `/v1/integrations/${integration.id}`);
      assert.equal(res.status, 200, 'the integration is still there');

      // The re-read cannot be queued (job engine down): 500, and the event is not taken, so the
      // vendor's retry of the very same delivery is processed rather than taken for a duplicate.
      const taken = async () =>
        (
          await s.started.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vendor_webhook_events WHERE integration_id = $1', [
            integration.id,
          ])
        ).rows[0].n;
      const before = await taken();
      const jobs = s.started.rt.jobs;
      const add = jobs.add.bind(jobs);
      jobs.add = async () => {
        throw new Error('job engine unavailable');
      };
      try {
        assert.deepEqual(await fake.webhooks!.changeCandidate(candidate, { url: view.url, secret: view.secret }), [500]);
      } finally {
        jobs.add = add;
      }
      assert.equal(await taken(), before, 'the failed event was released');
      assert.deepEqual(await fake.webhooks!.redeliverLast(), [200]);
      assert.equal(await taken(), before + 1, 'the retry was taken as a new event');
    });
  });
}
