/**
 * PUT /v1/integrations/:id/enabled (Kombo: `{value: boolean}`, answer `{status, data: {}}`;
 * "When disabling, all currently running syncs will be cancelled"). A disabled integration:
 * - shows status INACTIVE in its details (Kombo: "manually set to inactive");
 * - refuses writes (sync and `Prefer: respond-async`) with INTEGRATION.INACTIVE (409), and
 *   force-sync with PLATFORM.INPUT_INVALID (409: general endpoints may only answer PLATFORM.*);
 * - is skipped by the scheduler, and a sync job queued before it was disabled does nothing;
 * - stays disabled across a relink (new credentials set status ACTIVE, not `enabled`);
 * and everything works again once it is enabled.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { dueSyncs } from '../../src/sync/scheduler.ts';
import { beginSync } from '../../src/store/syncs.ts';
import { SYNC_TASK } from '../../src/jobs/sync-tasks.ts';
import { getIntegrationById, updateCredentials, openCredentials } from '../../src/store/integrations.ts';

const DEMO = 'sandbox:demo';

for (const kind of databaseKinds()) {
  describe(`integration enabled on ${kind}`, () => {
    let s: TestServer;
    let cand: string;
    const link = { label: 'Assessment', url: 'https://results.example/1' };

    before(async () => {
      s = await startTestServer(kind);
      cand = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: DEMO })).body.data.results[0].id;
    });
    after(() => s?.close());

    const setEnabled = (value: unknown, id = DEMO) =>
      s.call('PUT', `/v1/integrations/${encodeURIComponent(id)}/enabled`, { body: { value } });
    const syncCount = async () =>
      Number((await s.started.db.query<{ n: number }>('SELECT count(*)::int AS n FROM syncs WHERE integration_id = $1', [DEMO])).rows[0].n);

    test("the body is Kombo's {value: boolean}; the answer Kombo's {status, data: {}}", async () => {
      for (const bad of [{}, { value: 'false' }, { value: 0 }, { value: null }, { value: true, extra: 1 }]) {
        const res = await s.call('PUT', `/v1/integrations/${DEMO}/enabled`, { body: bad });
        assert.equal(res.status, 400, JSON.stringify(bad));
        assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID');
      }
      const res = await setEnabled(true);
      assert.equal(res.status, 200);
      // Python SDK PutIntegrationsIntegrationIDEnabledPositiveResponse: status "success", data {}.
      assert.deepEqual(res.body, { status: 'success', data: {} });
      assert.equal((await setEnabled(true, 'sandbox:NoSuchIntegration')).status, 404);
    });

    test('disabled: INACTIVE in the details, writes and force-sync refused, a running sync cancelled, the scheduler skips it', async () => {
      const running = await beginSync(s.started.db, DEMO, 'DELTA');
      assert.ok(running.created, 'a sync is running');
      assert.equal((await setEnabled(false)).status, 200);

      const cancelled = await s.started.db.query<{ state: string; error: string }>('SELECT state, error FROM syncs WHERE id = $1', [
        running.sync.id,
      ]);
      assert.equal(cancelled.rows[0].state, 'FAILED');
      assert.match(cancelled.rows[0].error, /disabled/);

      const details = await s.call('GET', `/v1/integrations/${DEMO}`);
      assert.equal(details.body.data.status, 'INACTIVE');

      const write = await s.call('POST', `/v1/ats/candidates/${cand}/result-links`, { integrationId: DEMO, body: link });
      assert.equal(write.status, 409, JSON.stringify(write.body));
      assert.equal(write.body.error.code, 'INTEGRATION.INACTIVE');
      assert.match(write.body.error.message, /disabled/);
      const asyncWrite = await s.call('POST', `/v1/ats/candidates/${cand}/result-links`, {
        integrationId: DEMO,
        body: link,
        headers: { prefer: 'respond-async' },
      });
      assert.equal(asyncWrite.status, 409);
      assert.equal(asyncWrite.body.error.code, 'INTEGRATION.INACTIVE');
      const attachment = await s.call('POST', `/v1/ats/candidates/${cand}/attachments`, {
        integrationId: DEMO,
        body: { attachment: { name: 'a.pdf', type: 'CV', content_type: 'application/pdf', data: 'JVBERi0=' } },
      });
      assert.equal(attachment.status, 409);

      const syncsBefore = await syncCount();
      const forced = await s.call('POST', '/v1/force-sync', { integrationId: DEMO, body: { type: 'FULL' } });
      assert.equal(forced.status, 409, JSON.stringify(forced.body));
      assert.equal(forced.body.error.code, 'PLATFORM.INPUT_INVALID', 'general endpoints answer PLATFORM.* codes only');
      assert.match(forced.body.error.message, /disabled/);

      const farFuture = new Date(Date.now() + 365 * 24 * 3600_000);
      assert.ok(!(await dueSyncs(s.started.rt, farFuture)).some((d) => d.integrationId === DEMO), 'the scheduler skips it');

      // A sync job queued before the integration was disabled runs and does nothing.
      await s.started.rt.jobs.add(SYNC_TASK, { integrationId: DEMO, type: 'FULL' }, { jobKey: DEMO, jobKeyMode: 'replace' });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await syncCount(), syncsBefore, 'no sync ran');

      // Reads of the data synced so far still answer.
      assert.equal((await s.call('GET', '/v1/ats/jobs', { integrationId: DEMO })).status, 200);
    });

    test('a relink (new credentials) does not enable it again', async () => {
      const row = (await getIntegrationById(s.started.db, DEMO))!;
      await updateCredentials(s.started.db, s.started.rt.box, DEMO, openCredentials(s.started.rt.box, row));
      assert.equal((await s.call('GET', `/v1/integrations/${DEMO}`)).body.data.status, 'INACTIVE');
      assert.equal((await s.call('POST', '/v1/force-sync', { integrationId: DEMO, body: {} })).status, 409);
    });

    test('enabled again: writes, force-sync and the scheduler work again', async () => {
      assert.equal((await setEnabled(true)).status, 200);
      assert.equal((await s.call('GET', `/v1/integrations/${DEMO}`)).body.data.status, 'ACTIVE');
      const write = await s.call('POST', `/v1/ats/candidates/${cand}/result-links`, { integrationId: DEMO, body: link });
      assert.equal(write.status, 200, JSON.stringify(write.body));
      const farFuture = new Date(Date.now() + 365 * 24 * 3600_000);
      assert.ok(
        (await dueSyncs(s.started.rt, farFuture)).some((d) => d.integrationId === DEMO),
        'due again',
      );
      const forced = await s.call('POST', '/v1/force-sync', { integrationId: DEMO, body: { type: 'DELTA' } });
      assert.equal(forced.status, 200, JSON.stringify(forced.body));
    });
  });
}
