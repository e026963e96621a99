/**
 * Asynchronous writes (Prefer: respond-async): accepted after validation, stored in the outbox,
 * delivered by the job queue with retries, reported in the log and by a signed webhook. Against
 * a real server, the sandbox and the Recruitee fake, on PGlite and PostgreSQL.
 */
import './no-http-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startRecruiteeFake, type RecruiteeFake } from '../fakes/recruitee.ts';
import { connectIntegration } from '../../src/integrations/service.ts';
import { DEFAULT_ACCOUNT } from '../../src/store/keys.ts';
import { prefersAsync } from '../../src/writes/outbox.ts';
import { verifyWebhook, signWebhook } from '../../src/webhooks/signature.ts';
import { eventually } from '../support/eventually.ts';
import { webhookReceiver } from '../support/webhooks.ts';

const DEMO = 'sandbox:demo';
const ASYNC = { prefer: 'respond-async' };
const WEBHOOK_SECRET = 'whsec_' + 'x'.repeat(24);

test('Prefer parsing: respond-async among other preferences, any case', () => {
  assert.equal(prefersAsync({ prefer: 'respond-async' }), true);
  assert.equal(prefersAsync({ prefer: 'return=minimal, Respond-Async; foo=1' }), true);
  assert.equal(prefersAsync({ prefer: 'respond-asynchronously' }), false);
  assert.equal(prefersAsync({}), false);
});

