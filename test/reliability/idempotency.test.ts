/**
 * Idempotency-Key on the write endpoints, against a real server and the sandbox ATS, on PGlite
 * and PostgreSQL. "ATS writes" are counted as result-link rows in the sandbox's own table.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { setIntegrationState } from '../../src/store/integrations.ts';
import { canonicalJson, isFinalResponse } from '../../src/writes/idempotency.ts';

const DEMO = 'sandbox:demo';

test('canonical JSON ignores key order, keeps array order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 }));
  assert.notEqual(canonicalJson({ a: [1, 2] }), canonicalJson({ a: [2, 1] }));
});

test('which responses are final: 2xx and caller-fault 4xx, never 5xx or REMOTE.*', () => {
  const err = (code: string) => JSON.stringify({ status: 'error', error: { code } });
  assert.equal(isFinalResponse(200, '{}'), true);
  assert.equal(isFinalResponse(404, err('PLATFORM.INPUT_INVALID')), true);
  assert.equal(isFinalResponse(400, err('INTEGRATION.ACTION_NOT_AVAILABLE')), true);
  assert.equal(isFinalResponse(400, err('REMOTE.INPUT_INVALID')), false);
  assert.equal(isFinalResponse(429, err('REMOTE.RATE_LIMIT_EXCEEDED')), false);
  assert.equal(isFinalResponse(409, err('INTEGRATION.INACTIVE')), false);
  assert.equal(isFinalResponse(503, err('REMOTE.SERVICE_UNAVAILABLE')), false);
  assert.equal(isFinalResponse(500, err('PLATFORM.UNKNOWN_ERROR')), false);
});

for (const kind of databaseKinds()) {
  describe(`Idempotency-Key on ${kind}`, () => {
    let s: TestServer;
    let candidateId: string;
    let path: string;

    const linkCount = async () =>
      Number(
        (await s.started.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sandbox_objects WHERE kind = 'result_link'`)).rows[0].n,
      );
    const post = (body: unknown, headers: Record<string, string> = {}, p = path) =>
      s.call('POST', p, { integrationId: DEMO, body, headers });
    const link = (n: number | string) => ({ label: `Assessment ${n}`, url: `https://assess.example.com/r/${n}` });

    before(async () => {
      s = await startTestServer(kind);
      const list = await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO });
      candidateId = list.body.data.results[0].id;
      path = `/v1/ats/candidates/${candidateId}/result-links`;
    });
    after(async () => {
      await s?.close();
    });

    test('the same key and body replays the first response without a second ATS write', async () => {
      const key = randomUUID();
      const before = await linkCount();
      const first = await post(link('replay'), { 'idempotency-key': key });
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      assert.equal(await linkCount(), before + 1);
      // Key order in the body does not make it another request.
      const second = await post({ url: link('replay').url, label: link('replay').label }, { 'idempotency-key': key });
      assert.equal(second.status, 200);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(second.body, first.body);
      assert.equal(await linkCount(), before + 1, 'no second write');
      const logs = await s.call('GET', `/v1/logs?integration_id=${encodeURIComponent(DEMO)}&limit=500`);
      assert.equal(
        logs.body.data.results.filter((l: any) => l.request?.url === link('replay').url).length,
        1,
        'one log entry: the ATS was called once',
      );
    });

    test('the same key with another body is a 409 naming the conflict, and writes nothing', async () => {
      const key = randomUUID();
      assert.equal((await post(link('c1'), { 'idempotency-key': key })).status, 200);
      const before = await linkCount();
      const res = await post(link('c2'), { 'idempotency-key': key });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID');
      assert.match(res.body.error.message, /Idempotency-Key .* different request/);
      assert.equal(await linkCount(), before);
      // The same key on another integration header is another request too.
      const other = await s.call('POST', path, { integrationId: 'sandbox:other', body: link('c1'), headers: { 'idempotency-key': key } });
      assert.equal(other.status, 409);
    });

    test('a key is per endpoint path: the same key on another candidate is a new request', async () => {
      const list = await s.call('GET', '/v1/ats/candidates?page_size=2', { integrationId: DEMO });
      const otherPath = `/v1/ats/candidates/${list.body.data.results[1].id}/result-links`;
      const key = randomUUID();
      const before = await linkCount();
      assert.equal((await post(link('p'), { 'idempotency-key': key })).status, 200);
      const res = await post(link('p'), { 'idempotency-key': key }, otherPath);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('idempotent-replayed'), null);
      assert.equal(await linkCount(), before + 2);
    });

    test('10 concurrent requests with one key make exactly one ATS write and all get its answer', async () => {
      const key = randomUUID();
      const before = await linkCount();
      const all = await Promise.all(Array.from({ length: 10 }, () => post(link('concurrent'), { 'idempotency-key': key })));
      assert.equal(await linkCount(), before + 1, 'one write');
      for (const r of all) {
        // Waiters replay the first response; one that waited too long would get a 409 "in progress".
        assert.ok(
          r.status === 200 || (r.status === 409 && /in progress/.test(r.body.error.message)),
          `unexpected ${r.status} ${JSON.stringify(r.body)}`,
        );
      }
      const ok = all.filter((r) => r.status === 200);
      assert.ok(ok.length >= 1);
      assert.equal(ok.filter((r) => r.headers.get('idempotent-replayed') === null).length, 1, 'exactly one response is the original');
      for (const r of ok) assert.deepEqual(r.body, ok[0].body);
    });

    test('an expired key is forgotten: the request runs again', async () => {
      const key = randomUUID();
      const before = await linkCount();
      assert.equal((await post(link('expiry'), { 'idempotency-key': key })).status, 200);
      const { rowCount } = await s.started.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
        key,
      ]);
      assert.equal(rowCount, 1);
      const again = await post(link('expiry'), { 'idempotency-key': key });
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), null);
      assert.equal(await linkCount(), before + 2);
      // and the key is stored anew, for the configured window (24 h by default)
      const row = await s.started.db.query<{ hours: number }>(
        `SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_keys WHERE key = $1`,
        [key],
      );
      assert.equal(Math.round(Number(row.rows[0].hours)), 24);
    });

    test('without a key, two identical requests are two writes', async () => {
      const before = await linkCount();
      assert.equal((await post(link('nokey'))).status, 200);
      assert.equal((await post(link('nokey'))).status, 200);
      assert.equal(await linkCount(), before + 2);
    });

    test('caller-fault errors are stored and replayed; an unknown candidate stays a 404', async () => {
      const key = randomUUID();
      const missing = '/v1/ats/candidates/NoSuchCandidate1234567890/result-links';
      const first = await post(link('missing'), { 'idempotency-key': key }, missing);
      assert.equal(first.status, 404);
      assert.equal(first.body.error.code, 'PLATFORM.INPUT_INVALID');
      const second = await post(link('missing'), { 'idempotency-key': key }, missing);
      assert.equal(second.status, 404);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(second.body, first.body);
    });

    test('errors that may pass on a retry are not stored: the retry with the same key succeeds', async () => {
      const key = randomUUID();
      const before = await linkCount();
      await setIntegrationState(s.started.db, DEMO, { status: 'INACTIVE' });
      try {
        const refused = await post(link('inactive'), { 'idempotency-key': key });
        assert.equal(refused.status, 409);
        assert.equal(refused.body.error.code, 'INTEGRATION.INACTIVE');
      } finally {
        await setIntegrationState(s.started.db, DEMO, { status: 'ACTIVE' });
      }
      const retried = await post(link('inactive'), { 'idempotency-key': key });
      assert.equal(retried.status, 200);
      assert.equal(retried.headers.get('idempotent-replayed'), null);
      assert.equal(await linkCount(), before + 1);
    });

    test('a body that fails validation stores nothing, so the corrected body may use the key', async () => {
      const key = randomUUID();
      const bad = await post({ label: 'no url' }, { 'idempotency-key': key });
      assert.equal(bad.status, 400);
      const good = await post(link('fixed'), { 'idempotency-key': key });
      assert.equal(good.status, 200);
      assert.equal(good.headers.get('idempotent-replayed'), null);
    });

    test('keys are 1-255 visible ASCII characters', async () => {
      const before = await linkCount();
      for (const key of ['x'.repeat(256), 'has space', 'naïve']) {
        const res = await post(link('badkey'), { 'idempotency-key': key });
        assert.equal(res.status, 400, key);
        assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID');
        assert.match(res.body.error.message, /Idempotency-Key/);
      }
      assert.equal(await linkCount(), before);
      assert.equal((await post(link('goodkey'), { 'idempotency-key': 'k'.repeat(255) })).status, 200);
    });

    test('attachments are idempotent too', async () => {
      const key = randomUUID();
      const attachments = `/v1/ats/candidates/${candidateId}/attachments`;
      const count = async () =>
        Number(
          (await s.started.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sandbox_objects WHERE kind = 'attachment'`)).rows[0].n,
        );
      const before = await count();
      const body = {
        attachment: {
          name: 'report.pdf',
          type: 'OTHER',
          content_type: 'application/pdf',
          data: Buffer.from('%PDF-1.4 report').toString('base64'),
        },
      };
      assert.equal((await post(body, { 'idempotency-key': key }, attachments)).status, 200);
      const again = await post(body, { 'idempotency-key': key }, attachments);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(await count(), before + 1);
    });

    test('application notes and application attachments are idempotent too', async () => {
      const app = (await s.call('GET', '/v1/ats/applications?page_size=1', { integrationId: DEMO })).body.data.results[0];
      const count = async (kind: string) =>
        Number(
          (await s.started.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sandbox_objects WHERE kind = $1`, [kind])).rows[0].n,
        );

      const notes = `/v1/ats/applications/${app.id}/notes`;
      const note = { content: 'Interview booked for Tuesday 10:00', content_type: 'PLAIN_TEXT' };
      const noteKey = randomUUID();
      const notesBefore = await count('note');
      const first = await post(note, { 'idempotency-key': noteKey }, notes);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const replay = await post(note, { 'idempotency-key': noteKey }, notes);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);
      assert.equal(await count('note'), notesBefore + 1, 'one note in the ATS');
      const conflict = await post({ ...note, content: 'Another note' }, { 'idempotency-key': noteKey }, notes);
      assert.equal(conflict.status, 409);
      assert.equal(await count('note'), notesBefore + 1);

      const files = `/v1/ats/applications/${app.id}/attachments`;
      const body = {
        attachment: {
          name: 'transcript.pdf',
          type: 'OTHER',
          content_type: 'application/pdf',
          data: Buffer.from('%PDF-1.4 transcript').toString('base64'),
        },
      };
      const fileKey = randomUUID();
      const filesBefore = await count('attachment');
      assert.equal((await post(body, { 'idempotency-key': fileKey }, files)).status, 200);
      const again = await post(body, { 'idempotency-key': fileKey }, files);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(await count('attachment'), filesBefore + 1);
    });
  });
}
