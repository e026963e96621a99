/**
 * Stage moves and rejections on the built-in sandbox ATS, on both databases: what the sandbox
 * holds afterwards, the synced application, the interaction log (action, log_url on errors),
 * `Idempotency-Key` (a replay changes nothing twice), `Prefer: respond-async` (validated now,
 * delivered from the outbox), and the sandbox's own refusals (another job's stage, a hired
 * application, a move of a rejected one).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Kombo } from '@kombo-api/sdk';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { eventually } from '../support/eventually.ts';

const DEMO = 'sandbox:demo';

for (const kind of databaseKinds()) {
  describe(`stage moves and rejections on the sandbox (${kind})`, () => {
    let s: TestServer;
    let kombo: Kombo;
    let pending: any[];
    let jobs: any[];
    let reasons: any[];

    before(async () => {
      s = await startTestServer(kind);
      kombo = s.sdk(DEMO);
      pending = (await kombo.ats.getApplications({ page_size: 250, outcomes: ['PENDING'] })).result.data.results;
      jobs = (await kombo.ats.getJobs({ page_size: 250 })).result.data.results;
      reasons = (await kombo.ats.getRejectionReasons({})).result.data.results;
      assert.ok(pending.length >= 5 && reasons.length >= 2);
    });
    after(async () => {
      await s?.close();
    });

    const held = async (remoteId: string) =>
      (
        await s.started.db.query<{ data: any }>(
          `SELECT data FROM sandbox_objects WHERE integration_id = $1 AND kind = 'application' AND remote_id = $2`,
          [DEMO, remoteId],
        )
      ).rows[0].data;
    const otherStage = (a: any) => jobs.find((j) => j.id === a.job_id).stages.find((st: any) => st.id !== a.current_stage_id);
    const synced = async (id: string) => (await kombo.ats.getApplications({ ids: [id] })).result.data.results[0];

    test('a move is native, logged as ats_move_application_to_stage, and shown at once', async () => {
      const a = pending[0];
      const target = otherStage(a);
      const res = await kombo.ats.moveApplicationToStage({ application_id: a.id, body: { stage_id: target.id } });
      assert.deepEqual(res.warnings, []);
      assert.equal((await held(a.remote_id)).stage_remote_id, target.remote_id);
      const after = await synced(a.id);
      assert.equal(after.current_stage_id, target.id);
      assert.equal(after.current_stage?.name, target.name);
      const logs = (await s.call('GET', `/v1/logs?integration_id=${encodeURIComponent(DEMO)}`)).body.data.results;
      assert.ok(logs.some((l: any) => l.action === 'ats_move_application_to_stage' && l.outcome === 'SUCCESS'));
    });

    test('a stage of another job is a 400 whose log_url shows the refusal; nothing moved', async () => {
      const a = pending[1];
      const foreign = jobs.find((j) => j.id !== a.job_id).stages[0];
      const res = await s.call('PUT', `/v1/ats/applications/${a.id}/stage`, { integrationId: DEMO, body: { stage_id: foreign.id } });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'PLATFORM.INPUT_INVALID');
      assert.match(res.body.error.message, /is a stage of job .* not of job/);
      const log = await s.call('GET', new URL(res.body.error.log_url).pathname);
      assert.equal(log.body.data.action, 'ats_move_application_to_stage');
      assert.equal(log.body.data.outcome, 'ERROR');
      assert.equal((await synced(a.id)).current_stage_id, a.current_stage_id);
    });

    test('a rejection keeps reason and note; the synced application is DECLINED with the reason name', async () => {
      const a = pending[2];
      const res = await kombo.ats.rejectApplication({
        application_id: a.id,
        body: { rejection_reason_id: reasons[1].id, note: 'Great conversation, not the right level yet.' },
      });
      assert.deepEqual(res.warnings, []);
      const data = await held(a.remote_id);
      assert.equal(data.outcome, 'DECLINED');
      assert.equal(data.rejection_reason_remote_id, reasons[1].remote_id);
      assert.equal(data.rejection_note, 'Great conversation, not the right level yet.');
      const after = await synced(a.id);
      assert.equal(after.outcome, 'DECLINED');
      assert.equal(after.rejection_reason_name, reasons[1].name);
      assert.ok(after.rejected_at);
      // Rejecting again changes the reason and says so; moving a rejected application is refused.
      const again = await kombo.ats.rejectApplication({ application_id: a.id, body: { rejection_reason_id: reasons[0].id } });
      assert.match(again.warnings[0].message, /already rejected/);
      const move = await s.call('PUT', `/v1/ats/applications/${a.id}/stage`, { integrationId: DEMO, body: { stage_id: otherStage(a).id } });
      assert.equal(move.status, 400);
      assert.match(move.body.error.message, /rejected in the Sandbox ATS/);
    });

    test('Idempotency-Key: a replayed rejection answers the first response and writes once', async () => {
      const a = pending[3];
      const key = randomUUID();
      const call = () =>
        s.call('POST', `/v1/ats/applications/${a.id}/reject`, {
          integrationId: DEMO,
          headers: { 'idempotency-key': key },
          body: { rejection_reason_id: reasons[0].id },
        });
      const first = await call();
      const firstAt = (await held(a.remote_id)).rejected_at;
      const second = await call();
      assert.equal(first.status, 200);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal((await held(a.remote_id)).rejected_at, firstAt, 'not rejected a second time');
    });

    test('Prefer: respond-async: a move is accepted at once and delivered from the outbox', async () => {
      const a = pending[4];
      const target = otherStage(a);
      const res = await s.call('PUT', `/v1/ats/applications/${a.id}/stage`, {
        integrationId: DEMO,
        headers: { prefer: 'respond-async' },
        body: { stage_id: target.id },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('preference-applied'), 'respond-async');
      const logId = res.headers.get('x-atsgate-log-id')!;
      const done = await eventually('the async move to finish', async () => {
        const l = (await s.call('GET', `/v1/logs/${logId}`)).body.data;
        return l.outcome !== 'PENDING' ? l : null;
      });
      assert.equal(done.outcome, 'SUCCESS');
      assert.equal(done.action, 'ats_move_application_to_stage');
      assert.equal((await held(a.remote_id)).stage_remote_id, target.remote_id);
      assert.equal((await synced(a.id)).current_stage_id, target.id);
    });
  });
}
