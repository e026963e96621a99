/**
 * The ATSs' own webhooks, end to end against each vendor fake that models them: atsgate
 * registers its URL on create (or shows it for pasting), a change in the fake arrives signed,
 * is verified, taken once, re-read from the vendor's API, and Kombo's `data-changed` reaches
 * the receiver once; a redelivery re-reads nothing; bad signatures are 401 and unknown tokens
 * 404 (never a 500); deleting the integration removes what was registered.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/server.ts';
import { databaseKinds } from '../support/databases.ts';
import { webhookReceiver } from '../support/webhooks.ts';
import { eventually } from '../support/eventually.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { viewVendorWebhook } from '../../src/webhooks/vendor/endpoint.ts';
import type { VendorFake } from '../fakes/types.ts';
import { post } from '../fakes/webhook-sender.ts';
import { VENDOR_FAKES } from './vendor-fakes.ts';

const dataChanged = (raw: string, integrationId: string) => {
  const b = JSON.parse(raw);
  return b.type === 'data-changed' && b.data.integration_id === integrationId;
};

// Each vendor × database block has its own fake, server and receiver, so the blocks run side by
// side (most of their time is waiting on the fakes' rate windows during the first syncs).
describe('vendor webhooks end to end', { concurrency: 4 }, () => {
  for (const kind of databaseKinds()) {
    for (const v of VENDOR_FAKES) {
      describe(`vendor webhooks: ${v.tool} on ${kind}`, { concurrency: 1 }, () => {
        let s: TestServer;
        let fake: VendorFake;
        let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
        let integrationId: string;
        let otherId: string;
        let view: { setup: string; url: string; secret: string | null };

        const connect = (accountId: string) =>
          connectIntegration(s.started.rt, {
            accountId,
            tool: v.tool,
            organizationName: 'Acme',
            credentials: fake.credentials,
            baseUrl: fake.url,
            waitForSync: true,
          });
        const manualTarget = () => (v.setup === 'manual' ? { url: view.url, secret: view.secret! } : undefined);
        const readsOf = (candidate: string) => fake.server.journal.filter((r) => v.isReadOf(r, candidate)).length;

        before(async () => {
          fake = await v.start();
          receiver = await webhookReceiver();
          s = await startTestServer(kind, {
            env: { ATSGATE_WEBHOOK_URL: receiver.url, ATSGATE_WEBHOOK_SECRET: 'whsec_' + randomBytes(12).toString('hex') },
          });
          integrationId = (await connect('default')).id;
          const res = await s.call('GET', `/v1/integrations/${integrationId}/vendor-webhook`);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          view = res.body.data;
          // The first sync's own data-changed goes out first, so that the counts below start after it.
          await eventually("the first sync's webhook sent", async () => {
            const { rows } = await s.started.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM webhook_deliveries WHERE state = 'PENDING'`,
            );
            return rows[0].n === 0;
          });
        });
        after(async () => {
          await s?.close();
          await receiver?.close();
          await fake?.stop();
        });

        test(`the endpoint is ${v.setup === 'api' ? 'registered with the vendor on create' : 'shown with its secret for the customer to paste'}`, () => {
          assert.match(view.url, /\/v1\/vendor-webhooks\/[A-Za-z0-9_-]{43}$/);
          if (v.setup === 'api') {
            assert.equal(view.setup, 'registered');
            const subs = fake.webhooks!.registered();
            assert.ok(subs.length >= 1, 'atsgate registered at least one webhook');
            assert.ok(
              subs.every((x) => x.url === view.url),
              'every registration points at the integration URL',
            );
          } else {
            assert.equal(view.setup, 'manual');
            assert.ok(view.secret && view.secret.length >= 32, 'the secret to paste is shown');
          }
        });

        test('a change arrives signed, is re-read once from the API and data-changed is delivered once; a redelivery re-reads nothing', async () => {
          const [a, b] = fake.candidateRemoteIds();
          const readsBefore = readsOf(a);
          const changedBefore = receiver.received.filter((r) => dataChanged(r.raw, integrationId)).length; // the first sync's
          const statuses = await fake.webhooks!.changeCandidate(a, manualTarget());
          assert.ok(statuses.length >= 1 && statuses.every((x) => x === 200), `receiver answered ${statuses}`);
          await eventually(
            'data-changed after the change',
            async () => receiver.received.filter((r) => dataChanged(r.raw, integrationId)).length === changedBefore + 1,
          );
          const readsAfterFirst = readsOf(a);
          assert.ok(readsAfterFirst > readsBefore, 'the candidate was re-read from the vendor API');

          const again = await fake.webhooks!.redeliverLast();
          assert.ok(
            again.every((x) => x === 200),
            'a redelivery is acknowledged',
          );
          // Another candidate's change: by the time its data-changed arrives, a re-read the
          // redelivery had wrongly queued would have run too.
          await fake.webhooks!.changeCandidate(b, manualTarget());
          await eventually(
            'data-changed after the second change',
            async () => receiver.received.filter((r) => dataChanged(r.raw, integrationId)).length === changedBefore + 2,
          );
          assert.equal(readsOf(a), readsAfterFirst, 'the redelivered event caused no second re-read');
          const body = JSON.parse(receiver.received.filter((r) => dataChanged(r.raw, integrationId))[changedBefore].raw);
          assert.ok(
            body.data.changed_models.some((m: { name: string }) => m.name === 'ats_applications'),
            JSON.stringify(body.data),
          );
        });

        test('a bad signature is 401 and an unknown token 404, in the Kombo envelope', async () => {
          const [a] = fake.candidateRemoteIds();
          const forged = await fake.webhooks!.changeCandidate(a, {
            url: view.url,
            secret: 'not-the-secret-' + randomBytes(8).toString('hex'),
          });
          assert.ok(
            forged.every((x) => x === 401),
            `forged: ${forged}`,
          );
          const garbage = await post(
            view.url,
            { 'ashby-signature': 'sha256=zz', signature: 'sha256 zz', 'x-workable-signature': '%%' },
            '{"no json',
          );
          assert.equal(garbage, 401);
          const unknown = await fetch(`${s.url}/v1/vendor-webhooks/${randomBytes(32).toString('base64url')}`, {
            method: 'POST',
            body: '{}',
          });
          assert.equal(unknown.status, 404);
          assert.equal((await unknown.json()).status, 'error');
        });

        test("another account's integration: its URL with this secret is refused, and its view is missing", async () => {
          otherId = (await connect('other-account')).id;
          const { rows } = await s.started.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM vendor_webhook_endpoints WHERE integration_id = $1',
            [otherId],
          );
          assert.equal(rows[0].n, 1);
          // A correctly signed event of this integration, sent to the other account's URL, is refused
          // (Workable signs with the API token, which both share here: the same Workable account).
          const other = await viewVendorWebhook(s.started.rt, 'other-account', { id: otherId, tool: v.tool });
          assert.ok(other && other.url !== view.url);
          const mine = v.setup === 'manual' ? view.secret! : fake.webhooks!.registered().find((x) => x.url === view.url)?.secret;
          if (v.tool !== 'workable' && mine) {
            const [a] = fake.candidateRemoteIds();
            const crossed = await fake.webhooks!.changeCandidate(a, { url: other.url, secret: mine });
            assert.ok(
              crossed.every((x) => x === 401),
              `crossed: ${crossed}`,
            );
          }
          const res = await s.call('GET', `/v1/integrations/${otherId}/vendor-webhook`);
          assert.equal(res.status, 404, 'like a missing integration');
          assert.equal(res.body.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND');
        });

        test('deleting the integration removes what atsgate registered with the vendor', async () => {
          const before = fake.webhooks!.registered().length;
          const res = await s.call('DELETE', `/v1/integrations/${integrationId}`, { body: {} });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          if (v.setup === 'api')
            assert.ok(fake.webhooks!.registered().length < before && !fake.webhooks!.registered().some((x) => x.url === view.url));
          const gone = await post(view.url, {}, '{}');
          assert.equal(gone, 404, 'the deleted integration URL is missing');
        });
      });
    }
  }
});
