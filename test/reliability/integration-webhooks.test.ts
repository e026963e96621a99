/**
 * Kombo's integration lifecycle webhooks: `integration-created`, `integration-state-changed`
 * (enabled/disabled, credentials invalid, first sync completed), `integration-deleted` and
 * `sync-finished`. Each is delivered once, parses in the official SDK's model and in Kombo's
 * newest (Python SDK) model, is signed exactly like the other events (both headers), and goes to
 * the integration's account only: with per-account receivers (`atsgate webhooks set`) one
 * account's receiver never sees another account's events, nor does the deployment's URL.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  integrationCreatedWebhookPayloadFromJSON,
  integrationDeletedWebhookPayloadFromJSON,
  integrationStateChangedWebhookPayloadFromJSON,
  syncFinishedWebhookPayloadFromJSON,
} from '@kombo-api/sdk/models';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually } from '../support/eventually.ts';
import { webhookReceiver, type ReceivedWebhook } from '../support/webhooks.ts';
import { checkKomboModel } from '../support/kombo-models.ts';
import { Value } from '@sinclair/typebox/value';
import { verifyWebhook } from '../../src/webhooks/signature.ts';
import { WEBHOOK_EVENTS } from '../../src/api/webhook-schemas.ts';
import '../../src/api/responses.ts'; // registers the date-time format
import { setAccountWebhookDestination } from '../../src/webhooks/destinations.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { updateCredentials } from '../../src/store/integrations.ts';
import { startSync } from '../../src/sync/run.ts';

const OPERATOR_SECRET = 'whsec_' + 'o'.repeat(24);
const SECRET_A = 'whsec_' + 'a'.repeat(24);
const SECRET_B = 'whsec_' + 'b'.repeat(24);

type Receiver = Awaited<ReturnType<typeof webhookReceiver>>;
const body = (h: ReceivedWebhook) => JSON.parse(h.raw);
const ofType = (r: Receiver, type: string, integrationId: string) =>
  r.received.filter((h) => {
    const b = body(h);
    return b.type === type && (b.data.id ?? b.data.integration_id) === integrationId;
  });
const settle = () => new Promise((r) => setTimeout(r, 600));

/** The SDK's parser and Kombo's newest model both accept it; it is signed with the account's secret, both ways. */
function checkEvent(h: ReceivedWebhook, model: string, parse: (raw: string) => { ok: boolean; error?: unknown }, secret: string) {
  const parsed = parse(h.raw);
  assert.ok(parsed.ok, `${model}: ${String(!parsed.ok && parsed.error)}`);
  assert.deepEqual(checkKomboModel(body(h), model), [], model);
  // ... and the schema atsgate's OpenAPI document publishes for it.
  const schema = WEBHOOK_EVENTS[body(h).type as keyof typeof WEBHOOK_EVENTS];
  assert.deepEqual(
    [...Value.Errors(schema, body(h))].map((e) => `${e.path} ${e.message}`),
    [],
    `${model} against the OpenAPI webhook schema`,
  );
  assert.ok(verifyWebhook(secret, h.raw, h.headers['x-atsgate-signature']), `${model}: X-Atsgate-Signature`);
  assert.ok(verifyWebhook(secret, h.raw, h.headers['x-kombo-signature']), `${model}: X-Kombo-Signature`);
  assert.equal(h.headers['x-atsgate-event-type'], body(h).type);
  assert.equal(h.headers['x-atsgate-event-id'], body(h).id);
}

