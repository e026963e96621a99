/**
 * A vendor that refuses atsgate's webhook registration never costs the integration: Ashby
 * without the optional apiKeysWrite permission keeps the integration (synced, usable), records
 * the refusal, registers nothing half-way, and shows the URL and secret to add by hand — and a
 * webhook the customer then adds with them is taken.
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
    });
  });
}
