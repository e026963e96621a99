/**
 * The ATSs' own change notifications for Pinpoint, iCIMS, Zoho Recruit and Bullhorn, end to end
 * on one server (PGlite: the machinery's database behaviour is covered on both databases by
 * vendor-webhooks.e2e.test.ts). Each fake makes the change and sends the delivery its vendor
 * documents (the connector READMEs cite the sources): verified (a wrong or missing
 * signature/secret is 401, never a 500), taken once (a redelivery re-reads nothing), re-read from
 * the vendor's API — a delta sync, as these connectors have no one-candidate read — and
 * `data-changed` reaches the receiver. Bullhorn pushes nothing: atsgate's event subscription is
 * created on connect, polled, and deleted with the integration. UKG Pro Recruiting says why it
 * has no webhooks.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/server.ts';
import { webhookReceiver } from '../support/webhooks.ts';
import { eventually } from '../support/eventually.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { pollVendorEvents } from '../../src/webhooks/vendor/poll.ts';
import { post } from '../fakes/webhook-sender.ts';
import type { VendorFake } from '../fakes/types.ts';
import { startPinpointFake, type PinpointFake } from '../fakes/pinpoint.ts';
import { startIcimsFake, type IcimsFake } from '../fakes/icims.ts';
import { startZohoRecruitFake, type ZohoRecruitFake } from '../fakes/zohorecruit.ts';
import { startBullhornFake, type BullhornFake } from '../fakes/bullhorn.ts';
import { startUkgFake, type UkgFake } from '../fakes/ukgpro.ts';

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

  /**
   * The shared path of a vendor that pushes to a pasted URL: the fake's change arrives verified,
   * queues the re-read (a delta sync), data-changed reaches the receiver once, and the vendor's
   * redelivery is a duplicate that re-reads nothing.
   */
  const pushedChangeArrives = async (
    integrationId: string,
    fake: { webhooks?: VendorFake['webhooks']; candidateRemoteIds(): string[] },
    target: { url: string; secret: string },
  ) => {
    await eventually("the first sync's data-changed", async () => dataChanged(integrationId) === 1);
    const syncsBefore = await deltaSyncs(integrationId);
    const [candidate] = fake.candidateRemoteIds();
    assert.deepEqual(await fake.webhooks!.changeCandidate(candidate, target), [200]);
    await eventually('data-changed after the re-read', async () => dataChanged(integrationId) === 2);
    await eventually('the re-read was a delta sync', async () => (await deltaSyncs(integrationId)) > syncsBefore);
    const syncsAfter = await deltaSyncs(integrationId);
    assert.deepEqual(await fake.webhooks!.redeliverLast(), [200]);
    const { rows } = await s.started.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM vendor_webhook_events WHERE integration_id = $1',
      [integrationId],
    );
    assert.equal(rows[0].n, 1, 'the redelivery was not taken again');
    assert.equal(await deltaSyncs(integrationId), syncsAfter, 'and queued no second re-read');
    // The same change signed with another secret is refused.
    assert.deepEqual(await fake.webhooks!.changeCandidate(candidate, { url: target.url, secret: 'not-' + target.secret }), [401]);
  };

  test("Pinpoint: the change arrives signed with Pinpoint's signing secret (PINPOINT-HMAC-SHA256), once; others are 401", async () => {
    const integration = await connect('pinpoint', pinpoint);
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'manual');
    assert.equal(view.secret, null, "Pinpoint signs with its own secret: atsgate's is not shown");
    assert.match(view.instructions, /Company → Profile → Webhooks/);
    // Until Pinpoint's signing secret is pasted nothing verifies: 401, never a 500.
    const second = pinpoint.candidateRemoteIds()[1];
    assert.deepEqual(await pinpoint.webhooks!.changeCandidate(second, { url: view.url!, secret: pinpoint.signingSecret }), [401]);
    const saved = await s.call('PUT', `/v1/integrations/${integration.id}/vendor-webhook`, { body: { secret: pinpoint.signingSecret } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    await pushedChangeArrives(integration.id, pinpoint, { url: view.url!, secret: pinpoint.signingSecret });
    assert.equal((await send(view.url!, { 'pinpoint-hmac-sha256': '%%%' }, '{"no json')).status, 401);
    assert.equal((await send(view.url!, {}, '{"event":"application_hired","data":{}}')).status, 401);
  });

  test("iCIMS: a gzip'd Status Flow Update with Basic authentication (atsgate's secret as password) arrives once; others are 401", async () => {
    const integration = await connect('icims', icims);
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'manual');
    assert.ok(view.secret && view.secret.length >= 32, 'the secret to configure is shown');
    await pushedChangeArrives(integration.id, icims, { url: view.url!, secret: view.secret! });
    // A plain (not gzip'd) delivery is taken too.
    const [person] = icims.candidateRemoteIds();
    const plain = JSON.stringify({
      personId: person,
      systemId: icims.workflowsOf(person)[0],
      eventType: 'WorkFlowStatusChangeEvent',
      newStatus: 'C2003',
      oldStatus: 'C2002',
    });
    const basic = (password: string) => 'Basic ' + Buffer.from(`atsgate:${password}`).toString('base64');
    const ok = await send(view.url!, { 'content-type': 'application/json', authorization: basic(view.secret!) }, plain);
    assert.equal(ok.status, 200);
    assert.equal(ok.data.delta_sync_queued, true);
    assert.equal((await send(view.url!, { authorization: 'Basic !!!' }, '{')).status, 401);
    assert.equal((await send(view.url!, { authorization: 'Bearer ' + view.secret }, plain)).status, 401);
    assert.equal((await send(view.url!, {}, plain)).status, 401);
  });

  test('Zoho Recruit: the workflow webhook with the atsgate_secret parameter arrives once (form body or URL); others are 401', async () => {
    const integration = await connect('zohorecruit', zoho);
    const view = await viewOf(integration.id);
    assert.equal(view.setup, 'manual');
    assert.ok(view.secret);
    await pushedChangeArrives(integration.id, zoho, { url: view.url!, secret: view.secret! });
    // The parameters appended to the URL instead (Zoho's "Preview URL"), a later modification: a new event.
    const [candidate] = zoho.candidateRemoteIds();
    const query = new URLSearchParams({
      atsgate_secret: view.secret!,
      candidate_id: candidate,
      modified_time: '2026-12-05T10:05:00+00:00',
    });
    const viaUrl = await send(`${view.url}?${query}`, {}, '');
    assert.equal(viaUrl.status, 200);
    assert.equal(viaUrl.data.duplicate, false);
    assert.equal((await send(view.url!, { 'content-type': 'application/json' }, '{"candidate_id":"1"}')).status, 401);
    assert.equal((await send(`${view.url}?atsgate_secret=`, {}, '')).status, 401);
  });

  describe('Bullhorn event subscriptions', { concurrency: 1 }, () => {
    test('Bullhorn: the event subscription is created on connect, polled into data-changed once, and deleted with the integration', async () => {
      const integration = await connect('bullhorn', bullhorn);
      const view = await viewOf(integration.id);
      assert.equal(view.setup, 'registered');
      assert.match(view.instructions, /event queue every minute/);
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