test('webhook signatures: HMAC-SHA256 over the raw body, base64url, verified in constant time', () => {
  const body = '{"id":"evt_1","type":"write.delivered"}';
  const sig = signWebhook('secret-secret-secret', body);
  assert.match(sig, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(verifyWebhook('secret-secret-secret', body, sig), true);
  assert.equal(verifyWebhook('secret-secret-secret', body + ' ', sig), false);
  assert.equal(verifyWebhook('another-secret-000', body, sig), false);
});

for (const kind of databaseKinds()) {
  describe(`asynchronous writes on ${kind}`, () => {
    let s: TestServer;
    let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
    let fake: RecruiteeFake;
    let recruiteeId: string;
    let candidateId: string;

    const count = async (k: string) =>
      Number((await s.started.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sandbox_objects WHERE kind = $1', [k])).rows[0].n);
    const log = (id: string) => s.call('GET', `/v1/logs/${id}`).then((r) => r.body.data);
    const finished = (id: string) =>
      eventually(`log ${id} to finish`, async () => ((await log(id)).outcome !== 'PENDING' ? log(id) : null));
    const outbox = async (logId: string) => (await s.started.db.query('SELECT * FROM write_outbox WHERE log_id = $1', [logId])).rows[0];
    /** Webhook events received for a log, parsed (the first failing delivery included). */
    const eventsFor = (logId: string) => hooks.received.filter((h) => JSON.parse(h.raw).data.log_id === logId);

    before(async () => {
      hooks = await webhookReceiver(1, (raw) => JSON.parse(raw).type.startsWith('write.'));
      s = await startTestServer(kind, { env: { ATSGATE_WEBHOOK_URL: hooks.url, ATSGATE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
      candidateId = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0].id;
      fake = await startRecruiteeFake();
      const i = await connectIntegration(s.started.rt, {
        accountId: DEFAULT_ACCOUNT,
        tool: 'recruitee',
        organizationName: 'Acme',
        credentials: fake.credentials,
        baseUrl: fake.url,
        waitForSync: true,
      });
      recruiteeId = i.id;
    });
    after(async () => {
      await s?.close();
      await fake?.stop();
      await hooks?.close();
    });

    test('accepted at once with a log link, delivered in the background, reported by a signed webhook', async () => {
      const before = await count('result_link');
      const url = `https://assess.example.com/async/${randomUUID()}`;
      const res = await s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
        integrationId: DEMO,
        body: { label: 'Async', url },
        headers: ASYNC,
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'success');
      assert.deepEqual(res.body.data, {});
      const logId = res.headers.get('x-atsgate-log-id')!;
      assert.ok(logId);
      assert.equal(res.headers.get('location'), `${s.url}/v1/logs/${logId}`);
      assert.equal(res.headers.get('preference-applied'), 'respond-async');
      assert.equal(res.body.warnings[0].message, `Accepted for asynchronous delivery; see ${s.url}/v1/logs/${logId}`);

      const done = await finished(logId);
      assert.equal(done.outcome, 'SUCCESS');
      assert.equal(done.status_code, 200);
      assert.equal(done.request.url, url);
      assert.equal(await count('result_link'), before + 1);
      const row = await outbox(logId);
      assert.equal(row.state, 'DELIVERED');
      assert.equal(row.attempts, 1);

      // The receiver failed the first webhook delivery; it was retried with the same bytes and signature.
      const events = await eventually('two webhook deliveries', async () => (eventsFor(logId).length >= 2 ? eventsFor(logId) : null));
      assert.deepEqual(
        events.map((e) => e.status),
        [500, 204],
      );
      assert.equal(events[0].raw, events[1].raw);
      for (const e of events) assert.equal(verifyWebhook(WEBHOOK_SECRET, e.raw, e.headers['x-atsgate-signature']), true);
      const event = JSON.parse(events[1].raw);
      assert.equal(event.type, 'write.delivered');
      assert.equal(events[1].headers['x-atsgate-event-id'], event.id);
      assert.equal(event.data.outcome, 'SUCCESS');
      assert.equal(event.data.action, 'ats_add_candidate_result_link');
      assert.equal(event.data.log_url, `${s.url}/v1/logs/${logId}`);
      const sent = await eventually(
        'webhook row SENT',
        async () => (await s.started.db.query(`SELECT state FROM webhook_deliveries WHERE id = $1 AND state = 'SENT'`, [event.id])).rows[0],
      );
      assert.equal(sent.state, 'SENT');
    });

    test('invalid input fails synchronously and stores nothing', async () => {
      const res = await s.call('POST', '/v1/ats/candidates/NoSuchCandidate1234567890/result-links', {
        integrationId: DEMO,
        body: { label: 'x', url: 'https://a.example.com/' },
        headers: ASYNC,
      });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID');
      const logId = /\/v1\/logs\/(\w+)$/.exec(res.body.error.log_url)![1];
      assert.equal(await outbox(logId), undefined);
      assert.equal((await log(logId)).outcome, 'ERROR');
    });

    test('attachments: the decoded bytes wait in the outbox and arrive intact; the bytes are dropped after', async () => {
      const data = Buffer.from(`%PDF-1.4 async report ${randomUUID()}`);
      const res = await s.call('POST', `/v1/ats/candidates/${candidateId}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'async.pdf', type: 'OTHER', content_type: 'application/pdf', data: data.toString('base64') } },
        headers: ASYNC,
      });
      assert.equal(res.status, 200);
      const logId = res.headers.get('x-atsgate-log-id')!;
      assert.equal((await finished(logId)).outcome, 'SUCCESS');
      const stored = await s.started.db.query<{ content: Uint8Array }>(
        `SELECT content FROM sandbox_objects WHERE kind = 'attachment' AND data->>'name' = 'async.pdf'`,
      );
      const fromAts = stored.rows.map((r) => Buffer.from(r.content));
      assert.ok(
        fromAts.some((b) => b.equals(data)),
        'the sandbox holds the same bytes',
      );
      const row = await outbox(logId);
      assert.equal(row.state, 'DELIVERED');
      assert.equal(row.content, null);
    });

    test('while an attachment waits for delivery, its bytes are sealed in the outbox, never plaintext', async () => {
      const candidate = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: recruiteeId })).body.data.results[0].id;
      const marker = `PLAINTEXT-MARKER-${randomUUID()}`;
      fake.failNext(1, 503); // the first delivery attempt fails, so the row waits for its retry
      const res = await s.call('POST', `/v1/ats/candidates/${candidate}/attachments`, {
        integrationId: recruiteeId,
        body: {
          attachment: { name: 'sealed.txt', type: 'OTHER', content_type: 'text/plain', data: Buffer.from(marker).toString('base64') },
        },
        headers: ASYNC,
      });
      assert.equal(res.status, 200);
      const logId = res.headers.get('x-atsgate-log-id')!;
      const waiting = await outbox(logId);
      assert.ok(waiting.content, 'the bytes are held until delivery');
      const held = Buffer.from(waiting.content);
      assert.equal(held.subarray(0, 2).toString('ascii'), 'v1');
      assert.ok(!held.includes(Buffer.from(marker)), 'no plaintext in the outbox row');
      assert.equal((await finished(logId)).outcome, 'SUCCESS');
      assert.ok(
        fake
          .filesFor(fake.candidateRemoteIds().find((id) => fake.filesFor(id).some((f) => f.name === 'sealed.txt'))!)
          .some((f) => f.data.toString() === marker),
      );
    });

    test('with an Idempotency-Key the acceptance is replayed: one outbox row, one delivery', async () => {
      const key = randomUUID();
      const before = await count('result_link');
      const body = { label: 'Async once', url: `https://assess.example.com/once/${key}` };
      const a = await s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
        integrationId: DEMO,
        body,
        headers: { ...ASYNC, 'idempotency-key': key },
      });
      const b = await s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
        integrationId: DEMO,
        body,
        headers: { ...ASYNC, 'idempotency-key': key },
      });
      assert.equal(b.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(b.body, a.body);
      assert.equal(b.headers.get('x-atsgate-log-id'), a.headers.get('x-atsgate-log-id'));
      await finished(a.headers.get('x-atsgate-log-id')!);
      assert.equal(await count('result_link'), before + 1);
      // The same key without Prefer is another request.
      const sync = await s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
        integrationId: DEMO,
        body,
        headers: { 'idempotency-key': key },
      });
      assert.equal(sync.status, 409);
    });

    test('an ATS that is unavailable is retried with backoff until it accepts', async () => {
      const remote = fake.candidateRemoteIds()[0];
      const list = await s.call('GET', `/v1/ats/candidates?remote_ids=${remote}`, { integrationId: recruiteeId });
      const id = list.body.data.results[0].id;
      const url = `https://assess.example.com/retry/${randomUUID()}`;
      await s.started.rt.readBacks.drain(); // an earlier write's background re-read must not take the injected 503
      fake.failNext(1, 503);
      const res = await s.call('POST', `/v1/ats/candidates/${id}/result-links`, {
        integrationId: recruiteeId,
        body: { label: 'Retried', url },
        headers: ASYNC,
      });
      assert.equal(res.status, 200);
      const logId = res.headers.get('x-atsgate-log-id')!;
      const done = await finished(logId);
      assert.equal(done.outcome, 'SUCCESS', JSON.stringify(done.error));
      const row = await outbox(logId);
      assert.equal(row.attempts, 2);
      assert.equal(fake.notes.filter((n) => n.body.includes(url)).length, 1, 'the note arrived once');
    });

    test('application notes: accepted, retried past an outage, delivered once with the fallback warning in the log', async () => {
      const apps = (await s.call('GET', '/v1/ats/applications?page_size=1', { integrationId: recruiteeId })).body.data.results;
      const app = apps[0];
      const content = `Async interview note ${randomUUID()}`;
      // The previous test's candidate re-read runs in the background; the injected 503 must meet the note.
      await s.started.rt.readBacks.drain();
      fake.failNext(1, 503);
      const res = await s.call('POST', `/v1/ats/applications/${app.id}/notes`, {
        integrationId: recruiteeId,
        body: { content, content_type: 'PLAIN_TEXT' },
        headers: ASYNC,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.get('preference-applied'), 'respond-async');
      const logId = res.headers.get('x-atsgate-log-id')!;
      assert.equal(res.headers.get('location'), `${s.url}/v1/logs/${logId}`);
      const done = await finished(logId);
      assert.equal(done.outcome, 'SUCCESS', JSON.stringify(done.error));
      assert.equal(done.action, 'ats_add_note_to_application');
      assert.ok(
        done.warnings.some((w: { message: string }) => w.message.includes(app.remote_id) && /keeps notes on the candidate/.test(w.message)),
        JSON.stringify(done.warnings),
      );
      assert.equal((await outbox(logId)).attempts, 2);
      assert.equal(fake.notes.filter((n) => n.body === content).length, 1, 'the note arrived once');

      // An unknown application fails synchronously, as for every write.
      const missing = await s.call('POST', '/v1/ats/applications/NoSuchApplication123/notes', {
        integrationId: recruiteeId,
        body: { content, content_type: 'PLAIN_TEXT' },
        headers: ASYNC,
      });
      assert.equal(missing.status, 404);
    });

    test('application attachments: the bytes wait sealed in the outbox and arrive intact on the application', async () => {
      const app = (await s.call('GET', '/v1/ats/applications?page_size=1', { integrationId: DEMO })).body.data.results[0];
      const data = Buffer.from(`%PDF-1.4 async application file ${randomUUID()}`);
      const res = await s.call('POST', `/v1/ats/applications/${app.id}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'async-app.pdf', type: 'OTHER', content_type: 'application/pdf', data: data.toString('base64') } },
        headers: ASYNC,
      });
      assert.equal(res.status, 200);
      const logId = res.headers.get('x-atsgate-log-id')!;
      assert.equal((await finished(logId)).outcome, 'SUCCESS');
      const stored = await s.started.db.query<{ content: Uint8Array; app: string }>(
        `SELECT content, data->>'application_remote_id' AS app FROM sandbox_objects WHERE kind = 'attachment' AND data->>'name' = 'async-app.pdf'`,
      );
      assert.ok(
        stored.rows.some((r) => Buffer.from(r.content).equals(data) && r.app === app.remote_id),
        'the sandbox holds the same bytes, on the application',
      );
      assert.equal((await outbox(logId)).content, null, 'the bytes are dropped after delivery');
    });

    test('a refusal by the ATS (4xx) is terminal: no retry, log ERROR, webhook write.failed', async () => {
      const remote = fake.candidateRemoteIds()[1];
      const list = await s.call('GET', `/v1/ats/candidates?remote_ids=${remote}`, { integrationId: recruiteeId });
      const id = list.body.data.results[0].id;
      fake.deleteCandidate(remote); // gone upstream, still in atsgate's synced data
      const res = await s.call('POST', `/v1/ats/candidates/${id}/result-links`, {
        integrationId: recruiteeId,
        body: { label: 'Too late', url: 'https://assess.example.com/late' },
        headers: ASYNC,
      });
      assert.equal(res.status, 200, 'accepted: the candidate is known locally');
      const logId = res.headers.get('x-atsgate-log-id')!;
      const done = await finished(logId);
      assert.equal(done.outcome, 'ERROR');
      assert.ok(done.status_code >= 400 && done.status_code < 500, `status ${done.status_code}`);
      const row = await outbox(logId);
      assert.equal(row.state, 'FAILED');
      assert.equal(row.attempts, 1);
      const events = await eventually('a write.failed webhook', async () => {
        const ok = eventsFor(logId).filter((e) => e.status === 204);
        return ok.length ? ok : null;
      });
      assert.equal(JSON.parse(events[0].raw).type, 'write.failed');
      assert.equal(JSON.parse(events[0].raw).data.error.code, done.error.code);
    });
  });
}
