/**
 * The ATSs' own change notifications for Pinpoint, iCIMS, Zoho Recruit and Bullhorn, end to end
 * on one server (PGlite: the machinery's database behaviour is covered on both databases by
 * vendor-webhooks.e2e.test.ts). Each vendor's delivery is built as its docs describe (the
 * connector README cites them): verified (a wrong or missing signature/secret is 401, never a
 * 500), taken once (a redelivery is a duplicate), and followed by a re-read from the vendor's
 * API — a delta sync, as these connectors have no one-candidate read. Bullhorn pushes nothing:
 * atsgate's event subscription is created on connect, polled, and deleted with the integration;
 * a change in Bullhorn reaches the receiver as `data-changed`. UKG Pro Recruiting says why it
 * has no webhooks.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../support/server.ts';
import { webhookReceiver } from '../support/webhooks.ts';
import { eventually } from '../support/eventually.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { pollVendorEvents } from '../../src/webhooks/vendor/poll.ts';
import { post } from '../fakes/webhook-sender.ts';
import { startPinpointFake, type PinpointFake } from '../fakes/pinpoint.ts';
import { startIcimsFake, type IcimsFake } from '../fakes/icims.ts';
import { startZohoRecruitFake, type ZohoRecruitFake } from '../fakes/zohorecruit.ts';
import { startBullhornFake, type BullhornFake } from '../fakes/bullhorn.ts';
import { startUkgFake, type UkgFake } from '../fakes/ukgpro.ts';

const PINPOINT_SIGNING_SECRET = 'pp_whsec_' + randomBytes(12).toString('hex');

// The vendors' tests run side by side (each has its own fake and integration; most of their time
// is the syncs waiting on atsgate's per-vendor rate limits); Bullhorn's two run in order.
describe('vendor webhooks: Pinpoint, iCIMS, Zoho Recruit, Bullhorn, UKG Pro', { concurrency: true }, () => {
  let s: TestServer;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let pinpoint: PinpointFake;
  let icims: IcimsFake;
  let zoho: ZohoRecruitFake;
  let bullhorn: BullhornFake;
  let ukg: UkgFake;

  const connect = (tool: string, fake: { url: string; credentials: Record<string, unknown> }, extra: Record<string, unknown> = {}) =>
    connectIntegration(s.started.rt, {
      accountId: 'default',
      tool,
      organizationName: 'Acme',
      credentials: { ...fake.credentials, ...extra },
      baseUrl: fake.url,
      waitForSync: true,
    });
  const viewOf = async (id: string) => {
    const res = await s.call('GET', `/v1/integrations/${id}/vendor-webhook`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.data as { setup: string; url: string | null; secret: string | null; instructions: string; docs: string[] };
  };
  const deltaSyncs = async (id: string) => {
    const { rows } = await s.started.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM syncs WHERE integration_id = $1 AND type = 'DELTA' AND state = 'SUCCEEDED'`,
      [id],
    );
    return rows[0].n;
  };
  const dataChanged = (integrationId: string) =>
    receiver.received.filter((r) => {
      const b = JSON.parse(r.raw);
      return b.type === 'data-changed' && b.data.integration_id === integrationId;
    }).length;
  /** Posts and returns the status and the body's data. */
  const send = async (url: string, headers: Record<string, string>, body: string | Buffer) => {
    const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
    const json = (await res.json().catch(() => null)) as { data?: Record<string, unknown> } | null;
    return { status: res.status, data: json?.data ?? {} };
  };

  before(async () => {
    [pinpoint, icims, zoho, bullhorn, ukg] = await Promise.all([
      startPinpointFake(),
      startIcimsFake(),
      startZohoRecruitFake(),
      startBullhornFake(),
      startUkgFake(),
    ]);
    receiver = await webhookReceiver();
    s = await startTestServer('pglite', {
      env: { ATSGATE_WEBHOOK_URL: receiver.url, ATSGATE_WEBHOOK_SECRET: 'whsec_' + randomBytes(12).toString('hex') },
    });
  });
  after(async () => {
    await s?.close();
    await receiver?.close();
    await Promise.all([pinpoint, icims, zoho, bullhorn, ukg].map((f) => f?.stop()));
  });

  test('Pinpoint: PINPOINT-HMAC-SHA256 (base64, the signing secret Pinpoint shows) verifies; a redelivery is a duplicate; a delta sync re-reads', async () => {
    const integration = await connect('pinpoint', pinpoint, { webhook_signing_secret: PINPOINT_SIGNING_SECRET });
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'manual');
    assert.equal(view.secret, null, "Pinpoint signs with its own secret: atsgate's is not shown");
    assert.match(view.instructions, /Company → Profile → Webhooks/);
    const [application] = pinpoint.applicationRemoteIds();
    // [PP-WH] payload {event, data}; [PP-WHV] base64 HMAC-SHA256 of the body.
    const body = JSON.stringify({
      event: 'application_hired',
      triggered_at: new Date().toISOString(),
      data: { application: { id: Number(application) } },
    });
    const sign = (secret: string) => createHmac('sha256', secret).update(body).digest('base64');
    const before = await deltaSyncs(integration.id);

    const ok = await send(view.url!, { 'content-type': 'application/json', 'pinpoint-hmac-sha256': sign(PINPOINT_SIGNING_SECRET) }, body);
    assert.equal(ok.status, 200, JSON.stringify(ok));
    assert.equal(ok.data.delta_sync_queued, true);
    await eventually('the delta sync after the webhook', async () => (await deltaSyncs(integration.id)) > before);

    const again = await send(
      view.url!,
      { 'content-type': 'application/json', 'pinpoint-hmac-sha256': sign(PINPOINT_SIGNING_SECRET) },
      body,
    );
    assert.equal(again.data.duplicate, true, 'the redelivery is recognised by its signed body');

    assert.equal((await send(view.url!, { 'pinpoint-hmac-sha256': sign('another-secret') }, body)).status, 401);
    assert.equal((await send(view.url!, { 'pinpoint-hmac-sha256': '%%%' }, '{"no json')).status, 401);
    assert.equal((await send(view.url!, {}, body)).status, 401);

    // Without the signing secret among the credentials nothing can be verified: refused, not a 500.
    const unsigned = await connect('pinpoint', pinpoint);
    const other = await viewOf(unsigned.id);
    assert.equal((await send(other.url!, { 'pinpoint-hmac-sha256': sign(PINPOINT_SIGNING_SECRET) }, body)).status, 401);
  });

  test("iCIMS: Basic authentication with atsgate's secret as password verifies (plain or gzip'd JSON) and the re-read brings data-changed; others are 401", async () => {
    const integration = await connect('icims', icims);
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'manual');
    assert.ok(view.secret && view.secret.length >= 32, 'the secret to configure is shown');
    const [person] = icims.candidateRemoteIds();
    const [workflow] = icims.workflowsOf(person);
    // [IC-WSU] Status Flow Update payload.
    const event = {
      newStatus: 'C2',
      oldStatus: 'C1',
      customerId: icims.customerId,
      jobId: '1181',
      userId: '1566',
      personId: person,
      systemId: workflow,
      eventType: 'WorkFlowStatusChangeEvent',
      links: [
        {
          rel: 'applicantWorkflow',
          title: 'Applicant Workflow',
          url: `https://api.icims.com/customers/${icims.customerId}/applicantworkflows/${workflow}`,
        },
      ],
    };
    const basic = (password: string) => 'Basic ' + Buffer.from(`atsgate:${password}`).toString('base64');
    const before = await deltaSyncs(integration.id);
    await eventually("the first sync's data-changed", async () => dataChanged(integration.id) === 1);
    icims.touchWorkflow(workflow, new Date()); // the status change in iCIMS

    const ok = await send(view.url!, { 'content-type': 'application/json', authorization: basic(view.secret!) }, JSON.stringify(event));
    assert.equal(ok.status, 200, JSON.stringify(ok));
    assert.equal(ok.data.delta_sync_queued, true);
    await eventually('the delta sync after the event', async () => (await deltaSyncs(integration.id)) > before);
    await eventually('data-changed after the re-read', async () => dataChanged(integration.id) === 2);

    // Another move, delivered gzip'd ("GZIP'd RESTful JSON", [IC-EVBP]): taken as a new event.
    const zipped = gzipSync(Buffer.from(JSON.stringify({ ...event, oldStatus: 'C2', newStatus: 'C3' })));
    const gz = await send(
      view.url!,
      { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: basic(view.secret!) },
      zipped,
    );
    assert.equal(gz.status, 200);
    assert.equal(gz.data.duplicate, false);
    assert.equal(gz.data.delta_sync_queued, true);
    const again = await send(view.url!, { 'content-type': 'application/json', authorization: basic(view.secret!) }, zipped);
    assert.equal(again.data.duplicate, true);

    assert.equal((await send(view.url!, { authorization: basic('wrong-' + view.secret) }, JSON.stringify(event))).status, 401);
    assert.equal((await send(view.url!, { authorization: 'Basic !!!' }, '{')).status, 401);
    assert.equal((await send(view.url!, { authorization: 'Bearer ' + view.secret }, JSON.stringify(event))).status, 401);
  });

  test('Zoho Recruit: the custom parameter atsgate_secret verifies (URL or form body) and the re-read brings data-changed; modified_time de-duplicates', async () => {
    const integration = await connect('zohorecruit', zoho);
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'manual');
    assert.ok(view.secret);
    const [candidate] = zoho.candidateRemoteIds();
    const before = await deltaSyncs(integration.id);
    await eventually("the first sync's data-changed", async () => dataChanged(integration.id) === 1);
    zoho.touchCandidate(candidate); // the edit in Zoho Recruit that fired the workflow rule
    // [ZR-WH]: entity and custom parameters as request parameters, here in a form body.
    const form = new URLSearchParams({
      atsgate_secret: view.secret!,
      candidate_id: candidate,
      modified_time: '2026-12-05T10:00:00+00:00',
    }).toString();
    const ok = await send(view.url!, { 'content-type': 'application/x-www-form-urlencoded' }, form);
    assert.equal(ok.status, 200, JSON.stringify(ok));
    assert.equal(ok.data.delta_sync_queued, true);
    await eventually('the delta sync after the webhook', async () => (await deltaSyncs(integration.id)) > before);
    await eventually('data-changed after the re-read', async () => dataChanged(integration.id) === 2);
    assert.equal((await send(view.url!, { 'content-type': 'application/x-www-form-urlencoded' }, form)).data.duplicate, true);

    // The same parameters appended to the URL (Zoho's Preview URL), a later modification: a new event.
    const query = new URLSearchParams({
      atsgate_secret: view.secret!,
      candidate_id: candidate,
      modified_time: '2026-12-05T10:05:00+00:00',
    });
    const viaUrl = await send(`${view.url}?${query}`, {}, '');
    assert.equal(viaUrl.status, 200);
    assert.equal(viaUrl.data.duplicate, false);

    const wrong = new URLSearchParams({ atsgate_secret: 'nope', candidate_id: candidate }).toString();
    assert.equal((await send(view.url!, { 'content-type': 'application/x-www-form-urlencoded' }, wrong)).status, 401);
    assert.equal((await send(view.url!, { 'content-type': 'application/json' }, '{"candidate_id":"1"}')).status, 401);
  });

  describe('Bullhorn event subscriptions', { concurrency: 1 }, () => {
    test('Bullhorn: the event subscription is created on connect, polled into data-changed once, and deleted with the integration', async () => {
      const integration = await connect('bullhorn', bullhorn);
      const view = await viewOf(integration.id);
      assert.equal(view.setup, 'registered');
      assert.equal(bullhorn.eventSubscriptions().length, 1, 'one subscription for the integration');
      const changed = () => dataChanged(integration.id);
      // The first sync's own data-changed goes out first, so that the count below starts after it.
      await eventually("the first sync's data-changed", async () => changed() === 1);
      assert.equal(await pollVendorEvents(s.started.rt), 0, 'nothing happened yet (an empty answer is fine)');
      const changedBefore = changed();

      const [candidate] = bullhorn.candidateRemoteIds();
      bullhorn.changeCandidate(candidate);
      assert.equal(await pollVendorEvents(s.started.rt), 2, 'the Candidate and the JobSubmission event');
      await eventually('data-changed after the change', async () => changed() === changedBefore + 1);
      assert.equal(await pollVendorEvents(s.started.rt), 0, 'fetched events left the queue');

      // Nothing is ever pushed to the URL: whatever arrives there is refused.
      assert.equal(await post(view.url!, {}, '{"events":[]}'), 401);

      const res = await s.call('DELETE', `/v1/integrations/${integration.id}`, { body: {} });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(bullhorn.eventSubscriptions(), [], 'the subscription is removed');
    });

    test('Bullhorn at its 15-subscription limit: the integration is kept, the refusal shown, polling stays', async () => {
      bullhorn.fillEventSubscriptions();
      const integration = await connect('bullhorn', bullhorn);
      assert.equal(integration.setup_status, 'COMPLETED');
      const view = await viewOf(integration.id);
      assert.equal(view.setup, 'failed');
      assert.match(view.instructions, /at most 15/);
    });
  });

  test('UKG Pro Recruiting: no webhooks, with the reason and UKG docs, in the vendor-webhook view and GET /v1/tools/ats', async () => {
    const integration = await connect('ukgpro', ukg);
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'unsupported');
    assert.match(view.instructions, /events catalog/);
    assert.ok(view.docs.some((d) => d.startsWith('https://developer.ukg.com/')));
    const tools = (await s.call('GET', '/v1/tools/ats')).body.data.tools as {
      id: string;
      atsgate: { vendor_webhooks: Record<string, unknown> };
    }[];
    const by = (id: string) => tools.find((t) => t.id === id)!.atsgate.vendor_webhooks;
    assert.equal(by('ukgpro').setup, 'unsupported');
    assert.match(String(by('ukgpro').reason), /UKG Webhooks/);
    assert.equal(by('bullhorn').setup, 'polled');
    assert.equal(by('icims').setup, 'manual');
    assert.equal(by('pinpoint').setup, 'manual');
    assert.equal(by('zohorecruit').setup, 'manual');
    assert.equal(by('ashby').setup, 'api');
  });
});
