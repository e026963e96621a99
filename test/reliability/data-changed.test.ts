/**
 * `data-changed` webhooks: sent after a sync that changed data (never after one that changed
 * nothing), in Kombo's shape as the official SDK parses it, signed, from the durable outbox.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dataChangedWebhookPayloadFromJSON } from '@kombo-api/sdk/models';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually } from '../support/eventually.ts';
import { webhookReceiver } from '../support/webhooks.ts';
import { verifyWebhook } from '../../src/webhooks/signature.ts';
import { SandboxClient } from '../../src/connectors/sandbox/client.ts';
import { startSync } from '../../src/sync/run.ts';

const DEMO = 'sandbox:demo';
const SECRET = 'whsec_' + 'd'.repeat(24);

for (const kind of databaseKinds()) {
  describe(`data-changed webhooks on ${kind}`, () => {
    let s: TestServer;
    let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
    const dataChanged = () => hooks.received.filter((h) => JSON.parse(h.raw).type === 'data-changed');

    before(async () => {
      hooks = await webhookReceiver();
      s = await startTestServer(kind, { env: { ATSGATE_WEBHOOK_URL: hooks.url, ATSGATE_WEBHOOK_SECRET: SECRET } });
    });
    after(async () => {
      await s?.close();
      await hooks?.close();
    });

    test('the first sync reports every model it wrote, in the shape the SDK parses, signed both ways', async () => {
      const [first] = await eventually('the first data-changed event', async () => (dataChanged().length ? dataChanged() : null));
      const parsed = dataChangedWebhookPayloadFromJSON(first.raw);
      assert.ok(parsed.ok, String(!parsed.ok && parsed.error));
      assert.equal(parsed.value.data.integration_id, DEMO);
      assert.equal(parsed.value.data.integration_tool, 'sandbox');
      assert.equal(parsed.value.data.integration_category, 'ATS');
      assert.deepEqual(parsed.value.data.changed_models.map((m) => m.name).sort(), [
        'ats_applications',
        'ats_candidates',
        'ats_jobs',
        'ats_rejection_reasons',
        'ats_tags',
        'ats_users',
      ]);
      assert.ok(verifyWebhook(SECRET, first.raw, first.headers['x-atsgate-signature']));
      assert.ok(verifyWebhook(SECRET, first.raw, first.headers['x-kombo-signature']));
    });

    test('a sync that changed nothing sends nothing; one that saw a deletion names what changed', async () => {
      const before = dataChanged().length;
      await (await startSync(s.started.rt, DEMO, 'FULL')).done;
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(dataChanged().length, before, 'no event for an unchanged sync');

      await new SandboxClient(s.started.rt.db, DEMO).deleteCandidate('cand-049');
      await (await startSync(s.started.rt, DEMO, 'FULL')).done;
      const event = await eventually('a second data-changed event', async () => dataChanged()[before]);
      const body = JSON.parse(event.raw);
      assert.deepEqual(body.data.changed_models.map((m: { name: string }) => m.name).sort(), ['ats_applications', 'ats_candidates']);
      // The receiver has the event before the sender has recorded its 2xx: wait for that record.
      const stateOf = async () =>
        (await s.started.db.query<{ state: string }>('SELECT state FROM webhook_deliveries WHERE id = $1', [body.id])).rows[0]?.state;
      await eventually('the delivery is recorded as SENT', async () => ((await stateOf()) === 'SENT' ? true : null));
      assert.equal(await stateOf(), 'SENT');
    });
  });
}
