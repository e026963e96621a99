/**
 * The ATSs whose webhooks are created in their own UI with a signing key the ATS generates
 * (Teamtailor, Recruitee): the customer pastes that key into atsgate. End to end on PGlite (the
 * shared machinery is covered on PostgreSQL by vendor-webhooks.e2e.test.ts): until the key is
 * saved every delivery is refused; the key is saved through the API and the dashboard; a signed
 * change is verified, re-read once from the vendor's API and Kombo's `data-changed` follows once;
 * a redelivery re-reads nothing; forged and malformed signatures are 401, never 500.
 * Teamtailor's deprecated v1 signature and Recruitee's unsigned set-up test are accepted too.
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
import { connectIntegration } from '../../src/integrations/service.ts';
import type { VendorFake } from '../fakes/types.ts';
import type { TeamtailorFake } from '../fakes/teamtailor.ts';
import type { RecruiteeFake } from '../fakes/recruitee.ts';
import { post } from '../fakes/webhook-sender.ts';
import { startPersonioFake } from '../fakes/personio.ts';
import { getConnector } from '../../src/connectors/registry.ts';
import { completeLink, createLink } from '../../src/store/connect-links.ts';

const VENDORS = [
  { tool: 'teamtailor', key: (f: VendorFake) => (f as TeamtailorFake).webhookKey },
  { tool: 'recruitee', key: (f: VendorFake) => (f as RecruiteeFake).webhookSecret },
];

describe('vendor webhooks with a key the ATS generates', { concurrency: 2 }, () => {
  for (const v of VENDORS) {
    describe(`vendor webhooks: ${v.tool} on pglite`, { concurrency: 1 }, () => {
      const c = CONNECTOR_CASES.find((x) => x.tool === v.tool)!;
      let s: TestServer;
      let fake: VendorFake;
      let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
      let integrationId: string;
      let url: string;
      const readsOf = (candidate: string) =>
        fake.server.journal.filter((r) => r.method === 'GET' && r.path.endsWith(`/candidates/${candidate}`)).length;
      const changes = () => receiver.received.filter((r) => isDataChanged(r.raw, integrationId)).length;

      before(async () => {
        ({ s, fake, receiver, integrationId } = await connectCaseOnPglite(c));
      });
      after(() => closeConnectedCase({ s, fake, receiver }));

      test('the URL is shown for pasting, with no atsgate secret, and the key the ATS generates is asked for', async () => {
        const res = await s.call('GET', `/v1/integrations/${integrationId}/vendor-webhook`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const view = res.body.data;
        assert.equal(view.setup, 'manual');
        assert.match(view.url, /\/v1\/vendor-webhooks\/[A-Za-z0-9_-]{43}$/);
        assert.equal(view.secret, null, 'atsgate chooses no secret the ATS could use');
        assert.deepEqual(view.vendor_secret, { label: view.vendor_secret.label, saved: false });
        assert.match(view.vendor_secret.label, v.tool === 'teamtailor' ? /Teamtailor/ : /Recruitee/);
        url = view.url;
      });

      test('until the key is saved, a delivery signed with it is refused (401)', async () => {
        const [a] = fake.candidateRemoteIds();
        const statuses = await fake.webhooks!.changeCandidate(a, { url, secret: v.key(fake) });
        assert.deepEqual(statuses, [401]);
        if (v.tool === 'recruitee') {
          // Recruitee's set-up test comes before the customer can save the secret: answered 200, nothing read.
          assert.equal(await (fake as RecruiteeFake).sendWebhookTest(url), 200);
          assert.equal(await post(url, {}, '{"test":true,"candidate":{"id":1}}'), 401, 'only the bare test body goes unsigned');
        }
      });

      test('the key is saved through the API; a bad body is a Kombo-envelope 400 and the key is never shown', async () => {
        const bad = await s.call('PUT', `/v1/integrations/${integrationId}/vendor-webhook`, { body: { secret: 42 } });
        assert.equal(bad.status, 400, JSON.stringify(bad.body));
        assert.equal(bad.body.status, 'error');
        const spaced = await s.call('PUT', `/v1/integrations/${integrationId}/vendor-webhook`, { body: { secret: 'has a space' } });
        assert.equal(spaced.status, 400);
        const missing = await s.call('PUT', `/v1/integrations/${v.tool}:nope/vendor-webhook`, { body: { secret: v.key(fake) } });
        assert.equal(missing.status, 404);
        const res = await s.call('PUT', `/v1/integrations/${integrationId}/vendor-webhook`, { body: { secret: v.key(fake) } });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.data.vendor_secret.saved, true);
        assert.ok(!JSON.stringify(res.body).includes(v.key(fake)), 'the pasted key is not echoed');
        const { rows } = await s.started.db.query<{ row: string }>(
          'SELECT row_to_json(e)::text AS row FROM vendor_webhook_endpoints e WHERE integration_id = $1',
          [integrationId],
        );
        assert.equal(rows.length, 1);
        assert.ok(!rows[0].row.includes(v.key(fake)), 'the key is stored sealed, never in plaintext');
      });

      test('a signed change is re-read once and data-changed delivered once; a redelivery re-reads nothing', async () => {
        const [a, b] = fake.candidateRemoteIds();
        const readsBefore = readsOf(a);
        const before = changes();
        assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret: v.key(fake) }), [200]);
        await eventually('data-changed after the change', async () => changes() === before + 1);
        const readsAfter = readsOf(a);
        assert.ok(readsAfter > readsBefore, 'the candidate was re-read from the vendor API');
        const body = JSON.parse(receiver.received.filter((r) => isDataChanged(r.raw, integrationId))[before].raw);
        assert.ok(
          body.data.changed_models.some((m: { name: string }) => m.name === 'ats_applications'),
          JSON.stringify(body.data),
        );

        assert.deepEqual(await fake.webhooks!.redeliverLast(), [200]);
        if (v.tool === 'teamtailor') (fake as TeamtailorFake).setWebhookSignatureVersion('v1'); // the deprecated scheme still counts
        assert.deepEqual(await fake.webhooks!.changeCandidate(b, { url, secret: v.key(fake) }), [200]);
        await eventually('data-changed after the second change', async () => changes() === before + 2);
        assert.equal(readsOf(a), readsAfter, 'the redelivered event caused no second re-read');
      });

      test('a forged or malformed signature is 401, never 500', async () => {
        const [a] = fake.candidateRemoteIds();
        assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret: 'not-the-key-' + randomBytes(8).toString('hex') }), [401]);
        const header = v.tool === 'teamtailor' ? 'tt-signature' : 'x-recruitee-signature';
        for (const value of ['', '%%%', Buffer.from('t=abc,v2=zz').toString('base64'), 'a'.repeat(5000)])
          assert.equal(await post(url, { [header]: value }, '{"payload":{"event_name":"candidate.update","data":{"id":"1"}}}'), 401);
        assert.equal(await post(url, { [header]: 'abc' }, '{"no json'), 401);
      });

      test('the dashboard shows the key as saved and replaces it from its form', async () => {
        const login = await fetch(`${s.url}/dashboard/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ api_key: s.apiKey }).toString(),
          redirect: 'manual',
        });
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
        const pageUrl = `${s.url}/dashboard/integrations/${encodeURIComponent(integrationId)}`;
        const page = await (await fetch(pageUrl, { headers: { cookie } })).text();
        assert.match(page, /vendor-webhook-secret/);
        assert.match(page, /<dd>Saved<\/dd>/);
        const next = 'rotated-' + randomBytes(12).toString('hex');
        const saved = await fetch(`${pageUrl}/vendor-webhook-secret`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ secret: next }).toString(),
          redirect: 'manual',
        });
        assert.equal(saved.status, 303);
        const [a] = fake.candidateRemoteIds();
        assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret: v.key(fake) }), [401], 'the replaced key no longer counts');
        assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret: next }), [200]);
      });

      if (v.tool === 'teamtailor')
        test("GET /v1/tools/ats names each ATS's webhook set-up, or why the periodic sync is the path", async () => {
          const res = await s.call('GET', '/v1/tools/ats');
          assert.equal(res.status, 200);
          const byId = new Map(res.body.data.tools.map((t: { id: string; atsgate: unknown }) => [t.id, t.atsgate]));
          const hooks = (id: string) => (byId.get(id) as { vendor_webhooks: Record<string, unknown> | null }).vendor_webhooks;
          assert.deepEqual(hooks('teamtailor'), {
            setup: 'manual',
            vendor_secret: 'Teamtailor signature key',
            docs: getConnector('teamtailor')!.webhooks!.docs,
          });
          assert.equal(hooks('recruitee')!.vendor_secret, 'Recruitee webhook secret');
          assert.equal(hooks('greenhouse')!.vendor_secret, null, 'Greenhouse takes the secret atsgate shows');
          for (const id of ['bamboohr', 'personio']) {
            assert.equal(hooks(id)!.setup, 'unsupported');
            assert.ok((hooks(id)!.docs as string[]).length > 0);
          }
          // And an integration of such an ATS says so in its vendor-webhook view.
          const personio = await startPersonioFake();
          try {
            const p = await connectIntegration(s.started.rt, {
              accountId: 'default',
              tool: 'personio',
              organizationName: 'Acme',
              credentials: personio.credentials,
              baseUrl: personio.url,
            });
            const view = await s.call('GET', `/v1/integrations/${p.id}/vendor-webhook`);
            assert.equal(view.body.data.setup, 'unsupported');
            assert.equal(view.body.data.url, null);
            assert.match(view.body.data.instructions, /recruiting.*periodic sync/s);
            assert.deepEqual(view.body.data.docs, getConnector('personio')!.webhooksUnavailable!.docs);
            // Nothing to paste for it: a key is refused.
            const put = await s.call('PUT', `/v1/integrations/${p.id}/vendor-webhook`, { body: { secret: 'some-key-123456' } });
            assert.equal(put.status, 400);
          } finally {
            await personio.stop();
          }
        });

      test("the connect page (after connecting) takes the key back from the customer's admin", async () => {
        const { link, token } = await createLink(s.started.db, {
          accountId: 'default',
          kind: 'CONNECT',
          linkType: 'EMBEDDED',
          ttlMs: 3_600_000,
          endUserEmail: null,
          organizationName: 'Acme',
          originId: null,
          tool: v.tool,
          integrationId: null,
          options: {},
        });
        const send = (secret: string) =>
          fetch(`${s.url}/connect/${token}/vendor-webhook-secret`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ secret }).toString(),
          });
        assert.equal((await send(v.key(fake))).status, 404, 'not before the link has connected an integration');
        await completeLink(s.started.db, link.id, integrationId, 60_000);
        const page = await (await fetch(`${s.url}/connect/${token}`)).text();
        assert.match(page, /<form id="vendor-webhook-key" method="post"/);
        const bad = await send('short');
        assert.equal(bad.status, 400);
        assert.match(await bad.text(), /8 to 500 characters/);
        const ok = await send(v.key(fake));
        assert.equal(ok.status, 200);
        const html = await ok.text();
        assert.match(html, /Saved: the webhooks are now accepted/);
        assert.ok(!html.includes(v.key(fake)), 'the key is not echoed into the page');
        const [a] = fake.candidateRemoteIds();
        assert.deepEqual(await fake.webhooks!.changeCandidate(a, { url, secret: v.key(fake) }), [200]);
      });

      test('deleting the integration makes its URL missing', async () => {
        const res = await s.call('DELETE', `/v1/integrations/${integrationId}`, { body: {} });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(await post(url, {}, '{}'), 404);
      });
    });
  }
});
