/**
 * Candidate tags on the built-in sandbox, through the HTTP API, on both databases: the writes
 * share everything the other write-backs have (interaction log under Kombo's action names,
 * Idempotency-Key replay, `Prefer: respond-async` with a log_url, the body checks), and tenancy:
 * another account's candidate id behaves exactly like a missing one, on both writes.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { createApiKey } from '../../src/store/keys.ts';
import { connectIntegration } from '../../src/integrations/service.ts';

const DEMO = 'sandbox:demo';

for (const kind of databaseKinds()) {
  describe(`candidate tags on the sandbox (${kind})`, () => {
    let s: TestServer;
    let candidate: { id: string; remote_id: string };
    const tagsPath = () => `/v1/ats/candidates/${candidate.id}/tags`;
    const heldTags = async () =>
      (
        await s.started.db.query<{ data: any }>(
          "SELECT data FROM sandbox_objects WHERE integration_id = $1 AND kind = 'candidate' AND remote_id = $2",
          [DEMO, candidate.remote_id],
        )
      ).rows[0].data.tags as string[];

    before(async () => {
      s = await startTestServer(kind);
      candidate = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0];
    });
    after(async () => s?.close());

    test('both writes are logged as ats_add_candidate_tag / ats_remove_candidate_tag, with the path and the body', async () => {
      const body = { tag: { name: 'Logged Tag' } };
      assert.equal((await s.call('POST', tagsPath(), { integrationId: DEMO, body })).status, 200);
      assert.equal((await s.call('DELETE', tagsPath(), { integrationId: DEMO, body })).status, 200);
      const logs = (await s.call('GET', `/v1/logs?integration_id=${encodeURIComponent(DEMO)}&limit=20`)).body.data.results;
      for (const [action, method] of [
        ['ats_add_candidate_tag', 'POST'],
        ['ats_remove_candidate_tag', 'DELETE'],
      ]) {
        const entry = logs.find((l: any) => l.action === action && l.request?.tag?.name === 'Logged Tag');
        assert.ok(entry, `${action} is in the log`);
        assert.equal(entry.method, method);
        assert.equal(entry.path, tagsPath());
        assert.equal(entry.outcome, 'SUCCESS');
      }
    });

    test('Idempotency-Key: a retry replays the answer and the tag is written once; another body under the key is a 409', async () => {
      const key = `tag-${kind}-${Date.now()}`;
      const body = { tag: { name: 'Idempotent Tag' } };
      const first = await s.call('POST', tagsPath(), { integrationId: DEMO, body, headers: { 'idempotency-key': key } });
      assert.equal(first.status, 200);
      await s.call('DELETE', tagsPath(), { integrationId: DEMO, body }); // removed meanwhile: a replay must not add it again
      const again = await s.call('POST', tagsPath(), { integrationId: DEMO, body, headers: { 'idempotency-key': key } });
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.ok(!(await heldTags()).includes('Idempotent Tag'), 'the replay did not write again');
      const other = await s.call('POST', tagsPath(), {
        integrationId: DEMO,
        body: { tag: { name: 'Other' } },
        headers: { 'idempotency-key': key },
      });
      assert.equal(other.status, 409);
    });

    test('Prefer: respond-async accepts the write with a log_url, and the tag arrives', async () => {
      const body = { tag: { name: 'Async Tag' } };
      const res = await s.call('POST', tagsPath(), { integrationId: DEMO, body, headers: { prefer: 'respond-async' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.headers.get('preference-applied'), 'respond-async');
      assert.match(res.body.warnings[0].message, /asynchronous delivery; see http/);
      const logId = res.headers.get('x-atsgate-log-id');
      for (let i = 0; i < 100 && !(await heldTags()).includes('Async Tag'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok((await heldTags()).includes('Async Tag'), 'delivered');
      const log = await s.call('GET', `/v1/logs/${logId}`);
      assert.equal(log.body.data.action, 'ats_add_candidate_tag');
    });

    test('bodies are checked: no tag, a blank name, a name too long, a wrong type are 400s naming the field', async () => {
      for (const body of [
        {},
        { tag: {} },
        { tag: { name: '' } },
        { tag: { name: '   ' } },
        { tag: { name: 'x'.repeat(256) } },
        { tag: { name: 7 } },
      ]) {
        for (const method of ['POST', 'DELETE']) {
          const res = await s.call(method, tagsPath(), { integrationId: DEMO, body });
          assert.equal(res.status, 400, `${method} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID');
          assert.match(res.body.error.message, /tag/);
        }
      }
    });

    test("tenancy: another account's candidate id is a missing candidate on both writes, and its key does not reach this integration", async () => {
      const otherKey = (await createApiKey(s.started.db, `tags-other-${kind}`, `tags-other-${kind}`)).key;
      const mine = await connectIntegration(s.started.rt, {
        accountId: `tags-other-${kind}`,
        tool: 'sandbox',
        organizationName: 'Other Co',
        credentials: { api_key: 'sandbox-other' },
        waitForSync: true,
      });
      const headers = { authorization: `Bearer ${otherKey}` };
      const body = { tag: { name: 'Foreign' } };
      for (const method of ['POST', 'DELETE']) {
        const foreign = await s.call(method, tagsPath(), { integrationId: mine.id, body, headers });
        const missing = await s.call(method, '/v1/ats/candidates/NoSuchCandidate9/tags', { integrationId: mine.id, body, headers });
        assert.equal(foreign.status, 404);
        assert.equal(foreign.body.error.code, missing.body.error.code);
        assert.equal(
          foreign.body.error.message.replace(candidate.id, '<id>'),
          missing.body.error.message.replace('NoSuchCandidate9', '<id>'),
        );
        const viaDemo = await s.call(method, tagsPath(), { integrationId: DEMO, body, headers });
        assert.equal(viaDemo.status, 404);
        assert.equal(viaDemo.body.error.code, 'PLATFORM.INTEGRATION_NOT_FOUND');
      }
      assert.ok(!(await heldTags()).includes('Foreign'), 'nothing reached the candidate');
      const list = await s.call('GET', '/v1/ats/tags', { integrationId: DEMO, headers });
      assert.equal(list.status, 404);
    });

    test('GET /ats/tags filters by ids and remote_ids, pages with cursors, and shows removed tags only with include_deleted', async () => {
      await s.call('POST', tagsPath(), { integrationId: DEMO, body: { tag: { name: 'Filter Me' } } });
      const all = (await s.call('GET', '/v1/ats/tags?page_size=250', { integrationId: DEMO })).body.data.results;
      const t = all.find((x: any) => x.name === 'Filter Me');
      assert.ok(t);
      assert.equal(t.remote_id, 'tag-filter-me');
      const byId = await s.call('GET', `/v1/ats/tags?ids=${t.id}`, { integrationId: DEMO });
      assert.deepEqual(
        byId.body.data.results.map((x: any) => x.name),
        ['Filter Me'],
      );
      const byRemote = await s.call('GET', '/v1/ats/tags?remote_ids=tag-filter-me', { integrationId: DEMO });
      assert.deepEqual(
        byRemote.body.data.results.map((x: any) => x.id),
        [t.id],
      );
      const first = await s.call('GET', '/v1/ats/tags?page_size=1', { integrationId: DEMO });
      assert.equal(first.body.data.results.length, 1);
      if (all.length > 1) {
        assert.ok(first.body.data.next);
        const second = await s.call('GET', `/v1/ats/tags?page_size=1&cursor=${first.body.data.next}`, { integrationId: DEMO });
        assert.notEqual(second.body.data.results[0].id, first.body.data.results[0].id);
      }
    });
  });
}