for (const kind of databaseKinds()) {
  describe(`integration lifecycle webhooks on ${kind}`, () => {
    let s: TestServer;
    let operator: Receiver;
    let recvA: Receiver;
    let recvB: Receiver;
    let keyA: string;
    let integrationA = '';
    let integrationB = '';

    before(async () => {
      [operator, recvA, recvB] = await Promise.all([webhookReceiver(), webhookReceiver(), webhookReceiver()]);
      s = await startTestServer(kind, { env: { ATSGATE_WEBHOOK_URL: operator.url, ATSGATE_WEBHOOK_SECRET: OPERATOR_SECRET } });
      await setAccountWebhookDestination(s.started.rt, 'acct-a', recvA.url, SECRET_A);
      await setAccountWebhookDestination(s.started.rt, 'acct-b', recvB.url, SECRET_B);
      keyA = (await createApiKey(s.started.db, 'acct-a', 'a')).key;
    });
    after(async () => {
      await s?.close();
      await Promise.all([operator?.close(), recvA?.close(), recvB?.close()]);
    });

    test("an account's webhook secret is sealed at rest, never stored as given", async () => {
      const { rows } = await s.started.db.query<{ account_id: string; secret_sealed: string }>(
        'SELECT account_id, secret_sealed FROM account_webhooks ORDER BY account_id',
      );
      assert.deepEqual(
        rows.map((r) => r.account_id),
        ['acct-a', 'acct-b'],
      );
      for (const r of rows) {
        assert.ok(!r.secret_sealed.includes('whsec_'), 'no plaintext');
        assert.match(r.secret_sealed, /^v1:/);
      }
      assert.equal(s.started.rt.box.open(rows[0].secret_sealed), SECRET_A);
    });

    test('connecting sends integration-created, then the first sync sends state-changed (COMPLETED) and sync-finished, once each', async () => {
      const a = await connectIntegration(s.started.rt, {
        accountId: 'acct-a',
        tool: 'sandbox',
        organizationName: 'Acme A',
        creatorEmail: 'owner@acme-a.example',
        originId: 'origin-a',
        credentials: { api_key: 'sandbox-a' },
        waitForSync: true,
      });
      integrationA = a.id;
      const [created] = await eventually(
        'integration-created',
        async () => ofType(recvA, 'integration-created', a.id)[0] && ofType(recvA, 'integration-created', a.id),
      );
      checkEvent(created, 'IntegrationCreatedWebhookPayload', integrationCreatedWebhookPayloadFromJSON, SECRET_A);
      assert.deepEqual(body(created).data, {
        id: a.id,
        tool: 'sandbox',
        category: 'ATS',
        end_user: { organization_name: 'Acme A', creator_email: 'owner@acme-a.example', origin_id: 'origin-a' },
      });

      const finished = await eventually('sync-finished', async () => ofType(recvA, 'sync-finished', a.id)[0]);
      checkEvent(finished, 'SyncFinishedWebhookPayload', syncFinishedWebhookPayloadFromJSON, SECRET_A);
      const f = body(finished).data;
      assert.equal(f.sync_state, 'SUCCEEDED');
      assert.equal(f.integration_id, a.id);
      assert.ok(Date.parse(f.sync_ended_at) >= Date.parse(f.sync_started_at));
      assert.ok(Number.isInteger(f.sync_duration_seconds) && f.sync_duration_seconds >= 0);
      const sync = await s.started.db.query<{ id: string }>('SELECT id FROM syncs WHERE integration_id = $1', [a.id]);
      assert.deepEqual(
        [f.sync_id],
        sync.rows.map((r) => r.id),
      );
      assert.match(f.log_url, /\/dashboard\/integrations\//);

      const changed = await eventually('state-changed', async () => ofType(recvA, 'integration-state-changed', a.id)[0]);
      checkEvent(changed, 'IntegrationStateChangedWebhookPayload', integrationStateChangedWebhookPayloadFromJSON, SECRET_A);
      assert.equal(body(changed).data.setup_status, 'COMPLETED');
      assert.equal(body(changed).data.state, 'ACTIVE');
      assert.equal(body(changed).data.qa_status, 'PASSED');

      await settle();
      for (const type of ['integration-created', 'sync-finished', 'integration-state-changed'])
        assert.equal(ofType(recvA, type, a.id).length, 1, `${type} delivered once`);
    });

    test('PUT /enabled false then true: INACTIVE then ACTIVE, a repeated value sends nothing', async () => {
      const put = (value: boolean) =>
        s.call('PUT', `/v1/integrations/${encodeURIComponent(integrationA)}/enabled`, {
          body: { value },
          headers: { authorization: `Bearer ${keyA}` },
        });
      const before = ofType(recvA, 'integration-state-changed', integrationA).length;
      assert.equal((await put(false)).status, 200);
      await eventually('INACTIVE', async () => ofType(recvA, 'integration-state-changed', integrationA).length === before + 1);
      assert.equal((await put(false)).status, 200);
      assert.equal((await put(true)).status, 200);
      await eventually('ACTIVE again', async () => ofType(recvA, 'integration-state-changed', integrationA).length === before + 2);
      await settle();
      const states = ofType(recvA, 'integration-state-changed', integrationA).slice(before);
      assert.deepEqual(
        states.map((h) => body(h).data.state),
        ['INACTIVE', 'ACTIVE'],
      );
      for (const h of states)
        checkEvent(h, 'IntegrationStateChangedWebhookPayload', integrationStateChangedWebhookPayloadFromJSON, SECRET_A);
    });

    test('credentials the ATS refuses: state INVALID and a FAILED sync-finished; a relink-free recovery sync: ACTIVE again', async () => {
      const stateBefore = ofType(recvA, 'integration-state-changed', integrationA).length;
      const syncsBefore = ofType(recvA, 'sync-finished', integrationA).length;
      await updateCredentials(s.started.db, s.started.rt.box, integrationA, { api_key: 'not-a-sandbox-key' });
      await assert.rejects((await startSync(s.started.rt, integrationA, 'FULL')).done, /rejected the API key/);
      const invalid = await eventually('INVALID', async () => ofType(recvA, 'integration-state-changed', integrationA)[stateBefore]);
      assert.equal(body(invalid).data.state, 'INVALID');
      const failed = await eventually('FAILED sync', async () => ofType(recvA, 'sync-finished', integrationA)[syncsBefore]);
      checkEvent(failed, 'SyncFinishedWebhookPayload', syncFinishedWebhookPayloadFromJSON, SECRET_A);
      assert.equal(body(failed).data.sync_state, 'FAILED');

      await updateCredentials(s.started.db, s.started.rt.box, integrationA, { api_key: 'sandbox-a' }); // ACTIVE in the row, as a relink leaves it
      await s.started.db.query(`UPDATE integrations SET status = 'INVALID' WHERE id = $1`, [integrationA]);
      await (await startSync(s.started.rt, integrationA, 'FULL')).done;
      const recovered = await eventually(
        'ACTIVE after a good sync',
        async () => ofType(recvA, 'integration-state-changed', integrationA)[stateBefore + 1],
      );
      assert.equal(body(recovered).data.state, 'ACTIVE');
    });

    test("tenancy: another account's events go to its receiver only; the deployment's URL gets neither", async () => {
      const b = await connectIntegration(s.started.rt, {
        accountId: 'acct-b',
        tool: 'sandbox',
        organizationName: 'Beta B',
        credentials: { api_key: 'sandbox-b' },
        waitForSync: true,
      });
      integrationB = b.id;
      await eventually("B's sync-finished", async () => ofType(recvB, 'sync-finished', b.id)[0]);
      const created = ofType(recvB, 'integration-created', b.id);
      assert.equal(created.length, 1);
      checkEvent(created[0], 'IntegrationCreatedWebhookPayload', integrationCreatedWebhookPayloadFromJSON, SECRET_B);
      assert.ok(!verifyWebhook(SECRET_A, created[0].raw, created[0].headers['x-atsgate-signature']), "not signed with A's secret");
      await settle();
      const ids = (r: Receiver) => new Set(r.received.map((h) => body(h).data.id ?? body(h).data.integration_id));
      assert.ok(!ids(recvA).has(b.id), "A's receiver saw nothing of B");
      assert.ok(!ids(recvB).has(integrationA), "B's receiver saw nothing of A");
      assert.ok(!ids(operator).has(integrationA) && !ids(operator).has(b.id), "the deployment's URL saw neither account's events");
      // Every event A's receiver got is about A's integration, whatever its type (data-changed included).
      assert.deepEqual([...ids(recvA)], [integrationA]);
    });

    test("DELETE sends integration-deleted once, to the account's receiver; another account's DELETE sends nothing", async () => {
      const foreign = await s.call('DELETE', `/v1/integrations/${encodeURIComponent(integrationB)}`, {
        body: {},
        headers: { authorization: `Bearer ${keyA}` },
      });
      assert.equal(foreign.status, 404);
      const res = await s.call('DELETE', `/v1/integrations/${encodeURIComponent(integrationA)}`, {
        body: {},
        headers: { authorization: `Bearer ${keyA}` },
      });
      assert.equal(res.status, 200);
      const deleted = await eventually('integration-deleted', async () => ofType(recvA, 'integration-deleted', integrationA)[0]);
      checkEvent(deleted, 'IntegrationDeletedWebhookPayload', integrationDeletedWebhookPayloadFromJSON, SECRET_A);
      assert.equal(body(deleted).data.end_user.organization_name, 'Acme A');
      assert.ok(Date.parse(body(deleted).data.deleted_at) <= Date.now());
      await settle();
      assert.equal(ofType(recvA, 'integration-deleted', integrationA).length, 1);
      assert.equal(ofType(recvB, 'integration-deleted', integrationB).length, 0, "B's integration was not deleted by A's key");
    });
  });
}
