/**
 * An asynchronous write and its Idempotency-Key's answer are stored in one transaction: a
 * crash between the two could otherwise leave a stored write whose key a retry claims again,
 * storing (and delivering) the write a second time.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.ts';
import { databaseKinds } from '../support/databases.ts';
import { acceptWrite } from '../../src/writes/outbox.ts';
import { getIntegration } from '../../src/store/integrations.ts';

for (const kind of databaseKinds()) {
  describe(`asynchronous writes and their idempotency keys on ${kind}`, () => {
    let s: TestServer;
    let candidateId: string;
    before(async () => {
      s = await startTestServer(kind);
      candidateId = (await s.call('GET', '/v1/ats/candidates?page_size=1', { integrationId: 'sandbox:demo' })).body.data.results[0].id;
    });
    after(async () => s?.close());

    const outboxRows = async () => Number((await s.started.db.query<{ n: string }>('SELECT count(*) AS n FROM write_outbox')).rows[0].n);

    test('if what commits with the outbox row fails, the row is not stored either (one transaction)', async () => {
      const integration = (await getIntegration(s.started.db, 'default', 'sandbox:demo'))!;
      const before = await outboxRows();
      const it = { accountId: 'default', integration, method: 'POST', path: `/v1/ats/candidates/${candidateId}/result-links` };
      const write = {
        action: 'ats_add_candidate_result_link' as const,
        candidateId,
        body: { label: 'Test', url: 'https://example.com/r/tx' },
      };
      await assert.rejects(
        acceptWrite(s.started.rt, it, write as any, async () => {
          throw new Error('the key could not be stored');
        }),
      );
      assert.equal(await outboxRows(), before, 'no stored write without its key');
    });

    test("the key's stored answer is the answer sent, stored with the write; a retry replays it and stores nothing", async () => {
      const before = await outboxRows();
      const send = () =>
        s.call('POST', `/v1/ats/candidates/${candidateId}/result-links`, {
          integrationId: 'sandbox:demo',
          headers: { 'idempotency-key': 'async-once-1', prefer: 'respond-async' },
          body: { label: 'Async', url: 'https://example.com/r/async' },
        });
      const first = await send();
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.headers.get('preference-applied'), 'respond-async');
      const stored = (
        await s.started.db.query<{ state: string; response: string }>(
          "SELECT state, response FROM idempotency_keys WHERE key = 'async-once-1'",
        )
      ).rows[0];
      assert.equal(stored.state, 'COMPLETED');
      assert.deepEqual(JSON.parse(stored.response), first.body, 'the stored answer is the one sent');
      const again = await send();
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal(await outboxRows(), before + 1, 'one stored write for the key');
    });
  });
}
