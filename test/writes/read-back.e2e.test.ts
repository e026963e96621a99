/**
 * After a write to a real connector (Lever, against its fake), the candidate is re-read in the
 * background: the write's own log holds only the write's vendor calls, the read follows it,
 * readers then see the change (updated_after), and ATSGATE_READ_BACK_AFTER_WRITE=false turns
 * the read off. The sandbox re-reads inline, covered by test/api/core.e2e.test.ts.
 */
import '../support/fast-retries.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { databaseKinds } from '../support/databases.ts';
import { startLeverFake, type LeverFake } from '../fakes/lever.ts';
import { connectIntegration } from '../../src/integrations/service.ts';

for (const kind of databaseKinds()) {
  for (const readBack of [true, false]) {
    describe(`read-back after a write on ${kind}, ATSGATE_READ_BACK_AFTER_WRITE=${readBack}`, () => {
      let s: TestServer;
      let fake: LeverFake;
      let integrationId: string;

      before(async () => {
        fake = await startLeverFake({ pageSize: 10 });
        s = await startTestServer(kind, { env: { ATSGATE_READ_BACK_AFTER_WRITE: String(readBack) } });
        const integration = await connectIntegration(s.started.rt, {
          accountId: 'default',
          tool: 'lever',
          organizationName: 'Acme',
          credentials: fake.credentials,
          baseUrl: fake.url,
          waitForSync: true,
        });
        integrationId = integration.id;
      });
      after(async () => {
        await s?.close();
        await fake?.stop();
      });

      test('the write answers with its own calls only; the candidate is re-read after it, or not at all when off', async () => {
        const kombo = s.sdk(integrationId);
        const apps = (await kombo.ats.getApplications({ page_size: 50 })).result.data.results;
        const app = apps.find((a) => a.candidate_id);
        assert.ok(app);
        const before = new Date(Date.now() - 1);
        await new Promise((r) => setTimeout(r, 5));
        const journalAt = fake.server.journal.length;

        const res = await s.call('POST', `/v1/ats/applications/${app.id}/result-links`, {
          integrationId,
          body: { label: 'Coding test', url: 'https://assess.example.com/r/1' },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        await s.started.rt.readBacks.drain();

        const after = fake.server.journal.slice(journalAt);
        const posts = after.filter((r) => r.method === 'POST');
        const gets = after.filter((r) => r.method === 'GET');
        assert.ok(
          posts.some((r) => r.path.endsWith('/addLinks')),
          'the link was written',
        );
        // The write's log lists only the write's calls: the read is not part of the answer.
        const { rows } = await s.started.db.query<{ calls: { method: string }[] }>(
          `SELECT calls FROM interaction_logs WHERE integration_id = $1 AND action = 'ats_add_application_result_link' ORDER BY created_at DESC LIMIT 1`,
          [integrationId],
        );
        assert.ok(rows[0].calls.length >= 1 && rows[0].calls.every((c) => c.method === 'POST'), JSON.stringify(rows[0].calls));

        const changed = (await kombo.ats.getCandidates({ updated_after: before })).result.data.results.map((c) => c.id);
        if (readBack) {
          assert.ok(
            gets.some((r) => r.path.includes('/opportunities')),
            `re-read from Lever: ${gets.map((g) => g.path).join(', ')}`,
          );
          assert.ok(changed.includes(app.candidate_id!), 'the re-read candidate shows as changed to readers');
        } else {
          assert.equal(gets.length, 0, `no vendor read after the write: ${gets.map((g) => g.path).join(', ')}`);
          assert.ok(!changed.includes(app.candidate_id!), 'unchanged until the next sync');
        }
      });
    });
  }
}
